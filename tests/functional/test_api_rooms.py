"""Chat rooms through the API: the list, creating one, a room, its history by cursor and posting."""

import pytest
import sqlalchemy as sa

from app.events import event_published
from app.extensions import db
from app.models import ChatRoom, RoomMessage
from app.models.chat import room_channel
from app.presence import DatabasePresence


def make_room(owner, name: str = "general") -> ChatRoom:
    room = ChatRoom.create(name, owner)
    db.session.commit()
    return room


def room_bodies(room: ChatRoom) -> list[str]:
    return list(db.session.scalars(sa.select(RoomMessage.body).where(RoomMessage.room_id == room.id)
                                   .order_by(RoomMessage.id)))


@pytest.fixture
def published():
    """The events announced after a commit, as ``(event, payload, room)``."""
    events: list[tuple] = []

    def record(sender, event, payload, user_id, room):
        events.append((event, payload, room))

    event_published.connect(record)
    yield events
    event_published.disconnect(record)


def test_the_list_shows_rooms_by_activity_with_who_is_present(client, make_user, bearer):
    john, susan = make_user("john"), make_user("susan")
    quiet, busy = make_room(john, "quiet"), make_room(john, "Busy")
    busy.post(susan, "hi")
    db.session.commit()
    DatabasePresence(ttl=60).enter(busy.id, "sid-1", susan.id, "susan")

    answer = client.get("/api/rooms", headers=bearer(john)).json

    db.session.refresh(busy)
    assert answer["items"] == [
        {"name": "Busy", "present": ["susan"], "message_count": 1,
         "created_at": busy.created_at.isoformat(), "last_activity_at": busy.last_activity_at.isoformat(),
         "_links": {"self": "/api/rooms/Busy", "messages": "/api/rooms/Busy/messages", "page": "/chat/Busy"}},
        {"name": "quiet", "present": [], "message_count": 0,
         "created_at": quiet.created_at.isoformat(), "last_activity_at": quiet.last_activity_at.isoformat(),
         "_links": {"self": "/api/rooms/quiet", "messages": "/api/rooms/quiet/messages", "page": "/chat/quiet"}},
    ]
    assert answer["_meta"] == {"page": 1, "per_page": 10, "total_items": 2, "total_pages": 1}


def test_the_list_pages_by_number(client, make_user, bearer):
    john = make_user("john")
    for n in range(5):
        make_room(john, f"room-{n}")
    headers = bearer(john)
    first = client.get("/api/rooms?per_page=2", headers=headers).json
    assert [room["name"] for room in first["items"]] == ["room-4", "room-3"]
    second = client.get(first["_links"]["next"], headers=headers).json
    third = client.get(second["_links"]["next"], headers=headers).json
    assert [room["name"] for room in second["items"] + third["items"]] == ["room-2", "room-1", "room-0"]
    assert third["_links"]["next"] is None and first["_meta"]["total_pages"] == 3
    assert client.get("/api/rooms?page=0", headers=headers).status_code == 400


def test_creating_a_room_answers_201_with_its_location(client, make_user, bearer):
    john = make_user("john")
    response = client.post("/api/rooms", json={"name": " Flask-fans "}, headers=bearer(john))
    assert response.status_code == 201, response.json
    assert response.headers["Location"] == "/api/rooms/Flask-fans"
    assert response.json["name"] == "Flask-fans" and response.json["message_count"] == 0
    room = db.session.scalar(sa.select(ChatRoom))
    assert (room.name, room.created_by_id) == ("Flask-fans", john.id)
    assert client.get("/api/rooms/flask-FANS", headers=bearer(john)).json["name"] == "Flask-fans"


