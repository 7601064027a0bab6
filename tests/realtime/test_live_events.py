"""Live events against the production server: connecting, private messages, chat rooms,
catching up after a reconnect, refusals, and an emit from another process through Redis."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import socketio
import sqlalchemy as sa

from app.extensions import db
from app.jobs import QUEUE_NAME
from app.models import ChatRoom, Message, RoomMessage
from tests.realtime.conftest import CSRF_INPUT, ROOT, signed_in

pytestmark = pytest.mark.realtime


def make_room(creator, name_prefix: str = "room") -> ChatRoom:
    import uuid

    room = ChatRoom.create(f"{name_prefix}-{uuid.uuid4().hex[:8]}", creator)
    db.session.commit()
    return room


def room_messages(room: ChatRoom) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(RoomMessage.body).where(RoomMessage.room_id == room.id)
                                   .order_by(RoomMessage.id)))


def test_anonymous_sockets_and_bad_tokens_are_refused(open_socket):
    with pytest.raises(socketio.exceptions.ConnectionError):
        open_socket().connect()
    with pytest.raises(socketio.exceptions.ConnectionError):
        open_socket().connect(auth={"token": "not-a-token"})


def test_a_foreign_origin_is_refused_even_with_a_session(open_socket, make_person, realtime_server):
    from tests.realtime.conftest import session_cookie

    alice = make_person("alice")
    cookie = session_cookie(realtime_server.url, alice.username)
    with pytest.raises(socketio.exceptions.ConnectionError):
        open_socket(origin="http://evil.example").connect(cookie=cookie)
    assert open_socket(origin=realtime_server.url).connect(cookie=cookie).client.connected


def test_a_program_connects_with_an_api_token_and_hears_its_messages(open_socket, make_person):
    from app.models import Token

    alice, bob = make_person("alice"), make_person("bob")
    _, secret = Token.issue(alice, 3600)
    db.session.commit()
    program = open_socket().connect(auth={"token": secret})
    bob_tab = open_socket(bob.username)
    sent = bob_tab.call("send_message", {"recipient": alice.username, "body": "to your program"})["message"]
    assert program.wait_for("message") == sent


def test_a_private_message_reaches_the_recipient_and_the_senders_other_tabs(open_socket, make_person):
    alice, bob = make_person("alice"), make_person("bob")
    alice_tab, alice_other_tab = open_socket(alice.username), open_socket(alice.username)
    bob_tab = open_socket(bob.username)

    answer = alice_tab.call("send_message", {"recipient": bob.username, "body": "Hi Bob <b>!</b>"})

    assert answer["ok"] is True
    sent = answer["message"]
    assert sent["sender"] == alice.username and sent["recipient"] == bob.username
    assert sent["body"] == "Hi Bob <b>!</b>"
    assert set(sent) == {"id", "sender", "recipient", "body", "timestamp"}
    assert bob_tab.wait_for("message") == sent
    assert alice_other_tab.wait_for("message") == sent
    unread = bob_tab.wait_for("notification", lambda item: item["name"] == "unread_message_count")
    assert unread["data"] == 1 and set(unread) == {"id", "name", "data", "timestamp"}
    stored = db.session.get(Message, sent["id"])
    assert (stored.sender_id, stored.recipient_id, stored.body) == (alice.id, bob.id, "Hi Bob <b>!</b>")


def test_a_message_sent_over_the_socket_and_again_by_the_form_is_stored_once(open_socket, make_person,
                                                                           realtime_server):
    """The page's fallback after an acknowledgement that never came posts the same key."""
    alice, bob = make_person("alice"), make_person("bob")
    alice_tab, bob_tab = open_socket(alice.username), open_socket(bob.username)
    key = "f00dfeedf00dfeed"
    sent = alice_tab.call("send_message", {"recipient": bob.username, "body": "only once", "key": key})["message"]
    assert bob_tab.wait_for("message") == sent
    http = signed_in(realtime_server.url, alice.username)
    page = http.get(f"{realtime_server.url}/messages/{bob.username}", timeout=10).text
    response = http.post(f"{realtime_server.url}/messages/{bob.username}", timeout=10,
                         data={"message": "only once", "key": key, "csrf_token": CSRF_INPUT.search(page).group(1)})
    assert response.ok
    again = alice_tab.call("send_message", {"recipient": bob.username, "body": "only once", "key": key})
    assert again == {"ok": True, "message": sent}
    assert alice_tab.call("send_message", {"recipient": bob.username, "body": "x", "key": "short"})["ok"] is False
    assert db.session.scalars(sa.select(Message.id).where(Message.sender_id == alice.id)).all() == [sent["id"]]
    assert [m["id"] for m in bob_tab.received("message")] == [sent["id"]]


