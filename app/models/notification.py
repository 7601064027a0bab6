"""Notifications: the latest value of named events, read by the page's poller."""

import json
from time import time
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .base import upsert


class Notification(db.Model):
    """One named notification per person; a newer one with the same name replaces it."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "name"),
        # The poller asks for a person's notifications newer than a moment.
        sa.Index("ix_notifications_user_id_timestamp", "user_id", "timestamp"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    name: so.Mapped[str] = so.mapped_column(sa.String(128))
    data: so.Mapped[str] = so.mapped_column(sa.Text)
    # Seconds since the epoch as a float, so that ``since`` round-trips exactly through JSON.
    timestamp: so.Mapped[float] = so.mapped_column(sa.Float, default=time)

    def __repr__(self) -> str:
        return f"<Notification {self.name} for {self.user_id}>"

    def get_data(self) -> Any:
        """The payload, decoded from JSON."""
        return json.loads(self.data)

    def to_dict(self) -> dict[str, Any]:
        """The shape the polling endpoint and push channels send: name, data, timestamp."""
        return {"name": self.name, "data": self.get_data(), "timestamp": self.timestamp}

    @staticmethod
    def replace(user_id: int, name: str, data: Any) -> None:
        """Store ``data`` as the person's notification ``name``, replacing any earlier one."""
        upsert(
            Notification.__table__,
            ["user_id", "name"],
            ["data", "timestamp"],
            user_id=user_id,
            name=name,
            data=json.dumps(data),
            timestamp=time(),
        )

    @staticmethod
    def since_select(user_id: int, since: float) -> sa.Select:
        """A person's notifications newer than ``since``, oldest first."""
        return (
            sa.select(Notification)
            .where(Notification.user_id == user_id, Notification.timestamp > since)
            .order_by(Notification.timestamp, Notification.id)
        )
