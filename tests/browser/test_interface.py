"""The interface at desktop (1280 px) and phone (390 px) widths, in light and dark mode.

The conversation opens at its newest message, the unread badge shows on a phone,
the post box refuses 141 characters, Enter sends in a conversation, relative
times refresh, the colour-mode switch is remembered, and axe-core finds no
serious or critical accessibility problem on the main pages. Screenshots of
every main page in both widths and both modes are saved under
tests/artifacts/screenshots/, or, with UPDATE_SCREENSHOTS=1 (`make screenshots`),
under docs/screenshots/, where the README shows them.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Activity, Conversation, ConversationMember, Message, Post, Report, User, utcnow
from tests.browser.helpers import log_in, watch_for_errors
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
# Committed screenshots change only when asked to, so a test run leaves the work tree clean.
SCREENSHOTS = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "tests/artifacts") / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
MODES = ["light", "dark"]

PEOPLE = {
    "maria": "Illustrator in Lisbon. Drawing, long walks and too much coffee.",
    "tom": "Teacher in Leeds. Running, jazz and bad puns.",
    "priya": "Software developer. Mostly here for board games and houseplants.",
    "kofi": "Baker by day, science fiction by night. Montreal.",
    "lena": "Living in Hamburg. Into cycling, photography and good bread.",
}
POSTS = [
    ("tom", 3, "Morning run along the canal: 8 km and the sun came out halfway. #running"),
    ("priya", 9, "Spent way too long choosing a font for a slide nobody will read. #webdev"),
    ("kofi", 26, "Made focaccia for the first time. It looked nothing like the photo and tasted great."),
    ("lena", 55, "Took the long way home past the harbour and saw the best sunset of the year."),
    ("maria", 80, "Finished the last page of my sketchbook today. On to the next one! #drawing"),
    ("tom", 140, "Finally finished Piranesi. Slow start, brilliant ending. #books"),
    ("priya", 300, "New plant in the flat. Calling it Sir Basil. #gardening"),
    ("maria", 1500, "Rainy Sunday, lentil soup and an old radio play. Not a bad combination."),
]
# Replies under tom's morning run: (who, minutes ago, text, the text it answers or None for the run).
REPLIES = [
    ("maria", 2, "@tom 8 km before breakfast? Impressive! The route: https://example.com/canal-route", None),
    ("tom", 1, "@maria Come along on Saturday, it is flat all the way. #running", None),
    ("kofi", 1, "I will bring bread for after.", "@maria Come along on Saturday, it is flat all the way. #running"),
]
# (minutes ago, from tom?) — a conversation over three days, the last word unread.
CONVERSATION = [
    (3000, True, "Are we still on for coffee on Saturday?"),
    (2990, False, "Yes! The place by the river?"),
    (1460, True, "Perfect. 10 o'clock?"),
    (1455, False, "See you there. I will bring the sketches I told you about."),
    (12, True, "Running five minutes late, save me a seat!"),
]


def set_time(message: Message, minutes_ago: int) -> None:
    moment = utcnow() - timedelta(minutes=minutes_ago)
    message.timestamp = moment
    for model in (Conversation, ConversationMember):
        column = model.id if model is Conversation else model.conversation_id
        db.session.execute(sa.update(model).where(column == message.conversation_id).values(last_message_at=moment))


@pytest.fixture(scope="module")
def community(live_server):
    """Five people who post and follow each other; maria and tom talk over three days, priya wrote last week."""
    from werkzeug.security import generate_password_hash

    with live_server.app.app_context():
        password_hash = generate_password_hash(PASSWORD)
        people = {name: User(username=name, email=f"{name}@example.com", password_hash=password_hash, about_me=about)
                  for name, about in PEOPLE.items()}
        db.session.add_all(people.values())
        db.session.flush()
        for name in ("tom", "priya", "kofi", "lena"):
            people["maria"].follow(people[name])
            people[name].follow(people["maria"])
        for name, minutes_ago, body in reversed(POSTS):
            Post.publish(people[name], body).timestamp = utcnow() - timedelta(minutes=minutes_ago)
        db.session.flush()
        run = db.session.scalar(sa.select(Post).where(Post.body.startswith("Morning run")))
        for name, minutes_ago, body, parent in REPLIES:
            answered = run if parent is None else db.session.scalar(sa.select(Post).where(Post.body == parent))
            Post.publish(people[name], body, in_reply_to=answered.id).timestamp = (
                utcnow() - timedelta(minutes=minutes_ago))
            db.session.flush()
        for minutes_ago, from_tom, body in CONVERSATION:
            sender, recipient = (people["tom"], people["maria"]) if from_tom else (people["maria"], people["tom"])
            set_time(Message.send(sender, recipient, body), minutes_ago)
        set_time(Message.send(people["priya"], people["maria"], "Board games at mine on Friday?"), 60 * 24 * 6)
        # maria moderates: two reports wait in her queue.
        people["maria"].is_admin = True
        font = db.session.scalar(sa.select(Post).where(Post.body.startswith("Spent way too long")))
        Report.file(people["lena"], people["priya"], "spam", "Posts the same thing every day.", post_id=font.id)
        Report.file(people["kofi"], people["tom"], "impersonation")
        db.session.commit()
    return list(PEOPLE)


def open_page(new_page, size: str, mode: str, locale: str = "en-GB"):
    page = new_page(viewport=WIDTHS[size], color_scheme=mode, locale=locale, is_mobile=size == "phone",
                    has_touch=size == "phone")
    page.context.add_init_script(path=str(AXE))  # through the DevTools protocol: the page's CSP still holds
    return page


def settle(page) -> None:
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    expect(page.locator(".flask-moment")).to_have_count(0)  # every time rendered by moment.js


def serious_accessibility_problems(page) -> list[dict]:
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }"""
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def check_and_capture(page, name: str, size: str, mode: str) -> None:
    settle(page)
    expect(page.locator("html")).to_have_attribute("data-bs-theme", mode)
    assert serious_accessibility_problems(page) == [], name
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}-{mode}.png"))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("size", list(WIDTHS))
def test_main_pages_are_accessible_and_captured(live_server, community, new_page, size, mode):
    base = live_server.url
    visitor = open_page(new_page, size, mode)
    errors = watch_for_errors(visitor)
    for name, path in [("front", "/"), ("explore-visitor", "/explore"), ("profile-visitor", "/user/maria"),
                       ("login", "/auth/login"), ("register", "/auth/register")]:
        visitor.goto(base + path)
        check_and_capture(visitor, name, size, mode)

    page = open_page(new_page, size, mode)
    errors += watch_for_errors(page)
    log_in(page, base, "maria")
    with live_server.app.app_context():
        run = db.session.scalar(sa.select(Post.id).where(Post.body.startswith("Morning run")))
        reply = db.session.scalar(sa.select(Post.id).where(Post.body.startswith("@maria Come along")))
    for name, path in [("home", "/index"), ("explore", "/explore"), ("profile", "/user/maria"),
                       ("messages", "/messages"), ("conversation", "/messages/tom"), ("edit-profile", "/edit_profile"),
                       ("post", f"/post/{run}"), ("post-thread", f"/post/{reply}"), ("tag", "/tag/running"),
                       ("followers", "/user/maria/followers"), ("notifications", "/notifications/all"),
                       ("blocked", "/settings/blocked"), ("reports", "/admin/reports"),
                       ("not-found", "/no/such/page")]:
        if name == "notifications":  # each capture shows the items unread, as on a first visit
            with live_server.app.app_context():
                db.session.execute(sa.update(User).where(User.username == "maria").values(activity_read_id=0))
                db.session.commit()
        page.goto(base + path)
        check_and_capture(page, name, size, mode)
    assert errors == [] or all("404" in error for error in errors), errors