def test_refused_private_messages_are_neither_stored_nor_sent(open_socket, make_person):
    alice, bob = make_person("alice"), make_person("bob")
    alice_tab, bob_tab = open_socket(alice.username), open_socket(bob.username)

    for data in ({"recipient": bob.username, "body": "x" * 2001}, {"recipient": bob.username, "body": "   "},
                 {"recipient": bob.username, "body": "nul \x00 byte"}, {"recipient": "nobody-here", "body": "hi"},
                 {"recipient": alice.username, "body": "me"}, {"recipient": bob.username}, "not an object"):
        answer = alice_tab.call("send_message", data)
        assert answer["ok"] is False and answer["error"], data

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)
                             .where(Message.sender_id == alice.id)) == 0
    alice_tab.call("send_message", {"recipient": bob.username, "body": "the one that counts"})
    assert bob_tab.wait_for("message")["body"] == "the one that counts"
    assert [m["body"] for m in bob_tab.received("message")] == ["the one that counts"]


def test_joining_gives_the_history_and_who_is_present_and_others_hear_of_it(open_socket, make_person):
    alice, bob = make_person("alice"), make_person("bob")
    room = make_room(alice)
    for n in range(55):
        room.post(bob, f"earlier {n}")
    db.session.commit()

    alice_tab = open_socket(alice.username)
    answer = alice_tab.call("join", {"room": room.name.upper()})

    assert answer["ok"] is True
    assert [m["body"] for m in answer["history"]] == [f"earlier {n}" for n in range(5, 55)]
    assert answer["history"][0]["room"] == room.name and answer["history"][0]["sender"] == bob.username
    assert answer["present"] == [alice.username]

    bob_tab = open_socket(bob.username)
    assert bob_tab.call("join", {"room": room.name})["present"] == sorted([alice.username, bob.username])
    change = alice_tab.wait_for("presence", lambda data: data["username"] == bob.username)
    assert change == {"room": room.name, "username": bob.username, "event": "join",
                      "present": sorted([alice.username, bob.username])}


def test_room_messages_reach_everyone_who_joined_and_leaving_stops_them(open_socket, make_person):
    alice, bob, carol = make_person("alice"), make_person("bob"), make_person("carol")
    room = make_room(alice)
    alice_tab, bob_tab, carol_tab = open_socket(alice.username), open_socket(bob.username), open_socket(carol.username)
    alice_tab.call("join", {"room": room.name})
    bob_tab.call("join", {"room": room.name})

    answer = bob_tab.call("room_message", {"room": room.name, "body": "hello room"})
    assert answer["ok"] is True
    assert set(answer["message"]) == {"id", "room", "sender", "body", "timestamp"}
    assert alice_tab.wait_for("room_message") == answer["message"]
    assert bob_tab.wait_for("room_message") == answer["message"]

    assert alice_tab.call("leave", {"room": room.name}) == {"ok": True}
    left = bob_tab.wait_for("presence", lambda data: data["event"] == "leave")
    assert left == {"room": room.name, "username": alice.username, "event": "leave", "present": [bob.username]}
    bob_tab.call("room_message", {"room": room.name, "body": "after alice left"})
    bob_tab.wait_for("room_message", lambda data: data["body"] == "after alice left")
    assert [m["body"] for m in alice_tab.received("room_message")] == ["hello room"]
    assert carol_tab.received("room_message") == []  # never joined
    assert room_messages(room) == ["hello room", "after alice left"]


