"""Private messages between two people, grouped in conversations.

A conversation is one row per pair of people. Each of the two has a
``ConversationMember`` row holding their side of it: when it last moved (for
the newest-first list), how far they have read, and how many messages wait
unread. A person's total of unread messages is the counter
``users.unread_message_count``; every change to a member's ``unread_count``
adds the same amount to it in the same transaction.

Simultaneous senders and readers never lose or double an update: counters
change by relative ``+ n``; a sender holds the conversation row locked while
its message gets an id, so ids in a conversation follow commit order; and a
reader moves its ``last_read_message_id`` only from the value it saw. So a
member's ``unread_count`` is always the number of messages to them with an id
above their ``last_read_message_id``.
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..events import publish
from ..extensions import db
from .base import CLIENT_KEY_LENGTH, UTCDateTime, add_once, insert_or_ignore, utcnow
from .block import blocked_between
from .notification import Notification
from .user import User

MAX_MESSAGE_LENGTH = 2000
UNREAD_MESSAGE_COUNT = "unread_message_count"


class MessageRefused(ValueError):
    """A message that cannot be sent: empty, too long, to oneself, or across a block."""


class MessageBlocked(MessageRefused):
    """A message between two people one of whom has blocked the other."""


class Conversation(db.Model):
    """Everything two people say to each other."""

    __tablename__ = "conversations"
    __table_args__ = (
        # One conversation per pair, the lower user id first.
        sa.UniqueConstraint("user_low_id", "user_high_id"),
        sa.CheckConstraint("user_low_id < user_high_id", name="ordered_pair"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_low_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    user_high_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_message_id: so.Mapped[int | None] = so.mapped_column(
        # messages also refer to conversations; the database adds this key after both tables exist.
        sa.ForeignKey("messages.id", ondelete="SET NULL", use_alter=True)
    )
    last_message_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    last_message: so.Mapped["Message | None"] = so.relationship(foreign_keys=[last_message_id], viewonly=True)

    def __repr__(self) -> str:
        return f"<Conversation {self.id} of {self.user_low_id} and {self.user_high_id}>"

    @staticmethod
    def ensure(first: User, second: User) -> "Conversation":
        """The conversation of two people, created with both members' rows if it does not exist yet.

        The row comes back locked (FOR UPDATE) until the transaction ends, so messages
        in one conversation get their ids in the order they commit.
        """
        low, high = sorted((first.id, second.id))
        if insert_or_ignore(Conversation.__table__, user_low_id=low, user_high_id=high, created_at=utcnow()):
            conversation = db.session.scalar(Conversation._pair_select(low, high))
            now = utcnow()
            db.session.execute(
                sa.insert(ConversationMember),
                [
                    {"conversation_id": conversation.id, "user_id": low, "other_user_id": high, "last_message_at": now},
                    {"conversation_id": conversation.id, "user_id": high, "other_user_id": low, "last_message_at": now},
                ],
            )
            return conversation
        # It existed, perhaps created by a simultaneous request that has now committed.
        return db.session.scalar(Conversation._pair_select(low, high))

    @staticmethod
    def _pair_select(low: int, high: int) -> sa.Select:
        return (
            sa.select(Conversation)
            .where(Conversation.user_low_id == low, Conversation.user_high_id == high)
            .with_for_update()
            .execution_options(populate_existing=True)
        )


class ConversationMember(db.Model):
    """One person's side of a conversation: their read state and unread counter."""

    __tablename__ = "conversation_members"
    __table_args__ = (
        # /messages: a person's conversations, most recently active first, in one index scan.
        sa.Index("ix_conversation_members_user_id_last_message_at", "user_id", "last_message_at", "conversation_id"),
    )

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    other_user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    conversation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    # A copy of the conversation's last_message_at, so the list's order comes from one index.
    last_message_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # How far this person has read: a watermark, not a reference, so no foreign key.
    last_read_message_id: so.Mapped[int | None] = so.mapped_column()
    unread_count: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    other_user: so.Mapped[User] = so.relationship(foreign_keys=[other_user_id])
    conversation: so.Mapped[Conversation] = so.relationship()

    def __repr__(self) -> str:
        return f"<ConversationMember {self.user_id} with {self.other_user_id}>"

    @staticmethod
    def find(user: User, other: User) -> "ConversationMember | None":
        """``user``'s side of their conversation with ``other``, with the conversation, if they have one."""
        return db.session.scalar(
            sa.select(ConversationMember)
            .options(so.joinedload(ConversationMember.conversation, innerjoin=True))
            .where(ConversationMember.user_id == user.id, ConversationMember.other_user_id == other.id)
        )

    @staticmethod
    def list_select(user: User) -> sa.Select:
        """``user``'s conversations, most recently active first, each with the other person and the last message."""
        return (
            sa.select(ConversationMember)
            .join(ConversationMember.other_user)
            .join(ConversationMember.conversation)
            .join(Conversation.last_message)
            .options(
                so.contains_eager(ConversationMember.other_user),
                so.contains_eager(ConversationMember.conversation).contains_eager(Conversation.last_message),
            )
            .where(ConversationMember.user_id == user.id)
            .order_by(ConversationMember.last_message_at.desc(), ConversationMember.conversation_id.desc())
        )

    def mark_read(self) -> bool:
        """Mark everything in the conversation read; returns whether anything changed.

        Subtracts the unread messages seen here from both counters, so a message
        arriving meanwhile stays counted, and only if nobody else marked the same
        messages read meanwhile (another tab), so none is subtracted twice.
        Writes nothing when all is read already.
        """
        last_message_id = self.conversation.last_message_id
        unread = self.unread_count
        read_up_to = self.last_read_message_id
        if last_message_id is None or (unread == 0 and (read_up_to or 0) >= last_message_id):
            return False
        result = db.session.execute(
            sa.update(ConversationMember)
            .where(
                ConversationMember.user_id == self.user_id,
                ConversationMember.other_user_id == self.other_user_id,
                ConversationMember.last_read_message_id.is_not_distinct_from(read_up_to),
            )
            .values(unread_count=ConversationMember.unread_count - unread, last_read_message_id=last_message_id)
            .execution_options(synchronize_session=False)
        )
        db.session.expire(self, ["unread_count", "last_read_message_id"])
        if result.rowcount == 0:
            return False
        if unread:
            count = change_unread_message_count(self.user_id, -unread)
            Notification.replace(self.user_id, UNREAD_MESSAGE_COUNT, count)
        return True

    def messages_select(self) -> sa.Select:
        """The conversation's messages, unordered: page them with ``keyset_page`` on ``Message.id``."""
        return sa.select(Message).where(Message.conversation_id == self.conversation_id)


