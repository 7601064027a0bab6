import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ConversationMember, Message, Notification, User, utcnow


@pytest.fixture
def send(app):
    """Send and commit a message, optionally dated minutes ago (to fix the conversation order)."""

    def send(sender: User, recipient: User, body: str = "hello", minutes_ago: int | None = None) -> Message:
        message = Message.send(sender, recipient, body)
        if minutes_ago is not None:
            moment = utcnow() - timedelta(minutes=minutes_ago)
            message.timestamp = moment
            db.session.execute(
                sa.update(ConversationMember)
                .where(ConversationMember.conversation_id == message.conversation_id)
                .values(last_message_at=moment)
            )
        db.session.commit()
        return message

    return send


def message_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Message))


def unread_count(user: User) -> int:
    return db.session.scalar(sa.select(User.unread_message_count).where(User.id == user.id))


def shown_message_ids(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'<div class="message d-flex[^"]*" id="message(\d+)"', page)]


def conversation_rows(page: str) -> list[tuple[str, str, int]]:
    """(other person, preview, unread count) for each conversation on /messages, in page order."""
    rows = []
    for item in re.findall(r'<li class="list-group-item[^"]*conversation-item.*?</li>', page, re.S):
        name = re.search(r'class="[^"]*conversation-name"[^>]*>([^<]+)</a>', item).group(1)
        preview = re.search(r'class="[^"]*conversation-preview[^"]*"[^>]*>(.*?)</a>', item, re.S).group(1)
        preview = html.unescape(re.sub(r"<[^>]+>", "", preview)).strip()
        unread = re.search(r'<span class="badge[^"]*unread-count">(\d+)', item)
        rows.append((name, preview, int(unread.group(1)) if unread else 0))
    return rows


# -- sending ------------------------------------------------------------------------


def test_send_message_form(client, john, make_user):
    make_user("susan")
    page = client.get("/send_message/susan").get_data(as_text=True)
    assert "Send Message to susan" in page
    assert '<textarea' in page and 'name="message"' in page
    assert 'data-max-length="2000"' in page and ' maxlength=' not in page


def test_sending_a_message(client, john, make_user):
    susan = make_user("susan")
    response = client.post("/send_message/susan", data={"message": "  Hi Susan!  "})
    assert response.status_code == 302 and response.headers["Location"] == "/messages/susan"
    message = db.session.scalar(sa.select(Message))
    assert (message.sender, message.recipient, message.body) == (john, susan, "Hi Susan!")
    assert (unread_count(susan), unread_count(john)) == (1, 0)
    notification = db.session.scalar(sa.select(Notification))
    assert (notification.user_id, notification.name, notification.get_data()) == (susan.id, "unread_message_count", 1)
    page = client.get("/messages/susan").get_data(as_text=True)
    assert "Your message has been sent." in page and "Hi Susan!" in page


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "This field is required."),
        ("  \n  ", "This field is required."),
        ("x" * 2001, "Field must be between 1 and 2000 characters long."),
    ],
)
def test_empty_and_overlong_messages_are_refused(client, john, make_user, body, error):
    susan = make_user("susan")
    response = client.post("/send_message/susan", data={"message": body})
    assert response.status_code == 200 and error in response.get_data(as_text=True)
    assert message_count() == 0 and unread_count(susan) == 0


def test_a_message_of_2000_characters_is_accepted(client, john, make_user):
    make_user("susan")
    assert client.post("/send_message/susan", data={"message": "x" * 2000}).status_code == 302
    assert db.session.scalar(sa.select(Message.body)) == "x" * 2000


def test_nobody_can_message_themselves(client, john):
    response = client.post("/send_message/john", data={"message": "hello me"}, follow_redirects=True)
    assert response.request.path == "/messages"
    assert "You cannot send a message to yourself." in response.get_data(as_text=True)
    assert client.get("/send_message/JOHN").headers["Location"] == "/messages"
    assert message_count() == 0


def test_messages_to_nobody_are_404(client, john):
    assert client.get("/send_message/nobody").status_code == 404
    assert client.post("/send_message/nobody", data={"message": "hi"}).status_code == 404
    assert message_count() == 0


def test_sending_needs_csrf(client, john, make_user):
    make_user("susan")
    assert client.post("/send_message/susan", data={"message": "hi"}, csrf=False).status_code == 400
    assert message_count() == 0


