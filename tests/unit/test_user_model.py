from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import User, follows, utcnow


def test_password_hashing(make_user):
    user = make_user("susan")
    user.set_password("cat-and-dog")
    assert user.password_hash != "cat-and-dog"
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("cat-and-dog")
    assert not user.check_password("dog-and-cat")


def test_user_without_password_cannot_log_in(app):
    assert not User(username="x", email="x@example.com").check_password("")


def test_identicon_avatar_is_served_by_the_app(app, make_user):
    user = make_user("susan")
    with app.test_request_context():
        assert user.avatar(128) == f"/avatar/{user.id}?s=128"


def test_gravatar_avatar_when_configured(app, make_user):
    app.config["AVATAR_SERVICE"] = "gravatar"
    user = make_user("john", email="John@Example.com")
    assert user.avatar(64) == (
        "https://www.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?d=identicon&s=64"
    )


def test_lookups_ignore_letter_case(make_user):
    user = make_user("Susan", email="Susan@Example.com")
    assert User.find_by_username("sUSAN") == user
    assert User.find_by_email("susan@example.COM") == user
    assert User.find_by_username("susa") is None


def test_usernames_are_unique_whatever_the_case(make_user):
    make_user("susan")
    db.session.add(User(username="SUSAN", email="other@example.com"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_emails_are_unique_whatever_the_case(make_user):
    make_user("susan", email="susan@example.com")
    db.session.add(User(username="other", email="SUSAN@example.com"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_follow_and_unfollow(make_user):
    john, susan = make_user("john"), make_user("susan")
    assert not john.is_following(susan)

    assert john.follow(susan) is True
    db.session.commit()
    assert john.is_following(susan)
    assert not susan.is_following(john)
    assert (john.following_count, john.followers_count) == (1, 0)
    assert (susan.following_count, susan.followers_count) == (0, 1)
    assert db.session.scalars(john.following_select()).all() == [susan]
    assert db.session.scalars(susan.followers_select()).all() == [john]

    assert john.unfollow(susan) is True
    db.session.commit()
    assert not john.is_following(susan)
    assert (john.following_count, susan.followers_count) == (0, 0)


def test_follow_twice_and_unfollow_twice_change_nothing(make_user):
    john, susan = make_user("john"), make_user("susan")
    assert john.follow(susan) is True
    assert john.follow(susan) is False
    db.session.commit()
    assert susan.followers_count == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(follows)) == 1
    assert john.unfollow(susan) is True
    assert john.unfollow(susan) is False
    db.session.commit()
    assert susan.followers_count == 0


def test_cannot_follow_yourself(make_user):
    john = make_user("john")
    assert john.follow(john) is False
    db.session.commit()
    assert john.followers_count == 0 and not john.is_following(john)


def test_last_seen_is_written_at_most_once_per_interval(app, make_user):
    user = make_user("john")
    user.last_seen = utcnow() - timedelta(seconds=app.config["LAST_SEEN_INTERVAL"] + 1)
    assert user.touch_last_seen() is True
    first = user.last_seen
    assert utcnow() - first < timedelta(seconds=5)
    assert user.touch_last_seen() is False
    assert user.last_seen == first


def test_datetimes_come_back_timezone_aware(make_user):
    user = make_user("john")
    db.session.expire_all()
    assert db.session.get(User, user.id).created_at.tzinfo is not None
