from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    MAX_MESSAGE_LENGTH,
    Conversation,
    ConversationMember,
    Message,
    MessageRefused,
    Notification,
    User,
    utcnow,
)
from app.pagination import keyset_page


def send(sender: User, recipient: User, body: str = "hello") -> Message:
    message = Message.send(sender, recipient, body)
    db.session.commit()
    return message


def member(user: User, other: User) -> ConversationMember:
    return ConversationMember.find(user, other)


def unread_counts(*users: User) -> list[int]:
    db.session.expire_all()
    return [db.session.get(User, user.id).unread_message_count for user in users]


def test_first_message_creates_one_conversation_with_both_sides(make_user):
    john, susan = make_user("john"), make_user("susan")
    message = send(susan, john, "  Hi John  ")
    assert (message.sender, message.recipient, message.body) == (susan, john, "Hi John")

    conversation = db.session.scalar(sa.select(Conversation))
    low, high = sorted((john.id, susan.id))
    assert (conversation.user_low_id, conversation.user_high_id) == (low, high)
    assert (conversation.last_message_id, conversation.last_message_at) == (message.id, message.timestamp)
    rows = db.session.execute(
        sa.select(ConversationMember.user_id, ConversationMember.other_user_id, ConversationMember.unread_count,
                  ConversationMember.last_read_message_id).order_by(ConversationMember.user_id)
    ).all()
    assert sorted(rows) == sorted([(john.id, susan.id, 1, None), (susan.id, john.id, 0, None)])
    assert unread_counts(john, susan) == [1, 0]


def test_both_directions_share_the_conversation(make_user):
    john, susan = make_user("john"), make_user("susan")
    first = send(susan, john, "one")
    second = send(john, susan, "two")
    third = send(susan, john, "three")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Conversation)) == 1
    assert {m.conversation_id for m in (first, second, third)} == {first.conversation_id}

    def page(side, **bounds):
        return keyset_page(side.messages_select(), Message.id, 2, **bounds)

    newest = page(member(john, susan))
    assert (newest.items, newest.has_more) == ([third, second], True)
    older = page(member(susan, john), before=third.id)
    assert (older.items, older.has_more) == ([second, first], False)
    assert page(member(susan, john), after=first.id).items == [second, third]  # forwards: oldest first
    assert page(member(susan, john), after=first.id, before=third.id).items == [second]
    assert (member(john, susan).unread_count, member(susan, john).unread_count) == (2, 1)
    assert unread_counts(john, susan) == [2, 1]


def test_ensure_returns_the_existing_conversation(make_user):
    john, susan = make_user("john"), make_user("susan")
    first = Conversation.ensure(john, susan)
    second = Conversation.ensure(susan, john)
    db.session.commit()
    assert first.id == second.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConversationMember)) == 2


@pytest.mark.parametrize("body", ["", "   \n ", "x" * (MAX_MESSAGE_LENGTH + 1)])
def test_bad_bodies_are_refused(make_user, body):
    john, susan = make_user("john"), make_user("susan")
    with pytest.raises(MessageRefused):
        Message.send(john, susan, body)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0


def test_a_message_of_the_maximum_length_is_accepted(make_user):
    john, susan = make_user("john"), make_user("susan")
    assert len(send(john, susan, "é" * MAX_MESSAGE_LENGTH).body) == MAX_MESSAGE_LENGTH


def test_nobody_can_message_themselves(make_user):
    john = make_user("john")
    with pytest.raises(MessageRefused):
        Message.send(john, john, "hello me")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Conversation)) == 0


def test_the_database_refuses_an_overlong_body(make_user):
    john, susan = make_user("john"), make_user("susan")
    conversation_id = send(john, susan).conversation_id
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.insert(Message.__table__).values(
            conversation_id=conversation_id, sender_id=john.id, recipient_id=susan.id,
            body="x" * (MAX_MESSAGE_LENGTH + 1), timestamp=utcnow()))
    db.session.rollback()


def test_the_database_keeps_one_conversation_per_ordered_pair(make_user):
    john, susan = make_user("john"), make_user("susan")
    low, high = sorted((john.id, susan.id))
    Conversation.ensure(john, susan)
    db.session.commit()
    for values in ({"user_low_id": low, "user_high_id": high}, {"user_low_id": high, "user_high_id": low}):
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.insert(Conversation.__table__).values(created_at=utcnow(), **values))
        db.session.rollback()


def test_mark_read_clears_both_counters_and_notifies(make_user):
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    send(susan, john)
    last = send(susan, john)
    send(mary, john)
    assert unread_counts(john) == [3]

    side = member(john, susan)
    assert side.mark_read() is True
    db.session.commit()
    assert (side.unread_count, side.last_read_message_id) == (0, last.id)
    assert unread_counts(john) == [1]
    notification = db.session.scalar(sa.select(Notification).where(Notification.user_id == john.id))
    assert (notification.name, notification.get_data()) == ("unread_message_count", 1)


