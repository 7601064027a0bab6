"""The API's replies, edits and tags: POST /api/posts with in_reply_to, PUT /api/posts/<id>,
GET /api/posts/<id>/replies and GET /api/tags/<tag>/posts."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import REPLY, Activity, Post, utcnow


@pytest.fixture
def people(make_user, bearer):
    john, susan = make_user("john"), make_user("susan")
    post = Post.publish(susan, "what about #Flask?")
    db.session.commit()
    return {"john": john, "susan": susan, "post": post, "john_headers": bearer(john), "susan_headers": bearer(susan)}


def test_a_reply_through_the_api(client, people):
    post = people["post"]
    response = client.post("/api/posts", json={"body": "I like it", "in_reply_to": post.id},
                           headers=people["john_headers"])
    assert response.status_code == 201
    reply = response.json
    assert (reply["in_reply_to"], reply["is_reply"], reply["reply_count"]) == (post.id, True, 0)
    assert reply["_links"]["in_reply_to"] == f"/api/posts/{post.id}"
    assert reply["_links"]["page"] == f"/post/{reply['id']}"
    parent = client.get(f"/api/posts/{post.id}", headers=people["john_headers"]).json
    assert parent["reply_count"] == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity).where(Activity.kind == REPLY)) == 1


@pytest.mark.parametrize("in_reply_to", [999, 0, -1, "x", 2**31, 1.5])
def test_a_reply_to_a_missing_or_impossible_post_is_a_400(client, people, in_reply_to):
    response = client.post("/api/posts", json={"body": "hello?", "in_reply_to": in_reply_to},
                           headers=people["john_headers"])
    assert response.status_code == 400
    assert "in_reply_to" in response.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 1


def test_a_null_in_reply_to_is_a_plain_post(client, people):
    response = client.post("/api/posts", json={"body": "plain", "in_reply_to": None}, headers=people["john_headers"])
    assert response.status_code == 201 and response.json["in_reply_to"] is None


@pytest.mark.parametrize("body", ["", "   ", "x" * 141, "nul \u0000 inside", 42, None])
def test_a_bad_body_is_a_400(client, people, body):
    response = client.post("/api/posts", json={"body": body, "in_reply_to": people["post"].id},
                           headers=people["john_headers"])
    assert response.status_code == 400 and "body" in response.json["errors"]


def test_editing_through_the_api(client, people):
    post = people["post"]
    response = client.put(f"/api/posts/{post.id}", json={"body": "what about #Django?"},
                          headers=people["susan_headers"])
    assert response.status_code == 200
    assert response.json["body"] == "what about #Django?" and response.json["edited_at"] is not None
    assert client.get("/api/tags/flask/posts", headers=people["john_headers"]).json["items"] == []
    tagged = client.get("/api/tags/DJANGO/posts", headers=people["john_headers"]).json
    assert [item["id"] for item in tagged["items"]] == [post.id]


def test_editing_anothers_post_or_late_is_a_403(client, people):
    post = people["post"]
    response = client.put(f"/api/posts/{post.id}", json={"body": "mine"}, headers=people["john_headers"])
    assert response.status_code == 403 and "your own" in response.json["description"]
    post.timestamp = utcnow() - timedelta(minutes=16)
    db.session.commit()
    response = client.put(f"/api/posts/{post.id}", json={"body": "late"}, headers=people["susan_headers"])
    assert response.status_code == 403 and "15 minutes" in response.json["description"]
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "what about #Flask?"


def test_editing_a_missing_post_is_a_404(client, people):
    assert client.put("/api/posts/999", json={"body": "x"}, headers=people["susan_headers"]).status_code == 404


def test_replies_by_cursor(client, people):
    post = people["post"]
    replies = [Post.publish(people["john"], f"reply {n}", in_reply_to=post.id) for n in range(5)]
    db.session.commit()
    ids = [reply.id for reply in replies]
    headers = people["john_headers"]
    page = client.get(f"/api/posts/{post.id}/replies?limit=2", headers=headers).json
    assert [item["id"] for item in page["items"]] == ids[::-1][:2]
    page = client.get(page["_links"]["next"], headers=headers).json
    assert [item["id"] for item in page["items"]] == ids[::-1][2:4]
    oldest_first = client.get(f"/api/posts/{post.id}/replies?after={post.id}&limit=10", headers=headers).json
    assert [item["id"] for item in oldest_first["items"]] == ids
    assert client.get("/api/posts/999/replies", headers=headers).status_code == 404
    assert client.get(f"/api/posts/{post.id}/replies?before=x", headers=headers).status_code == 400


@pytest.mark.parametrize("tag", ["2024", "a-b", "x" * 65, "%3Cb%3E"])
def test_a_bad_tag_is_a_404(client, people, tag):
    response = client.get(f"/api/tags/{tag}/posts", headers=people["john_headers"])
    assert response.status_code == 404 and response.json["code"] == 404


def test_deleting_a_parent_through_the_api_keeps_the_reply(client, people):
    post = people["post"]
    reply = client.post("/api/posts", json={"body": "hi", "in_reply_to": post.id}, headers=people["john_headers"]).json
    assert client.delete(f"/api/posts/{post.id}", headers=people["susan_headers"]).status_code == 204
    assert client.delete(f"/api/posts/{post.id}", headers=people["susan_headers"]).status_code == 404
    answer = client.get(f"/api/posts/{reply['id']}", headers=people["john_headers"]).json
    assert (answer["in_reply_to"], answer["is_reply"], answer["_links"]["in_reply_to"]) == (None, True, None)
