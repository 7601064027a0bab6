"""The home feed as pages: by keyset cursor (``before``/``after``), or by page number for the tutorial's links.

A cursor names a place in the feed: the time a post entered it (its own time, or
its repost's) and the post's id, written ``<microseconds since 1970>.<post id>``.
Reading on from a cursor costs what the first page costs, however deep; ``?page=N``
still answers, by OFFSET over the same query.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .extensions import db
from .models import Post, User
from .models.post import reader_state_key
from .web import MAX_QUERY_INT

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CURSOR = re.compile(r"([0-9]{1,16})\.([0-9]{1,10})")
# Times a cursor may name: within what a timestamp column holds, and not absurd.
LATEST_CURSOR_TIME = datetime(9999, 12, 31, tzinfo=UTC)

FeedCursor = tuple[datetime, int]


class InvalidCursor(ValueError):
    """A ``before``/``after`` value that is not a feed cursor."""


def encode_cursor(post: Post) -> str:
    """The cursor just at ``post``'s place in the feed."""
    microseconds = (post.feed_time - EPOCH) // timedelta(microseconds=1)
    return f"{microseconds}.{post.id}"


def decode_cursor(value: str) -> FeedCursor:
    """The ``(time, post id)`` a cursor names; InvalidCursor for anything else."""
    match = CURSOR.fullmatch(value)
    if match is None:
        raise InvalidCursor(value)
    # No post id is beyond an integer column, so a larger one bounds the same rows as the largest.
    microseconds, post_id = int(match[1]), min(int(match[2]), MAX_QUERY_INT)
    try:
        time = EPOCH + timedelta(microseconds=microseconds)
    except OverflowError:
        raise InvalidCursor(value) from None
    if time > LATEST_CURSOR_TIME:
        raise InvalidCursor(value)
    return time, post_id


@dataclass
class FeedPage:
    items: list[Post]  # each with reposted_by, feed_time, reader_liked, reader_reposted set
    newer: str | None  # the cursor for ?after= when newer posts lie above the page
    older: str | None  # the cursor for ?before= when older posts follow


def home_feed(
    reader: User, per_page: int, number: int = 1, before: FeedCursor | None = None, after: FeedCursor | None = None
) -> FeedPage:
    """One page of ``reader``'s home feed: by cursor when ``before`` or ``after`` is given, else page ``number``."""
    forwards = after is not None and before is None
    if before is not None or after is not None:
        depth, offset = per_page + 1, 0
    else:
        depth, offset = number * per_page + 1, (number - 1) * per_page
    select = Post.timeline_select(reader, depth=depth, before=before, after=after)
    rows = db.session.execute(select.limit(per_page + 1).offset(offset)).unique().all()
    items = [_feed_post(row, reader.id) for row in rows[:per_page]]
    more = len(rows) > per_page
    if forwards:
        items.reverse()
        has_newer, has_older = more, True
    else:
        has_newer, has_older = before is not None or after is not None or number > 1, more
    return FeedPage(
        items=items,
        newer=encode_cursor(items[0]) if items and has_newer else None,
        older=encode_cursor(items[-1]) if items and has_older else None,
    )


def _feed_post(row, reader_id: int) -> Post:
    post, reposter, feed_time, liked, reposted = row
    post.reposted_by, post.feed_time = reposter, feed_time
    post.reader_liked, post.reader_reposted = bool(liked), bool(reposted)
    post.reader_state_for = reader_state_key(reader_id)
    return post
