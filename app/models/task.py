"""Background tasks a person started, one row per job (its id is the RQ job id)."""

import json
from datetime import datetime
from typing import Any
from uuid import uuid4

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .base import UTCDateTime, utcnow

TASK_PROGRESS = "task_progress"  # the notification that reports a task's progress


class TaskInProgress(Exception):
    """The person already runs a task of this name."""


class Task(db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        # At most one unfinished task of each name per person, whatever the number of
        # simultaneous clicks: the second INSERT breaks this index.
        sa.Index(
            "uq_tasks_user_id_name_unfinished", "user_id", "name", unique=True,
            sqlite_where=sa.text("NOT complete"), postgresql_where=sa.text("NOT complete"),
        ),
        sa.Index("ix_tasks_user_id_complete", "user_id", "complete"),
    )

    id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(128))
    description: so.Mapped[str | None] = so.mapped_column(sa.String(128))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # Finished, successfully or not; ``failed`` tells which, ``error`` why.
    complete: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    failed: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    result: so.Mapped[str | None] = so.mapped_column(sa.Text)  # JSON
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    user: so.Mapped["User"] = so.relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<Task {self.name} {self.id}>"

    @staticmethod
    def new_id() -> str:
        return uuid4().hex

    def get_result(self) -> Any:
        """The job's result, decoded from JSON (None until it completes)."""
        return None if self.result is None else json.loads(self.result)

    def notify(self, progress: int | None, **extra: Any) -> dict:
        """Tell the owner how far the task is (``task_progress``), after the commit."""
        data = {"task_id": self.id, "description": self.description, "progress": progress, **extra}
        return self.user.add_notification(TASK_PROGRESS, data)

    def set_progress(self, progress: int) -> None:
        """Report ``progress`` (0-100) to the owner; at 100 the task is complete."""
        progress = max(0, min(100, int(progress)))
        if progress >= 100:
            self.complete = True
        self.notify(progress)

    def finish(self, result: Any) -> None:
        """Mark the task done with its (JSON) result and tell the owner it reached 100 %."""
        self.result = json.dumps(result)
        self.failed = False
        self.error = None
        self.set_progress(100)

    def fail(self, error: str) -> bool:
        """Mark the task failed with a readable reason and tell its owner; False if it already had."""
        if self.failed:
            return False
        self.complete = True
        self.failed = True
        self.error = error[:500]
        self.notify(None, failed=True, error=self.error)
        return True
