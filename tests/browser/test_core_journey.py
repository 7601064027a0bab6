"""Two people register, post, follow, see each other in the feed, and log out."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import User, follows


def register_and_login(page, base_url: str, username: str) -> None:
    """Registering signs you in and lands on the home page."""
    page.goto(f"{base_url}/auth/register")
    page.fill("input[name=username]", username)
    page.fill("input[name=email]", f"{username}@example.com")
    page.fill("input[name=password]", "a good password")
    page.fill("input[name=password2]", "a good password")
    page.click("input[type=submit]")
    expect(page.locator(".alert")).to_contain_text(f"Welcome to Microblog, {username}! Your account is ready.")
    expect(page.locator("h1")).to_have_text(f"Hi, {username}!")


def test_register_post_follow_feed_logout(live_server, new_page):
    base = live_server.url
    anna, ben = new_page(), new_page()
    register_and_login(anna, base, "anna")
    register_and_login(ben, base, "ben")

    anna.fill("textarea[name=post]", "Hello from Anna <b>bold?</b>")
    anna.click("input[type=submit]")
    expect(anna.locator(".alert")).to_contain_text("Your post is now live!")
    expect(anna.locator(".post-body").first).to_have_text("Hello from Anna <b>bold?</b>")

    # Ben does not see Anna's post until he follows her.
    ben.fill("textarea[name=post]", "Ben was here")
    ben.click("input[type=submit]")
    expect(ben.locator(".post-body")).to_have_count(1)
    ben.goto(f"{base}/user/anna")
    expect(ben.locator(".profile-counts")).to_contain_text("0 followers")
    ben.click("button:has-text('Follow')")
    expect(ben.locator(".alert")).to_contain_text("You are following anna!")
    expect(ben.locator(".profile-counts")).to_contain_text(re.compile(r"\b1 follower(?!s)"))
    with live_server.app.app_context():
        ids = db.session.execute(sa.select(follows.c.follower_id, follows.c.followed_id)).all()
        names = {user.id: user.username for user in db.session.scalars(sa.select(User))}
    assert [(names[a], names[b]) for a, b in ids] == [("ben", "anna")]

    ben.click("a.nav-link:has-text('Home')")
    expect(ben.locator(".post-body")).to_have_text(["Ben was here", "Hello from Anna <b>bold?</b>"])
    expect(ben.locator(".post .flask-moment")).to_have_count(0)  # every time was rendered by moment.js
    expect(ben.locator(".post .post-time").first).to_contain_text(re.compile(r"seconds? ago|a few seconds ago"))
    live_server.screenshot(ben, "core-home-feed")

    ben.click("button:has-text('Logout')")
    expect(ben.locator(".alert")).to_contain_text("You have signed out.")
    ben.goto(f"{base}/index")
    expect(ben).to_have_url(re.compile(r"/auth/login\?next=%2Findex$"))
    live_server.screenshot(ben, "core-login")
