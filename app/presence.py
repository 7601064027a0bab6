"""Who is present in which chat room: in Redis when REDIS_URL is set, else in the database.

Never in process memory, so presence outlives a web worker's restart and every
process sees the same list. An entry is one socket in one room with an expiry;
the process that holds the socket refreshes it (app/realtime.py) and a socket
whose process died simply expires. Several sockets of one person count once.
"""

import time
from datetime import timedelta

import redis
import sqlalchemy as sa
from flask import current_app

from .extensions import db
from .models import RoomPresence, User, utcnow
from .models.base import upsert

REDIS_KEY = "microblog:presence:{room_id}"


class RedisPresence:
    """A sorted set per room: member ``"<sid> <username>"``, score the moment it expires."""

    def __init__(self, url: str, ttl: int):
        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.ttl = ttl

    def enter(self, room_id: int, sid: str, user_id: int, username: str) -> None:
        key, now = REDIS_KEY.format(room_id=room_id), time.time()
        with self.redis.pipeline() as pipe:
            pipe.zremrangebyscore(key, "-inf", now)
            pipe.zadd(key, {f"{sid} {username}": now + self.ttl})
            pipe.expire(key, self.ttl * 2)
            pipe.execute()

    def leave(self, room_id: int, sid: str, username: str) -> None:
        self.redis.zrem(REDIS_KEY.format(room_id=room_id), f"{sid} {username}")

    def refresh(self, entries: list[tuple[int, str, str]]) -> None:
        """Push back the expiry of ``(room_id, sid, username)`` entries that still exist."""
        until = time.time() + self.ttl
        with self.redis.pipeline() as pipe:
            for room_id, sid, username in entries:
                key = REDIS_KEY.format(room_id=room_id)
                pipe.zadd(key, {f"{sid} {username}": until}, xx=True)
                pipe.expire(key, self.ttl * 2)
            pipe.execute()

    def present(self, room_id: int) -> list[str]:
        return self.present_in([room_id])[room_id]

    def present_in(self, room_ids: list[int]) -> dict[int, list[str]]:
        now = time.time()
        with self.redis.pipeline() as pipe:
            for room_id in room_ids:
                pipe.zrangebyscore(REDIS_KEY.format(room_id=room_id), now, "+inf")
            answers = pipe.execute()
        return {
            room_id: sorted({member.split(" ", 1)[1] for member in members})
            for room_id, members in zip(room_ids, answers, strict=True)
        }


class DatabasePresence:
    """Rows of ``room_presence``; each call commits its own short transaction."""

    def __init__(self, ttl: int):
        self.ttl = ttl

    def enter(self, room_id: int, sid: str, user_id: int, username: str) -> None:
        now = utcnow()
        db.session.execute(
            sa.delete(RoomPresence).where(RoomPresence.room_id == room_id, RoomPresence.expires_at < now)
        )
        upsert(RoomPresence.__table__, ["room_id", "sid"], ["user_id", "expires_at"],
               room_id=room_id, sid=sid, user_id=user_id, expires_at=now + timedelta(seconds=self.ttl))
        db.session.commit()

    def leave(self, room_id: int, sid: str, username: str) -> None:
        db.session.execute(sa.delete(RoomPresence).where(RoomPresence.room_id == room_id, RoomPresence.sid == sid))
        db.session.commit()

    def refresh(self, entries: list[tuple[int, str, str]]) -> None:
        if not entries:
            return
        until = utcnow() + timedelta(seconds=self.ttl)
        db.session.execute(
            sa.update(RoomPresence)
            .where(sa.tuple_(RoomPresence.room_id, RoomPresence.sid).in_([(room, sid) for room, sid, _ in entries]))
            .values(expires_at=until)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()

    def present(self, room_id: int) -> list[str]:
        return self.present_in([room_id])[room_id]

    def present_in(self, room_ids: list[int]) -> dict[int, list[str]]:
        rows = db.session.execute(
            sa.select(RoomPresence.room_id, User.username)
            .join(User, User.id == RoomPresence.user_id)
            .where(RoomPresence.room_id.in_(room_ids), RoomPresence.expires_at > utcnow())
            .distinct()
        ).all()
        present: dict[int, set[str]] = {room_id: set() for room_id in room_ids}
        for room_id, username in rows:
            present[room_id].add(username)
        return {room_id: sorted(names) for room_id, names in present.items()}


def presence_store() -> RedisPresence | DatabasePresence:
    """The app's presence store, made once per app."""
    store = current_app.extensions.get("presence")
    if store is None:
        ttl = current_app.config["PRESENCE_TTL"]
        url = current_app.config.get("REDIS_URL")
        store = RedisPresence(url, ttl) if url else DatabasePresence(ttl)
        current_app.extensions["presence"] = store
    return store
