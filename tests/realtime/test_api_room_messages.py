"""A room message posted through the REST API reaches, live, the sockets that joined the room."""

import uuid

import pytest
import requests

from app.extensions import db
from app.models import ChatRoom, Token

pytestmark = pytest.mark.realtime


def test_a_message_posted_through_the_api_reaches_the_sockets_in_the_room(open_socket, make_person, realtime_server):
    alice, bob, carol = make_person("alice"), make_person("bob"), make_person("carol")
    room = ChatRoom.create(f"api-{uuid.uuid4().hex[:8]}", alice)
    _, secret = Token.issue(bob, 3600)
    db.session.commit()
    alice_tab, carol_tab = open_socket(alice.username), open_socket(carol.username)
    assert alice_tab.call("join", {"room": room.name})["ok"] is True

    response = requests.post(f"{realtime_server.url}/api/rooms/{room.name.upper()}/messages",
                             json={"body": "hello from a program"},
                             headers={"Authorization": f"Bearer {secret}"}, timeout=10)

    assert response.status_code == 201, response.text
    sent = response.json()
    assert sent["sender"] == bob.username and sent["room"] == room.name
    assert alice_tab.wait_for("room_message") == sent
    history = requests.get(f"{realtime_server.url}/api/rooms/{room.name}/messages",
                           headers={"Authorization": f"Bearer {secret}"}, timeout=10).json()
    assert history["items"] == [sent]
    # A socket that joins later gets it in its history, in the same shape.
    assert carol_tab.call("join", {"room": room.name})["history"] == [sent]
    assert carol_tab.received("room_message") == []  # was not in the room when it was said
