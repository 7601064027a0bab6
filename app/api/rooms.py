"""Chat rooms: the public rooms, creating one, reading a room's history and writing in it.

The same rooms as the chat pages and the Socket.IO events, through the same model methods:
a message posted here is committed, then broadcast to every socket that joined the room
(``room_message``), exactly as if it had been said over a socket. Rooms are public, so a
message needs no ``join`` here: joining is what a socket does to hear a room live and to be
shown as present; posting through the API (like the room page's form) does neither.
"""

import sqlalchemy as sa
from apifairy import arguments, authenticate, body, other_responses, response
from flask import abort, url_for
from werkzeug.exceptions import BadRequest, Conflict, HTTPException, TooManyRequests

from ..extensions import db
from ..models import ChatError, ChatRoom, InvalidRoomName, RoomMessage, RoomNameTaken
from ..presence import presence_store
from ..ratelimits import limit_room_creation
from ..realtime import message_allowed, message_retry_after
from . import bp
from .auth import current_person, token_auth
from .collections import CursorArgsSchema, PageArgsSchema, cursor_page, cursor_page_of, numbered_page, page_of
from .errors import documented
from .schemas import RoomCreateSchema, RoomMessageCreateSchema, RoomMessageSchema, RoomSchema


def room_or_404(name: str) -> ChatRoom:
    """The room called ``name`` in any case, or a 404."""
    room = ChatRoom.find(name)
    if room is None:
        abort(404, "There is no room of that name.")
    return room


def room_item(room: ChatRoom, present: list[str]) -> dict:
    """What RoomSchema shows of a room, with the people present in it."""
    return {"name": room.name, "present": present, "message_count": room.message_count,
            "created_at": room.created_at, "last_activity_at": room.last_activity_at}


def refusal(error: ChatError) -> HTTPException:
    """A room name the model refused, as a 400 (bad name) or 409 (taken), naming the field."""
    exception = (Conflict if isinstance(error, RoomNameTaken) else BadRequest)(str(error))
    exception.errors = {"name": [str(error)]}
    return exception


@bp.route("/rooms", methods=["GET"])
@authenticate(token_auth)
@arguments(PageArgsSchema)
@response(page_of(RoomSchema))
@other_responses(documented(400))
def get_rooms(args: dict):
    """The public chat rooms, the most recently active first, with who is present"""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(ChatRoom))
    page = numbered_page(ChatRoom.list_select(), args, total, "api.get_rooms")
    present = presence_store().present_in([room.id for room in page["items"]]) if page["items"] else {}
    page["items"] = [room_item(room, present[room.id]) for room in page["items"]]
    return page


@bp.route("/rooms", methods=["POST"])
@authenticate(token_auth)
@limit_room_creation
@body(RoomCreateSchema)
@response(RoomSchema, 201)
@other_responses(documented(409, 429, body=True))
def create_room(data: dict):
    """Create a chat room (the same naming rules as the chat page)"""
    try:
        room = ChatRoom.create(data["name"], current_person())
    except (InvalidRoomName, RoomNameTaken) as error:
        db.session.rollback()
        raise refusal(error) from None
    db.session.commit()
    return room_item(room, []), 201, {"Location": url_for("api.get_room", name=room.name)}


@bp.route("/rooms/<name>", methods=["GET"])
@authenticate(token_auth)
@response(RoomSchema)
@other_responses(documented(404))
def get_room(name: str):
    """One chat room (its name in any case)"""
    room = room_or_404(name)
    return room_item(room, presence_store().present(room.id))


@bp.route("/rooms/<name>/messages", methods=["GET"])
@authenticate(token_auth)
@arguments(CursorArgsSchema)
@response(cursor_page_of(RoomMessageSchema))
@other_responses(documented(400, 404))
def get_room_messages(args: dict, name: str):
    """A room's messages: newest first, or oldest first after= a message id (the room_message event's shape)"""
    room = room_or_404(name)
    page = cursor_page(room.messages_select(), RoomMessage.id, args, "api.get_room_messages", name=room.name)
    page["items"] = [message.to_dict(room_name=room.name) for message in page["items"]]
    return page


@bp.route("/rooms/<name>/messages", methods=["POST"])
@authenticate(token_auth)
@body(RoomMessageCreateSchema)
@response(RoomMessageSchema, 201)
@other_responses(documented(404, 422, 429, body=True))
def post_room_message(data: dict, name: str):
    """Say something in a room (at most 2,000 characters); everyone who joined it hears it live"""
    room = room_or_404(name)
    person = current_person()
    if not message_allowed(person.id):  # the budget the sockets and the room page share
        raise TooManyRequests("You are sending messages too quickly; wait a moment.",
                              retry_after=message_retry_after(person.id))
    try:
        message = room.post(person, data["body"])
    except ChatError as error:
        db.session.rollback()
        abort(422, f"The message was refused: {error}")
    db.session.commit()
    return message.to_dict(room_name=room.name, sender_name=person.username), 201
