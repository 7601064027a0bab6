"""Likes and reposts in the browser: the count changes in place without a reload, and the feed with
likes and reposts looks finished at desktop and phone widths, light and dark."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Post, User, likes, reposts, utcnow
from tests.browser.helpers import log_in, watch_for_errors
from tests.browser.test_interface import MODES, WIDTHS, check_and_capture, open_page
from tests.conftest import PASSWORD

PEOPLE = {
    "nadia": "Cyclist and map nerd in Utrecht.",
    "omar": "Chef. Bread, soups and the occasional disaster.",
    "sofia": "Astronomy student. Looking up, mostly.",
    "yuki": "Photographer in Osaka.",
}
POSTS = [  # (author, minutes ago, body)
    ("sofia", 400, "Saturn's rings are visible with a small telescope this week, just after dusk."),
    ("omar", 45, "Sourdough attempt number seven: finally an open crumb. Recipe in the next post."),
    ("yuki", 30, "Early light over the river this morning. Worth getting up for."),
    ("nadia", 8, "New bike lane on the way to work. Twelve minutes faster and no traffic!"),
]


@pytest.fixture(scope="module")
def neighbours(live_server):
    """nadia follows omar and yuki; yuki reposted sofia's post, which nadia does not follow; likes all round."""
    from werkzeug.security import generate_password_hash

    with live_server.app.app_context():
        password_hash = generate_password_hash(PASSWORD)
        people = {name: User(username=name, email=f"{name}@example.com", password_hash=password_hash, about_me=about)
                  for name, about in PEOPLE.items()}
        db.session.add_all(people.values())
        db.session.flush()
        people["nadia"].follow(people["omar"])
        people["nadia"].follow(people["yuki"])
        posts = {}
        for author, minutes_ago, body in POSTS:
            posts[author] = Post.publish(people[author], body)
            posts[author].timestamp = utcnow() - timedelta(minutes=minutes_ago)
        db.session.flush()
        posts["sofia"].repost(people["yuki"])
        db.session.execute(reposts.update().values(created_at=utcnow() - timedelta(minutes=20)))
        for fan in ("omar", "yuki", "nadia"):
            posts["sofia"].like(people[fan])
        posts["omar"].like(people["yuki"])
        posts["yuki"].like(people["omar"])
        posts["yuki"].repost(people["omar"])
        db.session.commit()
        ids = {author: post.id for author, post in posts.items()}
    return ids


def state(live_server, post_id: int) -> tuple[int, int, int, int]:
    with live_server.app.app_context():
        post = db.session.get(Post, post_id)
        counted = tuple(db.session.scalar(sa.select(sa.func.count()).select_from(table).where(
            table.c.post_id == post_id)) for table in (likes, reposts))
        result = (post.like_count, post.repost_count, *counted)
        db.session.remove()
        return result


def test_liking_and_reposting_change_the_counts_in_place(live_server, neighbours, new_page):
    page = new_page()
    errors = watch_for_errors(page)
    log_in(page, live_server.url, "nadia")
    page.wait_for_load_state("load")  # reactions.js runs at the end of the body: wait for it
    page.evaluate("window.notReloaded = true")
    post = page.locator("article.post", has_text="Sourdough attempt")
    like = post.locator(".reaction-like")
    expect(like.locator(".reaction-count")).to_have_text("1")
    like.locator("button").click()
    expect(like).to_have_class("reaction reaction-like is-active")
    expect(like.locator(".reaction-count")).to_have_text("2")
    expect(like.locator("button")).to_have_attribute("aria-pressed", "true")
    assert state(live_server, neighbours["omar"])[:1] == (2,)
    like.locator("button").click()
    expect(like.locator(".reaction-count")).to_have_text("1")
    expect(like.locator("button")).to_have_attribute("aria-pressed", "false")
    repost = post.locator(".reaction-repost")
    repost.locator("button").click()
    expect(repost.locator(".reaction-count")).to_have_text("1")
    expect(repost.locator("button")).to_have_attribute("title", "Undo repost")
    assert page.evaluate("window.notReloaded") is True  # all of it without leaving the page
    assert state(live_server, neighbours["omar"]) == (1, 1, 1, 1)
    repost.locator("button").click()
    expect(repost.locator(".reaction-count")).to_have_text("0")
    assert state(live_server, neighbours["omar"]) == (1, 0, 1, 0)
    assert errors == [], errors


def test_the_buttons_work_without_javascript(live_server, neighbours, new_page):
    page = new_page(java_script_enabled=False)
    log_in(page, live_server.url, "omar")
    like = page.locator("article.post", has_text="Early light").locator(".reaction-like")
    expect(like.locator("button")).to_have_attribute("aria-pressed", "true")  # omar liked it already
    like.locator("button").click()  # a real form post, back to the same place
    expect(page).to_have_url(f"{live_server.url}/index#post{neighbours['yuki']}")
    expect(like.locator(".reaction-count")).to_have_text("0")
    expect(like.locator("button")).to_have_attribute("aria-pressed", "false")
    like.locator("button").click()
    expect(like.locator(".reaction-count")).to_have_text("1")
    assert state(live_server, neighbours["yuki"])[::2] == (1, 1)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("size", list(WIDTHS))
def test_the_feed_with_likes_and_reposts_is_accessible_and_captured(live_server, neighbours, new_page, size, mode):
    page = open_page(new_page, size, mode)
    errors = watch_for_errors(page)
    log_in(page, live_server.url, "nadia")
    expect(page.locator(".repost-note", has_text="yuki")).to_have_count(1)
    check_and_capture(page, "home-reactions", size, mode)
    page.goto(f"{live_server.url}/post/{neighbours['sofia']}/likes")
    expect(page.locator(".person-row")).to_have_count(3)
    check_and_capture(page, "likes", size, mode)
    assert errors == [], errors