@pytest.mark.parametrize(("body", "status"), [
    ({"name": "GENERAL"}, 409),
    ({"name": "no spaces"}, 400),
    ({"name": "ab"}, 400),
    ({"name": "x" * 33}, 400),
    ({"name": "nul\x00nul"}, 400),
    ({"name": "bell\x07"}, 400),
    ({"name": 42}, 400),
    ({"name": "x" * 5000}, 400),
    ({}, 400),
])
def test_a_bad_or_taken_name_is_refused_and_names_the_field(client, make_user, bearer, body, status):
    john = make_user("john")
    make_room(john, "general")
    response = client.post("/api/rooms", json=body, headers=bearer(john))
    assert response.status_code == status, response.json
    assert response.json["code"] == status and response.json["errors"]["name"]
    assert db.session.scalars(sa.select(ChatRoom.name)).all() == ["general"]


def test_one_room_and_unknown_rooms(client, make_user, bearer):
    john = make_user("john")
    make_room(john, "general")
    headers = bearer(john)
    assert client.get("/api/rooms/GENERAL", headers=headers).json["_links"]["self"] == "/api/rooms/general"
    for url in ("/api/rooms/nothing-here", "/api/rooms/bad%20name", "/api/rooms/x", "/api/rooms/" + "x" * 300,
                "/api/rooms/nothing-here/messages"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404 and response.json["code"] == 404, url
    nul = client.get("/api/rooms/nul%00", headers=headers)  # refused for every URL, before routing
    assert nul.status_code == 400 and nul.json["code"] == 400
    response = client.post("/api/rooms/nothing-here/messages", json={"body": "hi"}, headers=headers)
    assert response.status_code == 404 and response.json["code"] == 404


def test_the_history_pages_by_cursor_in_the_socket_events_shape(client, make_user, bearer):
    john, susan = make_user("john"), make_user("susan")
    room = make_room(john)
    messages = [room.post(susan if n % 2 else john, f"message {n}") for n in range(5)]
    db.session.commit()
    headers = bearer(john)

    newest = client.get("/api/rooms/General/messages?limit=3", headers=headers).json
    assert newest["items"] == [message.to_dict() for message in reversed(messages[2:])]
    assert newest["items"][0] == {"id": messages[4].id, "room": "general", "sender": "john", "body": "message 4",
                                  "timestamp": messages[4].timestamp.isoformat()}
    assert newest["_meta"] == {"limit": 3, "before": None, "after": None, "has_more": True}
    older = client.get(newest["_links"]["next"], headers=headers).json
    assert [item["body"] for item in older["items"]] == ["message 1", "message 0"]
    assert older["_links"]["next"] is None
    after = client.get(f"/api/rooms/general/messages?after={messages[1].id}&limit=2", headers=headers).json
    assert [item["body"] for item in after["items"]] == ["message 2", "message 3"]
    rest = client.get(after["_links"]["next"], headers=headers).json
    assert [item["body"] for item in rest["items"]] == ["message 4"]
    between = client.get(f"/api/rooms/general/messages?after={messages[0].id}&before={messages[4].id}",
                         headers=headers).json
    assert [item["body"] for item in between["items"]] == ["message 3", "message 2", "message 1"]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "before=0", "after=-1", "before=abc",
                                   "after=99999999999", "before=1.5"])
def test_bad_cursors_are_a_400_naming_the_parameter(client, make_user, bearer, query):
    john = make_user("john")
    make_room(john)
    response = client.get(f"/api/rooms/general/messages?{query}", headers=bearer(john))
    assert response.status_code == 400 and response.json["code"] == 400
    assert query.split("=")[0] in response.json["errors"]


def test_posting_stores_the_message_and_broadcasts_it_to_the_room_after_the_commit(
        client, make_user, bearer, published):
    john, susan = make_user("john"), make_user("susan")
    room = make_room(susan)
    response = client.post("/api/rooms/GENERAL/messages", json={"body": "  hello <b>room</b>\n"},
                           headers=bearer(john))
    assert response.status_code == 201, response.json
    message = db.session.scalar(sa.select(RoomMessage))
    assert response.json == message.to_dict() == {
        "id": message.id, "room": "general", "sender": "john", "body": "hello <b>room</b>",
        "timestamp": message.timestamp.isoformat(),
    }
    assert published == [("room_message", response.json, room_channel(room.id))]
    db.session.refresh(room)
    assert room.message_count == 1 and room.last_activity_at == message.timestamp