def test_mark_read_writes_nothing_when_all_is_read(make_user, count_queries):
    john, susan = make_user("john"), make_user("susan")
    send(susan, john)
    side = member(john, susan)
    side.mark_read()
    db.session.commit()
    side = member(john, susan)
    with count_queries() as statements:
        assert side.mark_read() is False
    assert statements == []


def test_mark_read_subtracts_nothing_twice(make_user):
    john, susan = make_user("john"), make_user("susan")
    last = send(susan, john)
    side = member(john, susan)
    assert (side.unread_count, side.last_read_message_id) == (1, None)
    # Another tab marks the same message read after this one has loaded the counter.
    db.session.execute(
        sa.update(ConversationMember)
        .where(ConversationMember.user_id == john.id)
        .values(unread_count=0, last_read_message_id=last.id)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(User).where(User.id == john.id).values(unread_message_count=0)
        .execution_options(synchronize_session=False)
    )
    assert side.mark_read() is False
    db.session.commit()
    assert member(john, susan).unread_count == 0 and unread_counts(john) == [0]


def test_mark_read_keeps_a_message_that_arrives_meanwhile_counted(make_user):
    john, susan = make_user("john"), make_user("susan")
    send(susan, john)
    side = member(john, susan)
    assert side.unread_count == 1
    # Another request delivers a message after this one has read the counter.
    db.session.execute(
        sa.update(ConversationMember)
        .where(ConversationMember.user_id == john.id)
        .values(unread_count=ConversationMember.unread_count + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(User).where(User.id == john.id)
        .values(unread_message_count=User.unread_message_count + 1)
        .execution_options(synchronize_session=False)
    )
    side.mark_read()
    db.session.commit()
    db.session.expire_all()
    assert member(john, susan).unread_count == 1
    assert unread_counts(john) == [1]


def test_conversation_list_newest_first_with_other_person_last_message_and_unread(make_user, count_queries):
    john, susan, mary, david = (make_user(name) for name in ("john", "susan", "mary", "david"))
    now = utcnow()
    send(john, susan, "to susan")
    send(mary, john, "from mary")
    last_with_susan = send(susan, john, "from susan")
    send(john, david, "to david")
    # Make the order by time explicit, independent of how fast the sends ran.
    for other, minutes in ((susan, 1), (mary, 2), (david, 3)):
        db.session.execute(
            sa.update(ConversationMember)
            .where(ConversationMember.user_id == john.id, ConversationMember.other_user_id == other.id)
            .values(last_message_at=now - timedelta(minutes=minutes))
        )
    db.session.commit()
    db.session.expire_all()

    select = ConversationMember.list_select(john)
    with count_queries() as statements:
        sides = db.session.scalars(select).all()
        shown = [(side.other_user.username, side.conversation.last_message.body, side.unread_count) for side in sides]
    assert shown == [("susan", "from susan", 1), ("mary", "from mary", 1), ("david", "to david", 0)]
    assert sides[0].conversation.last_message == last_with_susan
    assert len(statements) == 1
    assert [side.other_user.username for side in db.session.scalars(ConversationMember.list_select(mary))] == ["john"]


def test_notifications_replace_by_name_and_filter_by_time(make_user):
    john, susan = make_user("john"), make_user("susan")
    john.add_notification("unread_message_count", 1)
    john.add_notification("task_progress", {"task": "export", "progress": 50})
    susan.add_notification("unread_message_count", 7)
    db.session.commit()
    first = {n.name: n.timestamp for n in john.notifications_since(0)}
    assert set(first) == {"unread_message_count", "task_progress"}

    john.add_notification("unread_message_count", 2)
    db.session.commit()
    rows = db.session.scalars(sa.select(Notification).where(Notification.user_id == john.id)).all()
    assert sorted((n.name, n.get_data()) for n in rows) == [
        ("task_progress", {"task": "export", "progress": 50}),
        ("unread_message_count", 2),
    ]
    newer = john.notifications_since(first["task_progress"])
    assert [n.to_dict()["name"] for n in newer] == ["unread_message_count"]
    assert newer[0].to_dict() == {"id": 3, "name": "unread_message_count", "data": 2, "timestamp": newer[0].timestamp}
    assert john.notifications_since(newer[0].timestamp) == []


def test_sending_pushes_the_message_to_both_people_after_the_commit(make_user):
    from app.events import event_published

    ann, bob = make_user("ann"), make_user("bob")
    events: list[dict] = []

    def record(sender, **event):
        events.append(event)

    event_published.connect(record)
    try:
        message = Message.send(ann, bob, "hi <b>bob</b>")
        assert events == []
        db.session.commit()
    finally:
        event_published.disconnect(record)
    payload = {"id": message.id, "sender": "ann", "recipient": "bob", "body": "hi <b>bob</b>",
               "timestamp": message.timestamp.isoformat()}
    pushed = [(event["user_id"], event["payload"]) for event in events if event["event"] == "message"]
    assert pushed == [(ann.id, payload), (bob.id, payload)]
    assert [event["payload"]["name"] for event in events if event["event"] == "notification"] == [
        "unread_message_count"
    ]