class Message(db.Model):
    """A private message from one person to another."""

    __tablename__ = "messages"
    __table_args__ = (
        # A conversation's history, paged by id.
        sa.Index("ix_messages_conversation_id_id", "conversation_id", "id"),
        sa.CheckConstraint(f"length(body) <= {MAX_MESSAGE_LENGTH}", name="body_length"),
        # A retried send (same conversation, sender and client key) is stored once.
        sa.Index("uq_messages_conversation_id_sender_id_client_key", "conversation_id", "sender_id", "client_key",
                 unique=True),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    conversation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("conversations.id", ondelete="CASCADE"))
    sender_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    timestamp: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # The sender's client's name for this message (CLIENT_KEY_PATTERN), or None.
    client_key: so.Mapped[str | None] = so.mapped_column(sa.String(CLIENT_KEY_LENGTH))

    sender: so.Mapped[User] = so.relationship(foreign_keys=[sender_id])
    recipient: so.Mapped[User] = so.relationship(foreign_keys=[recipient_id])

    def __repr__(self) -> str:
        return f"<Message {self.id} from {self.sender_id} to {self.recipient_id}>"

    @so.validates("body")
    def validate_body(self, key: str, body: str) -> str:
        if not body or not body.strip():
            raise MessageRefused("a message cannot be empty")
        if len(body) > MAX_MESSAGE_LENGTH:
            raise MessageRefused(f"a message is at most {MAX_MESSAGE_LENGTH} characters")
        return body

    @classmethod
    def send(cls, sender: User, recipient: User, body: str, key: str | None = None) -> "Message":
        """Send ``body`` from ``sender`` to ``recipient``: store it, count it unread, notify the recipient.

        With a client ``key``, a message the sender already sent under that key is
        returned as it is, and nothing is stored, counted or announced again.
        """
        if sender.id == recipient.id:
            raise MessageRefused("nobody can send a message to themselves")
        if blocked_between(sender.id, recipient.id):
            raise MessageBlocked("one of you has blocked the other")
        conversation = Conversation.ensure(sender, recipient)
        message = cls(conversation_id=conversation.id, sender_id=sender.id, recipient_id=recipient.id,
                      body=body.strip(), timestamp=utcnow(), client_key=key)
        if key is not None:
            message, new = add_once(message, lambda: Message.sent_with_key(conversation.id, sender.id, key))
            if not new:
                return message
        db.session.add(message)
        db.session.flush()
        db.session.execute(
            sa.update(Conversation)
            .where(Conversation.id == conversation.id)
            .values(last_message_id=message.id, last_message_at=message.timestamp)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            sa.update(ConversationMember)
            .where(ConversationMember.conversation_id == conversation.id)
            .values(
                last_message_at=message.timestamp,
                unread_count=ConversationMember.unread_count
                + sa.case((ConversationMember.user_id == recipient.id, 1), else_=0),
            )
            .execution_options(synchronize_session=False)
        )
        db.session.expire(conversation)
        for side in [obj for obj in db.session.identity_map.values() if isinstance(obj, ConversationMember)]:
            if side.conversation_id == conversation.id:
                db.session.expire(side, ["last_message_at", "unread_count"])
        count = change_unread_message_count(recipient.id, +1)
        # Asked again now that the recipient's row is locked: a block takes that lock too
        # (app/blocking.py), so one that committed meanwhile is seen here, and a later one waits.
        if blocked_between(sender.id, recipient.id):
            raise MessageBlocked("one of you has blocked the other")
        Notification.replace(recipient.id, UNREAD_MESSAGE_COUNT, count)
        payload = message.to_dict(sender_name=sender.username, recipient_name=recipient.username)
        for person in (sender.id, recipient.id):
            publish("message", payload, user_id=person)
        return message

    @staticmethod
    def sent_with_key(conversation_id: int, sender_id: int, key: str) -> "Message | None":
        """The message ``sender_id`` sent in the conversation under the client key ``key``, if any."""
        return db.session.scalar(
            sa.select(Message).where(Message.conversation_id == conversation_id, Message.sender_id == sender_id,
                                     Message.client_key == key)
        )

    def to_dict(self, sender_name: str | None = None, recipient_name: str | None = None) -> dict:
        """The ``message`` event's payload: ``{id, sender, recipient, body, timestamp}``."""
        return {
            "id": self.id,
            "sender": sender_name or self.sender.username,
            "recipient": recipient_name or self.recipient.username,
            "body": self.body,
            "timestamp": self.timestamp.isoformat(),
        }


def change_unread_message_count(user_id: int, delta: int) -> int:
    """Add ``delta`` to a person's unread message counter; returns the new value."""
    count = db.session.scalar(
        sa.update(User)
        .where(User.id == user_id)
        .values(unread_message_count=User.unread_message_count + delta)
        .returning(User.unread_message_count)
        .execution_options(synchronize_session=False)
    )
    user = db.session.identity_map.get(db.session.identity_key(User, user_id))  # type: ignore[arg-type]
    if user is not None:
        so.attributes.set_committed_value(user, "unread_message_count", count)
    return count
