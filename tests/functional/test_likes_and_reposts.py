"""Likes and reposts from the pages: the buttons, with and without JavaScript, who liked, and the access rules."""

import sqlalchemy as sa

from app.extensions import db
from app.models import LIKE, REPOST, Activity, Post, User, likes, reposts

JSON = {"Accept": "application/json"}


def rows(table: sa.Table) -> list[tuple[int, int]]:
    return [tuple(row) for row in db.session.execute(sa.select(table.c.user_id, table.c.post_id).order_by(table.c.id))]


def activity_kinds(user: User) -> list[tuple[str, int, int]]:
    query = sa.select(Activity.kind, Activity.actor_id, Activity.post_id).where(Activity.user_id == user.id)
    return sorted(tuple(row) for row in db.session.execute(query))


def test_liking_without_javascript_comes_back_to_the_page_and_counts_once(client, john, make_user, make_post):
    susan = make_user("susan")
    post = make_post(susan, "like me")
    for _ in range(2):
        response = client.post(f"/post/{post.id}/like", data={"next": "/explore?page=1"})
        assert response.status_code == 302 and response.headers["Location"] == "/explore?page=1"
    db.session.expire_all()
    assert rows(likes) == [(john.id, post.id)]
    assert db.session.get(Post, post.id).like_count == 1
    assert activity_kinds(susan) == [(LIKE, john.id, post.id)]
    assert db.session.get(User, susan.id).unread_activity_count == 1
    page = client.get("/explore").get_data(as_text=True)
    assert f'action="/post/{post.id}/unlike"' in page and 'aria-pressed="true"' in page

    for _ in range(2):
        assert client.post(f"/post/{post.id}/unlike", data={"next": "/index"}).status_code == 302
    db.session.expire_all()
    assert rows(likes) == []
    assert db.session.get(Post, post.id).like_count == 0
    assert activity_kinds(susan) == []
    assert db.session.get(User, susan.id).unread_activity_count == 0


def test_the_script_gets_the_new_state_as_json(client, john, make_user, make_post):
    post = make_post(make_user("susan"), "hello")
    answer = client.post(f"/post/{post.id}/like", headers=JSON).json
    assert answer == {"id": post.id, "liked": True, "reposted": False, "like_count": 1, "repost_count": 0}
    answer = client.post(f"/post/{post.id}/repost", headers=JSON).json
    assert answer == {"id": post.id, "liked": True, "reposted": True, "like_count": 1, "repost_count": 1}
    answer = client.post(f"/post/{post.id}/unlike", headers={"X-CSRFToken": client.csrf_token(), **JSON},
                         csrf=False).json
    assert (answer["liked"], answer["like_count"]) == (False, 0)


def test_reposting_notifies_the_author_and_undo_takes_it_back(client, john, make_user, make_post):
    susan = make_user("susan")
    post = make_post(susan, "share me")
    assert client.post(f"/post/{post.id}/repost").status_code == 302
    db.session.expire_all()
    assert rows(reposts) == [(john.id, post.id)]
    assert db.session.get(Post, post.id).repost_count == 1
    assert activity_kinds(susan) == [(REPOST, john.id, post.id)]
    assert client.post(f"/post/{post.id}/unrepost").status_code == 302
    db.session.expire_all()
    assert (rows(reposts), db.session.get(Post, post.id).repost_count, activity_kinds(susan)) == ([], 0, [])


def test_your_own_post_can_be_liked_and_reposted_without_notifying_yourself(client, john, make_post):
    post = make_post(john, "mine")
    client.post(f"/post/{post.id}/like")
    client.post(f"/post/{post.id}/repost")
    db.session.expire_all()
    post = db.session.get(Post, post.id)
    assert (post.like_count, post.repost_count) == (1, 1)
    assert activity_kinds(john) == []


