"""Small helpers the main blueprint's views share."""

import sqlalchemy as sa
from flask import abort, current_app

from ..models import Post, User
from ..pagination import CursorPage, cursor_page
from ..web import query_int

# Deeper pages than this are a 400: ``?page=`` lists are read by OFFSET.
MAX_PAGE = 100_000


def page_number() -> int:
    """``?page=``: a whole number from 1 to MAX_PAGE (default 1); anything else is a 400."""
    return query_int("page", default=1, minimum=1, maximum=MAX_PAGE)


def post_page(select: sa.Select) -> CursorPage:
    """The page of posts a request asks for: ``?before=<post id>`` (older), ``?after=<post id>``
    (newer) or ``?page=N``; the page's own links carry the cursors."""
    return cursor_page(
        select, (Post.timestamp, Post.id), current_app.config["POSTS_PER_PAGE"],
        number=page_number(), before=query_int("before"), after=query_int("after"),
    )


def find_user_or_404(username: str) -> User:
    user = User.find_by_username(username)
    if user is None:
        abort(404)
    return user