def test_profiles_link_to_send_message_except_your_own(client, john, make_user):
    make_user("susan")
    assert 'href="/send_message/susan"' in client.get("/user/susan").get_data(as_text=True)
    own = client.get("/user/john").get_data(as_text=True)
    assert "/send_message/" not in own and "Send private message" not in own


# -- the conversation list ---------------------------------------------------------------


def test_conversations_newest_first_with_previews_and_unread_counts(client, john, make_user, send):
    susan, mary, david, eve = (make_user(name) for name in ("susan", "mary", "david", "eve"))
    send(mary, john, "old news from mary", minutes_ago=30)
    send(john, david, "a question for <david>", minutes_ago=20)
    send(susan, john, "first from susan", minutes_ago=10)
    send(susan, john, "second from susan", minutes_ago=5)
    send(eve, mary, "not john's business")

    page = client.get("/messages").get_data(as_text=True)
    assert conversation_rows(page) == [
        ("susan", "second from susan", 2),
        ("david", "You: a question for <david>", 0),
        ("mary", "old news from mary", 1),
    ]
    assert "a question for &lt;david&gt;" in page
    assert "business" not in page and "/messages/eve" not in page
    assert 'href="/messages/susan"' in page and 'data-popup-url="/user/susan/popup"' in page
    # The navbar badge shows the total.
    assert re.search(r'<span id="message_count" class="badge[^"]*"\s+aria-live="polite">3</span>', page)

    send(john, mary, "a reply to mary")
    assert [row[0] for row in conversation_rows(client.get("/messages").get_data(as_text=True))] == [
        "mary", "susan", "david"
    ]


def test_conversation_list_pages(app, client, john, make_user, send):
    app.config["MESSAGES_PER_PAGE"] = 2
    for minutes, name in enumerate(["a1", "a2", "a3"]):
        send(make_user(name), john, f"from {name}", minutes_ago=minutes)
    first = client.get("/messages").get_data(as_text=True)
    assert [row[0] for row in conversation_rows(first)] == ["a1", "a2"]
    assert 'href="/messages?page=2"' in first and "Older conversations" in first
    second = client.get("/messages?page=2").get_data(as_text=True)
    assert [row[0] for row in conversation_rows(second)] == ["a3"]


def test_no_conversations_shows_an_empty_state(client, john):
    page = client.get("/messages").get_data(as_text=True)
    assert "No conversations yet" in page and 'href="/explore"' in page
    assert re.search(r'<span id="message_count" class="badge[^"]*d-none"', page)


def fresh_session() -> None:
    """Forget loaded rows, as a new request in a server process would start."""
    db.session.expunge_all()


def test_conversation_list_query_count_does_not_grow(app, client, john, make_user, send, count_queries):
    app.config["MESSAGES_PER_PAGE"] = 50
    john_id = john.id
    counts = []
    for total in (1, 10):
        while db.session.scalar(sa.select(User.unread_message_count).where(User.id == john_id)) < total:
            other = make_user(f"friend{db.session.scalar(sa.select(sa.func.count()).select_from(User))}")
            send(other, db.session.get(User, john_id), "hi")
        fresh_session()
        with count_queries() as statements:
            page = client.get("/messages").get_data(as_text=True)
        assert len(conversation_rows(page)) == total
        counts.append(len(statements))
    # The signed-in person, then the conversations with their people and last messages.
    assert counts == [2, 2]


# -- a conversation ------------------------------------------------------------------------


def test_conversation_shows_both_directions_oldest_first(client, john, make_user, send):
    susan = make_user("susan")
    m1 = send(susan, john, "hi john")
    m2 = send(john, susan, "hi susan, <i>how</i> are you?")
    m3 = send(susan, john, "fine")
    page = client.get("/messages/susan").get_data(as_text=True)
    assert shown_message_ids(page) == [m1.id, m2.id, m3.id]
    assert f'class="message d-flex message-theirs justify-content-start" id="message{m1.id}"' in page
    assert f'class="message d-flex message-mine justify-content-end" id="message{m2.id}"' in page
    assert "hi susan, &lt;i&gt;how&lt;/i&gt; are you?" in page
    assert 'name="message"' in page and 'action="/messages/susan"' in page
    assert "Load older messages" not in page


def test_opening_a_conversation_marks_it_read(client, john, make_user, send):
    susan, mary = make_user("susan"), make_user("mary")
    send(susan, john, "one")
    first_unread = send(susan, john, "two")
    send(mary, john, "from mary")
    assert unread_count(john) == 3

    page = client.get("/messages/susan").get_data(as_text=True)
    assert page.index("New messages") < page.index(f'id="message{first_unread.id - 1}"')
    assert unread_count(john) == 1
    side = db.session.scalar(sa.select(ConversationMember).where(ConversationMember.user_id == john.id,
                                                                 ConversationMember.other_user_id == susan.id))
    assert (side.unread_count, side.last_read_message_id) == (0, first_unread.id)
    notification = db.session.scalar(sa.select(Notification).where(Notification.user_id == john.id))
    assert notification.get_data() == 1
    assert conversation_rows(client.get("/messages").get_data(as_text=True)) == [
        ("mary", "from mary", 1), ("susan", "two", 0)
    ]
    # Read once, the divider is gone and nothing more is written.
    again = client.get("/messages/susan").get_data(as_text=True)
    assert "New messages" not in again and unread_count(john) == 1
    # Reading does not touch the other side's counter.
    assert unread_count(susan) == 0


def test_replying_in_a_conversation(client, john, make_user, send):
    susan = make_user("susan")
    send(susan, john, "hi")
    response = client.post("/messages/susan", data={"message": "hello back"})
    assert response.status_code == 302 and response.headers["Location"] == "/messages/susan#reply"
    assert db.session.scalar(sa.select(Message.body).order_by(Message.id.desc()).limit(1)) == "hello back"
    assert unread_count(susan) == 1
    refused = client.post("/messages/susan", data={"message": "   "})
    assert refused.status_code == 200 and "This field is required." in refused.get_data(as_text=True)
    assert message_count() == 2


def test_a_reply_posted_again_under_its_key_is_stored_once(client, john, make_user, send):
    susan = make_user("susan")
    send(susan, john, "hi")
    key = "a1b2c3d4e5f60718"
    for _ in range(2):  # the page's socket gave no acknowledgement, so the form posts it again
        response = client.post("/messages/susan", data={"message": "once", "key": key})
        assert response.status_code == 302
    assert message_count() == 2 and unread_count(susan) == 1
    refused = client.post("/messages/susan", data={"message": "bad key", "key": "<script>"})
    assert refused.status_code == 200 and "key is not valid." in refused.get_data(as_text=True)
    assert message_count() == 2


def test_older_history_loads_by_message_id(client, john, make_user, send):
    susan = make_user("susan")
    sent = [send(susan if n % 2 else john, john if n % 2 else susan, f"message {n}") for n in range(8)]
    ids = [message.id for message in sent]
    page = client.get("/messages/susan").get_data(as_text=True)  # MESSAGES_PER_PAGE is 3 in tests
    assert shown_message_ids(page) == ids[5:]
    assert "Load older messages" in page and 'data-url="/messages/susan"' in page

    older = client.get(f"/messages/susan?before={ids[5]}").get_data(as_text=True)
    assert not older.lstrip().startswith("<!doctype") and "<nav" not in older
    assert shown_message_ids(older) == ids[2:5] and 'data-has-older="true"' in older
    oldest = client.get(f"/messages/susan?before={ids[2]}").get_data(as_text=True)
    assert shown_message_ids(oldest) == ids[:2] and 'data-has-older="false"' in oldest


def test_newer_messages_load_by_message_id_and_are_marked_read(client, john, make_user, send):
    susan = make_user("susan")
    first = send(susan, john, "first")
    client.get("/messages/susan")
    second, third = send(susan, john, "second"), send(susan, john, "third")
    assert unread_count(john) == 2
    newer = client.get(f"/messages/susan?after={first.id}").get_data(as_text=True)
    assert shown_message_ids(newer) == [second.id, third.id] and 'data-has-newer="false"' in newer
    assert unread_count(john) == 0
    assert shown_message_ids(client.get(f"/messages/susan?after={third.id}").get_data(as_text=True)) == []


def test_conversation_query_count(client, john, make_user, send, count_queries):
    susan = make_user("susan")
    for n in range(5):
        send(susan, john, f"message {n}")
    client.get("/messages/susan")  # marks it read
    fresh_session()
    with count_queries() as statements:
        assert client.get("/messages/susan").status_code == 200
    # The signed-in person, the other person, your side of the conversation, the messages,
    # and whether either blocked the other (the composer or the reason why not).
    assert len(statements) == 5


