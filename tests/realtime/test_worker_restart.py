"""Presence outlives the web workers: they die, gunicorn starts new ones, and the room still
knows who is there; the page that lost its socket reconnects and catches up.

This file runs after the others in tests/realtime: it kills the server's workers."""

import os
import signal

import pytest

from app.extensions import db
from app.models import ChatRoom
from tests.conftest import wait_for
from tests.realtime.conftest import server_answers

pytestmark = pytest.mark.realtime


def test_presence_survives_the_workers_and_a_reconnect_catches_up(realtime_server, open_socket, make_person):
    alice, bob = make_person("alice"), make_person("bob")
    room = ChatRoom.create(f"restart-{alice.username[-6:]}", alice)
    db.session.commit()
    alice_tab = open_socket(alice.username)
    seen = alice_tab.call("join", {"room": room.name})
    assert seen["present"] == [alice.username]
    old_workers = realtime_server.worker_pids()

    for pid in old_workers:
        os.kill(pid, signal.SIGKILL)  # a crash: nothing gets to say goodbye
    wait_for(lambda: alice_tab.client.connected is False, timeout=30)
    wait_for(lambda: set(realtime_server.worker_pids()).isdisjoint(old_workers)
             and len(realtime_server.worker_pids()) == len(old_workers), timeout=30)
    wait_for(lambda: server_answers(realtime_server.url), timeout=60)

    bob_tab = open_socket(bob.username)
    answer = bob_tab.call("join", {"room": room.name})
    # Alice's entry was in Redis, not in the dead worker; it lasts until PRESENCE_TTL unless refreshed.
    assert answer["present"] == sorted([alice.username, bob.username])
    said = bob_tab.call("room_message", {"room": room.name, "body": "while you were away"})["message"]

    alice_again = open_socket(alice.username)
    caught_up = alice_again.call("join", {"room": room.name, "after": 0})
    assert [m["id"] for m in caught_up["history"]] == [said["id"]]
    assert caught_up["present"] == sorted([alice.username, bob.username])
