"""Reports: someone asks the site's admins to look at a post or a person.

A report names the person it is about (for a post, its author) and, for a
post, the post. Each reporter has at most one open report per target: a
partial unique index on ``(reporter_id, user_id, coalesce(post_id, 0))`` over
the unresolved rows, so a double click or two simultaneous requests leave one
report (``Report.file`` inserts with ON CONFLICT DO NOTHING). An admin resolves
reports by removing the post, suspending the person or dismissing them; a
deleted post takes its reports with it (by its author or by an admin).
"""

import re
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ..extensions import db
from .base import UTCDateTime, insert_or_ignore, utcnow
from .post import Post
from .user import User

MAX_REPORT_TEXT_LENGTH = 500
# Why someone reports, as stored; the labels are what the form shows.
REPORT_REASONS = {
    "spam": _l("Spam or advertising"),
    "harassment": _l("Harassment or bullying"),
    "hate": _l("Hateful content"),
    "violence": _l("Violence or threats"),
    "impersonation": _l("Pretending to be someone else"),
    "other": _l("Something else"),
}
DISMISSED, SUSPENDED = "dismissed", "suspended"
# Control characters other than tab and line breaks.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ReportRefused(ValueError):
    """A report that cannot be filed: an unknown reason, a bad text, or about oneself."""


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        sa.Index(
            "uq_reports_open_reporter_target",
            "reporter_id", "user_id", sa.text("coalesce(post_id, 0)"),
            unique=True,
            sqlite_where=sa.text("resolved_at IS NULL"), postgresql_where=sa.text("resolved_at IS NULL"),
        ),
        # The admins' queue: open reports, newest first, by id.
        sa.Index(
            "ix_reports_open_id", "id",
            sqlite_where=sa.text("resolved_at IS NULL"), postgresql_where=sa.text("resolved_at IS NULL"),
        ),
        sa.CheckConstraint(f"length(text) <= {MAX_REPORT_TEXT_LENGTH}", name="text_length"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    reporter_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The person the report is about: the one reported, or the post's author.
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    post_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    reason: so.Mapped[str] = so.mapped_column(sa.String(16))
    text: so.Mapped[str | None] = so.mapped_column(sa.String(MAX_REPORT_TEXT_LENGTH))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    resolved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    resolved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    resolution: so.Mapped[str | None] = so.mapped_column(sa.String(16))

    reporter: so.Mapped[User] = so.relationship(foreign_keys=[reporter_id])
    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])
    post: so.Mapped[Post | None] = so.relationship()

    def __repr__(self) -> str:
        return f"<Report {self.id} by {self.reporter_id} about {self.user_id}/{self.post_id}>"

    @property
    def reason_label(self) -> str:
        return str(REPORT_REASONS.get(self.reason, self.reason))

    @staticmethod
    def check(reason, text) -> tuple[str, str | None]:
        """The reason and the stripped text (None when empty), or ReportRefused."""
        if not isinstance(reason, str) or reason not in REPORT_REASONS:
            raise ReportRefused(_l("Choose one of the reasons offered."))
        if text is not None and not isinstance(text, str):
            raise ReportRefused(_l("Write the details as text."))
        text = (text or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_REPORT_TEXT_LENGTH:
            raise ReportRefused(_l("Write at most %(maximum)d characters.", maximum=MAX_REPORT_TEXT_LENGTH))
        if CONTROL_CHARACTERS.search(text):
            raise ReportRefused(_l("Remove the control characters from the text."))
        return reason, text or None

    @staticmethod
    def file(reporter: User, user: User, reason, text=None, post_id: int | None = None) -> bool:
        """Report ``user`` (or their post ``post_id``); False when the reporter has an open report on it already."""
        reason, text = Report.check(reason, text)
        if reporter.id == user.id:
            raise ReportRefused(_l("You cannot report yourself."))
        return bool(insert_or_ignore(
            Report.__table__, reporter_id=reporter.id, user_id=user.id, post_id=post_id, reason=reason, text=text,
            created_at=utcnow(),
        ))

    @staticmethod
    def open_select() -> sa.Select:
        """Open reports with their reporter, person and post, for keyset paging by id."""
        return (
            sa.select(Report)
            .options(so.joinedload(Report.reporter), so.joinedload(Report.user), so.joinedload(Report.post))
            .where(
                Report.resolved_at.is_(None),
                # A deleted post's reports go with it (the foreign key cascades, and SQLite without
                # enforced keys leaves them to this filter).
                sa.or_(Report.post_id.is_(None), sa.exists().where(Post.id == Report.post_id)),
            )
        )

    @staticmethod
    def resolve(admin: User, resolution: str, *conditions) -> int:
        """Close the open reports matching ``conditions`` with ``resolution``; returns how many."""
        result = db.session.execute(
            sa.update(Report)
            .where(Report.resolved_at.is_(None), *conditions)
            .values(resolved_at=utcnow(), resolved_by_id=admin.id, resolution=resolution)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount
