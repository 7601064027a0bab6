"""Short public posts."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..languages import detect_language
from ..search import SearchableMixin
from .base import UTCDateTime, utcnow
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

    author: so.Mapped[User] = so.relationship(back_populates="posts")

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

    @staticmethod
    def explore_select() -> sa.Select:
        """Everyone's posts, newest first, with their authors."""
        return sa.select(Post).options(so.joinedload(Post.author)).order_by(Post.timestamp.desc(), Post.id.desc())

    @staticmethod
    def by_author_select(author: User) -> sa.Select:
        """One person's posts, newest first."""
        return Post.explore_select().where(Post.user_id == author.id)

    @staticmethod
    def timeline_select(reader: User, depth: int | None = None) -> sa.Select:
        """A person's home feed: their posts and those of people they follow, newest first.

        ``depth`` is how many of the newest rows the caller will read (offset
        plus limit). On PostgreSQL it bounds the work whoever one follows: an
        index-only LATERAL scan of ix_posts_user_id_timestamp_id takes each
        author's newest ``depth`` post ids, the newest ``depth`` of those are
        kept, and only they are read in full. SQLite, without LATERAL, filters
        the posts by author.
        """
        followed_ids = sa.select(follows.c.followed_id).where(follows.c.follower_id == reader.id)
        feed = Post.explore_select()
        if depth is None or db.session.get_bind().dialect.name != "postgresql":
            return feed.where(sa.or_(Post.user_id == reader.id, Post.user_id.in_(followed_ids)))
        authors = followed_ids.union_all(sa.select(sa.literal(reader.id))).subquery("authors")
        newest = (
            sa.select(Post.id, Post.timestamp)
            .where(Post.user_id == authors.c[0])
            .order_by(Post.timestamp.desc(), Post.id.desc())
            .limit(depth)
            .lateral("newest")
        )
        newest_ids = (
            sa.select(newest.c.id)
            .select_from(authors)
            .join(newest, sa.true())
            .order_by(newest.c.timestamp.desc(), newest.c.id.desc())
            .limit(depth)
        )
        return feed.where(Post.id.in_(newest_ids))
