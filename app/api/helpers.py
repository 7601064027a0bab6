"""Small helpers the API's views share."""

import functools
from typing import TypeVar

from flask import abort, request
from werkzeug.exceptions import HTTPException, UnsupportedMediaType, default_exceptions

from ..accounts import AccountError
from ..extensions import db
from ..web import MAX_QUERY_INT

Model = TypeVar("Model")


def find_or_404(model: type[Model], id: int) -> Model:
    """The row of ``model`` with this id, or a 404 (ids beyond an integer column do not exist)."""
    if not 1 <= id <= MAX_QUERY_INT:
        abort(404)
    return db.get_or_404(model, id)


def multipart_only(view):
    """A view that takes a file: anything but a multipart/form-data body is a 415."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.mimetype != "multipart/form-data":
            raise UnsupportedMediaType("Send the file as multipart/form-data.")
        return view(*args, **kwargs)

    return wrapper


def account_error(error: AccountError) -> HTTPException:
    """An account service's refusal as an HTTP error (400, 403 or 409) naming the field at fault."""
    exception = default_exceptions[error.status](str(error.message))
    exception.errors = {error.field: [str(error.message)]}
    return exception
