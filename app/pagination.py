"""Page-number pagination that never counts the whole table."""

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
