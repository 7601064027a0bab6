"""Short public posts."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..languages import detect_language
from ..search import SearchableMixin
from .base import UTCDateTime, utcnow
from .reaction import LIKES, REPOSTS, likes, reacted_post_ids, reposts
from .reaction import add as add_reaction
from .reaction import remove as remove_reaction
from .user import User, follows

MAX_POST_LENGTH = 140


class Post(SearchableMixin, db.Model):
    __tablename__ = "posts"
    __searchable__ = ["body"]
    __search_recency__ = "timestamp"
    __table_args__ = (
        # Feeds read a person's posts newest first (the id makes the home feed's
        # per-author scan index-only), and everyone's for /explore.
        sa.Index("ix_posts_user_id_timestamp_id", "user_id", "timestamp", "id"),
        sa.Index("ix_posts_timestamp", "timestamp"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    body: so.Mapped[str] = so.mapped_column(sa.String(MAX_POST_LENGTH))
    timestamp: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # The language the post is written in, guessed when it is published; None when unsure.
    language: so.Mapped[str | None] = so.mapped_column(sa.String(5))

    # Kept in SQL by app/models/reaction.py when a like or repost really lands or goes.
    like_count: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    repost_count: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    author: so.Mapped[User] = so.relationship(back_populates="posts")

    # What a page knows of the post for its reader (not columns): set by load_reader_state
    # or, on the home feed, by the feed query itself, in the same statement.
    reader_liked = None  # bool once known
    reader_reposted = None
    reader_state_for = None  # the id of the person they are about
    # On the home feed: who among the people you follow reposted it (None: it is there as a post),
    # and the time it entered the feed (its own time, or the repost's).
    reposted_by = None  # a User
    feed_time = None

    def __repr__(self) -> str:
        return f"<Post {self.id} by {self.user_id}>"

    @classmethod
    def search_select(cls) -> sa.Select:
        """Search results come with their authors, as feeds do."""
        return sa.select(cls).options(so.joinedload(cls.author))

    @classmethod
    def publish(cls, author: User, body: str) -> "Post":
        """Add a post by ``author``, note its language and count it on their profile."""
        body = body.strip()
        post = cls(body=body, author=author, language=detect_language(body))
        db.session.add(post)
        db.session.execute(
            sa.update(User).where(User.id == author.id).values(posts_count=User.posts_count + 1)
        )
        db.session.expire(author, ["posts_count"])
        return post

    def delete(self) -> bool:
        """Remove this post and uncount it from its author's profile; False if it was already gone.

        Of two simultaneous deletions only the one whose DELETE removed the row uncounts it.
        """
        result = db.session.execute(
            sa.delete(Post).where(Post.id == self.id).execution_options(synchronize_session=False)
        )
        if result.rowcount == 0:
            return False
        db.session.execute(
            sa.update(User).where(User.id == self.user_id).values(posts_count=User.posts_count - 1)
        )
        db.session.expire(self.author, ["posts_count"])
        db.session.expunge(self)
        return True

    # -- likes and reposts ----------------------------------------------------------

    def like(self, user: User) -> bool:
        """``user`` likes this post; False when they already did. Raises PostGone if it was deleted."""
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
        changed = change(reaction, user.id, self.id)
        db.session.expire(self, [counter])
        if self.reader_state_for != user.id:
            self.reader_liked = self.reader_reposted = None
            self.reader_state_for = user.id
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
                post.reader_state_for = reader.id

    def knows_reader_state(self, reader_id: int) -> bool:
        """Whether reader_liked and reader_reposted are known, and about this person."""
        return self.reader_state_for == reader_id and None not in (self.reader_liked, self.reader_reposted)

    @staticmethod
    def explore_select() -> sa.Select:
        """Everyone's posts, newest first, with their authors."""
        return sa.select(Post).options(so.joinedload(Post.author)).order_by(Post.timestamp.desc(), Post.id.desc())

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
            .options(so.joinedload(Post.author))
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

        followed_ids = sa.select(follows.c.followed_id).where(follows.c.follower_id == reader.id)
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