def test_refused_room_messages_are_neither_stored_nor_broadcast(open_socket, make_person):
    alice, bob = make_person("alice"), make_person("bob")
    room = make_room(alice)
    alice_tab, bob_tab = open_socket(alice.username), open_socket(bob.username)
    bob_tab.call("join", {"room": room.name})

    not_joined = alice_tab.call("room_message", {"room": room.name, "body": "not joined yet"})
    assert not_joined["ok"] is False and "join" in not_joined["error"].lower()
    alice_tab.call("join", {"room": room.name})
    for data in ({"room": room.name, "body": "x" * 2001}, {"room": room.name, "body": ""},
                 {"room": room.name, "body": "bell \x07"}, {"room": "no-such-room", "body": "hi"},
                 {"room": room.name, "body": 42}, {"body": "no room"}):
        answer = alice_tab.call("room_message", data)
        assert answer["ok"] is False and answer["error"], data
    assert alice_tab.call("join", {"room": "no-such-room"})["ok"] is False
    assert alice_tab.call("join", {"room": room.name, "after": -1})["ok"] is False

    assert room_messages(room) == []
    assert bob_tab.received("room_message") == []


def test_the_message_rate_limit_refuses_what_is_over_it(open_socket, make_person):
    alice = make_person("alice")
    room = make_room(alice)
    alice_tab = open_socket(alice.username)
    alice_tab.call("join", {"room": room.name})
    answers = [alice_tab.call("room_message", {"room": room.name, "body": f"n{n}"}) for n in range(10)]
    assert [answer["ok"] for answer in answers] == [True] * 8 + [False] * 2  # MESSAGE_RATE_LIMIT: 8 per minute
    assert room_messages(room) == [f"n{n}" for n in range(8)]


def test_a_client_that_reconnects_catches_up_exactly_once(open_socket, make_person):
    alice, bob = make_person("alice"), make_person("bob")
    room = make_room(alice)
    alice_tab, bob_tab = open_socket(alice.username), open_socket(bob.username)
    alice_tab.call("join", {"room": room.name})
    bob_tab.call("join", {"room": room.name})
    first = bob_tab.call("room_message", {"room": room.name, "body": "one"})["message"]
    alice_tab.wait_for("room_message")
    alice_tab.disconnect()

    bob_tab.call("room_message", {"room": room.name, "body": "two"})
    bob_tab.call("room_message", {"room": room.name, "body": "three"})

    alice_again = open_socket(alice.username)
    answer = alice_again.call("join", {"room": room.name, "after": first["id"]})
    assert [m["body"] for m in answer["history"]] == ["two", "three"]
    bob_tab.call("room_message", {"room": room.name, "body": "four"})
    alice_again.wait_for("room_message", lambda data: data["body"] == "four")
    seen = [m["body"] for m in answer["history"]] + [m["body"] for m in alice_again.received("room_message")]
    assert seen == ["two", "three", "four"]


def test_a_separate_process_emits_through_redis_to_a_socket(open_socket, make_person, realtime_server):
    """What an RQ job does: change a notification in its own process; the page's socket hears it."""
    alice = make_person("alice")
    alice_tab = open_socket(alice.username)
    script = textwrap.dedent(f"""
        from microblog import app
        from app.extensions import db
        from app.models import Notification
        with app.app_context():
            Notification.replace({alice.id}, "task_progress", {{"task_id": "export", "progress": 42}})
            db.session.commit()
    """)
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=realtime_server.environment, check=True, timeout=60)
    item = alice_tab.wait_for("notification", lambda data: data["name"] == "task_progress")
    assert item["data"] == {"task_id": "export", "progress": 42}


def test_an_rq_worker_job_reports_progress_to_the_page_live(open_socket, make_person, realtime_server):
    """The export job runs in `rq worker`; its task_progress notifications reach the socket through Redis."""
    alice = make_person("alice")
    alice_tab = open_socket(alice.username)
    http = signed_in(realtime_server.url, alice.username)
    token = CSRF_INPUT.search(http.get(f"{realtime_server.url}/user/{alice.username}", timeout=10).text).group(1)
    assert http.post(f"{realtime_server.url}/export_posts", data={"csrf_token": token}, timeout=10).ok
    worker = subprocess.run([str(Path(sys.executable).parent / "rq"), "worker", "--burst", QUEUE_NAME,
                             "--url", realtime_server.environment["REDIS_URL"]],
                            cwd=ROOT, env=realtime_server.environment, capture_output=True, text=True, timeout=120)
    assert worker.returncode == 0, worker.stdout + worker.stderr
    done = alice_tab.wait_for("notification", lambda item: item["name"] == "task_progress"
                              and item["data"].get("progress") == 100)
    assert done["data"]["progress"] == 100
