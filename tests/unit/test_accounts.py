"""The account services' rules, without a request, on both databases."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app import accounts
from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD


def user_rows() -> list[tuple[str, str]]:
    return [tuple(row) for row in db.session.execute(sa.select(User.username, User.email).order_by(User.id))]


def raises(error_class, field: str):
    """Context manager: the service raised ``error_class`` naming ``field``."""

    class Check:
        def __enter__(self):
            self.context = pytest.raises(error_class)
            self.info = self.context.__enter__()
            return self.info

        def __exit__(self, *exc):
            result = self.context.__exit__(*exc)
            assert self.info.value.field == field
            return result

    return Check()


# -- register -----------------------------------------------------------------------------


def test_register_stores_a_stripped_name_and_address_and_a_hash(app):
    user = accounts.register("  john ", " john@example.com ", "a good password")
    db.session.commit()
    assert user_rows() == [("john", "john@example.com")]
    assert user.password_hash != "a good password" and user.check_password("a good password")


@pytest.mark.parametrize(("username", "email", "password", "field"), [
    ("jo", "john@example.com", "a good password", "username"),
    ("j" * 65, "john@example.com", "a good password", "username"),
    ("john smith", "john@example.com", "a good password", "username"),
    ("john\x00", "john@example.com", "a good password", "username"),
    ("<john>", "john@example.com", "a good password", "username"),
    (None, "john@example.com", "a good password", "username"),
    ("john", "not-an-address", "a good password", "email"),
    ("john", "john@example.com\x00", "a good password", "email"),
    ("john", "j" * 110 + "@example.com", "a good password", "email"),
    ("john", "john@example.com", "short", "password"),
    ("john", "john@example.com", "x" * 257, "password"),
    ("john", "john@example.com", "a good\x00password", "password"),
    ("john", "john@example.com", 12345678, "password"),
])
def test_register_refuses_bad_values(app, username, email, password, field):
    with raises(accounts.InvalidAccountField, field):
        accounts.register(username, email, password)
    db.session.commit()
    assert user_rows() == []


def test_register_refuses_a_taken_username_or_address_whatever_the_case(app, make_user):
    make_user("john", email="john@example.com")
    with raises(accounts.AccountConflict, "username") as error:
        accounts.register("JOHN", "new@example.com", "a good password")
    assert str(error.value.message) == "This username is taken. Please use a different one."
    assert error.value.status == 409
    with raises(accounts.AccountConflict, "email"):
        accounts.register("johnny", "John@Example.COM", "a good password")
    db.session.commit()
    assert user_rows() == [("john", "john@example.com")]


def test_register_losing_a_race_to_the_unique_index_is_a_conflict(app, make_user, monkeypatch):
    """The check passes (as it would for two simultaneous requests); the lower(...) index refuses."""
    make_user("john", email="john@example.com")
    monkeypatch.setattr(accounts, "ensure_available", lambda *args, **kwargs: None)
    for username, email in (("John", "other@example.com"), ("johnny", "JOHN@example.com")):
        with raises(accounts.AccountConflict, "username") as error:
            accounts.register(username, email, "a good password")
        assert "was just taken" in str(error.value.message)
    # The session is still usable: the loser is gone, other work commits.
    accounts.register("susan", "susan@example.com", "a good password")
    db.session.commit()
    assert user_rows() == [("john", "john@example.com"), ("susan", "susan@example.com")]


def test_errors_carry_lazily_translated_messages(app):
    with pytest.raises(accounts.InvalidAccountField) as error:
        accounts.register("a b c", "john@example.com", "a good password")
    with force_locale("es"):
        spanish = str(error.value.message)
    with force_locale("de"):
        german = str(error.value.message)
    assert str(error.value.message) == "Use only the letters a to z, digits, dots, dashes and underscores."
    assert spanish != german and "Use only" not in spanish and "Use only" not in german


# -- authenticate --------------------------------------------------------------------------


def test_authenticate_by_username_or_address_whatever_the_case(app, make_user):
    john = make_user("John", email="John@Example.com")
    for login in ("John", "john", " JOHN ", "john@example.com", "JOHN@EXAMPLE.COM"):
        assert accounts.authenticate(login, PASSWORD) is john, login


@pytest.mark.parametrize(("login", "password"), [
    ("john", "wrong password"), ("susan", PASSWORD), ("susan@example.com", PASSWORD),
    ("john\x00", PASSWORD), (None, PASSWORD), ("john", None), ("", PASSWORD),
])
def test_authenticate_refuses(app, make_user, login, password):
    make_user("john")
    assert accounts.authenticate(login, password) is None


# -- update_profile ------------------------------------------------------------------------


def test_update_profile_changes_name_about_me_and_language(app, make_user):
    john = make_user("john")
    accounts.update_profile(john, " Johnny ", "  Hello there  ", "es")
    db.session.commit()
    assert (john.username, john.about_me, john.locale) == ("Johnny", "Hello there", "es")
    accounts.update_profile(john, "johnny", "", "")
    db.session.commit()
    assert (john.username, john.about_me, john.locale) == ("johnny", None, None)


@pytest.mark.parametrize(("username", "about_me", "language", "field"), [
    ("a b", None, None, "username"),
    ("jo", None, None, "username"),
    ("john", "x" * 141, None, "about_me"),
    ("john", "bell\x07", None, "about_me"),
    ("john", "nul\x00", None, "about_me"),
    ("john", 42, None, "about_me"),
    ("john", None, "fr", "language"),
    ("john", None, "es\x00", "language"),
])
def test_update_profile_refuses_bad_values(app, make_user, username, about_me, language, field):
    john = make_user("john", about_me="before")
    with raises(accounts.InvalidAccountField, field):
        accounts.update_profile(john, username, about_me, language)
    db.session.commit()
    db.session.refresh(john)
    assert (john.username, john.about_me, john.locale) == ("john", "before", None)


def test_update_profile_keeps_lines_in_about_me(app, make_user):
    john = make_user("john")
    accounts.update_profile(john, "john", "line one\r\nline two\tend", None)
    assert john.about_me == "line one\r\nline two\tend"


def test_update_profile_refuses_another_persons_name_but_allows_a_case_change(app, make_user):
    john, _ = make_user("john"), make_user("susan")
    with raises(accounts.AccountConflict, "username"):
        accounts.update_profile(john, "SUSAN", None, None)
    accounts.update_profile(john, "John", None, None)
    db.session.commit()
    assert [name for name, _ in user_rows()] == ["John", "susan"]


def test_update_profile_losing_a_race_keeps_the_old_name(app, make_user, monkeypatch):
    john, _ = make_user("john", about_me="before"), make_user("susan")
    monkeypatch.setattr(accounts, "ensure_available", lambda *args, **kwargs: None)
    with raises(accounts.AccountConflict, "username") as error:
        accounts.update_profile(john, "Susan", "after", None)
    assert "was just taken" in str(error.value.message)
    db.session.commit()
    assert user_rows() == [("john", "john@example.com"), ("susan", "susan@example.com")]
    assert (john.username, john.about_me) == ("john", "before")


# -- passwords -----------------------------------------------------------------------------


def test_change_password_checks_the_current_one(app, make_user):
    john = make_user("john")
    with raises(accounts.WrongPassword, "current_password") as error:
        accounts.change_password(john, "not my password", "a new password")
    assert error.value.status == 403
    with raises(accounts.WrongPassword, "current_password"):
        accounts.change_password(john, None, "a new password")
    assert john.check_password(PASSWORD)


def test_change_password_checks_the_new_one(app, make_user):
    john = make_user("john")
    for new in ("short", "x" * 257, "with\x00nul", None):
        with raises(accounts.InvalidAccountField, "password"):
            accounts.change_password(john, PASSWORD, new)
    assert john.check_password(PASSWORD)


def test_change_password_sets_it_and_retires_reset_links(app, make_user):
    john = make_user("john")
    token = john.get_reset_password_token()
    accounts.change_password(john, PASSWORD, "a new password")
    db.session.commit()
    db.session.refresh(john)
    assert john.check_password("a new password") and not john.check_password(PASSWORD)
    assert User.verify_reset_password_token(token) is None


def test_reset_password_sets_it_once(app, make_user):
    john = make_user("john")
    token = john.get_reset_password_token()
    with raises(accounts.InvalidAccountField, "password"):
        accounts.reset_password(john, "short")
    accounts.reset_password(john, "a new password")
    db.session.commit()
    assert john.check_password("a new password")
    assert User.verify_reset_password_token(token) is None
