"""Small helpers the main blueprint's views share."""

from flask import abort

from ..models import User
from ..web import query_int

# Deeper pages than this are a 400: ``?page=`` lists are read by OFFSET.
MAX_PAGE = 100_000


def page_number() -> int:
    """``?page=``: a whole number from 1 to MAX_PAGE (default 1); anything else is a 400."""
    return query_int("page", default=1, minimum=1, maximum=MAX_PAGE)


def find_user_or_404(username: str) -> User:
    user = User.find_by_username(username)
    if user is None:
        abort(404)
    return user
