"""Short public posts."""

from datetime import datetime, timedelta
from itertools import count

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from ..extensions import db
from ..languages import detect_language
from ..richtext import MAX_TAG_LENGTH, mentioned_names, tags_of
from ..search import SearchableMixin, get_backend
from .activity import MENTION, REPLY, Activity
from .base import UTCDateTime, insert_or_ignore, utcnow
from .block import Blocked, blocked_between, hidden_authors_select
from .reaction import LIKES, REPOSTS, ReactionTargetGone, likes, reacted_post_ids, reposts
from .reaction import add as add_reaction
from .reaction import remove as remove_reaction
from .translation import PostTranslation
from .user import User, follows

MAX_POST_LENGTH = 140
# How many posts above a post its page shows of the conversation (the chain of posts it answers).
MAX_CONVERSATION_DEPTH = 50


class PostError(ValueError):
    """A refused change to a post; ``str(error)`` is a readable reason, ``status`` the HTTP answer."""

    status = 400

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ReplyTargetMissing(PostError):
    """The post being answered does not exist (any more)."""

    def __init__(self):
        super().__init__(_l("The post you are replying to does not exist; it may have been deleted."))


class ReplyBlocked(PostError):
    """The post being answered is by someone who blocked the author, or whom the author blocked."""

    def __init__(self):
        super().__init__(_l("You cannot reply to this post: one of you has blocked the other."))


class PostGone(PostError):
    """The post was deleted meanwhile."""

    status = 404

    def __init__(self):
        super().__init__(_l("This post has been deleted."))


class NotYourPost(PostError):
    """Only its author may change or delete a post."""

    status = 403

    def __init__(self, action: str = "edit"):
        super().__init__(_l("You can delete only your own posts.") if action == "delete"
                         else _l("You can edit only your own posts."))


class EditWindowClosed(PostError):
    """A post can be edited for POST_EDIT_WINDOW seconds after it was published."""

    status = 403

    def __init__(self, minutes: int):
        super().__init__(lazy_ngettext("A post can be edited only within %(num)d minute of publishing it.",
                                       "A post can be edited only within %(num)d minutes of publishing it.", minutes))