@pytest.mark.parametrize("size", list(WIDTHS))
def test_the_conversation_opens_at_its_newest_message(live_server, community, new_page, size):
    base = live_server.url
    with live_server.app.app_context():
        tom, lena = User.find_by_username("tom"), User.find_by_username("lena")
        for n in range(12):  # long enough to scroll, at any width
            sender, recipient = (tom, lena) if n % 2 else (lena, tom)
            body = f"Message {n}: " + "a longer line of text that wraps onto a second line on a phone " * 2
            set_time(Message.send(sender, recipient, body.strip()), 600 - n * 40)
        db.session.commit()
    saved = live_server.app.config["MESSAGES_PER_PAGE"]
    live_server.app.config["MESSAGES_PER_PAGE"] = 25
    try:
        page = open_page(new_page, size, "light")
        log_in(page, base, "lena")
        page.goto(f"{base}/messages/tom")
        settle(page)
        page.wait_for_timeout(300)  # anything that settles late (avatars, fonts) has had its chance
        thread = page.locator("#message-thread")
        assert thread.evaluate("t => t.scrollHeight > t.clientHeight")  # it does scroll
        assert thread.evaluate("t => t.scrollHeight - t.scrollTop - t.clientHeight") <= 1
        newest = page.locator(".message").last
        expect(newest).to_contain_text("Message 11")
        bubble, area = newest.bounding_box(), thread.bounding_box()
        assert bubble["y"] + bubble["height"] <= area["y"] + area["height"]
        composer = page.locator(".chat-composer").bounding_box()
        assert bubble["y"] + bubble["height"] <= composer["y"]  # not hidden behind the reply box
        if size == "phone":
            tabbar = page.locator(".app-nav").bounding_box()
            assert composer["y"] + composer["height"] <= tabbar["y"]  # nor behind the tab bar
        # Bubbles are grouped under day headings in the reader's time zone, each bubble showing only its time.
        expect(page.locator(".day-divider").first).to_be_visible()
        expect(page.locator(".message-time").last).to_have_text(re.compile(r"^\d{1,2}:\d\d( [AP]M)?$"))
    finally:
        live_server.app.config["MESSAGES_PER_PAGE"] = saved


