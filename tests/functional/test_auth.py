from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db, mail
from app.models import User
from tests.conftest import PASSWORD


def register(client, **fields):
    data = {"username": "john", "email": "john@example.com", "password": "a good password",
            "password2": "a good password", **fields}
    return client.post("/auth/register", data=data)


def test_register_creates_an_account_with_a_hashed_password_and_signs_in(client):
    response = register(client)
    assert response.status_code == 302 and response.headers["Location"] == "/index"
    user = db.session.scalar(sa.select(User))
    assert (user.username, user.email) == ("john", "john@example.com")
    assert user.password_hash != "a good password" and user.check_password("a good password")
    page = client.get("/index").get_data(as_text=True)
    assert "Welcome to Microblog, john! Your account is ready." in page and "Hi, john!" in page


def test_register_shows_its_rules_up_front(client):
    page = client.get("/auth/register").get_data(as_text=True)
    assert "3 to 64 characters: the letters a to z, digits, dots, dashes and underscores." in page
    assert "At least 8 characters." in page


def test_login_accepts_an_email_address_whatever_the_case(client, auth, make_user):
    make_user("john", email="john@example.com")
    assert auth.login("  John@Example.COM ").headers["Location"] == "/index"
    assert "Hi, john!" in client.get("/index").get_data(as_text=True)


