"""Chat rooms and their messages: naming rules, case-insensitive uniqueness, posting, events after commit."""

import pytest
import sqlalchemy as sa

from app.events import event_published
from app.extensions import db
from app.models import ChatRoom, InvalidRoomName, RoomMessage, RoomMessageRefused, RoomNameTaken
from app.presence import DatabasePresence


@pytest.fixture
def published(app):
    events: list[dict] = []

    def record(sender, **event):
        events.append(event)

    event_published.connect(record)
    yield events
    event_published.disconnect(record)


@pytest.mark.parametrize("name", ["ab", "x" * 33, "with space", "dot.ted", "ünïcode", "", None, 42, "nul\x00name"])
def test_room_names_follow_the_rule(make_user, name):
    with pytest.raises(InvalidRoomName):
        ChatRoom.create(name, make_user("ann"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChatRoom)) == 0


def test_a_name_is_unique_whatever_its_case_and_found_in_any_case(make_user):
    ann = make_user("ann")
    room = ChatRoom.create("Rust_fans-2", ann)
    db.session.commit()
    with pytest.raises(RoomNameTaken):
        ChatRoom.create("rust_FANS-2", ann)
    assert ChatRoom.find("RUST_fans-2").id == room.id
    assert ChatRoom.find("nope") is None and ChatRoom.find("bad name") is None and ChatRoom.find(None) is None


def test_the_unique_index_stops_a_simultaneous_creation(make_user, monkeypatch):
    ann = make_user("ann")
    ChatRoom.create("general", ann)
    db.session.commit()
    monkeypatch.setattr(ChatRoom, "find", staticmethod(lambda name: None))  # the check ran before the other commit
    with pytest.raises(RoomNameTaken):
        ChatRoom.create("GENERAL", ann)
    db.session.commit()  # the session is still usable
    assert db.session.scalars(sa.select(ChatRoom.name)).all() == ["general"]


def test_posting_stores_the_message_and_announces_it_after_the_commit(make_user, published):
    ann = make_user("ann")
    room = ChatRoom.create("general", ann)
    db.session.commit()
    message = room.post(ann, "  hello <b>all</b>  ")
    assert published == []
    db.session.commit()
    assert published == [{
        "event": "room_message", "room": f"chat:{room.id}", "user_id": None,
        "payload": {"id": message.id, "room": "general", "sender": "ann", "body": "hello <b>all</b>",
                    "timestamp": message.timestamp.isoformat()},
    }]
    assert (room.message_count, room.last_activity_at) == (1, message.timestamp)


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001, "bell\x07", "nul\x00", None])
def test_refused_room_messages_are_not_stored(make_user, published, body):
    ann = make_user("ann")
    room = ChatRoom.create("general", ann)
    db.session.commit()
    with pytest.raises(RoomMessageRefused):
        room.post(ann, body)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoomMessage)) == 0
    assert published == []


def test_line_breaks_and_tabs_are_kept_and_2000_characters_fit(make_user):
    ann = make_user("ann")
    room = ChatRoom.create("general", ann)
    assert room.post(ann, "one\n\ttwo").body == "one\n\ttwo"
    assert len(room.post(ann, "y" * 2000).body) == 2000
    db.session.commit()


def test_database_presence_counts_people_once_and_forgets_expired_sockets(make_user):
    ann, bob = make_user("ann"), make_user("bob")
    room = ChatRoom.create("general", ann)
    db.session.commit()
    store = DatabasePresence(ttl=60)
    store.enter(room.id, "sid-1", ann.id, "ann")
    store.enter(room.id, "sid-2", ann.id, "ann")
    store.enter(room.id, "sid-3", bob.id, "bob")
    assert store.present(room.id) == ["ann", "bob"]
    store.leave(room.id, "sid-1", "ann")
    assert store.present(room.id) == ["ann", "bob"]
    store.leave(room.id, "sid-2", "ann")
    assert store.present(room.id) == ["bob"]
    DatabasePresence(ttl=-1).enter(room.id, "sid-4", ann.id, "ann")  # a socket whose refreshes stopped
    assert store.present_in([room.id]) == {room.id: ["bob"]}
    DatabasePresence(ttl=-1).refresh([(room.id, "sid-3", "bob")])
    assert store.present(room.id) == []
    store.refresh([(room.id, "sid-4", "ann")])  # refreshing brings back what has not been cleaned away
    assert store.present(room.id) == ["ann"]
