"""Likes and reposts: one row per person and post, counted on the post in SQL.

Both are idempotent and race-safe the way ``User.follow`` is: the unique
constraint on (user_id, post_id) decides, through ``insert_or_ignore``, and the
post's ``like_count`` or ``repost_count`` moves only when the INSERT or DELETE
really changed a row, in one relative UPDATE. So two simultaneous likes leave
one row and a count of one, a like and an unlike in any order leave none. The
post's author hears of it as a LIKE or REPOST activity, taken back on undo.

A repost puts the post into the home feeds of the reposter's followers (see
``Post.timeline_select``). People may repost their own posts, as on Mastodon:
it brings an older post back to the top of their followers' feeds; nobody is
notified of what they do to themselves.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .activity import LIKE, REPOST, Activity
from .base import UTCDateTime, insert_or_ignore, utcnow

likes = sa.Table(
    "likes",
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("post_id", sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    # One like per person and post; also answers "did I like these posts" by index.
    sa.UniqueConstraint("user_id", "post_id", name="uq_likes_user_id_post_id"),
    # Who liked a post, newest first, paged by id (and deleting a post finds its likes).
    sa.Index("ix_likes_post_id_id", "post_id", "id"),
)

reposts = sa.Table(
    "reposts",
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("post_id", sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    sa.UniqueConstraint("user_id", "post_id", name="uq_reposts_user_id_post_id"),
    # The home feed reads each followed person's newest reposts from this index alone.
    sa.Index("ix_reposts_user_id_created_at_post_id", "user_id", "created_at", "post_id"),
    sa.Index("ix_reposts_post_id_id", "post_id", "id"),
)

class Like(db.Model):
    """A row of ``likes`` as an object, for lists of who liked a post."""

    __table__ = likes

    user: so.Mapped["User"] = so.relationship()  # noqa: F821

    @staticmethod
    def of_post_select(post_id: int) -> sa.Select:
        """The likes of a post, with who gave them; page them by ``Like.id``."""
        return sa.select(Like).options(so.joinedload(Like.user)).where(Like.post_id == post_id)


# The columns of posts this module keeps (it sits below app/models/post.py, which reads reposts).
posts = sa.table("posts", sa.column("id"), sa.column("user_id"), sa.column("like_count"),
                 sa.column("repost_count"))


class ReactionTargetGone(LookupError):
    """The post was deleted (perhaps by a simultaneous request) before the like or repost landed.

    ``Post`` turns it into its own ``PostGone``."""


@dataclass(frozen=True)
class Reaction:
    """A kind of reaction: its table, the post's counter column and the activity it records."""

    table: sa.Table
    counter: str
    activity: str


LIKES = Reaction(likes, "like_count", LIKE)
REPOSTS = Reaction(reposts, "repost_count", REPOST)


def add(reaction: Reaction, user_id: int, post_id: int) -> bool:
    """Record that ``user_id`` reacted to ``post_id``; False when they already had.

    Raises ReactionTargetGone when the post no longer exists.
    """
    try:
        with db.session.begin_nested():
            inserted = insert_or_ignore(reaction.table, user_id=user_id, post_id=post_id, created_at=utcnow())
    except sa.exc.IntegrityError:
        raise ReactionTargetGone(post_id) from None  # the foreign key: deleted meanwhile
    if not inserted:
        return False
    author_id = _count(reaction, post_id, +1)
    if author_id is None:
        raise ReactionTargetGone(post_id)  # SQLite does not check foreign keys
    Activity.record(author_id, user_id, reaction.activity, post_id)
    return True


def remove(reaction: Reaction, user_id: int, post_id: int) -> bool:
    """Take back ``user_id``'s reaction to ``post_id``; False when there was none."""
    result = db.session.execute(
        sa.delete(reaction.table).where(reaction.table.c.user_id == user_id, reaction.table.c.post_id == post_id)
    )
    if result.rowcount == 0:
        return False
    author_id = _count(reaction, post_id, -1)
    if author_id is not None:
        Activity.withdraw(author_id, user_id, reaction.activity, post_id)
    return True


def _count(reaction: Reaction, post_id: int, delta: int) -> int | None:
    """Move the post's counter by ``delta`` in SQL; returns its author's id (None if the post is gone)."""
    column = posts.c[reaction.counter]
    return db.session.scalar(
        sa.update(posts).where(posts.c.id == post_id).values({reaction.counter: column + delta})
        .returning(posts.c.user_id)
    )


def reacted_post_ids(reaction: Reaction, user_id: int, post_ids: Iterable[int]) -> sa.Select:
    """Which of ``post_ids`` ``user_id`` reacted to (the unique index answers it)."""
    table = reaction.table
    return sa.select(table.c.post_id).where(table.c.user_id == user_id, table.c.post_id.in_(list(post_ids)))
