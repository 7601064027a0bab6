"""Presence in Redis: one entry per socket, people counted once, stale sockets expire."""

import os
import uuid

import pytest
import redis

from app.presence import REDIS_KEY, RedisPresence
from tests.conftest import service_missing

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture
def room_id():
    try:
        connection = redis.Redis.from_url(REDIS_URL)
        connection.ping()
    except redis.RedisError as error:
        service_missing(f"Redis is not reachable at {REDIS_URL}: {error}")
    room = 10**9 + uuid.uuid4().int % 10**6  # a room id no other test uses
    yield room
    connection.delete(REDIS_KEY.format(room_id=room))


def test_people_are_present_once_until_their_last_socket_leaves(room_id):
    store = RedisPresence(REDIS_URL, ttl=60)
    store.enter(room_id, "sid-1", 1, "ann")
    store.enter(room_id, "sid-2", 1, "ann")
    store.enter(room_id, "sid-3", 2, "bob")
    assert store.present(room_id) == ["ann", "bob"]
    store.leave(room_id, "sid-1", "ann")
    assert store.present_in([room_id]) == {room_id: ["ann", "bob"]}
    store.leave(room_id, "sid-2", "ann")
    assert store.present(room_id) == ["bob"]


def test_entries_that_are_not_refreshed_expire_and_a_new_store_sees_the_same(room_id):
    RedisPresence(REDIS_URL, ttl=-1).enter(room_id, "sid-1", 1, "ann")  # its process stopped refreshing
    store = RedisPresence(REDIS_URL, ttl=60)
    store.enter(room_id, "sid-2", 2, "bob")
    assert store.present(room_id) == ["bob"]
    # Another process (a restarted worker) reads the same presence.
    assert RedisPresence(REDIS_URL, ttl=60).present(room_id) == ["bob"]
    RedisPresence(REDIS_URL, ttl=-1).refresh([(room_id, "sid-2", "bob")])
    assert store.present(room_id) == []
