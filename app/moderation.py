"""Moderation: the services behind reports and the admins' queue.

Reporting is ``Report.file`` (app/models/report.py). What an admin does to a
report lives here, once, for every door: removing the reported post (through
``Post.delete``, so its author's post counter follows; its reports go with
it), suspending the reported person (they can no longer sign in, use the API
or a socket: every session and token ends now), or dismissing the report.
The functions flush but never commit.
"""

import sqlalchemy as sa

from .accounts import end_all_sessions
from .extensions import db
from .models import DISMISSED, SUSPENDED, Post, Report, User, utcnow


class ModerationError(ValueError):
    """An admin action that does not apply (the report is closed already, the post is gone)."""


def open_report(report_id: int) -> Report | None:
    """The open report with this id, or None."""
    return db.session.scalar(sa.select(Report).where(Report.id == report_id, Report.resolved_at.is_(None)))


def dismiss(admin: User, report: Report) -> bool:
    """Close one report with nothing done; False when someone closed it meanwhile."""
    return Report.resolve(admin, DISMISSED, Report.id == report.id) == 1


def remove_post(admin: User, post: Post) -> bool:
    """Delete a reported post as its author could (counters follow); its reports go with it.

    False when it was gone already (its author, or another admin, was quicker).
    """
    db.session.execute(sa.delete(Report).where(Report.post_id == post.id))
    return post.delete()


def suspend(admin: User, user: User) -> int:
    """Suspend a person: every session and API token ends, and the open reports about them close.

    Returns how many reports closed. Suspending twice keeps the first time.
    """
    if user.id == admin.id:
        raise ModerationError("an admin cannot suspend themselves")
    db.session.execute(
        sa.update(User)
        .where(User.id == user.id, User.suspended_at.is_(None))
        .values(suspended_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, ["suspended_at"])
    end_all_sessions(user)
    return Report.resolve(admin, SUSPENDED, Report.user_id == user.id)


def unsuspend(user: User) -> bool:
    """Let a suspended person sign in again; False when they were not suspended."""
    result = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, User.suspended_at.is_not(None))
        .values(suspended_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, ["suspended_at"])
    return result.rowcount == 1


def set_admin(user: User, is_admin: bool) -> None:
    """Grant or revoke the admin role."""
    user.is_admin = is_admin
