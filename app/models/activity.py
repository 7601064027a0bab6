"""Activity: what other people did that concerns you (followed you, mentioned, replied, liked, reposted).

One row per (recipient, kind, actor, post), so a like, unlike and like again
leaves one item, and two simultaneous requests cannot record it twice (the
unique index decides, through ``insert_or_ignore``). Items are not notified
one by one: the person's ``unread_activity_count`` is kept in SQL and pushed
as the ``unread_activity_count`` notification, which feeds the navbar badge
as ``unread_message_count`` feeds the messages badge.
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .base import UTCDateTime, insert_or_ignore, utcnow
from .block import blocked_between
from .notification import Notification

UNREAD_ACTIVITY_COUNT = "unread_activity_count"
FOLLOW, MENTION, REPLY, LIKE, REPOST = "follow", "mention", "reply", "like", "repost"
ACTIVITY_KINDS = (FOLLOW, MENTION, REPLY, LIKE, REPOST)

# The columns of users this module keeps (it sits below app/models/user.py, which records follows).
users = sa.table("users", sa.column("id"), sa.column("unread_activity_count"), sa.column("activity_read_id"))


class Activity(db.Model):
    __tablename__ = "activities"
    __table_args__ = (
        # One item per action; a follow has no post, and NULLs never collide, hence the 0.
        sa.Index(
            "uq_activities_user_kind_actor_post",
            "user_id", "kind", "actor_id", sa.text("coalesce(post_id, 0)"),
            unique=True,
        ),
        # A person's items newest first, and the unread ones after their read mark.
        sa.Index("ix_activities_user_id_id", "user_id", "id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Whom it concerns.
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # Who did it.
    actor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    # The post it is about (liked, reposted, the reply or the mentioning post); None for a follow.
    post_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    timestamp: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    actor: so.Mapped["User"] = so.relationship(foreign_keys=[actor_id])  # noqa: F821

    def __repr__(self) -> str:
        return f"<Activity {self.kind} by {self.actor_id} for {self.user_id}>"

    @staticmethod
    def record(recipient_id: int, actor_id: int, kind: str, post_id: int | None = None) -> bool:
        """Tell ``recipient_id`` that ``actor_id`` did ``kind`` (about ``post_id``); False when already told.

        Nothing is recorded for what people do to themselves, nor between two people
        one of whom has blocked the other.
        """
        if kind not in ACTIVITY_KINDS:
            raise ValueError(f"unknown activity kind {kind!r}")
        if recipient_id == actor_id or blocked_between(recipient_id, actor_id):
            return False
        if not insert_or_ignore(
            Activity.__table__, user_id=recipient_id, actor_id=actor_id, kind=kind, post_id=post_id, timestamp=utcnow()
        ):
            return False
        _push_unread_count(recipient_id, users.c.unread_activity_count + 1)
        return True

    @staticmethod
    def withdraw(recipient_id: int, actor_id: int, kind: str, post_id: int | None = None) -> bool:
        """Take back what ``record`` told (an unlike, an unfollow); False when there was nothing."""
        activity_id = db.session.scalar(
            sa.delete(Activity)
            .where(
                Activity.user_id == recipient_id,
                Activity.actor_id == actor_id,
                Activity.kind == kind,
                sa.func.coalesce(Activity.post_id, 0) == (post_id or 0),
            )
            .returning(Activity.id)
        )
        if activity_id is None:
            return False
        read_mark = db.session.scalar(sa.select(users.c.activity_read_id).where(users.c.id == recipient_id))
        if read_mark is not None and activity_id > read_mark:
            _push_unread_count(recipient_id, _greatest(users.c.unread_activity_count - 1, 0))
        return True

    @staticmethod
    def mark_read(user_id: int, up_to: int) -> int:
        """Mark ``user_id``'s items up to id ``up_to`` read; returns the number still unread.

        The read mark only moves forward, never past the person's newest item (so a
        too large ``up_to`` cannot mark items not yet recorded), and the unread count is
        recounted in the same statement, so items recorded meanwhile stay unread.
        """
        newest = (
            sa.select(sa.func.coalesce(sa.func.max(Activity.id), 0))
            .where(Activity.user_id == user_id)
            .scalar_subquery()
        )
        read_mark = _greatest(users.c.activity_read_id, _least(up_to, newest))
        still_unread = (
            sa.select(sa.func.count())
            .where(Activity.user_id == user_id, Activity.id > read_mark)
            .scalar_subquery()
        )
        return _push_unread_count(user_id, still_unread, activity_read_id=read_mark)

    @staticmethod
    def for_user_select(user_id: int) -> sa.Select:
        """A person's items, newest first, with who did them."""
        return (
            sa.select(Activity)
            .options(so.joinedload(Activity.actor))
            .where(Activity.user_id == user_id)
            .order_by(Activity.id.desc())
        )


def _greatest(*expressions) -> sa.ColumnElement:
    """The largest of the expressions: GREATEST on PostgreSQL, the many-argument MAX on SQLite."""
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.func.max(*expressions)
    return sa.func.greatest(*expressions)


def _least(*expressions) -> sa.ColumnElement:
    """The smallest of the expressions: LEAST on PostgreSQL, the many-argument MIN on SQLite."""
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.func.min(*expressions)
    return sa.func.least(*expressions)


def _push_unread_count(user_id: int, count_expression, **values) -> int:
    """Set the person's unread activity count in SQL and notify its new value after the commit."""
    count = db.session.scalar(
        sa.update(users)
        .where(users.c.id == user_id)
        .values(unread_activity_count=count_expression, **values)
        .returning(users.c.unread_activity_count)
    )
    Notification.replace(user_id, UNREAD_ACTIVITY_COUNT, count)
    return count
