"""The data model, one module per domain."""

from .base import UTCDateTime, insert_or_ignore, utcnow
from .post import MAX_POST_LENGTH, Post
from .user import User, follows

__all__ = ["MAX_POST_LENGTH", "Post", "UTCDateTime", "User", "follows", "insert_or_ignore", "utcnow"]