post_tags = sa.Table(
    "post_tags",
    db.metadata,
    sa.Column("post_id", sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    # Lower case (app/richtext.py normalize_tag).
    sa.Column("tag", sa.String(MAX_TAG_LENGTH), primary_key=True),
    # A tag's timeline, newest first by keyset on the post id.
    sa.Index("ix_post_tags_tag_post_id", "tag", "post_id"),
)


class Post(SearchableMixin, db.Model):
    __tablename__ = "posts"
    __searchable__ = ["body"]
    __search_recency__ = "timestamp"
    __table_args__ = (
        # Feeds read a person's posts newest first (the id makes the home feed's
        # per-author scan index-only), and everyone's for /explore.
        sa.Index("ix_posts_user_id_timestamp_id", "user_id", "timestamp", "id"),
        sa.Index("ix_posts_timestamp", "timestamp"),
        # A post's replies in order, and the replies to unlink when it is deleted.
        sa.Index("ix_posts_in_reply_to_id_id", "in_reply_to_id", "id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    body: so.Mapped[str] = so.mapped_column(sa.String(MAX_POST_LENGTH))
    timestamp: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # The language the post is written in, guessed when it is published; None when unsure.
    language: so.Mapped[str | None] = so.mapped_column(sa.String(5))
    # The post this one answers; NULL when it answers nothing or what it answered was deleted.
    in_reply_to_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("posts.id", ondelete="SET NULL"))
    # Whether it was published as a reply: true with a NULL in_reply_to_id means "answering a deleted post".
    is_reply: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # Its direct replies, kept by publish and delete in SQL.
    reply_count: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # When its text was last changed (None: never edited).
    edited_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    author: so.Mapped[User] = so.relationship(back_populates="posts")
    # Feeds load it with the post (with_authors), so "replying to @name" costs no query.
    in_reply_to: so.Mapped["Post | None"] = so.relationship(remote_side=[id])

    # Kept in SQL by app/models/reaction.py when a like or repost really lands or goes.
    like_count: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    repost_count: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    # What a page knows of the post for its reader (not columns): set by load_reader_state
    # or, on the home feed, by the feed query itself, in the same statement.
    reader_liked = None  # bool once known
    reader_reposted = None
    reader_state_for = None  # reader_state_key(): the person they are about, in this request
    # On the home feed: who among the people you follow reposted it (None: it is there as a post),
    # and the time it entered the feed (its own time, or the repost's).
    reposted_by = None  # a User
    feed_time = None

    def __repr__(self) -> str:
        return f"<Post {self.id} by {self.user_id}>"

    @classmethod
    def search_select(cls) -> sa.Select:
        """Search results come with their authors, as feeds do."""
        return cls.with_authors(sa.select(cls))

    @classmethod
    def publish(cls, author: User, body: str, in_reply_to: int | None = None) -> "Post":
        """Add a post by ``author`` (answering post ``in_reply_to``), note its language and count it.

        A reply adds one to its parent's reply_count with an UPDATE that also locks the
        parent row, so a parent deleted meanwhile is a ReplyTargetMissing, never a broken
        link. The post's tags are stored, and the people it mentions and the author it
        answers are told (Activity), in the same transaction.
        """
        body = body.strip()
        parent_author_id = None
        if in_reply_to is not None:
            parent_author_id = _count_reply(in_reply_to, +1)
            if parent_author_id is None:
                raise ReplyTargetMissing()
            if blocked_between(author.id, parent_author_id):
                raise ReplyBlocked()
        post = cls(body=body, author=author, language=detect_language(body),
                   in_reply_to_id=in_reply_to, is_reply=in_reply_to is not None)
        db.session.add(post)
        db.session.execute(
            sa.update(User).where(User.id == author.id).values(posts_count=User.posts_count + 1)
        )
        db.session.expire(author, ["posts_count"])
        db.session.flush()
        post._store_tags(tags_of(body))
        post._tell_mentioned(mentioned_names(body))
        if parent_author_id is not None:
            Activity.record(parent_author_id, author.id, REPLY, post.id)
        return post

    def edit_window(self) -> timedelta:
        return timedelta(seconds=current_app.config["POST_EDIT_WINDOW"])

    def is_editable(self, now: datetime | None = None) -> bool:
        """Whether the edit window is still open (the author is checked separately)."""
        return (now or utcnow()) - self.timestamp <= self.edit_window()

    def edit(self, editor: User, body: str, now: datetime | None = None) -> bool:
        """Change the text (its author only, within POST_EDIT_WINDOW); False when the text is the same.

        The language is detected again, the stored tags and mentions follow the new text
        (people no longer mentioned lose the item, newly mentioned ones get it), cached
        translations of the old text are dropped, and the search index follows the flush.
        """
        if self.user_id != editor.id:
            raise NotYourPost("edit")
        # Lock the row (PostgreSQL) so two edits of one post apply one after the other.
        current = db.session.execute(
            sa.select(Post.body).where(Post.id == self.id).with_for_update()
        ).scalar_one_or_none()
        if current is None:
            raise PostGone()
        now = now or utcnow()
        if not self.is_editable(now):
            raise EditWindowClosed(int(self.edit_window().total_seconds() // 60))
        body = body.strip()
        if body == current:
            return False
        old_names, new_names = mentioned_names(current), mentioned_names(body)
        self.body, self.language, self.edited_at = body, detect_language(body), now
        db.session.execute(sa.delete(post_tags).where(post_tags.c.post_id == self.id))
        self._store_tags(tags_of(body))
        db.session.execute(sa.delete(PostTranslation).where(PostTranslation.post_id == self.id))
        self._tell_mentioned(new_names - old_names)
        for person_id in _people_ids(old_names - new_names):
            Activity.withdraw(person_id, self.user_id, MENTION, self.id)
        db.session.flush()
        return True

    def delete(self) -> bool:
        """Remove this post and uncount it from its author's profile (and its parent); False if already gone.

        Of two simultaneous deletions only the one whose DELETE removed the row uncounts
        it. Its replies stay, answering a deleted post; the search index drops it.
        """
        posts = Post.__table__
        row = db.session.execute(
            sa.delete(posts).where(posts.c.id == self.id).returning(posts.c.in_reply_to_id)
        ).first()
        if row is None:
            return False
        db.session.execute(
            sa.update(User).where(User.id == self.user_id).values(posts_count=User.posts_count - 1)
        )
        if row.in_reply_to_id is not None:
            _count_reply(row.in_reply_to_id, -1)
        if db.session.get_bind().dialect.name == "sqlite":
            # SQLite does not enforce foreign keys here: do what ON DELETE does on PostgreSQL.
            db.session.execute(sa.update(posts).where(posts.c.in_reply_to_id == self.id).values(in_reply_to_id=None))
            for table in (post_tags, Activity.__table__, PostTranslation.__table__):
                db.session.execute(sa.delete(table).where(table.c.post_id == self.id))
        backend = get_backend()
        if backend.follows_flushes(db.session()):
            # A bulk DELETE is no flush: hand the removal to the index as a flush would.
            backend.record_changes(db.session(), self.search_index_name(), [], [self.id])
        db.session.expire(self.author, ["posts_count"])
        db.session.expunge(self)
        return True

    def _store_tags(self, tags: set[str]) -> None:
        for tag in sorted(tags):
            insert_or_ignore(post_tags, post_id=self.id, tag=tag)

    def _tell_mentioned(self, names: set[str]) -> None:
        """A MENTION activity for each existing person among ``names`` (never the author)."""
        for person_id in _people_ids(names):
            Activity.record(person_id, self.user_id, MENTION, self.id)

    # -- likes and reposts ----------------------------------------------------------

    def like(self, user: User) -> bool:
        """``user`` likes this post; False when they already did.

        Raises PostGone if it was deleted, Blocked when its author and ``user`` are across a block.
        """
        return self._react(add_reaction, LIKES, user, "like_count")

    def unlike(self, user: User) -> bool:
        """``user`` no longer likes this post; False when they did not."""
        return self._react(remove_reaction, LIKES, user, "like_count")

    def repost(self, user: User) -> bool:
        """``user`` reposts this post to their followers; False when they already had."""
        return self._react(add_reaction, REPOSTS, user, "repost_count")

    def unrepost(self, user: User) -> bool:
        """``user`` takes back their repost; False when there was none."""
        return self._react(remove_reaction, REPOSTS, user, "repost_count")

    def _react(self, change, reaction, user: User, counter: str) -> bool:
        if change is add_reaction and blocked_between(user.id, self.user_id):
            raise Blocked()
        try:
            changed = change(reaction, user.id, self.id)
        except ReactionTargetGone:
            raise PostGone() from None
        db.session.expire(self, [counter])
        if self.reader_state_for != reader_state_key(user.id):
            self.reader_liked = self.reader_reposted = None
            self.reader_state_for = reader_state_key(user.id)
        # Whether it changed anything or not, this part of the person's state is now known.
        setattr(self, "reader_liked" if reaction is LIKES else "reader_reposted", change is add_reaction)
        return changed

    def likers_select(self) -> sa.Select:
        """The people who liked this post, as ``(User, like id)`` rows; page them by ``likes.c.id``."""
        return sa.select(User, likes.c.id).join(likes, likes.c.user_id == User.id).where(likes.c.post_id == self.id)

    @staticmethod
    def load_reader_state(posts: "list[Post]", reader: User | None) -> None:
        """Note on each of ``posts`` whether ``reader`` liked and reposted it: one query for the lot."""
        if reader is None or not getattr(reader, "is_authenticated", True):
            return
        ids = [post.id for post in posts if not post.knows_reader_state(reader.id)]
        if not ids:
            return
        liked, reposted = set(), set()
        statement = sa.union_all(
            reacted_post_ids(LIKES, reader.id, ids).add_columns(sa.literal("like").label("kind")),
            reacted_post_ids(REPOSTS, reader.id, ids).add_columns(sa.literal("repost").label("kind")),
        )
        for post_id, kind in db.session.execute(statement):
            (liked if kind == "like" else reposted).add(post_id)
        for post in posts:
            if post.id in ids:
                post.reader_liked, post.reader_reposted = post.id in liked, post.id in reposted
                post.reader_state_for = reader_state_key(reader.id)

    def knows_reader_state(self, reader_id: int) -> bool:
        """Whether reader_liked and reader_reposted are known, and about this person."""
        return self.reader_state_for == reader_state_key(reader_id) and None not in (
            self.reader_liked, self.reader_reposted)

    @staticmethod
    def with_authors(select: sa.Select) -> sa.Select:
        """Load posts with their authors and, for replies, the post answered and its author (same statement)."""
        return select.options(
            so.joinedload(Post.author), so.joinedload(Post.in_reply_to).joinedload(Post.author)
        )

    @staticmethod
    def explore_select() -> sa.Select:
        """Everyone's posts, newest first, with their authors."""
        return Post.with_authors(sa.select(Post)).order_by(Post.timestamp.desc(), Post.id.desc())

    @staticmethod
    def replies_select(post_id: int) -> sa.Select:
        """The direct replies to a post (the caller orders them: keyset on the id)."""
        return Post.with_authors(sa.select(Post)).where(Post.in_reply_to_id == post_id)

    @staticmethod
    def tag_select(tag: str) -> sa.Select:
        """The posts with a tag (lower case), for keyset paging on the post id (ix_post_tags_tag_post_id)."""
        return (
            Post.with_authors(sa.select(Post))
            .join(post_tags, post_tags.c.post_id == Post.id)
            .where(post_tags.c.tag == tag)
        )

    def conversation(self) -> list["Post"]:
        """The chain of posts this one answers, oldest first (at most MAX_CONVERSATION_DEPTH), in one query."""
        if self.in_reply_to_id is None:
            return []
        chain = (
            sa.select(Post.id, Post.in_reply_to_id, sa.literal(1).label("depth"))
            .where(Post.id == self.in_reply_to_id)
            .cte("chain", recursive=True)
        )
        chain = chain.union_all(
            sa.select(Post.id, Post.in_reply_to_id, chain.c.depth + 1)
            .join(chain, Post.id == chain.c.in_reply_to_id)
            .where(chain.c.depth < MAX_CONVERSATION_DEPTH)
        )
        select = (
            Post.with_authors(sa.select(Post))
            .join(chain, Post.id == chain.c.id)
            .order_by(chain.c.depth.desc())
        )
        return list(db.session.scalars(select).unique())

    @staticmethod
    def by_author_select(author: User) -> sa.Select:
        """One person's posts, newest first."""
        return Post.explore_select().where(Post.user_id == author.id)

    @staticmethod
    def timeline_select(
        reader: User,
        depth: int | None = None,
        before: "tuple[datetime, int] | None" = None,
        after: "tuple[datetime, int] | None" = None,
    ) -> sa.Select:
        """A person's home feed, newest first: their posts, those of people they follow, and what those reposted.

        Rows are ``(Post, reposter, feed_time, liked, reposted)``: ``reposter`` is the
        person followed (or the reader) who reposted it, None when the post is there as
        itself; ``feed_time`` is when it entered the feed (the post's time or the
        repost's); ``liked`` and ``reposted`` say what the reader did, so a page costs
        one statement. A post appears once, at its newest appearance (reposted by two
        people you follow, it shows once, "reposted by" the later). The key is
        ``(feed_time, post id)``: ``before``/``after`` bound it (a keyset cursor), and
        ``after`` alone reads oldest first.

        ``depth`` is how many of the newest rows the caller will read (offset plus
        limit). On PostgreSQL it bounds the work whoever one follows: LATERAL
        index-only scans take each author's newest ``depth`` post ids from
        ix_posts_user_id_timestamp_id and their newest ``depth`` reposts from
        ix_reposts_user_id_created_at_post_id; of these the newest appearance of each
        post is kept, the newest ``depth`` of those, and only they are read in full.
        SQLite, without LATERAL, filters posts and reposts by author.
        """
        feed = Post._feed_appearances(reader, depth, before, after)
        reposter = so.aliased(User, name="reposter")
        forwards = after is not None and before is None
        order = (feed.c.at.asc(), feed.c.post_id.asc()) if forwards else (feed.c.at.desc(), feed.c.post_id.desc())
        liked = sa.exists().where(likes.c.user_id == reader.id, likes.c.post_id == Post.id)
        reposted = sa.exists().where(reposts.c.user_id == reader.id, reposts.c.post_id == Post.id)
        return (
            sa.select(Post, reposter, feed.c.at.label("feed_time"), liked.label("liked"), reposted.label("reposted"))
            .join(feed, feed.c.post_id == Post.id)
            .outerjoin(reposter, reposter.id == feed.c.reposter_id)
            .where(Post.user_id.not_in(hidden_authors_select(reader.id)))
            .options(so.joinedload(Post.author), so.joinedload(Post.in_reply_to).joinedload(Post.author))
            .order_by(*order)
        )

    @staticmethod
    def _feed_appearances(reader: User, depth: int | None, before, after) -> sa.Subquery:
        """``(post_id, at, reposter_id)``: the newest appearance of each post in the reader's feed."""
        forwards = after is not None and before is None

        def bounded(select: sa.Select, time: sa.ColumnElement, key: sa.ColumnElement) -> sa.Select:
            for bound, compare in ((before, "__lt__"), (after, "__gt__")):
                if bound is not None:
                    bound_row = sa.tuple_(sa.literal(bound[0], UTCDateTime()), sa.literal(bound[1], sa.Integer()))
                    select = select.where(getattr(sa.tuple_(time, key), compare)(bound_row))
            return select

        def newest(select: sa.Select, time: sa.ColumnElement, key: sa.ColumnElement) -> sa.Select:
            order = (time.asc(), key.asc()) if forwards else (time.desc(), key.desc())
            return bounded(select, time, key).order_by(*order).limit(depth)

        # Nobody the reader blocked, was blocked by or muted brings posts into the feed, as author or reposter.
        followed_ids = sa.select(follows.c.followed_id).where(
            follows.c.follower_id == reader.id, follows.c.followed_id.not_in(hidden_authors_select(reader.id))
        )
        no_reposter = sa.cast(sa.null(), sa.Integer).label("reposter_id")
        bounded_scan = depth is not None and db.session.get_bind().dialect.name == "postgresql"
        if bounded_scan:
            authors = followed_ids.union_all(sa.select(sa.literal(reader.id))).subquery("authors")
            author_id = authors.c[0]
            own = newest(
                sa.select(Post.id.label("post_id"), Post.timestamp.label("at"), no_reposter)
                .where(Post.user_id == author_id), Post.timestamp, Post.id,
            ).lateral("own")
            shared = newest(
                sa.select(reposts.c.post_id, reposts.c.created_at.label("at"), reposts.c.user_id.label("reposter_id"))
                .where(reposts.c.user_id == author_id), reposts.c.created_at, reposts.c.post_id,
            ).lateral("shared")
            appearances = sa.union_all(
                sa.select(own.c.post_id, own.c.at, own.c.reposter_id).select_from(authors).join(own, sa.true()),
                sa.select(shared.c.post_id, shared.c.at, shared.c.reposter_id).select_from(authors)
                .join(shared, sa.true()),
            ).subquery("appearances")
        else:
            appearances = sa.union_all(
                bounded(
                    sa.select(Post.id.label("post_id"), Post.timestamp.label("at"), no_reposter)
                    .where(sa.or_(Post.user_id == reader.id, Post.user_id.in_(followed_ids))),
                    Post.timestamp, Post.id,
                ),
                bounded(
                    sa.select(reposts.c.post_id, reposts.c.created_at.label("at"),
                              reposts.c.user_id.label("reposter_id"))
                    .where(sa.or_(reposts.c.user_id == reader.id, reposts.c.user_id.in_(followed_ids))),
                    reposts.c.created_at, reposts.c.post_id,
                ),
            ).subquery("appearances")
        rank = sa.func.row_number().over(
            partition_by=appearances.c.post_id, order_by=(appearances.c.at.desc(), appearances.c.reposter_id.desc())
        )
        ranked = sa.select(appearances, rank.label("rank")).subquery("ranked")
        kept = sa.select(ranked.c.post_id, ranked.c.at, ranked.c.reposter_id).where(ranked.c.rank == 1)
        if bounded_scan:
            kept = newest(kept, ranked.c.at, ranked.c.post_id)
        return kept.subquery("feed")


def reader_state_key(reader_id: int) -> tuple[int, int]:
    """What a post's reader state is about: a person, in one request (objects outlive a request in tests)."""
    if not has_request_context():
        return reader_id, 0
    return reader_id, request.environ.setdefault("microblog.request_number", next(_request_numbers))


_request_numbers = count(1)


def _count_reply(parent_id: int, change: int) -> int | None:
    """Add ``change`` to a post's reply_count in SQL; returns its author's id, None when it is gone.

    On PostgreSQL the UPDATE locks the parent row until the commit, so a simultaneous
    deletion of the parent waits and then unlinks the new reply (ON DELETE SET NULL).
    """
    posts = Post.__table__
    author_id = db.session.scalar(
        sa.update(posts).where(posts.c.id == parent_id)
        .values(reply_count=posts.c.reply_count + change).returning(posts.c.user_id)
    )
    parent = db.session.identity_map.get(db.session.identity_key(Post, parent_id))
    if parent is not None:
        db.session.expire(parent, ["reply_count"])
    return author_id


def _people_ids(names: set[str]) -> list[int]:
    """The ids of the people with these usernames (lower case), in one query."""
    if not names:
        return []
    return list(db.session.scalars(sa.select(User.id).where(sa.func.lower(User.username).in_(sorted(names)))))
