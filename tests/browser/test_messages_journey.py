"""Two people message each other in two browsers: the badge, the conversation, the popup."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Message, User
from tests.browser.helpers import log_in, watch_for_errors
from tests.conftest import PASSWORD


def create_people(live_server, *names: str) -> None:
    from werkzeug.security import generate_password_hash

    with live_server.app.app_context():
        password_hash = generate_password_hash(PASSWORD)
        for name in names:
            db.session.add(User(username=name, email=f"{name}@example.com", password_hash=password_hash,
                                about_me=f"I am {name.title()}."))
        db.session.commit()


def test_a_message_lights_the_badge_without_a_reload_and_reading_clears_it(live_server, new_page):
    base = live_server.url
    create_people(live_server, "carol", "dave")
    with live_server.app.app_context():
        carol, dave = (User.find_by_username(name) for name in ("carol", "dave"))
        for n in range(6):  # earlier history, from Carol, for "Load older messages"
            Message.send(carol, dave, f"history {n}")
        db.session.commit()

    carol_page, dave_page = new_page(), new_page()
    carol_errors, dave_errors = watch_for_errors(carol_page), watch_for_errors(dave_page)
    log_in(carol_page, base, "carol")
    log_in(dave_page, base, "dave")

    badge = carol_page.locator("#message_count")
    expect(badge).to_have_text("0")
    expect(badge).to_be_hidden()
    carol_page.evaluate("window.stillTheSamePage = true")

    # Dave writes from Carol's profile.
    dave_page.goto(f"{base}/user/carol")
    dave_page.click("a:has-text('Send private message')")
    expect(dave_page.locator("h1")).to_have_text("Send Message to carol")
    dave_page.fill("textarea[name=message]", "Lunch tomorrow? <b>12:30</b>")
    dave_page.click("input[type=submit]")
    expect(dave_page).to_have_url(f"{base}/messages/carol")
    expect(dave_page.locator(".message-mine .message-body").last).to_have_text("Lunch tomorrow? <b>12:30</b>")

    # Carol's badge goes from 0 to 1 by polling, on the same page.
    expect(badge).to_have_text("1")
    expect(badge).to_be_visible()
    assert carol_page.evaluate("window.stillTheSamePage") is True

    carol_page.click("#messages-link")
    expect(carol_page).to_have_url(f"{base}/messages")
    item = carol_page.locator(".conversation-item").first
    expect(item.locator(".conversation-name")).to_have_text("dave")
    expect(item.locator(".conversation-preview")).to_have_text("Lunch tomorrow? <b>12:30</b>")
    expect(item.locator(".unread-count")).to_contain_text("1")
    live_server.screenshot(carol_page, "messages-list")

    # Hovering a username shows the popup after a short delay.
    item.locator(".conversation-name").hover()
    popover = carol_page.locator(".popover.user-popover")
    expect(popover).to_be_visible()
    expect(popover).to_contain_text("I am Dave.")
    expect(popover.locator(".popup-counts")).to_contain_text("0 followers")
    expect(popover.locator("button")).to_have_text("Follow")
    expect(popover.locator(".flask-moment")).to_have_count(0)  # "last seen" rendered by moment.js
    live_server.screenshot(carol_page, "messages-popup")

    # Opening the conversation shows it, oldest at the top, and clears the badge.
    carol_page.mouse.move(0, 0)
    expect(popover).to_have_count(0)
    item.locator(".conversation-preview").click()
    expect(carol_page).to_have_url(f"{base}/messages/dave")
    bodies = carol_page.locator(".message-body")
    expect(bodies).to_have_text(["history 2", "history 3", "history 4", "history 5", "Lunch tomorrow? <b>12:30</b>"])
    expect(carol_page.locator(".message-theirs .message-body")).to_have_text(["Lunch tomorrow? <b>12:30</b>"])
    expect(carol_page.locator(".unread-divider")).to_be_visible()
    expect(badge).to_be_hidden()
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(User.unread_message_count).where(User.username == "carol")) == 0

    carol_page.click("button:has-text('Load older messages')")
    expect(bodies).to_have_count(7)
    expect(bodies.first).to_have_text("history 0")
    expect(carol_page.locator(".load-older")).to_have_count(0)
    live_server.screenshot(carol_page, "messages-conversation")

    # Carol replies; Dave, with the conversation open, sees it arrive and stays read.
    dave_badge = dave_page.locator("#message_count")
    carol_page.fill("textarea[name=message]", "Yes, see you there!")
    carol_page.click(".chat-composer button[type=submit]")
    expect(carol_page.locator(".message-mine .message-body").last).to_have_text("Yes, see you there!")
    expect(dave_page.locator(".message-theirs .message-body").last).to_have_text("Yes, see you there!")
    expect(dave_badge).to_be_hidden()
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(User.unread_message_count).where(User.username == "dave")) == 0

    # The popup's follow button works.
    carol_page.locator(".conversation .user-popup").hover()
    carol_page.locator(".popover.user-popover button:has-text('Follow')").click()
    expect(carol_page.locator(".alert")).to_contain_text("You are following dave!")

    assert carol_errors == [] and dave_errors == []


def test_the_conversation_list_has_an_empty_state(live_server, new_page):
    create_people(live_server, "erin")
    page = new_page()
    errors = watch_for_errors(page)
    log_in(page, live_server.url, "erin")
    page.click("#messages-link")
    expect(page.locator(".empty-state h2")).to_have_text("No conversations yet")
    expect(page.locator(".empty-state a")).to_have_attribute("href", re.compile(r"/explore$"))
    live_server.screenshot(page, "messages-empty")
    assert errors == []


def test_polling_pauses_while_the_tab_is_hidden(live_server, new_page):
    create_people(live_server, "frank")
    page = new_page()
    log_in(page, live_server.url, "frank")
    polls: list[str] = []
    page.on("request", lambda request: polls.append(request.url) if "/notifications" in request.url else None)
    page.wait_for_timeout(1500)  # the live server polls every 0.5 s
    assert len(polls) >= 2 and all("after=" in url for url in polls)

    def set_hidden(hidden: bool) -> None:
        page.evaluate(
            """hidden => {
                Object.defineProperty(document, "hidden", {value: hidden, configurable: true});
                document.dispatchEvent(new Event("visibilitychange"));
            }""",
            hidden,
        )

    set_hidden(True)
    page.wait_for_timeout(300)  # let a request already on its way finish
    polls.clear()
    page.wait_for_timeout(1500)
    assert polls == []
    set_hidden(False)
    page.wait_for_timeout(400)
    assert len(polls) == 1  # at once on coming back (the interval is 0.5 s), then every interval
    page.wait_for_timeout(1200)
    assert len(polls) >= 3
