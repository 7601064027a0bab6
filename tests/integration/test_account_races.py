"""Two people claim the same username at the same moment, each in its own thread and transaction:
both pass the service's check, the lower(...) unique index lets exactly one commit."""

import threading

import sqlalchemy as sa

from app import accounts
from app.extensions import db
from app.models import User
from tests.integration.test_message_races import run_together


def both_pass_the_check(monkeypatch, parties: int) -> None:
    """Hold every caller after the real availability check until all have passed it."""
    check, barrier = accounts.ensure_available, threading.Barrier(parties, timeout=30)

    def check_then_wait(*args, **kwargs):
        check(*args, **kwargs)
        barrier.wait()

    monkeypatch.setattr(accounts, "ensure_available", check_then_wait)


def test_simultaneous_registrations_of_one_name_make_one_account(app, monkeypatch):
    both_pass_the_check(monkeypatch, 2)
    conflicts: list[accounts.AccountConflict] = []

    def register(username: str, email: str):
        def job():
            try:
                accounts.register(username, email, "a good password")
            except accounts.AccountConflict as error:
                conflicts.append(error)
        return job

    assert run_together(app, [register("john", "john@example.com"), register("JOHN", "other@example.com")]) == []
    assert [(error.field, error.status) for error in conflicts] == [("username", 409)]
    assert len(db.session.scalars(sa.select(User)).all()) == 1


def test_simultaneous_renames_to_one_name_leave_one_winner(app, make_user, monkeypatch):
    ids = [make_user(name).id for name in ("anna", "ben")]
    both_pass_the_check(monkeypatch, 2)
    conflicts: list[accounts.AccountConflict] = []

    def rename(user_id: int, username: str):
        def job():
            try:
                accounts.update_profile(db.session.get(User, user_id), username, "renamed", None)
            except accounts.AccountConflict as error:
                conflicts.append(error)
        return job

    assert run_together(app, [rename(ids[0], "carla"), rename(ids[1], "Carla")]) == []
    assert len(conflicts) == 1
    db.session.expire_all()
    rows = [tuple(row) for row in db.session.execute(sa.select(User.username, User.about_me).order_by(User.id))]
    # The winner has the new name and text; the loser keeps both old values.
    assert rows in ([("carla", "renamed"), ("ben", None)], [("anna", None), ("Carla", "renamed")])


def test_a_reset_link_used_by_six_simultaneous_requests_works_once(app, make_user, monkeypatch):
    user_id = make_user("john").id
    token = db.session.get(User, user_id).get_reset_password_token()
    db.session.commit()
    # Every request checks the link before any of them changes the password.
    verify, barrier = User.verify_reset_password_token, threading.Barrier(6, timeout=30)

    def verify_then_wait(token):
        user = verify(token)
        barrier.wait()
        return user

    monkeypatch.setattr(User, "verify_reset_password_token", staticmethod(verify_then_wait))
    used: list[accounts.ResetLinkUsed] = []

    def use_link(number: int):
        def job():
            user = User.verify_reset_password_token(token)
            assert user is not None
            try:
                accounts.reset_password(user, f"new password {number}")
            except accounts.ResetLinkUsed as error:
                used.append(error)
        return job

    assert run_together(app, [use_link(number) for number in range(6)]) == []
    assert len(used) == 5 and all(error.status == 409 for error in used)
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user.session_version == 1
    assert sum(user.check_password(f"new password {number}") for number in range(6)) == 1
    monkeypatch.undo()
    assert User.verify_reset_password_token(token) is None
