"""Notifications: the latest value of named events, read by the page's poller and pushed live.

Each person has a notification sequence, ``users.notification_seq``. Every
change to one of their notifications takes the next number with an ``UPDATE
... RETURNING``, which also holds the person's row locked until the
transaction ends, so numbers follow commit order. The number is the
notification's ``id`` in JSON: a client that remembers the highest ``id`` it
saw asks for ``after`` it and misses nothing, whatever the servers' clocks say.
"""

import json
from time import time
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..events import publish
from ..extensions import db
from .base import upsert


class Notification(db.Model):
    """One named notification per person; a newer one with the same name replaces it."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "name"),
        # The poller asks for a person's notifications newer than a moment.
        sa.Index("ix_notifications_user_id_timestamp", "user_id", "timestamp"),
        # ... or newer than the last sequence number it saw.
        sa.Index("uq_notifications_user_id_seq", "user_id", "seq", unique=True),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    name: so.Mapped[str] = so.mapped_column(sa.String(128))
    data: so.Mapped[str] = so.mapped_column(sa.Text)
    # Seconds since the epoch as a float, so that ``since`` round-trips exactly through JSON.
    timestamp: so.Mapped[float] = so.mapped_column(sa.Float, default=time)
    # The person's notification sequence number at this notification's last change.
    seq: so.Mapped[int] = so.mapped_column()

    def __repr__(self) -> str:
        return f"<Notification {self.name} for {self.user_id}>"

    def get_data(self) -> Any:
        """The payload, decoded from JSON."""
        return json.loads(self.data)

    def to_dict(self) -> dict[str, Any]:
        """The shape the polling endpoint and push channels send: id, name, data, timestamp."""
        return {"id": self.seq, "name": self.name, "data": self.get_data(), "timestamp": self.timestamp}

    @staticmethod
    def replace(user_id: int, name: str, data: Any) -> dict[str, Any]:
        """Store ``data`` as the person's notification ``name``, replacing any earlier one.

        Returns the notification as JSON sends it, and pushes it to the person's
        live sockets once the transaction commits.
        """
        users = sa.table("users", sa.column("id"), sa.column("notification_seq"))
        seq = db.session.scalar(
            sa.update(users)
            .where(users.c.id == user_id)
            .values(notification_seq=users.c.notification_seq + 1)
            .returning(users.c.notification_seq)
        )
        if seq is None:
            raise LookupError(f"no person with id {user_id}")
        item = {"id": seq, "name": name, "data": data, "timestamp": time()}
        upsert(
            Notification.__table__,
            ["user_id", "name"],
            ["data", "timestamp", "seq"],
            user_id=user_id,
            name=name,
            data=json.dumps(data),
            timestamp=item["timestamp"],
            seq=seq,
        )
        publish("notification", item, user_id=user_id)
        return item

    @staticmethod
    def since_select(user_id: int, since: float) -> sa.Select:
        """A person's notifications newer than ``since``, oldest first."""
        return (
            sa.select(Notification)
            .where(Notification.user_id == user_id, Notification.timestamp > since)
            .order_by(Notification.timestamp, Notification.seq)
        )

    @staticmethod
    def after_select(user_id: int, after: int) -> sa.Select:
        """A person's notifications changed after sequence number ``after``, in the order they changed."""
        return (
            sa.select(Notification)
            .where(Notification.user_id == user_id, Notification.seq > after)
            .order_by(Notification.seq)
        )
