"""Visitors who are not signed in: the front page, read-only Explore and profiles; every write needs a login."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Message, Post, User, follows
from app.seed import DEMO_PASSWORD


def post_bodies(page: str) -> list[str]:
    return re.findall(r'<div class="post-body" id="post\d+"[^>]*>([^<]*)</div>', page)


def test_the_front_page_says_what_the_site_is_and_how_to_join(client, make_user, make_post):
    susan = make_user("susan")
    make_post(susan, "first")
    make_post(susan, "second")
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Short posts. Real conversations." in page
    assert 'href="/auth/register"' in page and 'href="/auth/login"' in page and 'href="/explore"' in page
    assert post_bodies(page) == ["second", "first"]  # the latest posts, newest first
    assert 'name="post"' not in page  # no post box
    assert "/static/js/notifications.js" not in page  # nothing to poll for
    assert 'id="demo-login"' not in page  # susan's password is not the demo one


def test_the_front_page_offers_the_demo_login_of_a_seeded_network(client, make_user):
    demo = make_user("lwhite")
    demo.set_password(DEMO_PASSWORD)
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    demo_box = re.search(r'<div class="demo-login".*?</div>', page, re.S).group(0)
    assert "<code>lwhite</code>" in demo_box and f"<code>{DEMO_PASSWORD}</code>" in demo_box


def test_the_demo_login_goes_once_its_password_changes(client, make_user):
    demo = make_user("lwhite")
    demo.set_password(DEMO_PASSWORD)
    db.session.commit()
    assert 'id="demo-login"' in client.get("/").get_data(as_text=True)
    demo.set_password("something private")
    db.session.commit()
    assert 'id="demo-login"' not in client.get("/").get_data(as_text=True)


def test_signed_in_people_get_their_feed_at_the_root(client, john):
    page = client.get("/").get_data(as_text=True)
    assert "Hi, john!" in page and 'name="post"' in page
    assert "Short posts. Real conversations." not in page


def test_visitors_read_explore(client, make_user, make_post):
    susan = make_user("susan")
    make_post(susan, "hello <b>world</b>")
    response = client.get("/explore")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert post_bodies(page) == ["hello &lt;b&gt;world&lt;/b&gt;"]
    assert 'href="/auth/login?next=/explore"' in page  # the sign-in banner comes back here
    assert "translate-link" not in page and 'name="post"' not in page


def test_visitors_read_profiles_without_buttons_that_write(client, make_user, make_post):
    susan = make_user("susan", about_me="I like cats")
    make_post(susan, "meow")
    response = client.get("/user/Susan")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<h1 class="profile-name">susan</h1>' in page and "I like cats" in page
    assert post_bodies(page) == ["meow"]
    assert 'href="/auth/login?next=/user/Susan"' in page  # "Sign in to follow"
    assert "/follow/" not in page and "/unfollow/" not in page and "/send_message/" not in page
    assert client.get("/user/nobody").status_code == 404


def test_anonymous_explore_costs_one_statement(client, make_user, make_post, count_queries):
    make_post(make_user("susan"), "hello")
    client.get("/explore")
    with count_queries() as statements:
        client.get("/explore")
    assert len(statements) == 1  # the page of posts with their authors; no session user


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/index", None),
        ("post", "/", {"post": "hello"}),
        ("post", "/index", {"post": "hello"}),
        ("post", "/follow/susan", {}),
        ("post", "/unfollow/susan", {}),
        ("get", "/edit_profile", None),
        ("post", "/edit_profile", {"username": "x", "about_me": "y"}),
        ("get", "/send_message/susan", None),
        ("post", "/send_message/susan", {"message": "hi"}),
        ("get", "/messages", None),
        ("post", "/messages/susan", {"message": "hi"}),
        ("get", "/user/susan/popup", None),
    ],
)
def test_every_write_still_needs_a_login(client, make_user, method, url, data):
    make_user("susan")
    response = getattr(client, method)(url, data=data) if data is not None else getattr(client, method)(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(follows)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0
    assert db.session.scalar(sa.select(User.about_me).where(User.username == "susan")) is None


def test_the_post_box_counts_instead_of_cutting(client, john):
    page = client.get("/index").get_data(as_text=True)
    box = re.search(r"<textarea[^>]*>", page).group(0)
    assert 'name="post"' in box and "maxlength" not in box  # a pasted long text is not cut silently
    assert 'data-max-length="140"' in box and 'data-counter="post-counter"' in box
    assert '<span data-count>140</span>' in page
    response = client.post("/index", data={"post": "x" * 141})
    assert response.status_code == 200
    assert "Field must be between 1 and 140 characters long." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0


# -- the conversation's reply box sends without leaving the page -------------------------------


@pytest.fixture
def conversation_with_susan(john, make_user):
    susan = make_user("susan")
    Message.send(susan, john, "hello john")
    db.session.commit()
    return susan


def test_a_reply_sent_by_the_page_answers_json(client, john, conversation_with_susan):
    response = client.post("/messages/susan", data={"message": "  hi there  "}, headers={"Accept": "application/json"})
    assert response.status_code == 201
    message = db.session.scalar(sa.select(Message).order_by(Message.id.desc()))
    assert response.json == {"id": message.id}
    assert (message.sender_id, message.body) == (john.id, "hi there")


@pytest.mark.parametrize("data", [{"message": "   "}, {"message": "x" * 2001}])
def test_a_refused_reply_answers_json_errors(client, john, conversation_with_susan, data):
    response = client.post("/messages/susan", data=data, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.json["code"] == 400 and response.json["errors"]["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 1


def test_a_reply_without_a_csrf_token_is_refused(client, john, conversation_with_susan):
    response = client.post("/messages/susan", data={"message": "hi"}, csrf=False,
                           headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.json["code"] == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 1


def test_a_reply_from_a_plain_form_still_redirects(client, john, conversation_with_susan):
    response = client.post("/messages/susan", data={"message": "hi"})
    assert response.status_code == 302 and response.headers["Location"] == "/messages/susan#reply"


def test_chat_bubbles_show_the_time_of_day_and_carry_their_moment(client, john, conversation_with_susan):
    page = client.get("/messages/susan").get_data(as_text=True)
    bubble = re.search(r'<div class="message d-flex[^"]*"[^>]*>.*?</div>\s*</div>\s*</div>', page, re.S).group(0)
    assert re.search(r'data-timestamp="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"', bubble)  # for the day headings
    assert 'data-function="format" data-format="LT"' in bubble  # "3:19 PM", not "Today at 3:19 PM"
    assert 'data-today="Today" data-yesterday="Yesterday"' in page
    assert 'data-composer' in page and "Enter sends, Shift+Enter starts a new line." in page


def test_line_breaks_count_once(client, john):
    body = "x" * 69 + "\r\n" + "y" * 70  # 140 characters as the post box counts them, 141 as sent
    assert client.post("/index", data={"post": body}).status_code == 302
    assert db.session.scalar(sa.select(Post.body)) == "x" * 69 + "\n" + "y" * 70


def test_the_search_tab_is_for_signed_in_people(client, auth, make_user):
    make_user("john")
    assert 'href="/search"' not in client.get("/explore").get_data(as_text=True)  # search needs a login
    auth.login()
    page = client.get("/explore").get_data(as_text=True)
    assert re.search(r'<a class="nav-link app-nav-link" href="/search"', page)


def test_the_front_page_costs_two_statements(client, make_user, make_post, count_queries):
    make_post(make_user("susan"), "hello")
    client.get("/")
    with count_queries() as statements:
        client.get("/")
    assert len(statements) == 2  # the latest posts with their authors, the first person (the demo login)


def test_about_me_is_counted_not_cut(client, john):
    page = client.get("/edit_profile").get_data(as_text=True)
    box = re.search(r'<textarea[^>]*name="about_me"[^>]*>', page).group(0)
    assert 'data-max-length="140"' in box and "maxlength=" not in box.replace("data-max-length", "")


# (A NUL byte never reaches the forms: the request hook answers it with a 400, tests/functional/test_security.py.)
@pytest.mark.parametrize("text", ["a\x01b", "bell\x07", "escape\x1b[31m"])
def test_control_characters_are_a_form_error_not_a_500(client, john, conversation_with_susan, text):
    page = client.post("/index", data={"post": text})
    assert page.status_code == 200 and "Remove the control characters from the text." in page.get_data(as_text=True)
    reply = client.post("/messages/susan", data={"message": text}, headers={"Accept": "application/json"})
    assert reply.status_code == 400 and reply.json["errors"]["message"]
    assert client.post("/send_message/susan", data={"message": text}).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 1


def test_line_breaks_and_tabs_are_welcome(client, john, conversation_with_susan):
    assert client.post("/index", data={"post": "one\ttwo\nthree"}).status_code == 302
    assert db.session.scalar(sa.select(Post.body)) == "one\ttwo\nthree"