# -- privacy ---------------------------------------------------------------------------------


@pytest.fixture
def conversation_of_john_and_susan(make_user, send):
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    message = send(susan, john, "a secret for john")
    send(mary, susan, "mary talks to susan too")
    return message


PRIVATE_URLS = ["/messages/{other}", "/messages/{other}?before={id}", "/messages/{other}?after=0"]


@pytest.mark.parametrize("url", PRIVATE_URLS)
@pytest.mark.parametrize(
    ("who", "other", "status"),
    [
        (None, "susan", 302),  # anonymous: sent to the login page
        ("mary", "john", 404),  # a third person has no conversation with john
        ("john", "susan", 200),
        ("susan", "john", 200),
    ],
)
def test_only_the_two_people_can_read_a_conversation(client, auth, conversation_of_john_and_susan, url, who, other,
                                                     status):
    if who:
        auth.login(who)
    response = client.get(url.format(other=other, id=conversation_of_john_and_susan.id + 1))
    assert response.status_code == status
    page = response.get_data(as_text=True)
    if status == 302:
        assert response.headers["Location"].startswith("/auth/login?next=")
    if status == 404:
        assert "Page not found" in page
    assert ("a secret for john" in page) == (status == 200)


def test_a_third_person_cannot_post_into_a_conversation(client, auth, conversation_of_john_and_susan):
    auth.login("mary")
    assert client.post("/messages/john", data={"message": "let me in"}).status_code == 404
    assert message_count() == 2


def test_older_history_never_crosses_into_another_conversation(client, auth, conversation_of_john_and_susan):
    auth.login("mary")
    # Mary pages back from a message id past John's: she sees only her own conversation with Susan.
    older = client.get(f"/messages/susan?before={conversation_of_john_and_susan.id + 10}").get_data(as_text=True)
    assert "mary talks to susan too" in older and "a secret for john" not in older


def test_your_own_and_unknown_conversations_are_404(client, john):
    assert client.get("/messages/john").status_code == 404
    assert client.get("/messages/nobody").status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/messages"),
        ("get", "/send_message/susan"),
        ("post", "/send_message/susan"),
        ("post", "/messages/susan"),
        ("get", "/notifications"),
        ("get", "/user/susan/popup"),
    ],
)
def test_messaging_needs_a_login(client, make_user, method, url):
    make_user("susan")
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    assert message_count() == 0


# -- notifications -------------------------------------------------------------------------


def test_notifications_without_and_with_since(client, john, make_user, send):
    susan = make_user("susan")
    assert client.get("/notifications").json == []
    send(susan, john, "one")
    send(susan, john, "two")
    everything = client.get("/notifications").json
    assert [(n["name"], n["data"]) for n in everything] == [("unread_message_count", 2)]
    stamp = everything[0]["timestamp"]
    assert isinstance(stamp, float)
    assert client.get(f"/notifications?since={stamp}").json == []
    assert client.get(f"/notifications?since={stamp - 0.001}").json == everything

    client.get("/messages/susan")  # reading replaces the notification with a newer one
    newer = client.get(f"/notifications?since={stamp}").json
    assert [(n["name"], n["data"]) for n in newer] == [("unread_message_count", 0)]
    assert newer[0]["timestamp"] > stamp


def test_notifications_after_an_id(client, john, make_user, send):
    susan = make_user("susan")
    send(susan, john, "one")
    john.add_notification("task_progress", {"task_id": "x", "progress": 50})
    db.session.commit()
    everything = client.get("/notifications?after=0").json
    assert [(n["id"], n["name"]) for n in everything] == [(1, "unread_message_count"), (2, "task_progress")]
    assert set(everything[0]) == {"id", "name", "data", "timestamp"}
    assert client.get("/notifications?after=2").json == []
    send(susan, john, "two")
    assert [(n["id"], n["data"]) for n in client.get("/notifications?after=2").json] == [(3, 2)]
    assert [n["id"] for n in client.get("/notifications?after=1").json] == [2, 3]


