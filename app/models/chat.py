"""Public chat rooms, their messages, and who is present in them (the database's copy).

A room's name is 3–32 letters, digits, ``-`` or ``_``, unique whatever its case
(a unique index on ``lower(name)``). Room messages are stored before anyone
hears of them: ``ChatRoom.post`` inserts the message and publishes a
``room_message`` event that goes out only after the commit.

Presence (``RoomPresence``) is one row per socket in a room with an expiry; it is
used when there is no Redis (app/presence.py picks the store).
"""

import re
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ..events import publish
from ..extensions import db
from .base import CLIENT_KEY_LENGTH, UTCDateTime, add_once, utcnow
from .user import User

ROOM_NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{3,32}")
MIN_ROOM_NAME_LENGTH, MAX_ROOM_NAME_LENGTH = 3, 32
MAX_ROOM_MESSAGE_LENGTH = 2000
# Characters a message may not hold: NUL and the other C0 controls but tab and line breaks.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ChatError(ValueError):
    """A chat action that was refused; ``str(error)`` is a readable reason in the reader's language."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class InvalidRoomName(ChatError):
    """A room name that breaks the naming rule."""


class RoomNameTaken(ChatError):
    """A room of that name (in any case) exists already."""


class RoomMessageRefused(ChatError):
    """A room message that cannot be posted: empty, too long, or with control characters."""


def room_channel(room_id: int) -> str:
    """The audience name of a room's live events (the Socket.IO room its sockets join)."""
    return f"chat:{room_id}"


def check_message_body(body: Any, maximum: int = MAX_ROOM_MESSAGE_LENGTH) -> str:
    """The stripped body, or RoomMessageRefused saying what is wrong with it."""
    if not isinstance(body, str) or not body.strip():
        raise RoomMessageRefused(_l("A message cannot be empty."))
    body = body.strip()
    if len(body) > maximum:
        raise RoomMessageRefused(_l("A message is at most %(maximum)d characters.", maximum=maximum))
    if CONTROL_CHARACTERS.search(body):
        raise RoomMessageRefused(_l("A message cannot contain control characters."))
    return body


