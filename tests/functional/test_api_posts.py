"""Posts through the API: publishing, reading, deleting your own, explore, timeline, paging by id."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Post, User


def bodies(page: dict) -> list[str]:
    return [item["body"] for item in page["items"]]


def test_publishing_answers_201_with_the_post_and_counts_it(client, make_user, bearer):
    john = make_user("john")
    response = client.post("/api/posts", json={"body": "  my first post  "}, headers=bearer(john))
    assert response.status_code == 201
    post = db.session.scalar(sa.select(Post))
    assert response.headers["Location"] == f"/api/posts/{post.id}"
    assert response.json["body"] == "my first post" == post.body
    assert response.json["author"]["username"] == "john"
    assert response.json["_links"] == {
        "self": f"/api/posts/{post.id}", "author": f"/api/users/{john.id}", "page": f"/post/{post.id}",
        "replies": f"/api/posts/{post.id}/replies", "in_reply_to": None,
        "likes": f"/api/posts/{post.id}/likes",
    }
    assert response.json["in_reply_to"] is None and response.json["reply_count"] == 0
    assert response.json["edited_at"] is None and response.json["is_reply"] is False
    assert (response.json["like_count"], response.json["liked"], response.json["reposted"]) == (0, False, False)
    db.session.refresh(john)
    assert john.posts_count == 1


def test_a_bad_post_is_a_400_naming_the_body(client, make_user, bearer):
    headers = bearer(make_user("john"))
    for body in [{}, {"body": ""}, {"body": "   "}, {"body": "x" * 141}, {"body": "nul\x00"}, {"body": "bell\x07"},
                 {"body": 42}, {"body": None}]:
        response = client.post("/api/posts", json=body, headers=headers)
        assert response.status_code == 400 and "body" in response.json["errors"], body
    assert client.post("/api/posts", json=["a list"], headers=headers).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0


def test_only_the_author_deletes_a_post(client, make_user, make_post, bearer):
    john, susan = make_user("john"), make_user("susan")
    post = make_post(john, "mine")
    refused = client.delete(f"/api/posts/{post.id}", headers=bearer(susan))
    assert refused.status_code == 403
    assert client.get(f"/api/posts/{post.id}", headers=bearer(susan)).json["body"] == "mine"
    assert client.delete(f"/api/posts/{post.id}", headers=bearer(john)).status_code == 204
    assert client.get(f"/api/posts/{post.id}", headers=bearer(john)).status_code == 404
    assert db.session.get(User, john.id).posts_count == 0


def test_explore_timeline_and_a_persons_posts(client, make_user, make_post, bearer):
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    john.follow(susan)
    db.session.commit()
    for author, body in [(john, "j1"), (susan, "s1"), (mary, "m1"), (john, "j2"), (susan, "s2")]:
        make_post(author, body)
    headers = bearer(john)
    assert bodies(client.get("/api/posts", headers=headers).json) == ["s2", "j2", "m1", "s1", "j1"]
    assert bodies(client.get("/api/timeline", headers=headers).json) == ["s2", "j2", "s1", "j1"]
    assert bodies(client.get(f"/api/users/{susan.id}/posts", headers=headers).json) == ["s2", "s1"]


def test_cursor_pages_read_back_with_before_and_on_with_after(client, make_user, make_post, bearer):
    john = make_user("john")
    posts = [make_post(john, f"post {n}") for n in range(5)]
    headers = bearer(john)
    first = client.get("/api/posts?limit=2", headers=headers).json
    assert bodies(first) == ["post 4", "post 3"]
    assert first["_meta"] == {"limit": 2, "before": None, "after": None, "has_more": True}
    assert first["_links"]["next"] == f"/api/posts?limit=2&before={posts[3].id}"
    assert bodies(client.get(first["_links"]["next"], headers=headers).json) == ["post 2", "post 1"]
    newer = client.get(f"/api/posts?after={posts[1].id}&limit=2", headers=headers).json
    assert bodies(newer) == ["post 2", "post 3"]
    assert newer["_links"]["next"] == f"/api/posts?limit=2&after={posts[3].id}"
    last = client.get(newer["_links"]["next"], headers=headers).json
    assert bodies(last) == ["post 4"] and last["_links"]["next"] is None and not last["_meta"]["has_more"]
    between = client.get(f"/api/posts?after={posts[0].id}&before={posts[4].id}&limit=2", headers=headers).json
    assert bodies(between) == ["post 3", "post 2"]
    assert bodies(client.get(between["_links"]["next"], headers=headers).json) == ["post 1"]
    for bad in ["limit=0", "limit=101", "before=0", "after=-1", "before=99999999999", "limit=x"]:
        response = client.get(f"/api/posts?{bad}", headers=headers)
        assert response.status_code == 400 and response.json["errors"], bad


def test_walking_a_long_timeline_while_posts_arrive_skips_and_repeats_nothing(client, make_user, bearer):
    john, susan = make_user("john"), make_user("susan")
    john.follow(susan)
    db.session.commit()
    for n in range(230):
        Post.publish(john if n % 3 else susan, f"old {n}")
    db.session.commit()
    headers = bearer(john)
    seen: list[str] = []
    url = "/api/timeline?limit=25"
    arrived = 0
    while url:
        page = client.get(url, headers=headers).json
        seen.extend(bodies(page))
        # New posts arrive between the requests: they are newer than the walk and must not shift it.
        for author in (john, susan):
            Post.publish(author, f"new {arrived}")
            arrived += 1
        db.session.commit()
        url = page["_links"]["next"]
    assert seen == [f"old {n}" for n in reversed(range(230))]
    assert arrived == 2 * 10
