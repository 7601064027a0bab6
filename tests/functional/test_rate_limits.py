"""Rate limits, lowered so a test reaches them in a few requests (memory storage)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db, mail
from app.models import Message, Post, User
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
GENEROUS = "1000 per hour"


@pytest.fixture
def app_settings() -> dict:
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_LOGIN_PER_ADDRESS": GENEROUS,
        "RATELIMIT_LOGIN_PER_ACCOUNT": "3 per hour",
        "RATELIMIT_RESET_PER_ADDRESS": GENEROUS,
        "RATELIMIT_RESET_PER_EMAIL": "2 per hour",
        "RATELIMIT_REGISTER": "2 per hour",
        "RATELIMIT_POST": "2 per minute",
        "RATELIMIT_MESSAGE": "2 per minute",
        "RATELIMIT_TRANSLATE": "1 per minute",
    }


def login(client, username="john", password=PASSWORD, address="10.0.0.1"):
    return client.post("/auth/login", data={"username": username, "password": password},
                       environ_overrides={"REMOTE_ADDR": address})


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def assert_limited(response) -> None:
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 3600


def test_wrong_passwords_then_the_right_one_is_refused(client, make_user):
    make_user("john")
    make_user("susan")
    for _ in range(3):
        assert login(client, password="wrong password").headers["Location"].startswith("/auth/login")
    response = login(client, username="JOHN")  # the right password, any spelling of the name
    assert_limited(response)
    assert "Too many requests" in response.get_data(as_text=True)
    assert client.get("/index").status_code == 302  # not signed in
    # Another account from the same address is not held up.
    assert login(client, username="susan").headers["Location"] == "/index"


def test_successful_sign_ins_do_not_count(client, make_user):
    make_user("john")
    for _ in range(5):
        assert login(client).headers["Location"] == "/index"
        client.post("/auth/logout")


def test_failed_sign_ins_from_one_address_are_limited_across_accounts(app, client, make_user):
    app.config.update(RATELIMIT_LOGIN_PER_ADDRESS="4 per hour", RATELIMIT_LOGIN_PER_ACCOUNT=GENEROUS)
    make_user("john")
    for number in range(4):
        login(client, username=f"guess{number}", password="wrong password")
    assert_limited(login(client))
    assert login(client, address="10.0.0.2").headers["Location"] == "/index"  # another address


def test_reset_requests_are_limited_per_address_mailed(client, make_user):
    make_user("john")
    make_user("susan")
    with mail.record_messages() as outbox:
        for email in ("john@example.com", "JOHN@example.com"):
            assert client.post("/auth/reset_password_request", data={"email": email}).status_code == 302
        assert_limited(client.post("/auth/reset_password_request", data={"email": " john@example.com"}))
        assert client.post("/auth/reset_password_request", data={"email": "susan@example.com"}).status_code == 302
    assert [message.recipients for message in outbox] == [["john@example.com"]] * 2 + [["susan@example.com"]]


def test_reset_requests_are_limited_per_client_address(app, client):
    app.config.update(RATELIMIT_RESET_PER_ADDRESS="3 per hour", RATELIMIT_RESET_PER_EMAIL=GENEROUS)
    for number in range(3):
        client.post("/auth/reset_password_request", data={"email": f"person{number}@example.com"})
    assert_limited(client.post("/auth/reset_password_request", data={"email": "another@example.com"}))


def test_registrations_are_limited_per_address(client):
    for number in range(3):
        response = client.post("/auth/register", data={
            "username": f"person{number}", "email": f"person{number}@example.com",
            "password": "a good password", "password2": "a good password"})
        client.post("/auth/logout")
    assert_limited(response)
    assert count(User) == 2


def test_posting_is_limited_per_account_and_reading_is_not(client, john):
    for number in range(2):
        assert client.post("/index", data={"post": f"post {number}"}).status_code == 302
    assert_limited(client.post("/index", data={"post": "one too many"}))
    assert count(Post) == 2
    assert client.get("/index").status_code == 200


def test_both_ways_of_messaging_share_one_limit(client, john, make_user):
    make_user("susan")
    assert client.post("/send_message/susan", data={"message": "one"}).status_code == 302
    assert client.post("/messages/susan", data={"message": "two"}).status_code == 302
    assert_limited(client.post("/messages/susan", data={"message": "three"}))
    assert_limited(client.post("/send_message/susan", data={"message": "four"}))
    assert count(Message) == 2
    assert client.get("/messages/susan").status_code == 200


def test_translation_is_limited_and_answers_json(client, john):
    headers = {"Accept": "application/json", "X-CSRFToken": client.csrf_token()}
    payload = {"text": "Hola", "source_language": "es", "dest_language": "en"}
    assert client.post("/translate", json=payload, headers=headers).status_code == 503  # no provider here
    response = client.post("/translate", json=payload, headers=headers)
    assert_limited(response)
    assert response.json["code"] == 429 and response.json["message"] == "Too Many Requests"


def test_json_clients_get_json_and_browsers_a_page(client, make_user):
    make_user("john")
    for _ in range(3):
        login(client, password="wrong password")
    response = client.post("/auth/login", data={"username": "john", "password": PASSWORD},
                           headers={"Accept": "application/json"}, environ_overrides={"REMOTE_ADDR": "10.0.0.1"})
    assert_limited(response)
    assert response.json["code"] == 429


@pytest.mark.parametrize("app_settings", [{"RATELIMIT_ENABLED": False, "RATELIMIT_LOGIN_PER_ACCOUNT": "1 per hour",
                                           "RATELIMIT_POST": "1 per hour"}])
def test_ratelimit_enabled_false_turns_every_limit_off(client, make_user):
    make_user("john")
    for _ in range(5):
        login(client, password="wrong password")
    assert login(client).headers["Location"] == "/index"
    for number in range(3):
        assert client.post("/index", data={"post": f"post {number}"}).status_code == 302


def test_ratelimit_enabled_and_storage_come_from_the_environment():
    code = "import config; print(config.Config.RATELIMIT_ENABLED, config.Config.RATELIMIT_STORAGE_URI)"
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("RATELIMIT_", "REDIS_"))}
    run = lambda **extra: subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**environment, **extra},  # noqa: E731
                                         capture_output=True, text=True, check=True).stdout.split()
    assert run() == ["True", "memory://"]
    assert run(RATELIMIT_ENABLED="false", REDIS_URL="redis://cache:6379/0") == ["False", "redis://cache:6379/0"]
