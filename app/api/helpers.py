"""Small helpers the API's views share."""

from typing import TypeVar

from flask import abort
from werkzeug.exceptions import HTTPException, default_exceptions

from ..accounts import AccountError
from ..extensions import db
from ..web import MAX_QUERY_INT

Model = TypeVar("Model")


def find_or_404(model: type[Model], id: int) -> Model:
    """The row of ``model`` with this id, or a 404 (ids beyond an integer column do not exist)."""
    if not 1 <= id <= MAX_QUERY_INT:
        abort(404)
    return db.get_or_404(model, id)


def account_error(error: AccountError) -> HTTPException:
    """An account service's refusal as an HTTP error (400, 403 or 409) naming the field at fault."""
    exception = default_exceptions[error.status](str(error.message))
    exception.errors = {error.field: [str(error.message)]}
    return exception
