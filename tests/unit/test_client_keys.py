"""A message retried under the same client key is stored, counted and announced once."""

import sqlalchemy as sa

from app.extensions import db
from app.models import ChatRoom, Message, RoomMessage, User
from tests.integration.test_message_races import run_together

KEY = "0123456789abcdef0123456789abcdef"


def count(model, **where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**where))


def test_a_private_message_sent_twice_under_one_key_is_stored_and_counted_once(make_user):
    john, susan = make_user("john"), make_user("susan")
    first = Message.send(susan, john, "hello", KEY)
    db.session.commit()
    again = Message.send(susan, john, "hello", KEY)
    db.session.commit()
    assert again.id == first.id
    assert count(Message) == 1
    db.session.expire_all()
    assert db.session.get(User, john.id).unread_message_count == 1


def test_a_key_names_one_message_of_one_conversation_only(make_user):
    john, susan, david = make_user("john"), make_user("susan"), make_user("david")
    Message.send(susan, john, "to john", KEY)
    Message.send(susan, david, "to david", KEY)  # another conversation
    Message.send(john, susan, "from john", KEY)  # another sender
    Message.send(susan, john, "no key")
    Message.send(susan, john, "no key")
    db.session.commit()
    assert count(Message) == 5


def test_a_room_message_posted_twice_under_one_key_is_stored_once(make_user):
    john = make_user("john")
    room, other_room = ChatRoom.create("lobby", john), ChatRoom.create("kitchen", john)
    first = room.post(john, "hi all", KEY)
    db.session.commit()
    assert room.post(john, "hi all", KEY).id == first.id
    other_room.post(john, "hi all", KEY)
    db.session.commit()
    assert count(RoomMessage, room_id=room.id) == 1
    assert count(RoomMessage, room_id=other_room.id) == 1
    db.session.expire_all()
    assert db.session.get(ChatRoom, room.id).message_count == 1


def test_two_simultaneous_sends_under_one_key_store_one_message(app, make_user):
    john_id, susan_id = make_user("john").id, make_user("susan").id
    sent: list[int] = []

    def send():
        message = Message.send(db.session.get(User, susan_id), db.session.get(User, john_id), "hello", KEY)
        db.session.flush()
        sent.append(message.id)

    assert run_together(app, [send, send, send]) == []
    db.session.expire_all()
    assert count(Message) == 1
    assert len(set(sent)) == 1
    assert db.session.get(User, john_id).unread_message_count == 1
