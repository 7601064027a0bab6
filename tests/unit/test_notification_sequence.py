"""Notification ids: a per-person sequence that grows with every change."""

from app.events import event_published
from app.extensions import db
from app.models import Notification


def test_every_change_takes_the_next_number_per_person(app, make_user):
    john, susan = make_user("john"), make_user("susan")
    first = john.add_notification("unread_message_count", 1)
    second = john.add_notification("task_progress", {"progress": 10})
    other = susan.add_notification("unread_message_count", 5)
    third = john.add_notification("unread_message_count", 2)  # replaces the first, with a new number
    db.session.commit()
    assert [first["id"], second["id"], third["id"]] == [1, 2, 3]
    assert other["id"] == 1  # each person counts on their own
    assert [(n.to_dict()["id"], n.name, n.get_data()) for n in john.notifications_after(0)] == [
        (2, "task_progress", {"progress": 10}),
        (3, "unread_message_count", 2),
    ]


def test_after_returns_exactly_what_changed_later(app, make_user):
    john = make_user("john")
    for count in range(1, 4):
        john.add_notification("unread_message_count", count)
        john.add_notification(f"other_{count}", count)
    db.session.commit()
    # unread 1, other_1 2, unread 3, other_2 4, unread 5, other_3 6: each name keeps its latest.
    assert [(n.name, n.seq) for n in john.notifications_after(0)] == [
        ("other_1", 2), ("other_2", 4), ("unread_message_count", 5), ("other_3", 6)
    ]
    assert [n.seq for n in john.notifications_after(4)] == [5, 6]
    assert john.notifications_after(6) == []


def test_a_rolled_back_change_neither_keeps_its_number_nor_announces_itself(app, make_user):
    john = make_user("john")
    received = []
    with event_published.connected_to(lambda sender, **event: received.append(event["payload"])):
        john.add_notification("unread_message_count", 1)
        db.session.rollback()
        item = john.add_notification("unread_message_count", 2)
        db.session.commit()
    assert item["id"] == 1
    assert received == [item]
    assert received[0]["data"] == 2 and set(received[0]) == {"id", "name", "data", "timestamp"}


def test_the_pushed_item_is_what_the_endpoint_returns(app, make_user):
    john = make_user("john")
    item = john.add_notification("task_progress", {"task_id": "abc", "progress": 40})
    db.session.commit()
    (stored,) = db.session.scalars(Notification.after_select(john.id, 0)).all()
    assert stored.to_dict() == item
