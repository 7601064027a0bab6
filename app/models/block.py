"""Blocks and mutes: whom a person keeps away, and whom they would rather not read.

A block works both ways: neither of the two can message, follow, mention or
reply to the other (no activity is recorded between them), and each is hidden
from the other's feeds. A mute works one way and only on reading: the muted
person's posts leave the muter's feeds, and nothing else changes.

This module is the small interface the rest of the code asks:

- ``blocked_between(a_id, b_id)``: whether either of two people blocked the other;
- ``hidden_authors_select(reader_id)``: the ids of the people whose posts a
  reader's feeds leave out (blocked by the reader, blocking the reader, muted
  by the reader), for ``Post.user_id.not_in(...)``.

The services that block, unblock, mute and unmute (and undo follows) live in
``app/blocking.py``. Like ``app/models/activity.py`` it sits below
``app/models/user.py``, which asks it before a follow.
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .base import UTCDateTime, utcnow


class Blocked(ValueError):
    """An action between two people one of whom has blocked the other."""


class Block(db.Model):
    """``blocker`` blocked ``blocked``."""

    __tablename__ = "blocks"
    __table_args__ = (
        # The primary key serves "whom did X block"; this serves "who blocked X".
        sa.Index("ix_blocks_blocked_id_blocker_id", "blocked_id", "blocker_id"),
        sa.CheckConstraint("blocker_id <> blocked_id", name="not_self"),
    )

    blocker_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    blocked_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Block of {self.blocked_id} by {self.blocker_id}>"


class Mute(db.Model):
    """``muter`` muted ``muted``."""

    __tablename__ = "mutes"
    __table_args__ = (sa.CheckConstraint("muter_id <> muted_id", name="not_self"),)

    muter_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    muted_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Mute of {self.muted_id} by {self.muter_id}>"


def blocked_between(a_id: int, b_id: int) -> bool:
    """Whether either of the two people blocked the other (one indexed lookup)."""
    query = sa.select(Block.blocker_id).where(
        sa.or_(
            sa.and_(Block.blocker_id == a_id, Block.blocked_id == b_id),
            sa.and_(Block.blocker_id == b_id, Block.blocked_id == a_id),
        )
    ).limit(1)
    return db.session.scalar(query) is not None


def has_blocked(blocker_id: int, blocked_id: int) -> bool:
    """Whether ``blocker_id`` blocked ``blocked_id`` (one way)."""
    return db.session.get(Block, (blocker_id, blocked_id)) is not None


def has_muted(muter_id: int, muted_id: int) -> bool:
    """Whether ``muter_id`` muted ``muted_id``."""
    return db.session.get(Mute, (muter_id, muted_id)) is not None


def relation_select(reader_id: int, other_id: int, *more: sa.ColumnElement) -> sa.Select:
    """One row saying whether the reader blocked the other, was blocked by them, muted them (and ``more``)."""
    return sa.select(
        sa.exists().where(Block.blocker_id == reader_id, Block.blocked_id == other_id).label("blocking"),
        sa.exists().where(Block.blocker_id == other_id, Block.blocked_id == reader_id).label("blocked_by"),
        sa.exists().where(Mute.muter_id == reader_id, Mute.muted_id == other_id).label("muting"),
        *more,
    )


def hidden_authors_select(reader_id: int) -> sa.Select:
    """The ids of the people whose posts ``reader_id``'s feeds leave out.

    Those the reader blocked, those who blocked the reader, and those the reader
    muted: a UNION of three primary-key or index lookups, meant for
    ``Post.user_id.not_in(hidden_authors_select(reader.id))``.
    """
    return sa.union(
        sa.select(Block.blocked_id).where(Block.blocker_id == reader_id),
        sa.select(Block.blocker_id).where(Block.blocked_id == reader_id),
        sa.select(Mute.muted_id).where(Mute.muter_id == reader_id),
    ).subquery("hidden_authors").select()


def blocked_ids_select(person_id: int) -> sa.Select:
    """The ids of the people on either side of a block with ``person_id`` (not the muted ones)."""
    return sa.union(
        sa.select(Block.blocked_id).where(Block.blocker_id == person_id),
        sa.select(Block.blocker_id).where(Block.blocked_id == person_id),
    ).subquery("blocked_people").select()


def lock_people(a_id: int, b_id: int) -> None:
    """Hold both people's rows until the transaction ends, in id order (so two lockers cannot deadlock).

    PostgreSQL locks the rows (SELECT ... FOR UPDATE); SQLite has one writer at a
    time, so a write that changes nothing takes its lock. Whatever is checked after
    this (a block, a follow) cannot change until the commit.
    """
    ids = sorted({a_id, b_id})
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(_users.c.id).where(_users.c.id.in_(ids)).order_by(_users.c.id).with_for_update())
    else:
        db.session.execute(sa.update(_users).where(_users.c.id.in_(ids)).values(id=_users.c.id))


# The column of users this module needs (it sits below app/models/user.py).
_users = sa.table("users", sa.column("id"))