@pytest.mark.parametrize("after", ["-1", "x", "1.5", "2147483648", "99999999999999999999", "%00", "１"])
def test_notifications_refuse_a_bad_after(client, john, after):
    response = client.get(f"/notifications?after={after}", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "after" in response.json["errors"]


def test_notifications_are_personal(client, john, make_user, send):
    susan, mary = make_user("susan"), make_user("mary")
    send(mary, susan, "for susan only")
    assert client.get("/notifications?since=0").json == []


def test_notifications_ignore_a_bad_since(client, john, make_user, send):
    send(make_user("susan"), john)
    assert [n["data"] for n in client.get("/notifications?since=yesterday").json] == [1]


def test_notifications_query_count(client, john, make_user, send, count_queries):
    send(make_user("susan"), john)
    client.get("/notifications")
    fresh_session()
    with count_queries() as statements:
        client.get("/notifications?since=0")
    assert len(statements) == 2  # the signed-in person, the notifications


# -- user popups -------------------------------------------------------------------------


def test_user_popup_fragment(client, john, make_user, make_post):
    susan = make_user("susan", about_me="I like <b>cats</b>")
    make_post(susan, "meow")
    susan.follow(john)
    db.session.commit()
    response = client.get("/user/Susan/popup")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert not page.lstrip().startswith("<!doctype") and "<nav" not in page
    assert f'src="/avatar/{susan.id}?s=64"' in page
    assert "I like &lt;b&gt;cats&lt;/b&gt;" in page
    assert 'data-function="fromNow" data-refresh="60000"' in page  # last seen, rendered (and refreshed) by moment.js
    counts = re.sub(r"\s+", " ", re.search(r'popup-counts">(.*?)</p>', page, re.S).group(1))
    assert re.sub(r"<[^>]+>", "", counts).split() == ["1", "post", "0", "followers", "1", "following"]
    assert 'action="/follow/susan"' in page and 'name="csrf_token"' in page
    assert 'href="/send_message/susan"' in page

    client.post("/follow/susan")
    assert 'action="/unfollow/susan"' in client.get("/user/susan/popup").get_data(as_text=True)


def test_own_popup_has_no_buttons_and_unknown_is_404(client, john):
    page = client.get("/user/john/popup").get_data(as_text=True)
    assert "john" in page and "<form" not in page and "/send_message/" not in page
    assert client.get("/user/nobody/popup").status_code == 404


def test_user_popup_query_count(client, john, make_user, count_queries):
    make_user("susan")
    client.get("/user/susan/popup")
    fresh_session()
    with count_queries() as statements:
        client.get("/user/susan/popup")
    # The signed-in person, the person shown, whether you follow them: counts are columns.
    assert len(statements) == 3 and not any("count(" in s.lower() for s in statements)


def test_usernames_in_feeds_carry_the_popup_url(client, john, make_post):
    make_post(john, "hello")
    page = client.get("/index").get_data(as_text=True)
    link = re.search(r'<a class="[^"]*user-popup[^"]*" href="/user/john"[^>]*>', page).group(0)
    assert 'data-popup-url="/user/john/popup"' in link


# -- scripts ---------------------------------------------------------------------------------


def test_pages_have_no_inline_scripts(client, john, make_user, send, make_post):
    susan = make_user("susan")
    send(susan, john, "hi")
    make_post(susan, "a post")
    for url in ["/index", "/explore", "/user/susan", "/messages", "/messages/susan", "/send_message/susan",
                "/user/susan/popup"]:
        page = client.get(url).get_data(as_text=True)
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.S)
        assert all(body.strip() == "" for body in scripts), url
        assert all(" src=" in tag for tag in re.findall(r"<script\b[^>]*>", page)), url
        assert not re.search(r"\son[a-z]+\s*=", page), url
        assert "javascript:" not in page, url
    conversation = client.get("/messages/susan").get_data(as_text=True)
    for script in ["notifications.js", "popups.js", "conversation.js"]:
        assert f'src="/static/js/{script}"' in conversation


def test_poll_interval_comes_from_config(app, client, john):
    app.config["NOTIFICATION_POLL_INTERVAL"] = 2.5
    page = client.get("/index").get_data(as_text=True)
    assert 'data-notifications-url="/notifications"' in page and 'data-poll-interval="2.5"' in page


def test_content_security_policy_by_default_and_configurable(app, client, john):
    policy = client.get("/index").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert policy.count("'unsafe-inline'") == 1 and "style-src-attr 'unsafe-inline'" in policy  # no inline script
    app.config["CONTENT_SECURITY_POLICY"] = "default-src 'self'"
    assert client.get("/index").headers["Content-Security-Policy"] == "default-src 'self'"
