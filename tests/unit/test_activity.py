import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import LIKE, UNREAD_ACTIVITY_COUNT, Activity, Notification, User


def unread(user: User) -> int:
    db.session.expire_all()
    return db.session.get(User, user.id).unread_activity_count


def badge(user: User) -> int | None:
    notification = db.session.scalar(
        sa.select(Notification).where(Notification.user_id == user.id, Notification.name == UNREAD_ACTIVITY_COUNT)
    )
    return notification.get_data() if notification else None


def items(user: User) -> list[tuple[str, str, int | None]]:
    return [(a.kind, a.actor.username, a.post_id) for a in db.session.scalars(Activity.for_user_select(user.id))]


def test_a_follow_tells_the_followed_person_once(make_user):
    john, susan = make_user("john"), make_user("susan")
    assert susan.follow(john)
    assert not susan.follow(john)
    db.session.commit()
    assert items(john) == [("follow", "susan", None)]
    assert (unread(john), badge(john)) == (1, 1)
    assert items(susan) == []


def test_an_unfollow_takes_back_an_unread_follow(make_user):
    john, susan = make_user("john"), make_user("susan")
    susan.follow(john)
    db.session.commit()
    susan.unfollow(john)
    db.session.commit()
    assert items(john) == []
    assert (unread(john), badge(john)) == (0, 0)


def test_items_are_kept_once_per_actor_kind_and_post(make_user, make_post):
    john, susan = make_user("john"), make_user("susan")
    post = make_post(john, "hello")
    assert Activity.record(john.id, susan.id, LIKE, post.id)
    assert not Activity.record(john.id, susan.id, LIKE, post.id)
    assert not Activity.record(john.id, john.id, LIKE, post.id)  # one's own doing
    db.session.commit()
    assert items(john) == [("like", "susan", post.id)]
    with pytest.raises(ValueError):
        Activity.record(john.id, susan.id, "poke")


def test_marking_read_keeps_what_came_after_the_mark_unread(make_user):
    john, susan, david = make_user("john"), make_user("susan"), make_user("david")
    susan.follow(john)
    db.session.commit()
    seen = db.session.scalar(sa.select(sa.func.max(Activity.id)))
    david.follow(john)  # arrives while John reads the page
    db.session.commit()
    assert Activity.mark_read(john.id, seen) == 1
    db.session.commit()
    assert (unread(john), badge(john)) == (1, 1)
    assert Activity.mark_read(john.id, seen - 1) == 1  # the mark never moves back
    # A withdrawn item that was already read leaves the count alone.
    susan.unfollow(john)
    db.session.commit()
    assert unread(john) == 1
    david.unfollow(john)
    db.session.commit()
    assert (unread(john), badge(john)) == (0, 0)
