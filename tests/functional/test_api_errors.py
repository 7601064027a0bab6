"""Every error under /api is JSON {code, message, description} (plus errors), whatever Accept says."""

import pytest
from werkzeug.exceptions import TooManyRequests

from tests.conftest import PASSWORD

HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def people(make_user, bearer):
    john, susan = make_user("john"), make_user("susan")
    return john, susan, {**bearer(john), **HTML}


def assert_json_error(response, code: int) -> dict:
    assert response.status_code == code
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    body = response.json
    assert body["code"] == code and body["message"] and isinstance(body["description"], str)
    return body


def test_400_validation_names_each_field(client, people):
    _, _, headers = people
    body = assert_json_error(client.post("/api/posts", json={"body": ""}, headers=headers), 400)
    assert list(body["errors"]) == ["body"] and isinstance(body["errors"]["body"], list)
    body = assert_json_error(client.post("/api/posts", data=b"{not json", content_type="application/json",
                                         headers=headers), 400)
    assert "json" in body["errors"]
    assert_json_error(client.post("/api/posts", data=b"\xff\xfe", content_type="application/json", headers=headers),
                      400)


def test_401_without_a_token(client, people):
    response = client.get("/api/users", headers=HTML)
    assert_json_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_403_on_someone_elses_account(client, people):
    john, susan, headers = people
    assert_json_error(client.put(f"/api/users/{susan.id}", json={"about_me": "x"}, headers=headers), 403)


def test_404_for_unknown_things_and_paths(client, people):
    _, _, headers = people
    assert_json_error(client.get("/api/posts/12345", headers=headers), 404)
    assert_json_error(client.get("/api/no/such/path", headers=HTML), 404)
    assert_json_error(client.get("/api", headers=HTML), 404)


def test_405_with_allow(client, people):
    _, _, headers = people
    response = client.patch("/api/posts", headers=headers)
    assert_json_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_409_on_a_conflict(client, people):
    john, susan, headers = people
    client.post(f"/api/me/following/{susan.id}", headers=headers, csrf=False)
    assert_json_error(client.post(f"/api/me/following/{susan.id}", headers=headers, csrf=False), 409)
    body = assert_json_error(client.post("/api/users", json={"username": "John", "email": "x@example.com",
                                                             "password": PASSWORD}, headers=HTML), 409)
    assert "username" in body["errors"]


def test_413_for_a_body_over_the_limit(app, client, people):
    _, _, headers = people
    big = {"body": "x" * (app.config["API_MAX_CONTENT_LENGTH"] + 1)}
    assert_json_error(client.post("/api/posts", json=big, headers=headers), 413)


def test_415_for_a_body_that_is_not_json(client, people):
    _, _, headers = people
    assert_json_error(client.post("/api/posts", data={"body": "a form"}, headers=headers, csrf=False), 415)
    assert_json_error(client.post("/api/posts", data=b"body", content_type="text/plain", headers=headers), 415)


def test_422_for_a_refused_request(client, people):
    john, _, headers = people
    assert_json_error(client.post(f"/api/conversations/{john.id}/messages", json={"body": "hi me"},
                                  headers=headers), 422)


def test_429_keeps_its_retry_after(app, client):
    def limited():
        raise TooManyRequests("Slow down.", retry_after=30)

    app.add_url_rule("/api/test-limited", "test_limited", limited)
    response = client.get("/api/test-limited", headers=HTML)
    assert_json_error(response, 429)
    assert response.headers["Retry-After"] == "30"


def test_500_is_json_and_leaks_nothing(app, client):
    def broken():
        raise RuntimeError("database password is hunter2")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/api/test-broken", "test_broken", broken)
    response = client.get("/api/test-broken", headers=HTML)
    body = assert_json_error(response, 500)
    assert "hunter2" not in response.get_data(as_text=True) and body["message"] == "Internal Server Error"