class ChatRoom(db.Model):
    """A public room where everyone present hears everything said."""

    __tablename__ = "chat_rooms"
    # Names are unique whatever their case: uq_chat_rooms_name_lower on lower(name), below; ``find`` uses it.
    __table_args__ = (
        # /chat: the most recently active rooms first.
        sa.Index("ix_chat_rooms_last_activity_at", "last_activity_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(MAX_ROOM_NAME_LENGTH))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # The room's creation or its newest message, whichever is later.
    last_activity_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    message_count: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<ChatRoom {self.name}>"

    @property
    def channel(self) -> str:
        return room_channel(self.id)

    @staticmethod
    def find(name: Any) -> "ChatRoom | None":
        """The room called ``name`` in any case, or None (also for a name no room can have)."""
        if not isinstance(name, str) or not ROOM_NAME_PATTERN.fullmatch(name):
            return None
        return db.session.scalar(sa.select(ChatRoom).where(sa.func.lower(ChatRoom.name) == name.lower()))

    @staticmethod
    def create(name: Any, creator: User) -> "ChatRoom":
        """A new room; InvalidRoomName or RoomNameTaken (also when a simultaneous request wins)."""
        if not isinstance(name, str) or not ROOM_NAME_PATTERN.fullmatch(name.strip()):
            raise InvalidRoomName(_l("Use 3 to 32 letters, digits, hyphens or underscores."))
        name = name.strip()
        if ChatRoom.find(name) is not None:
            raise RoomNameTaken(_l("There is a room of that name already."))
        room = ChatRoom(name=name, created_by_id=creator.id, created_at=utcnow())
        room.last_activity_at = room.created_at
        try:
            with db.session.begin_nested():
                db.session.add(room)
        except sa.exc.IntegrityError:
            raise RoomNameTaken(_l("A room of that name was just created.")) from None
        return room

    @staticmethod
    def list_select() -> sa.Select:
        """Every room, the most recently active first."""
        return sa.select(ChatRoom).order_by(ChatRoom.last_activity_at.desc(), ChatRoom.id.desc())

    def messages_select(self) -> sa.Select:
        """The room's messages with their senders, unordered: page them with ``keyset_page`` on ``RoomMessage.id``."""
        return (
            sa.select(RoomMessage)
            .options(so.joinedload(RoomMessage.sender, innerjoin=True))
            .where(RoomMessage.room_id == self.id)
        )

    def post(self, sender: User, body: Any, key: str | None = None) -> "RoomMessage":
        """Store ``body`` from ``sender`` and announce it to the room once committed.

        With a client ``key``, a message the sender already posted here under that key
        is returned as it is, and nothing is stored or announced again.
        """
        message = RoomMessage(room_id=self.id, sender_id=sender.id, body=check_message_body(body), timestamp=utcnow(),
                              client_key=key)
        if key is not None:
            message, new = add_once(message, lambda: RoomMessage.sent_with_key(self.id, sender.id, key))
            if not new:
                return message
        db.session.add(message)
        db.session.flush()
        db.session.execute(
            sa.update(ChatRoom)
            .where(ChatRoom.id == self.id)
            .values(last_activity_at=message.timestamp, message_count=ChatRoom.message_count + 1)
            .execution_options(synchronize_session=False)
        )
        db.session.expire(self, ["last_activity_at", "message_count"])
        payload = message.to_dict(room_name=self.name, sender_name=sender.username)
        publish("room_message", payload, room=self.channel)
        return message


sa.Index("uq_chat_rooms_name_lower", sa.func.lower(ChatRoom.name), unique=True)


class RoomMessage(db.Model):
    """Something said in a room."""

    __tablename__ = "room_messages"
    __table_args__ = (
        # A room's history, paged by id.
        sa.Index("ix_room_messages_room_id_id", "room_id", "id"),
        sa.CheckConstraint(f"length(body) <= {MAX_ROOM_MESSAGE_LENGTH}", name="body_length"),
        # A retried post (same room, sender and client key) is stored once.
        sa.Index("uq_room_messages_room_id_sender_id_client_key", "room_id", "sender_id", "client_key", unique=True),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    room_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("chat_rooms.id", ondelete="CASCADE"))
    sender_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    timestamp: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # The sender's client's name for this message (CLIENT_KEY_PATTERN), or None.
    client_key: so.Mapped[str | None] = so.mapped_column(sa.String(CLIENT_KEY_LENGTH))

    sender: so.Mapped[User] = so.relationship()
    room: so.Mapped[ChatRoom] = so.relationship()

    def __repr__(self) -> str:
        return f"<RoomMessage {self.id} in {self.room_id}>"

    @staticmethod
    def sent_with_key(room_id: int, sender_id: int, key: str) -> "RoomMessage | None":
        """The message ``sender_id`` posted in the room under the client key ``key``, if any."""
        return db.session.scalar(
            sa.select(RoomMessage).where(RoomMessage.room_id == room_id, RoomMessage.sender_id == sender_id,
                                         RoomMessage.client_key == key)
        )

    def to_dict(self, room_name: str | None = None, sender_name: str | None = None) -> dict[str, Any]:
        """The ``room_message`` event's payload: ``{id, room, sender, body, timestamp}``."""
        return {
            "id": self.id,
            "room": room_name or self.room.name,
            "sender": sender_name or self.sender.username,
            "body": self.body,
            "timestamp": self.timestamp.isoformat(),
        }


class RoomPresence(db.Model):
    """One socket present in a room until ``expires_at`` (refreshed while it stays connected)."""

    __tablename__ = "room_presence"
    __table_args__ = (sa.Index("ix_room_presence_room_id_expires_at", "room_id", "expires_at"),)

    room_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("chat_rooms.id", ondelete="CASCADE"), primary_key=True)
    sid: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
