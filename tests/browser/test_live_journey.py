"""Two people in two browsers on the production server: what one types appears for the other
without a reload, in a private conversation and in a chat room.

The server is tests/realtime's (gunicorn, Redis, PostgreSQL), started for this module on the next
port, so the two suites can run in one session."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import ChatRoom, Message, RoomMessage
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_messages_journey import log_in, watch_for_errors
from tests.realtime.conftest import PORT, make_person, realtime_app, realtime_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

CONNECTED = "window.microblogRealtime && window.microblogRealtime.isConnected()"


@pytest.fixture(scope="session")
def realtime_port() -> int:
    return PORT + 1


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_messages_appear_for_the_other_person_without_a_reload(realtime_server, make_person, new_page):  # noqa: F811
    base = realtime_server.url
    carol, dave = make_person("carol"), make_person("dave")
    Message.send(carol, dave, "Are you there?")
    room = ChatRoom.create(f"lobby-{carol.username[-6:]}", carol)
    db.session.commit()

    carol_page, dave_page = new_page(), new_page()
    carol_errors, dave_errors = watch_for_errors(carol_page), watch_for_errors(dave_page)
    log_in(carol_page, base, carol.username)
    log_in(dave_page, base, dave.username)

    # A private conversation.
    carol_page.goto(f"{base}/messages/{dave.username}")
    dave_page.goto(f"{base}/messages/{carol.username}")
    carol_page.wait_for_function(CONNECTED, timeout=30_000)  # a busy machine connects slowly
    dave_page.wait_for_function(CONNECTED, timeout=30_000)
    carol_page.evaluate("window.stillTheSamePage = true")
    dave_page.fill("textarea[name=message]", "Yes! <b>here</b>")
    dave_page.click("form.chat-composer [type=submit]")
    expect(dave_page.locator(".message-mine .message-body").last).to_have_text("Yes! <b>here</b>")
    expect(dave_page.locator("textarea[name=message]")).to_have_value("")
    expect(carol_page.locator(".message-theirs .message-body").last).to_have_text("Yes! <b>here</b>")
    assert carol_page.evaluate("window.stillTheSamePage") is True
    assert carol_page.url == f"{base}/messages/{dave.username}"
    screenshot(carol_page, "live-conversation")
    db.session.expire_all()
    assert db.session.scalars(sa.select(Message.body).where(Message.sender_id == dave.id)).all() == ["Yes! <b>here</b>"]

    # A chat room: both join, see each other present, and talk.
    carol_page.goto(f"{base}/chat/{room.name}")
    expect(carol_page.locator("#present-list li")).to_have_text([carol.username])
    dave_page.goto(f"{base}/chat")
    dave_page.click(f"a.room-name:has-text('{room.name}')")
    expect(dave_page.locator("#present-list li")).to_have_text(sorted([carol.username, dave.username]))
    expect(carol_page.locator("#present-list li")).to_have_text(sorted([carol.username, dave.username]))
    expect(carol_page.locator(".room-event").last).to_have_text(f"{dave.username} joined")
    carol_page.evaluate("window.stillTheSamePage = true")

    composer = dave_page.locator("textarea[name=message]")
    composer.fill("first line")
    composer.press("Shift+Enter")
    composer.type("second <i>line</i>")
    composer.press("Enter")
    expect(composer).to_have_value("")
    said = carol_page.locator(".room-message-body").last
    expect(said).to_have_text("first line\nsecond <i>line</i>")
    expect(carol_page.locator(".room-message-sender").last).to_have_text(dave.username)
    assert carol_page.evaluate("window.stillTheSamePage") is True
    db.session.expire_all()
    assert db.session.scalars(sa.select(RoomMessage.body).where(RoomMessage.room_id == room.id)).all() == [
        "first line\nsecond <i>line</i>"
    ]

    dave_page.goto(f"{base}/chat")
    expect(carol_page.locator("#present-list li")).to_have_text([carol.username])
    expect(carol_page.locator(".room-event").last).to_have_text(f"{dave.username} left")
    screenshot(carol_page, "live-chat-room")
    screenshot(dave_page, "chat-rooms")
    assert carol_errors == [] and dave_errors == []
