"""Likes and reposts through the API: idempotent PUT/DELETE, who liked by cursor, and the timeline's reposts."""

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Post, likes, reposts, utcnow


def test_like_and_repost_are_idempotent_and_answer_the_post(client, make_user, make_post, bearer):
    john, susan = make_user("john"), make_user("susan")
    post = make_post(susan, "hello")
    headers = bearer(john)
    for _ in range(2):
        answer = client.put(f"/api/posts/{post.id}/like", headers=headers)
        assert answer.status_code == 200
        assert (answer.json["liked"], answer.json["like_count"], answer.json["reposted"]) == (True, 1, False)
    for _ in range(2):
        answer = client.put(f"/api/posts/{post.id}/repost", headers=headers).json
        assert (answer["reposted"], answer["repost_count"], answer["liked"]) == (True, 1, True)
    got = client.get(f"/api/posts/{post.id}", headers=headers).json
    assert (got["liked"], got["reposted"], got["like_count"], got["repost_count"]) == (True, True, 1, 1)
    # Someone else sees the counts, not john's state.
    other = client.get(f"/api/posts/{post.id}", headers=bearer(susan)).json
    assert (other["liked"], other["reposted"], other["like_count"]) == (False, False, 1)
    for _ in range(2):
        answer = client.delete(f"/api/posts/{post.id}/like", headers=headers).json
        assert (answer["liked"], answer["like_count"]) == (False, 0)
        answer = client.delete(f"/api/posts/{post.id}/repost", headers=headers).json
        assert (answer["reposted"], answer["repost_count"]) == (False, 0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(likes)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(reposts)) == 0


def test_missing_posts_and_bad_ids_are_404(client, make_user, bearer):
    headers = bearer(make_user("john"))
    for method in ("PUT", "DELETE"):
        for url in ("/api/posts/999/like", "/api/posts/999/repost", "/api/posts/0/like", "/api/posts/99999999999/like"):
            response = client.open(url, method=method, headers=headers)
            assert response.status_code == 404 and response.json["code"] == 404, (method, url)
    assert client.get("/api/posts/999/likes", headers=headers).status_code == 404
    assert client.put("/api/posts/1/like").status_code == 401


def test_who_liked_pages_by_cursor_newest_first(client, make_user, make_post, bearer):
    post = make_post(make_user("susan"), "popular")
    for n in range(5):
        post.like(make_user(f"fan{n}"))
    db.session.commit()
    headers = bearer(make_user("john"))
    seen, url = [], f"/api/posts/{post.id}/likes?limit=2"
    while url:
        page = client.get(url, headers=headers).json
        seen.extend(item["user"]["username"] for item in page["items"])
        url = page["_links"]["next"]
    assert seen == ["fan4", "fan3", "fan2", "fan1", "fan0"]
    for bad in ("limit=0", "before=x", "before=0"):
        assert client.get(f"/api/posts/{post.id}/likes?{bad}", headers=headers).status_code == 400, bad


def test_the_timeline_has_reposts_once_with_reposted_by(client, make_user, make_post, bearer):
    john, susan, mary, david = (make_user(name) for name in ("john", "susan", "mary", "david"))
    john.follow(susan)
    john.follow(mary)
    start = utcnow() - timedelta(minutes=10)
    shared = make_post(david, "david's", start)
    make_post(susan, "susan's", start + timedelta(seconds=1))
    shared.repost(mary)
    shared.repost(susan)
    shared.like(john)
    db.session.commit()
    items = client.get("/api/timeline", headers=bearer(john)).json["items"]
    assert [(item["body"], item["reposted_by"] and item["reposted_by"]["username"]) for item in items] == [
        ("david's", "susan"), ("susan's", None)]
    assert (items[0]["liked"], items[0]["repost_count"], items[1]["liked"]) == (True, 2, False)
    assert items[0]["feed_time"] > items[0]["timestamp"]


def test_the_timeline_pages_by_cursor_both_ways_and_refuses_bad_ones(client, make_user, bearer):
    john = make_user("john")
    for n in range(7):
        Post.publish(john, f"post {n}")
    db.session.commit()
    headers = bearer(john)
    first = client.get("/api/timeline?limit=3", headers=headers).json
    second = client.get(first["_links"]["next"], headers=headers).json
    assert [item["body"] for item in second["items"]] == ["post 3", "post 2", "post 1"]
    cursor = second["_links"]["next"].split("before=")[1].split("&")[0]
    onwards = client.get(f"/api/timeline?limit=2&after={cursor}", headers=headers).json
    assert [item["body"] for item in onwards["items"]] == ["post 2", "post 3"]
    assert "after=" in onwards["_links"]["next"]
    for bad in ("before=x", "before=1", "after=1.2.3", "before=99999999999999999.1", "before=5.99999999999",
                "limit=0", "limit=101"):
        response = client.get(f"/api/timeline?{bad}", headers=headers)
        assert response.status_code == 400 and response.json["errors"], bad
