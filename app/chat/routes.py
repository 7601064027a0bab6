"""The chat pages: the list of rooms (which creates one) and a room."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user, login_required

from ..extensions import db
from ..main.helpers import page_number
from ..models import ChatError, ChatRoom, RoomMessage
from ..pagination import keyset_page, paginate
from ..presence import presence_store
from ..ratelimits import limit_room_creation
from ..realtime import message_allowed
from ..web import query_int
from . import bp
from .forms import CreateRoomForm, RoomMessageForm

ROOMS_PER_PAGE = 25


@bp.route("/chat", methods=["GET", "POST"])
@login_required
@limit_room_creation
def index():
    """Public rooms, the most recently active first, with who is present; the form creates one."""
    form = CreateRoomForm()
    if form.validate_on_submit():
        try:
            room = ChatRoom.create(form.name.data, current_user)
        except ChatError as error:
            form.name.errors = [*form.name.errors, str(error)]
        else:
            db.session.commit()
            return redirect(url_for("chat.room", room=room.name))
    page = paginate(ChatRoom.list_select(), page_number(), ROOMS_PER_PAGE)
    present = presence_store().present_in([room.id for room in page.items]) if page.items else {}
    return render_template("chat/index.html", title=_("Chat rooms"), form=form, page=page, present=present)


@bp.route("/chat/<room>", methods=["GET", "POST"])
@login_required
def room(room: str):
    """A room: its last messages, who is present, and a box to say something (live over the socket).

    ``?before=<message id>`` answers with an HTML fragment of older messages. A POST of
    ``message`` is the fallback for browsers without a socket.
    """
    chat_room = ChatRoom.find(room)
    if chat_room is None:
        abort(404)
    form = RoomMessageForm()
    if form.validate_on_submit():
        if not message_allowed(current_user.id):
            flash(_("You are sending messages too quickly; wait a moment."), "warning")
        else:
            try:
                chat_room.post(current_user, form.message.data, form.key.data or None)
            except ChatError as error:
                form.message.errors = [*form.message.errors, str(error)]
            else:
                db.session.commit()
                return redirect(url_for("chat.room", room=chat_room.name, _anchor="composer"))
    history_length = current_app.config["ROOM_HISTORY_LENGTH"]
    before = query_int("before")
    page = keyset_page(chat_room.messages_select(), RoomMessage.id, history_length, before=before)
    messages = list(reversed(page.items))
    if before is not None:
        return render_template("chat/_room_message_page.html", messages=messages, has_older=page.has_more)
    return render_template(
        "chat/room.html", title=chat_room.name, room=chat_room, messages=messages, has_older=page.has_more,
        present=presence_store().present(chat_room.id), form=form,
    )
