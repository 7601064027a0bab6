"""Socket.IO handlers (DESIGN.md, "Live events"): connect, private messages, chat rooms.

Each client event is answered by an acknowledgement, ``{"ok": true, ...}`` or
``{"ok": false, "error": "<readable reason>"}``. A message is committed before
it is acknowledged; the outbox broadcasts it after that commit. A refused one
(invalid, too long, unknown room, not joined, over the rate limit) is neither
stored nor broadcast.
"""

import functools
import logging
from typing import Any

import sqlalchemy as sa
from flask import current_app, request
from flask_babel import _
from flask_login import current_user
from flask_socketio import disconnect, join_room, leave_room

from ..extensions import db, socketio
from ..models import ChatError, ChatRoom, Message, MessageRefused, RoomMessage, User
from ..models.chat import check_message_body
from ..models.message import MAX_MESSAGE_LENGTH
from ..pagination import keyset_page
from ..presence import presence_store
from ..realtime import (
    Connection,
    add_connection,
    connection,
    ensure_presence_refresher,
    message_allowed,
    remove_connection,
    user_for_token,
    user_room,
)
from .schemas import InvalidEvent, JoinSchema, RoomMessageSchema, RoomSchema, SendMessageSchema, load_event

logger = logging.getLogger(__name__)

# A reconnecting client's catch-up (``join`` with ``after``) is bounded; a longer gap reloads the page.
MAX_CATCH_UP = 1000


class Refused(Exception):
    """An event the server will not carry out; the message is the ack's readable reason."""


def acknowledged(handler):
    """Answer with the handler's result, or ``{"ok": false, "error"}`` when it refuses (nothing is kept)."""

    @functools.wraps(handler)
    def wrapper(data=None):
        person = connection(request.sid)
        if person is None:
            return {"ok": False, "error": _("Connect again: this socket is not signed in.")}
        if is_suspended(person.user_id):  # suspended while connected: the socket ends here
            disconnect()
            return {"ok": False, "error": _("This account is suspended.")}
        try:
            return handler(person, data)
        except (Refused, InvalidEvent, ChatError, MessageRefused) as error:
            db.session.rollback()
            return {"ok": False, "error": str(error)}

    return wrapper


def is_suspended(user_id: int) -> bool:
    """Whether the person was suspended (or their account deleted) since the socket connected."""
    row = db.session.execute(sa.select(User.suspended_at).where(User.id == user_id)).first()
    return row is None or row.suspended_at is not None


@socketio.on("connect")
def on_connect(auth=None):
    """Accept a signed-in browser (its session cookie) or a program with ``auth={"token": ...}``."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if user is None and isinstance(auth, dict):
        user = user_for_token(auth.get("token"))
    if user is None:
        raise ConnectionRefusedError("Sign in first, or connect with auth={\"token\": \"<API token>\"}.")
    add_connection(request.sid, user)
    join_room(user_room(user.id))
    ensure_presence_refresher()


@socketio.on("disconnect")
def on_disconnect(*reason):
    """Leave every chat room this socket had joined."""
    person = remove_connection(request.sid)
    if person is not None:
        for room_id in list(person.rooms):
            room = db.session.get(ChatRoom, room_id)
            if room is not None:
                leave_chat_room(room, person)


@socketio.on("send_message")
@acknowledged
def on_send_message(person: Connection, data: Any) -> dict:
    """Send a private message ``{recipient, body, key?}``; both people's sockets receive ``message``."""
    fields = load_event(SendMessageSchema(), data)
    recipient = User.find_by_username(fields["recipient"])
    if recipient is None:
        raise Refused(_("There is nobody called %(username)s.", username=fields["recipient"]))
    body = check_message_body(fields["body"], MAX_MESSAGE_LENGTH)
    check_rate(person)
    sender = db.session.get(User, person.user_id)
    message = Message.send(sender, recipient, body, fields["key"])
    db.session.commit()
    return {"ok": True, "message": message.to_dict(sender_name=sender.username, recipient_name=recipient.username)}


@socketio.on("join")
@acknowledged
def on_join(person: Connection, data: Any) -> dict:
    """Join a room ``{room, after?}``: its history (the last 50, or all after ``after``) and who is present."""
    fields = load_event(JoinSchema(), data)
    room = find_room(fields["room"])
    store = presence_store()
    was_present = person.username in store.present(room.id)
    # Join before reading the history, so a message posted meanwhile is in one or the other
    # (or both: the client shows each id once).
    join_room(room.channel)
    person.rooms.add(room.id)
    store.enter(room.id, request.sid, person.user_id, person.username)
    history = room_history(room, fields["after"])
    present = store.present(room.id)
    if not was_present:
        announce_presence(room, person.username, "join", present)
    return {"ok": True, "history": [message.to_dict(room_name=room.name) for message in history], "present": present}


@socketio.on("leave")
@acknowledged
def on_leave(person: Connection, data: Any) -> dict:
    """Leave a room ``{room}``."""
    room = find_room(load_event(RoomSchema(), data)["room"])
    leave_chat_room(room, person)
    return {"ok": True}


@socketio.on("room_message")
@acknowledged
def on_room_message(person: Connection, data: Any) -> dict:
    """Say ``{room, body, key?}`` in a room this socket joined; everyone in it receives ``room_message``."""
    fields = load_event(RoomMessageSchema(), data)
    room = find_room(fields["room"])
    if room.id not in person.rooms:
        raise Refused(_("Join the room before writing in it."))
    body = check_message_body(fields["body"])
    check_rate(person)
    message = room.post(db.session.get(User, person.user_id), body, fields["key"])
    db.session.commit()
    return {"ok": True, "message": message.to_dict(room_name=room.name, sender_name=person.username)}


@socketio.on_error_default
def on_error(error: Exception) -> dict:
    """An unexpected failure: roll back, log, and answer the client rather than leave it waiting."""
    if isinstance(error, ConnectionRefusedError):
        raise error  # a refused connect stays refused (Socket.IO tells the client why)
    db.session.rollback()
    current_app.logger.error("Socket.IO event failed", exc_info=error)
    return {"ok": False, "error": _("Something went wrong. Please try again.")}


def find_room(name: str) -> ChatRoom:
    room = ChatRoom.find(name)
    if room is None:
        raise Refused(_("There is no room called %(room)s.", room=name))
    return room


def check_rate(person: Connection) -> None:
    if not message_allowed(person.user_id):
        raise Refused(_("You are sending messages too quickly; wait a moment."))


def room_history(room: ChatRoom, after: int | None) -> list[RoomMessage]:
    """The last messages of a room, oldest first; or those after message ``after``."""
    if after is None:
        page = keyset_page(room.messages_select(), RoomMessage.id, current_app.config["ROOM_HISTORY_LENGTH"])
        return list(reversed(page.items))
    return keyset_page(room.messages_select(), RoomMessage.id, MAX_CATCH_UP, after=after).items


def leave_chat_room(room: ChatRoom, person: Connection) -> None:
    """Take this socket out of the room; tell the room when its person is no longer present."""
    leave_room(room.channel)
    person.rooms.discard(room.id)
    store = presence_store()
    store.leave(room.id, request.sid, person.username)
    present = store.present(room.id)
    if person.username not in present:
        announce_presence(room, person.username, "leave", present)


def announce_presence(room: ChatRoom, username: str, event: str, present: list[str]) -> None:
    socketio.emit("presence", {"room": room.name, "username": username, "event": event, "present": present},
                  to=room.channel)
