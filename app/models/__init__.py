"""The data model, one module per domain."""

from .base import UTCDateTime, insert_or_ignore, upsert, utcnow
from .message import (
    MAX_MESSAGE_LENGTH,
    UNREAD_MESSAGE_COUNT,
    Conversation,
    ConversationMember,
    Message,
    MessageRefused,
)
from .notification import Notification
from .post import MAX_POST_LENGTH, Post
from .translation import PostTranslation
from .user import User, follows

__all__ = [
    "MAX_MESSAGE_LENGTH",
    "MAX_POST_LENGTH",
    "UNREAD_MESSAGE_COUNT",
    "Conversation",
    "ConversationMember",
    "Message",
    "MessageRefused",
    "Notification",
    "Post",
    "PostTranslation",
    "UTCDateTime",
    "User",
    "follows",
    "insert_or_ignore",
    "upsert",
    "utcnow",
]
