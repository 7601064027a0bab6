"""The data model, one module per domain."""

from .activity import ACTIVITY_KINDS, FOLLOW, LIKE, MENTION, REPLY, REPOST, UNREAD_ACTIVITY_COUNT, Activity
from .base import UTCDateTime, insert_or_ignore, upsert, utcnow
from .chat import (
    MAX_ROOM_MESSAGE_LENGTH,
    ChatError,
    ChatRoom,
    InvalidRoomName,
    RoomMessage,
    RoomMessageRefused,
    RoomNameTaken,
    RoomPresence,
)
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
from .reaction import PostGone, likes, reposts
from .task import TASK_PROGRESS, Task, TaskInProgress
from .token import Token
from .translation import PostTranslation
from .user import User, follows

__all__ = [
    "ACTIVITY_KINDS",
    "FOLLOW",
    "LIKE",
    "MENTION",
    "REPLY",
    "REPOST",
    "UNREAD_ACTIVITY_COUNT",
    "Activity",
    "MAX_ROOM_MESSAGE_LENGTH",
    "ChatError",
    "ChatRoom",
    "InvalidRoomName",
    "RoomMessage",
    "RoomMessageRefused",
    "RoomNameTaken",
    "RoomPresence",
    "MAX_MESSAGE_LENGTH",
    "MAX_POST_LENGTH",
    "UNREAD_MESSAGE_COUNT",
    "Conversation",
    "ConversationMember",
    "Message",
    "MessageRefused",
    "Notification",
    "Post",
    "PostGone",
    "PostTranslation",
    "TASK_PROGRESS",
    "Task",
    "TaskInProgress",
    "Token",
    "UTCDateTime",
    "User",
    "follows",
    "insert_or_ignore",
    "likes",
    "reposts",
    "upsert",
    "utcnow",
]
