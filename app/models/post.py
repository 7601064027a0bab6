"""Short public posts."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from ..languages import detect_language
from .base import UTCDateTime, utcnow
from .user import User

MAX_POST_LENGTH = 140


class Post(db.Model):
    __tablename__ = "posts"
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

    @staticmethod
    def explore_select() -> sa.Select:
        """Everyone's posts, newest first, with their authors."""
        return sa.select(Post).options(so.joinedload(Post.author)).order_by(Post.timestamp.desc(), Post.id.desc())

    @staticmethod
    def by_author_select(author: User) -> sa.Select:
        """One person's posts, newest first."""
        return (
            sa.select(Post)
            .options(so.joinedload(Post.author))
            .where(Post.user_id == author.id)
            .order_by(Post.timestamp.desc(), Post.id.desc())
        )
