"""Private messages and notifications: conversations, their history, sending, reading."""

from apifairy import arguments, authenticate, body, other_responses, response
from flask import abort

from ..extensions import db
from ..models import Conversation, ConversationMember, Message, MessageRefused, User
from ..ratelimits import limit_messages
from . import bp
from .auth import current_person, token_auth
from .collections import CursorArgsSchema, cursor_page, cursor_page_of
from .errors import documented
from .helpers import find_or_404
from .schemas import ConversationSchema, MessageCreateSchema, MessageSchema, NotificationArgsSchema, NotificationSchema


def your_side_with(id: int) -> ConversationMember:
    """Your side of your conversation with person ``id``: a 404 for anyone who is not in it."""
    side = ConversationMember.find(current_person(), find_or_404(User, id))
    if side is None:
        abort(404, "You have no conversation with this person.")
    return side


@bp.route("/conversations", methods=["GET"])
@authenticate(token_auth)
@arguments(CursorArgsSchema)
@response(cursor_page_of(ConversationSchema))
@other_responses(documented(400))
def get_conversations(args: dict):
    """Your conversations, most recently active first, paged by the id of their last message"""
    return cursor_page(ConversationMember.list_select(current_person()), Conversation.last_message_id, args,
                       "api.get_conversations", id_of=lambda side: side.conversation.last_message_id)


@bp.route("/conversations/<int:id>/messages", methods=["GET"])
@authenticate(token_auth)
@arguments(CursorArgsSchema)
@response(cursor_page_of(MessageSchema))
@other_responses(documented(400, 404))
def get_messages(args: dict, id: int):
    """Your conversation with person ``id``: newest first, or oldest first after= a message id"""
    return cursor_page(your_side_with(id).messages_select(), Message.id, args, "api.get_messages", id=id)


@bp.route("/conversations/<int:id>/messages", methods=["POST"])
@authenticate(token_auth)
@limit_messages
@body(MessageCreateSchema)
@response(MessageSchema, 201)
@other_responses(documented(404, 422, 429, body=True))
def send_message(data: dict, id: int):
    """Send a private message to person ``id`` (at most 2,000 characters)"""
    recipient = find_or_404(User, id)
    try:
        message = Message.send(current_person(), recipient, data["body"])
    except MessageRefused as refusal:
        abort(422, f"The message was refused: {refusal}.")
    db.session.commit()
    return message, 201


@bp.route("/conversations/<int:id>/read", methods=["POST"])
@authenticate(token_auth)
@other_responses(documented(404))
def mark_conversation_read(id: int):
    """Mark everything in your conversation with person ``id`` read"""
    if your_side_with(id).mark_read():
        db.session.commit()
    return "", 204


@bp.route("/notifications", methods=["GET"])
@authenticate(token_auth)
@arguments(NotificationArgsSchema)
@response(NotificationSchema(many=True))
@other_responses(documented(400))
def get_notifications(args: dict):
    """Your notifications changed after the id ``after``, in the order they changed"""
    return [notification.to_dict() for notification in current_person().notifications_after(args["after"])]