@pytest.mark.parametrize("size", list(WIDTHS))
def test_enter_sends_and_shift_enter_breaks_the_line(live_server, community, new_page, size):
    base = live_server.url
    page = open_page(new_page, size, "dark")
    errors = watch_for_errors(page)
    log_in(page, base, "maria")
    page.goto(f"{base}/messages/tom")
    settle(page)
    page.evaluate("window.stillTheSamePage = true")
    box = page.locator(".chat-composer textarea")
    box.click()
    page.keyboard.type(f"First line ({size})")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("second line")
    expect(box).to_have_value(f"First line ({size})\nsecond line")  # Shift+Enter only broke the line
    page.keyboard.press("Enter")
    mine = page.locator(".message-mine .message-body").last
    expect(mine).to_have_text(f"First line ({size})\nsecond line")
    expect(box).to_have_value("")
    expect(box).to_be_focused()
    assert page.evaluate("window.stillTheSamePage") is True  # no reload
    expect(page.locator(".alert")).to_have_count(0)  # no banner pushed above the chat
    thread = page.locator("#message-thread")
    expect(thread).to_have_js_property("scrollTop", thread.evaluate("t => t.scrollHeight - t.clientHeight"))
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(Message.body).order_by(Message.id.desc()).limit(1)) == (
            f"First line ({size})\nsecond line")
    sent = page.locator(".message").count()
    page.keyboard.press("Enter")  # an empty box sends nothing
    page.wait_for_timeout(300)
    expect(page.locator(".message")).to_have_count(sent)
    assert errors == []


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("size", list(WIDTHS))
def test_the_post_box_refuses_141_characters(live_server, community, new_page, size, mode):
    base = live_server.url
    page = open_page(new_page, size, mode)
    log_in(page, base, "kofi")
    with live_server.app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Post))
    box, counter, button = page.locator("textarea[name=post]"), page.locator("#post-counter"), page.locator(
        "form.composer input[type=submit]")
    expect(counter).to_contain_text("140")
    expect(button).to_be_disabled()  # nothing to post yet
    box.fill("x" * 141)  # as a paste would: nothing is cut
    expect(box).to_have_value("x" * 141)
    expect(counter).to_contain_text("-1")
    expect(counter).to_have_class(re.compile(r"\bis-over\b"))
    expect(button).to_be_disabled()
    page.evaluate("document.querySelector('form.composer').requestSubmit()")  # Ctrl+Enter, a script, anything
    page.wait_for_timeout(300)
    expect(box).to_have_value("x" * 141)
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == before
    box.press("Backspace")
    expect(counter).to_contain_text("0")
    expect(button).to_be_enabled()
    button.click()
    expect(page.locator(".alert")).to_contain_text("Your post is now live!")
    expect(page.locator(".post-body").first).to_have_text("x" * 140)


