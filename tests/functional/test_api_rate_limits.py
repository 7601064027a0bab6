"""The API's rate limits (lowered): tokens, registering, posting, messaging, tasks, rooms; 429 JSON with Retry-After."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ChatRoom, Message, Post, Token
from tests.conftest import PASSWORD

GENEROUS = "1000 per hour"


@pytest.fixture
def app_settings() -> dict:
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_LOGIN_PER_ADDRESS": GENEROUS,
        "RATELIMIT_LOGIN_PER_ACCOUNT": "2 per hour",
        "RATELIMIT_REGISTER": "2 per hour",
        "RATELIMIT_POST": "2 per minute",
        "RATELIMIT_MESSAGE": "2 per minute",
        "RATELIMIT_TASK": "1 per hour",
        "RATELIMIT_ROOM": "2 per hour",
    }


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def assert_limited(response) -> None:
    assert response.status_code == 429, response.get_data(as_text=True)
    assert response.json["code"] == 429 and response.json["message"] == "Too Many Requests"
    assert 0 < int(response.headers["Retry-After"]) <= 3600


def test_refused_passwords_for_a_token_are_limited_per_account(client, make_user):
    make_user("john")
    make_user("susan")
    for _ in range(2):
        assert client.post("/api/tokens", auth=("john", "wrong password"), csrf=False).status_code == 401
    assert_limited(client.post("/api/tokens", auth=("JOHN", PASSWORD), csrf=False))
    assert count(Token) == 0
    assert client.post("/api/tokens", auth=("susan", PASSWORD), csrf=False).status_code == 200


def test_good_passwords_do_not_use_up_the_limit(client, make_user):
    make_user("john")
    for device in ["phone", "laptop", "tablet"]:
        response = client.post(f"/api/tokens?device={device}", auth=("john", PASSWORD), csrf=False)
        assert response.status_code == 200


def test_registering_through_the_api_is_limited_per_address(client):
    for name in ["anna", "ben"]:
        response = client.post("/api/users", json={"username": name, "email": f"{name}@example.com",
                                                   "password": PASSWORD})
        assert response.status_code == 201
    assert_limited(client.post("/api/users", json={"username": "cleo", "email": "cleo@example.com",
                                                   "password": PASSWORD}))


def test_posting_is_limited_per_person_and_a_refused_post_is_not_stored(client, make_user, bearer):
    john, susan = make_user("john"), make_user("susan")
    for number in range(2):
        assert client.post("/api/posts", json={"body": f"post {number}"}, headers=bearer(john)).status_code == 201
    assert_limited(client.post("/api/posts", json={"body": "one too many"}, headers=bearer(john)))
    assert count(Post) == 2
    assert client.post("/api/posts", json={"body": "susan's"}, headers=bearer(susan)).status_code == 201


def test_messages_share_one_budget_between_the_api_and_the_pages(client, auth, make_user, bearer):
    john, susan = make_user("john"), make_user("susan")
    headers = bearer(john)
    api_url = f"/api/conversations/{susan.id}/messages"
    assert client.post(api_url, json={"body": "one"}, headers=headers).status_code == 201
    auth.login()
    assert client.post("/messages/susan", data={"message": "two"}).status_code == 302
    response = client.post(api_url, json={"body": "three"}, headers=headers)
    assert_limited(response)
    assert count(Message) == 2


def test_starting_tasks_is_limited(client, make_user, bearer):
    john = make_user("john")
    headers = bearer(john)
    first = client.post("/api/tasks", json={"name": "export_posts"}, headers=headers)
    assert first.status_code in (202, 409)
    assert_limited(client.post("/api/tasks", json={"name": "export_posts"}, headers=headers))


def test_creating_rooms_is_limited_per_person_across_the_api_and_the_page(client, auth, make_user, bearer):
    john, susan = make_user("john"), make_user("susan")
    headers = bearer(john)
    assert client.post("/api/rooms", json={"name": "bad name"}, headers=headers).status_code == 400  # not counted
    assert client.post("/api/rooms", json={"name": "room-1"}, headers=headers).status_code == 201
    assert client.post("/api/rooms", json={"name": "ROOM-1"}, headers=headers).status_code == 409  # not counted
    auth.login()
    assert client.post("/chat", data={"name": "room-2"}).status_code == 302
    assert client.post("/chat", data={"name": "room-3"}).status_code == 429
    assert_limited(client.post("/api/rooms", json={"name": "room-3"}, headers=headers))
    assert sorted(db.session.scalars(sa.select(ChatRoom.name))) == ["room-1", "room-2"]
    assert client.post("/api/rooms", json={"name": "susans"}, headers=bearer(susan)).status_code == 201
