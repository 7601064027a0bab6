"""Translations of posts, kept so that no post is sent to a paid provider twice."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .base import UTCDateTime, insert_or_ignore, utcnow


class PostTranslation(db.Model):
    __tablename__ = "post_translations"

    post_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    # The language the post was translated into.
    language: so.Mapped[str] = so.mapped_column(sa.String(5), primary_key=True)
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    # Which service made it ("microsoft", "libretranslate").
    provider: so.Mapped[str] = so.mapped_column(sa.String(32))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PostTranslation {self.post_id} {self.language}>"

    @staticmethod
    def find(post_id: int, language: str) -> str | None:
        """The stored translation of a post into ``language``, if there is one."""
        return db.session.scalar(
            sa.select(PostTranslation.body).where(
                PostTranslation.post_id == post_id, PostTranslation.language == language
            )
        )

    @staticmethod
    def store(post_id: int, language: str, body: str, provider: str) -> bool:
        """Keep a translation; returns False when another request stored one first."""
        return bool(
            insert_or_ignore(
                PostTranslation.__table__,
                post_id=post_id,
                language=language,
                body=body,
                provider=provider,
                created_at=utcnow(),
            )
        )
