"""The chat pages: the list of rooms, creating one, a room's page, its history and the POST fallback."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import ChatRoom, RoomMessage
from app.presence import DatabasePresence


def make_room(owner, name="general") -> ChatRoom:
    room = ChatRoom.create(name, owner)
    db.session.commit()
    return room


def test_creating_a_room_redirects_to_it(client, john):
    response = client.post("/chat", data={"name": "  Flask-fans "})
    assert response.status_code == 302 and response.headers["Location"] == "/chat/Flask-fans"
    room = db.session.scalar(sa.select(ChatRoom))
    assert (room.name, room.created_by_id) == ("Flask-fans", john.id)
    page = client.get("/chat/flask-FANS").get_data(as_text=True)
    assert "#Flask-fans" in page and 'data-room="Flask-fans"' in page


def test_a_taken_name_in_any_case_and_a_bad_name_are_form_errors(client, john):
    make_room(john, "general")
    for name, error in (("GENERAL", "There is a room of that name already."),
                        ("no spaces", "Use 3 to 32 letters, digits, hyphens or underscores."),
                        ("ab", "Field must be between 3 and 32 characters long."),
                        ("x\x07y", "Use 3 to 32 letters, digits, hyphens or underscores.")):
        response = client.post("/chat", data={"name": name})
        assert response.status_code == 200
        assert error in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(ChatRoom.name)).all() == ["general"]


def test_the_list_shows_rooms_by_activity_with_who_is_present(client, john, make_user):
    susan = make_user("susan")
    quiet, busy = make_room(john, "quiet"), make_room(john, "busy")
    busy.post(susan, "hi")
    db.session.commit()
    DatabasePresence(ttl=60).enter(busy.id, "sid-1", susan.id, "susan")
    page = client.get("/chat").get_data(as_text=True)
    assert re.findall(r'class="stretched-link[^"]*room-name" href="/chat/([^"]+)"', page) == ["busy", "quiet"]
    assert "1 present" in page and "0 present" in page and 'title="susan"' in page
    assert quiet.id


def test_an_unknown_room_is_a_404(client, john):
    assert client.get("/chat/nothing-here").status_code == 404
    assert client.get("/chat/bad%20name").status_code == 404
    assert client.post("/chat/nothing-here", data={"message": "hi"}).status_code == 404


def test_the_room_page_shows_the_last_messages_escaped_and_older_ones_on_demand(app, client, john, make_user):
    app.config["ROOM_HISTORY_LENGTH"] = 3
    room = make_room(john)
    ids = [room.post(john, f"<i>m{n}</i>").id for n in range(5)]
    db.session.commit()
    page = client.get("/chat/general").get_data(as_text=True)
    assert re.findall(r'id="room-message(\d+)"', page) == [str(i) for i in ids[2:]]
    assert "&lt;i&gt;m4&lt;/i&gt;" in page and "<i>m4" not in page
    assert "Load older messages" in page
    older = client.get(f"/chat/general?before={ids[2]}").get_data(as_text=True)
    assert re.findall(r'id="room-message(\d+)"', older) == [str(i) for i in ids[:2]]
    assert 'data-has-older="false"' in older
    assert client.get("/chat/general?before=-1").status_code == 400


def test_posting_with_the_form_is_the_fallback(client, john):
    room = make_room(john)
    response = client.post("/chat/general", data={"message": "  by form  "})
    assert response.status_code == 302 and response.headers["Location"] == "/chat/general#composer"
    assert db.session.scalars(sa.select(RoomMessage.body).where(RoomMessage.room_id == room.id)).all() == ["by form"]
    response = client.post("/chat/general", data={"message": "x" * 2001})
    assert response.status_code == 200
    assert "Field must be between 1 and 2000 characters long." in response.get_data(as_text=True)
    response = client.post("/chat/general", data={"message": "bell\x07"})
    assert "A message cannot contain control characters." in response.get_data(as_text=True)
    assert client.post("/chat/general", data={"message": "no token"}, csrf=False).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoomMessage)) == 1


def test_a_room_message_posted_again_under_its_key_is_stored_once(client, john):
    room = make_room(john)
    for _ in range(2):
        assert client.post("/chat/general", data={"message": "once", "key": "k" * 64}).status_code == 302
    assert client.post("/chat/general", data={"message": "long key", "key": "k" * 65}).status_code == 200
    assert db.session.scalars(sa.select(RoomMessage.body).where(RoomMessage.room_id == room.id)).all() == ["once"]


def test_the_form_fallback_keeps_the_rate_limit(app, client, john):
    from app.realtime import MessageLimiter

    app.extensions["message_limiter"] = MessageLimiter(None, "2 per minute")
    make_room(john)
    for n in range(3):
        response = client.post("/chat/general", data={"message": f"n{n}"}, follow_redirects=True)
    assert "You are sending messages too quickly" in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(RoomMessage.body).order_by(RoomMessage.id)).all() == ["n0", "n1"]
