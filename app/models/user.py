"""People, their passwords, follows and profile details."""

import hashlib
from datetime import datetime, timedelta
from time import time

import jwt
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..avatars import best_size
from ..extensions import db, login
from ..jobs import enqueue_task
from ..outbox import on_commit
from ..rendering import cached_url_for
from ..search import SearchableMixin
from .activity import FOLLOW, Activity
from .base import UTCDateTime, insert_or_ignore, utcnow
from .block import Blocked, blocked_between, lock_people
from .notification import Notification
from .task import Task, TaskInProgress

follows = sa.Table(
    "follows",
    db.metadata,
    sa.Column("follower_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("followed_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    # The primary key serves "whom does X follow"; this serves "who follows X".
    sa.Index("ix_follows_followed_id_follower_id", "followed_id", "follower_id"),
)


class User(UserMixin, SearchableMixin, db.Model):
    __tablename__ = "users"
    __searchable__ = ["username", "about_me"]

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64))
    email: so.Mapped[str] = so.mapped_column(sa.String(120))
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(256))
    about_me: so.Mapped[str | None] = so.mapped_column(sa.String(140))
    # The language the site speaks to this person in; None follows their browser.
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(5))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_seen: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, default=utcnow)
    # Counters shown on every profile and popup, kept by follow() and Post.
    followers_count: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    following_count: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    posts_count: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # The sum of the person's unread_count over their conversations, kept by Message.send and mark_read.
    unread_message_count: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # The last number handed to one of this person's notifications (app/models/notification.py).
    notification_seq: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # Activity (follows, mentions, replies, likes, reposts) after the read mark, kept by app/models/activity.py.
    unread_activity_count: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    activity_read_id: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # Part of every session and "remember me" cookie (get_id); raising it ends them all.
    session_version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # The uploaded picture's version (app/avatars.py names its files); None shows the identicon.
    avatar_version: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    # Set by `flask admin grant`; admins see /admin/reports.
    is_admin: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # When an admin suspended the person: they can no longer sign in, use the API or connect a socket.
    suspended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    posts: so.WriteOnlyMapped["Post"] = so.relationship(  # noqa: F821
        back_populates="author", passive_deletes=True
    )
    notifications: so.WriteOnlyMapped[Notification] = so.relationship(
        passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    def get_id(self) -> str:
        """What the session and "remember me" cookies hold: the id and the session version."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    def end_all_sessions(self) -> None:
        """Make every session and "remember me" cookie issued so far stop working (at commit)."""
        self.session_version = User.session_version + 1

    # -- lookups -----------------------------------------------------------------

    @staticmethod
    def find_by_username(username: str) -> "User | None":
        """The person with this username, whatever its letter case."""
        return db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.lower()))

    @staticmethod
    def usernames_among(names: set[str]) -> list[str]:
        """The usernames, as spelt, of the people whose lower-case name is in ``names`` (one query)."""
        if not names:
            return []
        return list(db.session.scalars(sa.select(User.username).where(sa.func.lower(User.username).in_(sorted(names)))))

    @staticmethod
    def find_by_email(email: str) -> "User | None":
        """The person with this e-mail address, whatever its letter case."""
        return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.lower()))

    # -- passwords ---------------------------------------------------------------

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password (Werkzeug's default method)."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Whether the password matches the stored hash."""
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    def _password_fingerprint(self) -> str:
        # Changes whenever the password does, which retires older reset tokens.
        return hashlib.sha256((self.password_hash or "").encode()).hexdigest()[:16]

    def get_reset_password_token(self, expires_in: int | None = None) -> str:
        """A signed token for the reset link: short-lived and usable once."""
        expires_in = expires_in or current_app.config["PASSWORD_RESET_EXPIRES"]
        payload = {
            "reset_password": self.id,
            "fingerprint": self._password_fingerprint(),
            "exp": int(time()) + expires_in,
        }
        return jwt.encode(payload, current_app.config["SECRET_KEY"], algorithm="HS256")

    @staticmethod
    def verify_reset_password_token(token: str) -> "User | None":
        """The person a reset token was issued to, or None if it is bad, old or used."""
        try:
            payload = jwt.decode(token, current_app.config["SECRET_KEY"], algorithms=["HS256"])
            user = db.session.get(User, int(payload["reset_password"]))
        except (jwt.InvalidTokenError, KeyError, TypeError, ValueError):
            return None
        if user is None or payload.get("fingerprint") != user._password_fingerprint():
            return None
        return user

    # -- profile -----------------------------------------------------------------

    def avatar(self, size: int) -> str:
        """The URL of this person's picture, ``size`` pixels square: the uploaded one, else the default."""
        if self.avatar_version is not None:
            return cached_url_for("main.avatar_picture", user_id=self.id, version=self.avatar_version,
                                  size=best_size(size))
        if current_app.config["AVATAR_SERVICE"] == "gravatar":
            digest = hashlib.md5(self.email.lower().encode("utf-8")).hexdigest()
            return f"https://www.gravatar.com/avatar/{digest}?d=identicon&s={size}"
        return cached_url_for("main.avatar", user_id=self.id, s=size)

    def touch_last_seen(self) -> bool:
        """Record that the person is active, at most once per LAST_SEEN_INTERVAL.

        Returns whether anything was written, so pages stay read-only between.
        """
        now = utcnow()
        interval = timedelta(seconds=current_app.config["LAST_SEEN_INTERVAL"])
        if self.last_seen is not None and now - self.last_seen < interval:
            return False
        self.last_seen = now
        return True

    # -- following ---------------------------------------------------------------

    def is_following(self, user: "User") -> bool:
        """Whether this person follows ``user``."""
        query = sa.select(follows.c.follower_id).where(
            follows.c.follower_id == self.id, follows.c.followed_id == user.id
        )
        return db.session.scalar(query) is not None

    def follow(self, user: "User") -> bool:
        """Follow ``user``; returns False when already following (or oneself).

        Raises Blocked when either has blocked the other; both people's rows are locked
        before the check, as ``app/blocking.py`` locks them before a block undoes follows,
        so a follow and a block racing each other cannot leave a follow behind the block.
        """
        if user.id == self.id:
            return False
        lock_people(self.id, user.id)
        if blocked_between(self.id, user.id):
            raise Blocked("one of the two has blocked the other")
        if not insert_or_ignore(follows, follower_id=self.id, followed_id=user.id):
            return False  # already following, perhaps from a simultaneous request
        self._adjust_follow_counts(user, +1)
        Activity.record(user.id, self.id, FOLLOW)
        return True

    def unfollow(self, user: "User") -> bool:
        """Stop following ``user``; returns False when not following."""
        result = db.session.execute(
            sa.delete(follows).where(follows.c.follower_id == self.id, follows.c.followed_id == user.id)
        )
        if result.rowcount == 0:
            return False
        self._adjust_follow_counts(user, -1)
        Activity.withdraw(user.id, self.id, FOLLOW)
        return True

    def _adjust_follow_counts(self, user: "User", delta: int) -> None:
        # Relative updates in one statement: simultaneous follows never lose an update, and
        # both rows are locked in index order, so follows in opposite directions cannot deadlock.
        db.session.execute(
            sa.update(User)
            .where(User.id.in_([self.id, user.id]))
            .values(
                following_count=User.following_count + sa.case((User.id == self.id, delta), else_=0),
                followers_count=User.followers_count + sa.case((User.id == user.id, delta), else_=0),
            )
            .execution_options(synchronize_session=False)
        )
        db.session.expire(self, ["following_count"])
        db.session.expire(user, ["followers_count"])

    def followers_select(self) -> sa.Select:
        """People who follow this person, most recent first."""
        return (
            sa.select(User)
            .join(follows, follows.c.follower_id == User.id)
            .where(follows.c.followed_id == self.id)
            .order_by(follows.c.created_at.desc(), User.id.desc())
        )

    def following_select(self) -> sa.Select:
        """People this person follows, most recent first."""
        return (
            sa.select(User)
            .join(follows, follows.c.followed_id == User.id)
            .where(follows.c.follower_id == self.id)
            .order_by(follows.c.created_at.desc(), User.id.desc())
        )

    # -- notifications -----------------------------------------------------------

    def add_notification(self, name: str, data) -> dict:
        """Set this person's notification ``name`` to ``data`` (JSON), replacing the earlier one."""
        return Notification.replace(self.id, name, data)

    def notifications_since(self, since: float) -> list[Notification]:
        """This person's notifications newer than ``since`` (seconds since the epoch), oldest first."""
        return list(db.session.scalars(Notification.since_select(self.id, since)))

    def notifications_after(self, after: int) -> list[Notification]:
        """This person's notifications changed after sequence number ``after``, in the order they changed."""
        return list(db.session.scalars(Notification.after_select(self.id, after)))

    # -- background tasks --------------------------------------------------------

    def launch_task(self, name: str, description: str, *args, function: str | None = None) -> Task:
        """Record a task ``name`` and queue its job (``app.tasks.<name>(user id, *args)``) after the commit.

        Raises TaskInProgress when an unfinished task of that name exists, even one
        started by a simultaneous request (the database's unique index decides).
        """
        task = Task(id=Task.new_id(), name=name, description=description, user=self)
        try:
            with db.session.begin_nested():
                db.session.add(task)
        except sa.exc.IntegrityError:
            raise TaskInProgress(name) from None
        task.notify(0)
        on_commit(enqueue_task, current_app._get_current_object(), task.id, function or f"app.tasks.{name}", self.id,
                  *args)
        return task

    def get_tasks_in_progress(self) -> list[Task]:
        """This person's unfinished tasks, oldest first."""
        query = sa.select(Task).where(Task.user_id == self.id, sa.not_(Task.complete)).order_by(Task.created_at)
        return list(db.session.scalars(query))

    def get_task_in_progress(self, name: str) -> Task | None:
        """This person's unfinished task called ``name``, if any."""
        query = sa.select(Task).where(Task.user_id == self.id, Task.name == name, sa.not_(Task.complete))
        return db.session.scalar(query)


# Case-insensitive uniqueness, enforced by the database so that two
# simultaneous registrations cannot both succeed.
sa.Index("uq_users_username_lower", sa.func.lower(User.username), unique=True)
sa.Index("uq_users_email_lower", sa.func.lower(User.email), unique=True)


@login.user_loader
def load_user(session_id: str) -> User | None:
    """The person a cookie names, if its session version is still theirs."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    if len(user_id) > 10 or int(user_id) > 2**31 - 1:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.is_suspended or str(user.session_version) != version:
        return None
    return user
