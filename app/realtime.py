"""Socket.IO wiring: the server, who each socket is, pushing published events, limits.

Every person's sockets share the personal room ``user:<id>``; a chat room's
sockets share ``chat:<room id>``. ``app/events.py`` announces events after the
commit through the ``event_published`` signal; the listener here emits them to
that audience. With REDIS_URL the emit goes through Redis, so it reaches
sockets held by any web process, and a process that serves no sockets (an RQ
worker) emits the same way.

Per process, ``connections`` maps each socket this process holds to its
person and the chat rooms it joined: that is the state of the live socket,
which lives where the socket lives. Presence is kept in Redis or the database
(app/presence.py) and refreshed from here while the socket stays.
"""

import logging
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, has_app_context
from limits import parse as parse_limit
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from .events import event_published
from .extensions import db, socketio
from .models import Token, User

logger = logging.getLogger(__name__)


@dataclass
class Connection:
    user_id: int
    username: str
    rooms: set[int] = field(default_factory=set)  # chat room ids this socket joined


connections: dict[str, Connection] = {}
_connections_lock = threading.Lock()


def user_room(user_id: int) -> str:
    """The Socket.IO room every socket of one person joins."""
    return f"user:{user_id}"


def init_app(app: Flask) -> None:
    """Bind the Socket.IO server to ``app`` (through Redis when REDIS_URL is set)."""
    # The handlers must be known before the first server is made: later servers copy them.
    from .chat import events  # noqa: F401

    app.extensions["message_limiter"] = MessageLimiter(app.config.get("REDIS_URL"), app.config["MESSAGE_RATE_LIMIT"])
    if not app.config["SOCKETIO_ENABLED"]:
        return
    socketio.init_app(
        app,
        async_mode="threading",
        message_queue=app.config.get("REDIS_URL"),
        channel=app.config["SOCKETIO_CHANNEL"],
        # None: only the site's own origin (scheme and host of the request) may open a socket.
        cors_allowed_origins=app.config["SOCKETIO_ALLOWED_ORIGINS"] or None,
        logger=False,
        engineio_logger=False,
    )
    app.extensions["presence_refresher"] = PresenceRefresher(app)


def deliver_event(sender: Any, event: str, payload: dict, user_id: int | None, room: str | None) -> None:
    """Emit a committed event to one person's sockets or to a room, in any process."""
    if not has_app_context() or "socketio" not in current_app.extensions:
        return  # an app without live events (the route tests)
    socketio.emit(event, payload, to=user_room(user_id) if user_id is not None else room)


event_published.connect(deliver_event, weak=False)


def user_for_token(secret: Any) -> User | None:
    """The person an unexpired API token (from ``POST /api/tokens``) belongs to, or None."""
    if not isinstance(secret, str) or not secret or len(secret) > 512:
        return None
    token = Token.find_valid(secret)
    return token.user if token is not None else None


def add_connection(sid: str, user: User) -> None:
    with _connections_lock:
        connections[sid] = Connection(user.id, user.username)


def remove_connection(sid: str) -> Connection | None:
    with _connections_lock:
        return connections.pop(sid, None)


def connection(sid: str) -> Connection | None:
    return connections.get(sid)


class MessageLimiter:
    """A per-person message rate limit, counted in Redis (shared) or in memory (one process)."""

    def __init__(self, redis_url: str | None, limit: str):
        self.limit = parse_limit(limit)
        self.limiter = FixedWindowRateLimiter(storage_from_string(redis_url or "memory://"))

    def allow(self, user_id: int) -> bool:
        """Count one message for ``user_id``; False once they are over the limit."""
        return self.limiter.hit(self.limit, "messages", str(user_id))

    def retry_after(self, user_id: int) -> int:
        """Whole seconds until ``user_id``'s window resets (at least 1)."""
        reset_at = self.limiter.get_window_stats(self.limit, "messages", str(user_id)).reset_time
        return max(1, math.ceil(reset_at - time.time()))


def message_allowed(user_id: int) -> bool:
    return current_app.extensions["message_limiter"].allow(user_id)


def message_retry_after(user_id: int) -> int:
    """Seconds before ``user_id`` may send again, for a 429's Retry-After."""
    return current_app.extensions["message_limiter"].retry_after(user_id)


class PresenceRefresher:
    """Keeps the presence entries of this process's sockets from expiring while they stay connected."""

    def __init__(self, app: Flask):
        self.app = app
        self.started = False
        self.lock = threading.Lock()

    def ensure_started(self) -> None:
        with self.lock:
            if not self.started:
                self.started = True
                socketio.start_background_task(self.run)

    def run(self) -> None:
        interval = max(self.app.config["PRESENCE_TTL"] / 3, 1)
        while True:
            socketio.sleep(interval)
            with _connections_lock:
                entries = [(room_id, sid, c.username) for sid, c in connections.items() for room_id in tuple(c.rooms)]
            if not entries:
                continue
            try:
                with self.app.app_context():
                    from .presence import presence_store

                    presence_store().refresh(entries)
                    db.session.remove()
            except Exception:  # noqa: BLE001 - a failed refresh is retried at the next round
                logger.exception("Refreshing presence failed")


def ensure_presence_refresher() -> None:
    refresher = current_app.extensions.get("presence_refresher")
    if refresher is not None:
        refresher.ensure_started()
