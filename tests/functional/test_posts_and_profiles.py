from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Post, User, utcnow


def post_ids(page: str, posts) -> list[int]:
    """The posts from ``posts`` that the page shows, in the page's order."""
    found = [(page.find(f'id="post{post.id}"'), post) for post in posts if f'id="post{post.id}"' in page]
    return [post.id for _, post in sorted(found, key=lambda pair: pair[0])]


def test_posting_from_the_home_page(client, john):
    response = client.post("/index", data={"post": "  Hello, world!  "})
    assert response.status_code == 302 and response.headers["Location"] == "/index"
    post = db.session.scalar(sa.select(Post))
    assert (post.body, post.author) == ("Hello, world!", john)
    assert john.posts_count == 1
    assert "Hello, world!" in client.get("/index").get_data(as_text=True)


@pytest.mark.parametrize("body", ["", "   ", "x" * 141])
def test_bad_posts_are_refused(client, john, body):
    response = client.post("/index", data={"post": body})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This field is required." in page or "Field must be between 1 and 140 characters long." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0


def test_post_of_exactly_140_characters_is_accepted(client, john):
    client.post("/index", data={"post": "x" * 140})
    assert db.session.scalar(sa.select(Post.body)) == "x" * 140


def test_post_without_csrf_is_refused(client, john):
    assert client.post("/index", data={"post": "hi"}, csrf=False).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0


def test_post_bodies_are_escaped(client, john):
    client.post("/index", data={"post": "<script>alert(1)</script>"})
    page = client.get("/index").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_home_explore_and_profile_list_posts_newest_first_with_paging(client, john, make_user, make_post):
    susan, mary = make_user("susan"), make_user("mary")
    now = utcnow()
    posts = [make_post(author, f"post {n}", now - timedelta(minutes=n))
             for n, author in enumerate([john, susan, mary, john, susan, mary, john])]
    john.follow(susan)
    db.session.commit()
    home_posts = [post for post in posts if post.author in (john, susan)]
    # POSTS_PER_PAGE is 3 in tests.
    assert post_ids(client.get("/index").get_data(as_text=True), posts) == [p.id for p in home_posts[:3]]
    assert post_ids(client.get("/index?page=2").get_data(as_text=True), posts) == [p.id for p in home_posts[3:]]
    assert post_ids(client.get("/explore?page=2").get_data(as_text=True), posts) == [p.id for p in posts[3:6]]
    assert post_ids(client.get("/explore?page=3").get_data(as_text=True), posts) == [posts[6].id]
    profile = client.get("/user/susan").get_data(as_text=True)
    assert post_ids(profile, posts) == [posts[1].id, posts[4].id]


def test_pager_links(client, john, make_post):
    for n in range(4):
        make_post(john, f"post {n}")
    # The home feed's links carry cursors; the tutorial's ?page=N still answers, with cursor links.
    first = client.get("/index").get_data(as_text=True)
    assert 'href="/index?before=' in first and 'href="/index?after=' not in first
    second = client.get("/index?page=2").get_data(as_text=True)
    assert 'href="/index?after=' in second and 'href="/index?before=' not in second
    assert "post 0" in second and "post 3" not in second


def test_profile_shows_counts_and_details(client, john, make_user, make_post):
    susan = make_user("susan", about_me="I like <b>cats</b>")
    make_post(susan, "meow")
    susan.follow(john)
    db.session.commit()
    page = client.get("/user/SUSAN").get_data(as_text=True)
    assert '<h1 class="profile-name">susan</h1>' in page
    assert "I like &lt;b&gt;cats&lt;/b&gt;" in page
    assert f'src="/avatar/{susan.id}?s=128"' in page
    assert "<strong>1</strong> <span class=\"text-muted me-3\">post</span>" in page
    assert "<strong>0</strong> <span class=\"text-muted me-3\">followers</span>" in page
    assert "<strong>1</strong> <span class=\"text-muted\">following</span>" in page
    assert 'action="/follow/susan"' in page


def test_unknown_user_is_404(client, john):
    response = client.get("/user/nobody")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_follow_and_unfollow_through_the_forms(client, john, make_user):
    susan = make_user("susan")
    response = client.post("/follow/susan")
    assert response.headers["Location"] == "/user/susan"
    assert john.is_following(susan) and susan.followers_count == 1
    client.post("/follow/susan")
    assert susan.followers_count == 1
    assert 'action="/unfollow/susan"' in client.get("/user/susan").get_data(as_text=True)
    client.post("/unfollow/susan")
    client.post("/unfollow/susan")
    assert not john.is_following(susan) and susan.followers_count == 0


def test_follow_needs_csrf_and_an_existing_user_and_not_yourself(client, john, make_user):
    susan = make_user("susan")
    assert client.post("/follow/susan", csrf=False).status_code == 400
    assert client.get("/follow/susan").status_code == 405
    assert client.post("/follow/nobody").status_code == 404
    response = client.post("/follow/john", follow_redirects=True)
    assert "You cannot follow yourself!" in response.get_data(as_text=True)
    assert john.followers_count == 0 and not john.is_following(susan)


def test_edit_profile(client, john):
    form = client.get("/edit_profile").get_data(as_text=True)
    assert 'name="username"' in form and 'value="john"' in form and 'name="about_me"' in form
    response = client.post("/edit_profile", data={"username": "johnny", "about_me": "Hello there"})
    assert response.headers["Location"] == "/edit_profile"
    db.session.refresh(john)
    assert (john.username, john.about_me) == ("johnny", "Hello there")


def test_edit_profile_refuses_a_taken_username_and_allows_a_case_change(client, john, make_user):
    make_user("susan")
    page = client.post("/edit_profile", data={"username": "Susan", "about_me": ""}).get_data(as_text=True)
    assert "This username is taken. Please use a different one." in page
    assert client.post("/edit_profile", data={"username": "John", "about_me": ""}).status_code == 302
    assert db.session.scalar(sa.select(User.username).where(User.id == john.id)) == "John"


def test_edit_profile_refuses_a_long_about_me(client, john):
    page = client.post("/edit_profile", data={"username": "john", "about_me": "x" * 141}).get_data(as_text=True)
    assert "Field cannot be longer than 140 characters." in page


def test_avatar_is_an_svg_served_by_the_app(client, make_user):
    response = client.get("/avatar/7?s=64")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert 'width="64"' in response.get_data(as_text=True)
    assert client.get("/avatar/7?s=100000").status_code == 404


def test_last_seen_is_not_written_on_every_request(client, john):
    first = db.session.scalar(sa.select(User.last_seen).where(User.id == john.id))
    client.get("/index")
    client.get("/explore")
    assert db.session.scalar(sa.select(User.last_seen).where(User.id == john.id)) == first


def test_last_seen_is_refreshed_when_stale(app, client, john):
    stale = utcnow() - timedelta(seconds=app.config["LAST_SEEN_INTERVAL"] + 60)
    db.session.execute(sa.update(User).where(User.id == john.id).values(last_seen=stale))
    db.session.commit()
    client.get("/explore")
    db.session.expire_all()
    assert utcnow() - db.session.get(User, john.id).last_seen < timedelta(seconds=10)


@pytest.mark.parametrize("url", ["/index", "/edit_profile"])
def test_pages_need_a_login(client, make_user, url):
    make_user("john")
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")


@pytest.mark.parametrize("url", ["/follow/john", "/unfollow/john", "/edit_profile", "/index"])
def test_posts_need_a_login(client, make_user, url):
    make_user("john")
    response = client.post(url, data={})
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