@pytest.mark.parametrize("body", [{"body": ""}, {"body": "   "}, {"body": "x" * 2001}, {"body": "nul \x00"},
                                  {"body": "bell \x07"}, {"body": 42}, {}])
def test_refused_bodies_are_a_400_and_neither_stored_nor_broadcast(client, make_user, bearer, published, body):
    john = make_user("john")
    room = make_room(john)
    response = client.post("/api/rooms/general/messages", json=body, headers=bearer(john))
    assert response.status_code == 400 and "body" in response.json["errors"], response.json
    assert room_bodies(room) == [] and published == []


def test_the_longest_message_is_accepted(client, make_user, bearer):
    john = make_user("john")
    room = make_room(john)
    assert client.post("/api/rooms/general/messages", json={"body": "x" * 2000},
                       headers=bearer(john)).status_code == 201
    assert room_bodies(room) == ["x" * 2000]


def test_malformed_and_oversize_bodies(client, make_user, bearer):
    john = make_user("john")
    room = make_room(john)
    headers = bearer(john)
    not_json = client.post("/api/rooms/general/messages", data="body=hi", headers=headers,
                           content_type="application/x-www-form-urlencoded", csrf=False)
    assert not_json.status_code == 415
    broken = client.post("/api/rooms/general/messages", data='{"body": "hi', headers=headers,
                         content_type="application/json", csrf=False)
    assert broken.status_code == 400
    assert broken.json["errors"] == {"json": ["Send a well-formed JSON document in UTF-8."]}
    huge = client.post("/api/rooms/general/messages", json={"body": "x" * 70_000}, headers=headers)
    assert huge.status_code == 413 and huge.json["code"] == 413
    assert room_bodies(room) == []


def test_without_a_token_everything_is_a_401(client, make_user):
    make_room(make_user("john"))
    for method, url in (("GET", "/api/rooms"), ("POST", "/api/rooms"), ("GET", "/api/rooms/general"),
                        ("GET", "/api/rooms/general/messages"), ("POST", "/api/rooms/general/messages")):
        response = client.open(url, method=method, json={"body": "hi", "name": "new-room"},
                               headers={"Authorization": "Bearer not-a-token"})
        assert response.status_code == 401 and response.json["code"] == 401, url
        assert "WWW-Authenticate" in response.headers
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoomMessage)) == 0
    assert db.session.scalars(sa.select(ChatRoom.name)).all() == ["general"]


def test_the_message_rate_limit_is_the_one_the_sockets_use(app, client, make_user, bearer):
    from app.realtime import MessageLimiter

    app.extensions["message_limiter"] = MessageLimiter(None, "3 per minute")
    john = make_user("john")
    room = make_room(john)
    headers = bearer(john)
    statuses = [client.post("/api/rooms/general/messages", json={"body": f"n{n}"}, headers=headers).status_code
                for n in range(4)]
    assert statuses == [201, 201, 201, 429]
    refused = client.post("/api/rooms/general/messages", json={"body": "again"}, headers=headers)
    assert refused.status_code == 429 and refused.json["code"] == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert room_bodies(room) == ["n0", "n1", "n2"]


def test_the_document_states_the_room_name_rule(client):
    spec = client.get("/api/openapi.json").json
    for path in ("/api/rooms/{name}", "/api/rooms/{name}/messages"):
        for operation in spec["paths"][path].values():
            (parameter,) = [p for p in operation["parameters"] if p["in"] == "path"]
            assert parameter["schema"]["pattern"] == "^[A-Za-z0-9_-]{3,32}$", path
    assert spec["components"]["schemas"]["RoomMessage"]["required"] == ["body", "id", "room", "sender", "timestamp"]