def test_login_with_an_unknown_email_address_fails(client, auth, make_user):
    make_user("john")
    response = auth.login("nobody@example.com")
    assert response.headers["Location"].startswith("/auth/login")
    assert client.get("/index").status_code == 302


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": ""}, "This field is required."),
        ({"username": "a b"}, "Use only the letters a to z, digits, dots, dashes and underscores."),
        ({"username": "jo"}, "Field must be between 3 and 64 characters long."),
        ({"email": "not-an-address"}, "Invalid email address."),
        ({"password": "short", "password2": "short"}, "Field must be between 8 and 256 characters long."),
        ({"password2": "something else"}, "The two passwords do not match."),
    ],
)
def test_register_shows_field_errors(client, fields, message):
    response = register(client, **fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_register_refuses_taken_username_and_email_whatever_the_case(client, make_user):
    make_user("john", email="john@example.com")
    page = register(client, username="JOHN", email="new@example.com").get_data(as_text=True)
    assert "This username is taken. Please use a different one." in page
    page = register(client, username="johnny", email="John@Example.COM").get_data(as_text=True)
    assert "This e-mail address is already registered." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_simultaneous_registration_loses_gracefully(client, monkeypatch):
    """The service's check passes for both, the unique index lets only one commit."""
    from app import accounts

    monkeypatch.setattr(accounts, "ensure_available", lambda *args, **kwargs: None)
    assert register(client).status_code == 302
    client.post("/auth/logout")
    response = register(client, username="John", email="other@example.com")
    assert response.status_code == 200
    assert "was just taken" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_register_without_csrf_token_is_refused(client):
    response = client.post("/auth/register", data={"username": "john", "email": "john@example.com",
                                                   "password": "a good password", "password2": "a good password"},
                           csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_login_and_logout(client, auth, make_user):
    make_user("john")
    response = auth.login()
    assert response.status_code == 302 and response.headers["Location"] == "/index"
    assert "Hi, john!" in client.get("/index").get_data(as_text=True)
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/index").status_code == 302


def test_login_is_case_insensitive_on_the_username(client, auth, make_user):
    make_user("John")
    assert auth.login("john").headers["Location"] == "/index"


def test_login_with_a_wrong_password_fails(client, auth, make_user):
    make_user("john")
    response = auth.login(password="wrong password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invalid username or password" in page
    assert client.get("/index").status_code == 302


def test_remember_me_sets_a_remember_cookie(client, auth, make_user):
    make_user("john")
    auth.login(remember_me="y")
    assert client.get_cookie("remember_token") is not None


def test_logout_needs_a_post(client, auth, make_user):
    make_user("john")
    auth.login()
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/index").status_code == 200
    assert client.post("/auth/logout", csrf=False).status_code == 400
    assert client.get("/index").status_code == 200


def test_protected_page_sends_to_login_and_back(client, auth, make_user):
    make_user("john")
    response = client.get("/messages")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/auth/login" and location.query == "next=%2Fmessages"
    response = client.post("/auth/login?next=%2Fmessages", data={"username": "john", "password": PASSWORD})
    assert response.headers["Location"] == "/messages"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "evil"]
)
def test_off_site_next_is_ignored(client, make_user, next_url):
    make_user("john")
    response = client.post("/auth/login", query_string={"next": next_url},
                           data={"username": "john", "password": PASSWORD})
    assert response.headers["Location"] == "/index"


def test_logged_in_people_are_sent_home_from_account_pages(client, auth, make_user):
    make_user("john")
    auth.login()
    for url in ("/auth/login", "/auth/register", "/auth/reset_password_request", "/auth/reset_password/x"):
        assert client.get(url).headers["Location"] == "/index"


def test_reset_request_answers_the_same_whether_or_not_the_address_exists(client, make_user):
    make_user("john")
    with mail.record_messages() as outbox:
        known = client.post("/auth/reset_password_request", data={"email": "JOHN@example.com"})
        unknown = client.post("/auth/reset_password_request", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/auth/login"
    assert len(outbox) == 1
    message = outbox[0]
    assert message.recipients == ["john@example.com"]
    assert "/auth/reset_password/" in message.body and "/auth/reset_password/" in message.html


def reset_link(client, email="john@example.com") -> str:
    with mail.record_messages() as outbox:
        client.post("/auth/reset_password_request", data={"email": email})
    url = next(word for word in outbox[0].body.split() if "/auth/reset_password/" in word)
    return urlsplit(url).path


def test_reset_password_with_the_emailed_link_once(client, auth, make_user):
    make_user("john")
    link = reset_link(client)
    assert client.get(link).status_code == 200
    new = {"password": "my new password", "password2": "my new password"}
    response = client.post(link, data=new)
    assert response.headers["Location"] == "/auth/login"
    assert auth.login(password="my new password").headers["Location"] == "/index"
    auth.logout()
    # The same link a second time is refused.
    response = client.post(link, data={"password": "another password", "password2": "another password"})
    assert response.headers["Location"] == "/auth/reset_password_request"
    assert auth.login(password="my new password").headers["Location"] == "/index"


def test_reset_password_with_a_bad_token(client):
    response = client.get("/auth/reset_password/not-a-token", follow_redirects=True)
    assert "This password reset link is invalid or has expired." in response.get_data(as_text=True)


def test_reset_password_checks_the_new_password(client, make_user):
    user = make_user("john")
    link = reset_link(client)
    page = client.post(link, data={"password": "short", "password2": "short"}).get_data(as_text=True)
    assert "Field must be between 8 and 256 characters long." in page
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_without_a_mail_server_the_mail_is_logged(client, make_user, caplog):
    make_user("john")
    with caplog.at_level("INFO"):
        client.post("/auth/reset_password_request", data={"email": "john@example.com"})
    assert any("/auth/reset_password/" in record.getMessage() for record in caplog.records)


# -- changing the password -------------------------------------------------------------------


def change_password(client, **fields):
    data = {"current_password": PASSWORD, "password": "my new password", "password2": "my new password", **fields}
    return client.post("/auth/change_password", data=data)


def test_the_profile_page_links_to_change_password(client, auth, make_user):
    make_user("john")
    auth.login()
    page = client.get("/edit_profile").get_data(as_text=True)
    assert 'href="/auth/change_password"' in page
    page = client.get("/auth/change_password").get_data(as_text=True)
    for name in ("current_password", "password", "password2", "csrf_token"):
        assert f'name="{name}"' in page


def test_change_password(client, auth, make_user):
    user = make_user("john")
    auth.login()
    response = change_password(client)
    assert response.status_code == 302 and response.headers["Location"] == "/edit_profile"
    assert "Your password has been changed." in client.get("/edit_profile").get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password("my new password")
    auth.logout()
    assert auth.login(password=PASSWORD).headers["Location"].startswith("/auth/login")
    assert auth.login(password="my new password").headers["Location"] == "/index"


@pytest.mark.parametrize(("fields", "message"), [
    ({"current_password": "not my password"}, "Your current password is not right."),
    ({"current_password": ""}, "This field is required."),
    ({"password": "short", "password2": "short"}, "Field must be between 8 and 256 characters long."),
    ({"password2": "something else"}, "The two passwords do not match."),
])
def test_change_password_shows_field_errors(client, auth, make_user, fields, message):
    user = make_user("john")
    auth.login()
    response = change_password(client, **fields)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
