"""The outbox: side effects run once after a commit, never after a rollback."""

import logging

import pytest
import sqlalchemy as sa

from app.events import event_published, publish
from app.extensions import db
from app.models import User
from app.outbox import on_commit, pending


@pytest.fixture
def calls():
    return []


def test_an_effect_runs_once_after_the_commit(app, make_user, calls):
    john = make_user("john")
    john.about_me = "changed"
    on_commit(calls.append, "saved")
    assert calls == []  # nothing before the commit
    db.session.flush()
    assert calls == []  # nor after a flush
    db.session.commit()
    assert calls == ["saved"]
    db.session.commit()  # a later commit does not deliver it again
    assert calls == ["saved"]


def test_effects_run_in_the_order_they_were_recorded(app, calls):
    for word in ["one", "two", "three"]:
        on_commit(calls.append, word)
    db.session.commit()
    assert calls == ["one", "two", "three"]


def test_a_rolled_back_transaction_announces_nothing(app, make_user, calls):
    john = make_user("john")
    john.about_me = "never saved"
    on_commit(calls.append, "rolled back")
    db.session.rollback()
    db.session.commit()
    assert calls == []
    assert pending(db.session()) == []


def test_a_closed_session_drops_its_effects(app, calls):
    on_commit(calls.append, "closed")
    db.session.execute(sa.select(1))
    db.session.close()
    db.session.commit()
    assert calls == []


def test_a_rolled_back_savepoint_drops_only_its_own_effects(app, make_user, calls):
    make_user("john")
    on_commit(calls.append, "outer")
    savepoint = db.session.begin_nested()
    on_commit(calls.append, "inner, rolled back")
    savepoint.rollback()
    kept = db.session.begin_nested()
    on_commit(calls.append, "inner, kept")
    kept.commit()
    db.session.commit()
    assert calls == ["outer", "inner, kept"]


def test_a_failing_effect_is_logged_and_the_others_still_run(app, make_user, calls, caplog):
    def explode():
        raise RuntimeError("the mail server is on fire")

    john = make_user("john")
    john.about_me = "committed anyway"
    on_commit(explode)
    on_commit(calls.append, "after the failure")
    with caplog.at_level(logging.ERROR, logger="app.outbox"):
        db.session.commit()
    assert calls == ["after the failure"]
    assert "explode" in caplog.text and "the mail server is on fire" in caplog.text
    assert db.session.scalar(sa.select(User.about_me).where(User.id == john.id)) == "committed anyway"


def test_published_events_reach_listeners_only_after_commit(app, make_user):
    received = []

    def listener(sender, **event):
        received.append(event)

    john = make_user("john")
    with event_published.connected_to(listener):
        publish("notification", {"id": 1}, user_id=john.id)
        assert received == []
        db.session.commit()
        publish("room_message", {"id": 2}, room="lobby")
        db.session.rollback()
    assert received == [{"event": "notification", "payload": {"id": 1}, "user_id": john.id, "room": None}]


def test_an_event_has_exactly_one_audience(app):
    with pytest.raises(ValueError):
        publish("notification", {}, user_id=1, room="lobby")
    with pytest.raises(ValueError):
        publish("notification", {})
