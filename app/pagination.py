"""Pagination that never counts the whole table: by page number, or by keyset (before/after an id)."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from .extensions import db


@dataclass
class Page:
    items: list[Any]
    number: int
    has_prev: bool
    has_next: bool


def paginate(select: sa.Select, number: int, per_page: int) -> Page:
    """Run ``select`` for page ``number``, fetching one extra row to learn if another page follows."""
    number = max(number, 1)
    rows = db.session.scalars(select.limit(per_page + 1).offset((number - 1) * per_page)).unique().all()
    return Page(items=list(rows[:per_page]), number=number, has_prev=number > 1, has_next=len(rows) > per_page)


@dataclass
class KeysetPage:
    items: list[Any]
    has_more: bool  # more rows lie beyond the last item, in the direction read


def keyset_page(
    select: sa.Select, key: sa.ColumnElement, limit: int, before: int | None = None, after: int | None = None
) -> KeysetPage:
    """Up to ``limit`` rows of ``select`` with ``key`` strictly between ``after`` and ``before``.

    Reading back from ``before`` (or from the newest) gives rows newest first; reading on
    from ``after`` alone gives them oldest first, the order they happened. Either way the
    database walks the index on ``key`` from the bound, so the thousandth page costs what the
    first does, and one extra row says whether more follow.
    """
    if before is not None:
        select = select.where(key < before)
    if after is not None:
        select = select.where(key > after)
    forwards = after is not None and before is None
    rows = db.session.scalars(select.order_by(key.asc() if forwards else key.desc()).limit(limit + 1)).unique().all()
    return KeysetPage(items=list(rows[:limit]), has_more=len(rows) > limit)