def test_bad_requests_are_refused_and_change_nothing(client, john, make_user, make_post):
    post = make_post(make_user("susan"), "hello")
    for url in ("/post/999999/like", "/post/0/like", "/post/99999999999/repost", "/post/999999/unrepost"):
        assert client.post(url).status_code == 404, url
    assert client.post(f"/post/{post.id}/like", csrf=False).status_code == 400
    assert client.get(f"/post/{post.id}/like").status_code == 405
    assert client.post("/post/abc/like").status_code == 404
    # A next that leaves the site goes home instead.
    response = client.post(f"/post/{post.id}/like", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/index"
    db.session.expire_all()
    assert db.session.get(Post, post.id).like_count == 1


def test_visitors_are_sent_to_log_in(client, make_user, make_post):
    post = make_post(make_user("susan"), "hello")
    for action in ("like", "unlike", "repost", "unrepost"):
        response = client.post(f"/post/{post.id}/{action}")
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], action
    assert client.post(f"/post/{post.id}/like", headers=JSON).status_code == 401
    assert rows(likes) == []
    page = client.get("/explore").get_data(as_text=True)
    assert "reaction-form" not in page and f'href="/post/{post.id}/likes"' in page


def test_who_liked_a_post_newest_first_paged_by_like(app, client, make_user, make_post, monkeypatch):
    from app.main import reactions

    monkeypatch.setattr(reactions, "LIKERS_PER_PAGE", 2)
    post = make_post(make_user("susan"), "popular <b>post</b>")
    fans = [make_user(f"fan{n}") for n in range(5)]
    for fan in fans:
        post.like(fan)
    db.session.commit()
    page = client.get(f"/post/{post.id}/likes").get_data(as_text=True)
    assert "popular &lt;b&gt;post&lt;/b&gt;" in page
    assert page.index("fan4") < page.index("fan3") and "fan2" not in page
    seen = []
    url = f"/post/{post.id}/likes"
    while url:
        html = client.get(url).get_data(as_text=True)
        shown = [name for name in (f"fan{n}" for n in range(5)) if f">{name}</a>" in html]
        seen.extend(sorted(shown, key=lambda name: html.index(f">{name}</a>")))
        marker = f'href="/post/{post.id}/likes?before='
        url = html.split(marker)[1].split('"')[0] if marker in html else None
        url = f"/post/{post.id}/likes?before={url}" if url else None
    assert seen == ["fan4", "fan3", "fan2", "fan1", "fan0"]
    assert client.get(f"/post/{post.id}/likes?before=x").status_code == 400
    assert client.get("/post/999999/likes").status_code == 404


def test_an_empty_likes_page_says_so(client, john, make_user, make_post):
    post = make_post(make_user("susan"), "quiet")
    page = client.get(f"/post/{post.id}/likes").get_data(as_text=True)
    assert "No likes yet" in page


def test_nobody_likes_or_reposts_across_a_block(client, john, make_user, make_post, bearer):
    from app import blocking

    susan = make_user("susan")
    post = make_post(susan, "not for john")
    blocking.block(susan, john)
    db.session.commit()
    for action in ("like", "repost"):
        response = client.post(f"/post/{post.id}/{action}")
        assert response.status_code == 422 and "blocked" in response.get_data(as_text=True), action
        assert client.put(f"/api/posts/{post.id}/{action}", headers=bearer(john)).status_code == 422
    db.session.expire_all()
    assert (rows(likes), rows(reposts), db.session.get(Post, post.id).like_count) == ([], [], 0)


def test_the_home_feed_leaves_out_reposts_by_and_of_muted_people(client, john, make_user, make_post):
    from app import blocking

    susan, mary, david = make_user("susan"), make_user("mary"), make_user("david")
    john.follow(susan)
    john.follow(mary)
    by_david = make_post(david, "david's post")
    by_mary = make_post(mary, "mary's post")
    by_david.repost(susan)
    by_mary.repost(susan)
    db.session.commit()
    page = client.get("/index").get_data(as_text=True)
    assert "david&#39;s post" in page and "mary&#39;s post" in page
    blocking.mute(john, david)
    blocking.mute(john, susan)
    db.session.commit()
    page = client.get("/index").get_data(as_text=True)
    assert "david&#39;s post" not in page  # its author is muted, whoever reposted it
    assert "mary&#39;s post" in page and "Reposted by" not in page  # susan's repost is not shown