def test_the_unread_badge_shows_on_a_phone(live_server, community, new_page):
    base = live_server.url
    page = open_page(new_page, "phone", "light")
    log_in(page, base, "lena")
    page.goto(f"{base}/explore")
    badge = page.locator("#message_count")
    expect(badge).to_be_hidden()
    with live_server.app.app_context():
        Message.send(User.find_by_username("kofi"), User.find_by_username("lena"), "Fresh bread at the market?")
        db.session.commit()
    expect(badge).to_be_visible()  # by polling, without a reload
    expect(badge).to_have_text("1")
    box = badge.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 390 and 0 <= box["y"] and box["y"] + box["height"] <= 844
    tab = page.locator("#messages-link")
    expect(tab).to_be_visible()
    expect(tab).to_contain_text("Messages")
    tabs = page.locator(".app-nav .app-nav-link:visible")
    expect(tabs).to_have_text(["Home", "Explore", "Search", "Messages 1", "Profile"])
    live_server.screenshot(page, "badge-phone-light")


def test_the_notifications_badge_goes_up_live_and_down_on_the_page(live_server, community, new_page):
    base = live_server.url
    with live_server.app.app_context():  # kofi has seen what he had (maria's follow)
        Activity.mark_read(User.find_by_username("kofi").id, 2**31 - 1)
        db.session.commit()
    page = open_page(new_page, "phone", "light")
    log_in(page, base, "kofi")
    page.goto(f"{base}/explore")
    badge = page.locator(".topbar-bell .activity-count")
    expect(badge).to_be_hidden()
    with live_server.app.app_context():
        User.find_by_username("lena").follow(User.find_by_username("kofi"))
        db.session.commit()
    expect(badge).to_be_visible()  # by polling, without a reload
    expect(badge).to_have_text("1")
    box = badge.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 390 and 0 <= box["y"]
    page.locator(".topbar-bell").click()
    expect(page).to_have_url(f"{base}/notifications/all")
    expect(page.locator(".activity-item").first).to_have_class(re.compile(r"activity-unread"))
    expect(page.locator(".activity-item").first).to_contain_text("lena and maria followed you")
    expect(page.locator(".topbar-bell .activity-count")).to_be_hidden()
    live_server.screenshot(page, "notifications-badge-phone-light")
    page.reload()
    expect(page.locator(".activity-unread")).to_have_count(0)


def test_relative_times_refresh_every_minute(live_server, community, new_page):
    base = live_server.url
    page = open_page(new_page, "desktop", "light")
    page.clock.install()
    log_in(page, base, "maria")
    page.goto(f"{base}/user/priya")
    first = page.locator(".post .post-time time").first
    expect(first).to_have_text(re.compile(r"^\d+ minutes ago$"))
    minutes = int(first.inner_text().split()[0])
    page.clock.run_for(3 * 60 * 1000)
    expect(first).to_have_text(f"{minutes + 3} minutes ago")


def test_the_colour_mode_switch_is_remembered(live_server, new_page):
    base = live_server.url
    page = open_page(new_page, "desktop", "dark")
    page.goto(f"{base}/explore")
    html = page.locator("html")
    expect(html).to_have_attribute("data-bs-theme", "dark")  # follows the device
    expect(page.locator("[data-theme-value=auto]")).to_have_attribute("aria-pressed", "true")
    page.click("[data-theme-value=light]")
    expect(html).to_have_attribute("data-bs-theme", "light")
    expect(page.locator("[data-theme-value=light]")).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(html).to_have_attribute("data-bs-theme", "light")  # remembered
    page.click("[data-theme-value=auto]")
    expect(html).to_have_attribute("data-bs-theme", "dark")
    page.emulate_media(color_scheme="light")
    expect(html).to_have_attribute("data-bs-theme", "light")  # and follows the device as it changes


@pytest.mark.parametrize("mode", MODES)
def test_keyboard_focus_is_visible(live_server, new_page, mode):
    page = open_page(new_page, "desktop", mode)
    page.goto(f"{live_server.url}/explore")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0  # it comes into view when focused
    for _ in range(3):  # the name, Home, Explore: links, buttons, everything
        page.keyboard.press("Tab")
        outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                                " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
        assert outline[0] != "none" and outline[1] >= 2, outline
