"""The data model, one module per domain."""

from .post import MAX_POST_LENGTH, Post
from .base import UTCDateTime, insert_or_ignore, utcnow
from .user import User, follows

__all__ = ["MAX_POST_LENGTH", "Post", "UTCDateTime", "User", "follows", "insert_or_ignore", "utcnow"]
