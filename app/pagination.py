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


@dataclass
class CursorPage:
    """A page of a newest-first list whose links carry keyset cursors: ``?before=<id>`` of its
    last item for the older page, ``?after=<id>`` of its first for the newer one."""

    items: list[Any]
    newer_than: int | None  # the ?after= cursor of the newer page; None on the newest page
    older_than: int | None  # the ?before= cursor of the older page; None on the oldest

    @property
    def newer(self) -> dict[str, int] | None:
        return {"after": self.newer_than} if self.newer_than is not None else None

    @property
    def older(self) -> dict[str, int] | None:
        return {"before": self.older_than} if self.older_than is not None else None

    @property
    def has_prev(self) -> bool:
        return self.newer_than is not None

    @property
    def has_next(self) -> bool:
        return self.older_than is not None


def cursor_page(
    select: sa.Select,
    order: tuple[Any, Any],
    per_page: int,
    number: int = 1,
    before: int | None = None,
    after: int | None = None,
) -> CursorPage:
    """A page of ``select``, newest first by ``order`` (a time column and the id that breaks ties).

    ``before`` reads the rows older than the row with that id, ``after`` the rows newer than
    it (``before`` wins when both are given), each from the index on ``order``, so a deep page
    costs what the first does. Without either, page ``number`` is read by OFFSET, which keeps
    the tutorial's ``?page=N`` links answering. A cursor whose row is gone stands for the
    nearest row beyond it by id (ids grow with time). A newer page that reaches the newest row
    is the first page itself, so the top page is always full.
    """
    time_column, id_column = order
    unordered = select.order_by(None)
    if before is not None:
        rows = db.session.scalars(
            unordered.where(sa.tuple_(*order) < sa.tuple_(cursor_time(order, before, older=True), before))
            .order_by(time_column.desc(), id_column.desc()).limit(per_page + 1)
        ).unique().all()
        items = list(rows[:per_page])
        # Rows newer than the cursor exist (the cursor came from one); an empty page links back to them.
        return CursorPage(items, newer_than=item_id(items[0], id_column) if items else before,
                          older_than=item_id(items[-1], id_column) if len(rows) > per_page else None)
    if after is not None:
        rows = db.session.scalars(
            unordered.where(sa.tuple_(*order) > sa.tuple_(cursor_time(order, after, older=False), after))
            .order_by(time_column.asc(), id_column.asc()).limit(per_page + 1)
        ).unique().all()
        if len(rows) > per_page:
            items = list(reversed(rows[:per_page]))
            return CursorPage(items, newer_than=item_id(items[0], id_column),
                              older_than=item_id(items[-1], id_column))
        # Nothing newer than these: the newest page.
    page = paginate(select, number if after is None else 1, per_page)
    return CursorPage(
        page.items,
        newer_than=item_id(page.items[0], id_column) if page.has_prev and page.items else None,
        older_than=item_id(page.items[-1], id_column) if page.has_next else None,
    )


def cursor_time(order: tuple[Any, Any], cursor: int, older: bool) -> sa.ScalarSelect:
    """The time of the row whose id is ``cursor``, or of the nearest row beyond it by id if it is gone."""
    time_column, id_column = order
    nearest = id_column.desc() if older else id_column.asc()
    return (
        sa.select(time_column).where(id_column <= cursor if older else id_column >= cursor)
        .order_by(nearest).limit(1).correlate(None).scalar_subquery()
    )


def item_id(item: Any, id_column: Any) -> int:
    return getattr(item, id_column.key)
