"""Private messages, conversations and the notifications the page polls for."""

import math

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required
from werkzeug.exceptions import Forbidden

from ..extensions import db
from ..models import ConversationMember, Message, MessageBlocked, User, blocked_between
from ..pagination import KeysetPage, keyset_page, paginate
from ..ratelimits import limit_messages
from ..web import InvalidInput, query_int, wants_json
from . import bp
from .forms import MessageForm
from .helpers import find_user_or_404, page_number


@bp.route("/send_message/<recipient>", methods=["GET", "POST"])
@login_required
@limit_messages
def send_message(recipient: str):
    """Write a private message to someone; it lands in your conversation with them."""
    user = find_user_or_404(recipient)
    if user.id == current_user.id:
        flash(_("You cannot send a message to yourself."), "warning")
        return redirect(url_for("main.messages"))
    form = MessageForm()
    if blocked_between(current_user.id, user.id):
        flash(blocked_message(user), "warning")
        return redirect(url_for("main.user", username=user.username))
    if form.validate_on_submit():
        try:
            Message.send(current_user, user, form.message.data)
        except MessageBlocked:  # blocked since the check above
            db.session.rollback()
            flash(blocked_message(user), "warning")
            return redirect(url_for("main.user", username=user.username))
        db.session.commit()
        flash(_("Your message has been sent."), "success")
        return redirect(url_for("main.conversation", username=user.username))
    return render_template("main/send_message.html", title=_("Send Message"), form=form, recipient=user)


@bp.route("/messages")
@login_required
def messages():
    """Your conversations, most recently active first, with their unread counts."""
    per_page = current_app.config["MESSAGES_PER_PAGE"]
    page = paginate(ConversationMember.list_select(current_user), page_number(), per_page)
    return render_template("main/messages.html", title=_("Messages"), page=page)


@bp.route("/messages/<username>", methods=["GET", "POST"])
@login_required
@limit_messages
def conversation(username: str):
    """Your conversation with one person, oldest at the top; opening it marks it read.

    ``?before=<message id>`` answers with an HTML fragment of older messages,
    ``?after=<message id>`` with the newer ones (and marks them read).
    """
    other = find_user_or_404(username)
    side = ConversationMember.find(current_user, other)
    if side is None:
        abort(404)  # only its two people can see a conversation, and only once it exists
    form = MessageForm()
    if form.validate_on_submit():
        try:
            message = Message.send(current_user, other, form.message.data, form.key.data or None)
        except MessageBlocked:
            db.session.rollback()
            if wants_json():
                refusal = Forbidden(blocked_message(other))
                refusal.errors = {"message": [blocked_message(other)]}
                raise refusal from None
            flash(blocked_message(other), "warning")
            return redirect(url_for("main.conversation", username=other.username))
        db.session.commit()
        if wants_json():  # the page's reply box (composer.js) stays where it is
            return {"id": message.id}, 201
        return redirect(url_for("main.conversation", username=other.username, _anchor="reply"))
    if form.is_submitted() and wants_json():
        raise InvalidInput(form.errors, "The message was not sent.")
    before, after = query_int("before"), query_int("after")
    if before is not None:
        return older_messages_fragment(side, before)
    if after is not None:
        return newer_messages_fragment(side, after)
    had_unread, read_up_to = side.unread_count > 0, side.last_read_message_id or 0
    if side.mark_read():
        db.session.commit()
    shown, has_older = oldest_first(keyset_page(side.messages_select(), Message.id, messages_per_page()))
    # The "new messages" divider goes before their first message you had not read before this visit.
    first_unread_id = next(
        (m.id for m in shown if had_unread and m.sender_id == other.id and m.id > read_up_to), None
    )
    blocked = blocked_message(other) if blocked_between(current_user.id, other.id) else None
    return render_template(
        "main/conversation.html", title=other.username, other=other, messages=shown, has_older=has_older,
        first_unread_id=first_unread_id, form=form, blocked=blocked,
    )


def blocked_message(other: User) -> str:
    """Why no message can go to or come from ``other``."""
    return _("You cannot message %(username)s: one of you has blocked the other.", username=other.username)


def older_messages_fragment(side: ConversationMember, before: int) -> str:
    """The page of messages just before message ``before``, oldest first, as HTML."""
    older, has_older = oldest_first(keyset_page(side.messages_select(), Message.id, messages_per_page(), before=before))
    return render_template("main/_message_page.html", messages=older, has_older=has_older, has_newer=False)


def newer_messages_fragment(side: ConversationMember, after: int) -> str:
    """The messages after message ``after``, oldest first, as HTML; showing them marks them read."""
    newer = keyset_page(side.messages_select(), Message.id, messages_per_page(), after=after)
    if newer.items and side.mark_read():
        db.session.commit()
    return render_template(
        "main/_message_page.html", messages=newer.items, has_older=False, has_newer=newer.has_more
    )


def messages_per_page() -> int:
    return current_app.config["MESSAGES_PER_PAGE"]


def oldest_first(page: KeysetPage) -> tuple[list[Message], bool]:
    """A page read back from the newest, put in reading order, and whether older messages exist."""
    return list(reversed(page.items)), page.has_more


@bp.route("/notifications")
@login_required
def notifications():
    """Your notifications as JSON ``{id, name, data, timestamp}``: changed after ``?after=<id>``,
    or newer than ``?since=<seconds since the epoch>``."""
    after = query_int("after")
    if after is not None:
        return [notification.to_dict() for notification in current_user.notifications_after(after)]
    since = request.args.get("since", 0.0, type=float)  # the tutorial's clients; a bad value reads as 0
    if not math.isfinite(since):
        since = 0.0
    return [notification.to_dict() for notification in current_user.notifications_since(since)]
