"""The data model, one module per domain."""

from .activity import ACTIVITY_KINDS, FOLLOW, LIKE, MENTION, REPLY, REPOST, UNREAD_ACTIVITY_COUNT, Activity
from .base import UTCDateTime, insert_or_ignore, upsert, utcnow
from .block import (
    Block,
    Blocked,
    Mute,
    blocked_between,
    blocked_ids_select,
    has_blocked,
    has_muted,
    hidden_authors_select,
)
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
    MessageBlocked,
    MessageRefused,
)
from .notification import Notification
from .post import (
    MAX_POST_LENGTH,
    EditWindowClosed,
    NotYourPost,
    Post,
    PostError,
    PostGone,
    ReplyTargetMissing,
    post_tags,
)
from .reaction import Like, likes, reposts
from .report import DISMISSED, MAX_REPORT_TEXT_LENGTH, REPORT_REASONS, SUSPENDED, Report, ReportRefused
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
    "Block",
    "Blocked",
    "DISMISSED",
    "MAX_REPORT_TEXT_LENGTH",
    "MessageBlocked",
    "Mute",
    "REPORT_REASONS",
    "Report",
    "ReportRefused",
    "SUSPENDED",
    "blocked_between",
    "blocked_ids_select",
    "has_blocked",
    "has_muted",
    "hidden_authors_select",
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
    "PostError",
    "PostGone",
    "EditWindowClosed",
    "NotYourPost",
    "ReplyTargetMissing",
    "post_tags",
    "PostTranslation",
    "TASK_PROGRESS",
    "Task",
    "TaskInProgress",
    "Token",
    "UTCDateTime",
    "User",
    "follows",
    "insert_or_ignore",
    "Like",
    "likes",
    "reposts",
    "upsert",
    "utcnow",
]
