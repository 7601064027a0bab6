"""Blocking and muting: the services the profile buttons, the settings page and the API call.

They flush but never commit (the caller owns the transaction) and are
idempotent: blocking twice, or two simultaneous blocks, leave one row (the
primary key decides, through ``insert_or_ignore``), and only the call that
changed something undoes follows.

A block takes both people's rows locked first (``lock_people``), as
``User.follow`` and ``Message.send`` do before they check for a block: so a
follow or a message racing a block either commits before it (and the block
then undoes the follow) or sees it and is refused.
"""

import sqlalchemy as sa

from .extensions import db
from .models import Activity, Block, Mute, User, insert_or_ignore, utcnow
from .models.block import lock_people


class CannotBlockYourself(ValueError):
    """Blocking or muting oneself."""


def block(blocker: User, blocked: User) -> bool:
    """``blocker`` blocks ``blocked``: follows end both ways, their activity about each other goes.

    Returns False when the block existed already.
    """
    if blocker.id == blocked.id:
        raise CannotBlockYourself("nobody can block themselves")
    lock_people(blocker.id, blocked.id)
    if not insert_or_ignore(Block.__table__, blocker_id=blocker.id, blocked_id=blocked.id, created_at=utcnow()):
        return False
    blocker.unfollow(blocked)
    blocked.unfollow(blocker)
    forget_activity_between(blocker.id, blocked.id)
    return True


def unblock(blocker: User, blocked: User) -> bool:
    """Lift a block; follows stay ended. Returns False when there was none."""
    result = db.session.execute(
        sa.delete(Block).where(Block.blocker_id == blocker.id, Block.blocked_id == blocked.id)
    )
    return result.rowcount > 0


def mute(muter: User, muted: User) -> bool:
    """``muter`` stops reading ``muted``'s posts in their feeds; False when already muted."""
    if muter.id == muted.id:
        raise CannotBlockYourself("nobody can mute themselves")
    return bool(insert_or_ignore(Mute.__table__, muter_id=muter.id, muted_id=muted.id, created_at=utcnow()))


def unmute(muter: User, muted: User) -> bool:
    """Read ``muted``'s posts again; False when they were not muted."""
    result = db.session.execute(sa.delete(Mute).where(Mute.muter_id == muter.id, Mute.muted_id == muted.id))
    return result.rowcount > 0


def forget_activity_between(a_id: int, b_id: int) -> None:
    """Remove what each of two people was told about the other, and recount their unread items."""
    result = db.session.execute(
        sa.delete(Activity).where(
            sa.or_(
                sa.and_(Activity.user_id == a_id, Activity.actor_id == b_id),
                sa.and_(Activity.user_id == b_id, Activity.actor_id == a_id),
            )
        ).returning(Activity.user_id)
    )
    for user_id in sorted(set(result.scalars())):
        Activity.mark_read(user_id, 0)  # moves no read mark, recounts what is unread


def blocked_people_select(blocker: User) -> sa.Select:
    """The people ``blocker`` blocked, most recent first."""
    return (
        sa.select(User)
        .join(Block, Block.blocked_id == User.id)
        .where(Block.blocker_id == blocker.id)
        .order_by(Block.created_at.desc(), User.id.desc())
    )


def muted_people_select(muter: User) -> sa.Select:
    """The people ``muter`` muted, most recent first."""
    return (
        sa.select(User)
        .join(Mute, Mute.muted_id == User.id)
        .where(Mute.muter_id == muter.id)
        .order_by(Mute.created_at.desc(), User.id.desc())
    )
