"""The data model, one module per domain."""

from .base import UTCDateTime, insert_or_ignore, utcnow
from .post import MAX_POST_LENGTH, Post
from .translation import PostTranslation
from .user import User, follows

__all__ = [
    "MAX_POST_LENGTH",
    "Post",
    "PostTranslation",
    "UTCDateTime",
    "User",
    "follows",
    "insert_or_ignore",
    "utcnow",
]
