"""API tokens: random bearer tokens, stored only as SHA-256 hashes, each with an expiry."""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .base import UTCDateTime, utcnow
from .user import User

MAX_DEVICE_LENGTH = 64


class TokenConflict(Exception):
    """A simultaneous request created a token for the same device first."""


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored (the token itself never is)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Token(db.Model):
    """One device's access to the API on a person's behalf."""

    __tablename__ = "tokens"
    __table_args__ = (
        # One token per named device: a new token for the same device replaces the old one.
        sa.UniqueConstraint("user_id", "device"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # A label the client chose ("phone", "laptop"); None for unnamed tokens, of which there may be several.
    device: so.Mapped[str | None] = so.mapped_column(sa.String(MAX_DEVICE_LENGTH))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship()

    def __repr__(self) -> str:
        return f"<Token {self.id} of {self.user_id} for {self.device!r}>"

    @staticmethod
    def issue(user: User, lifetime: int, device: str | None = None) -> tuple["Token", str]:
        """A new token for ``user`` valid ``lifetime`` seconds, and its secret value (shown once).

        Drops the person's expired tokens and, for a named device, the one it had before;
        raises TokenConflict if a simultaneous request got a token for that device first.
        """
        stale = sa.delete(Token).where(Token.user_id == user.id)
        stale = stale.where(sa.or_(Token.expires_at <= utcnow(), Token.device == device) if device else
                            Token.expires_at <= utcnow())
        db.session.execute(stale.execution_options(synchronize_session=False))
        secret = secrets.token_urlsafe(32)
        token = Token(token_hash=hash_token(secret), user_id=user.id, device=device,
                      expires_at=utcnow() + timedelta(seconds=lifetime))
        try:
            with db.session.begin_nested():  # a lost race for (user_id, device) leaves the session usable
                db.session.add(token)
        except sa.exc.IntegrityError:
            raise TokenConflict(device) from None
        return token, secret

    @staticmethod
    def find_valid(secret: str) -> "Token | None":
        """The unexpired token whose value is ``secret``, or None (also when its person is suspended)."""
        if not secret or len(secret) > 256:
            return None
        token = db.session.scalar(sa.select(Token).where(Token.token_hash == hash_token(secret)))
        if token is None or token.expires_at <= utcnow() or token.user.is_suspended:
            return None
        return token

    def revoke(self) -> None:
        """End this token now."""
        db.session.execute(sa.delete(Token).where(Token.id == self.id).execution_options(synchronize_session=False))

    @staticmethod
    def revoke_all(user: User) -> int:
        """End every token of ``user`` (their password changed); returns how many there were."""
        result = db.session.execute(
            sa.delete(Token).where(Token.user_id == user.id).execution_options(synchronize_session=False)
        )
        return result.rowcount
