"""Feeds, posts, profiles and follows."""

import flask_babel
import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required

from ..extensions import db
from ..languages import LANGUAGE_COOKIE, LANGUAGE_COOKIE_MAX_AGE
from ..models import ConversationMember, Message, Post, User
from ..pagination import paginate
from ..translate import TranslationError, TranslationTimeout, TranslationUnavailable, translate
from ..web import InvalidInput, is_safe_next
from . import bp
from .forms import EditProfileForm, EmptyForm, MessageForm, PostForm, read_translation_request
from .identicon import identicon_svg

AVATAR_SIZES = range(16, 513)


@bp.before_app_request
def record_last_seen() -> None:
    """Keep ``last_seen`` fresh, writing at most once per LAST_SEEN_INTERVAL."""
    if current_user.is_authenticated and current_user.touch_last_seen():
        db.session.commit()


@bp.after_app_request
def set_content_security_policy(response: Response) -> Response:
    """Send CONTENT_SECURITY_POLICY when configured (no page needs inline scripts)."""
    policy = current_app.config.get("CONTENT_SECURITY_POLICY")
    if policy:
        response.headers.setdefault("Content-Security-Policy", policy)
    return response


def page_number() -> int:
    return request.args.get("page", 1, type=int)


def find_user_or_404(username: str) -> User:
    user = User.find_by_username(username)
    if user is None:
        abort(404)
    return user


@bp.route("/", methods=["GET", "POST"])
@bp.route("/index", methods=["GET", "POST"])
@login_required
def index():
    """The home feed: your posts and those of the people you follow."""
    form = PostForm()
    if form.validate_on_submit():
        Post.publish(current_user, form.post.data)
        db.session.commit()
        flash(_("Your post is now live!"), "success")
        return redirect(url_for("main.index"))
    number, per_page = page_number(), current_app.config["POSTS_PER_PAGE"]
    page = paginate(current_user.timeline_select(depth=number * per_page + 1), number, per_page)
    return render_template("main/index.html", title=_("Home"), form=form, page=page, endpoint="main.index")


@bp.route("/explore")
@login_required
def explore():
    """Everyone's posts, newest first."""
    page = paginate(Post.explore_select(), page_number(), current_app.config["POSTS_PER_PAGE"])
    return render_template("main/index.html", title=_("Explore"), page=page, endpoint="main.explore")


@bp.route("/user/<username>")
@login_required
def user(username: str):
    """A person's profile and posts."""
    user = find_user_or_404(username)
    page = paginate(Post.by_author_select(user), page_number(), current_app.config["POSTS_PER_PAGE"])
    is_following = user.id != current_user.id and current_user.is_following(user)
    return render_template(
        "main/user.html", title=user.username, user=user, page=page, is_following=is_following, form=EmptyForm()
    )


@bp.route("/user/<username>/popup")
@login_required
def user_popup(username: str):
    """The hover card for a person: an HTML fragment with their details and a follow button."""
    user = find_user_or_404(username)
    is_following = user.id != current_user.id and current_user.is_following(user)
    return render_template("main/_user_popup.html", user=user, is_following=is_following)


@bp.route("/edit_profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    """Change your username, about-me text and language."""
    form = EditProfileForm(current_user)
    if form.validate_on_submit():
        current_user.username = form.username.data
        current_user.about_me = form.about_me.data or None
        current_user.locale = form.language.data or None
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
            form.username.errors.append(_("This username was just taken. Please use a different one."))
        else:
            flask_babel.refresh()  # say it in the language just chosen
            flash(_("Your changes have been saved."), "success")
            return redirect(url_for("main.edit_profile"))
    elif request.method == "GET":
        form.username.data = current_user.username
        form.about_me.data = current_user.about_me
    return render_template("main/edit_profile.html", title=_("Edit Profile"), form=form)


@bp.route("/follow/<username>", methods=["POST"])
@login_required
def follow(username: str):
    """Follow a person (doing it twice changes nothing)."""
    return change_follow(username, follow=True)


@bp.route("/unfollow/<username>", methods=["POST"])
@login_required
def unfollow(username: str):
    """Stop following a person (doing it twice changes nothing)."""
    return change_follow(username, follow=False)


def change_follow(username: str, follow: bool):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    user = find_user_or_404(username)
    if user.id == current_user.id:
        flash(_("You cannot follow yourself!") if follow else _("You cannot unfollow yourself!"), "warning")
        return redirect(url_for("main.user", username=username))
    if follow:
        current_user.follow(user)
        message = _("You are following %(username)s!", username=user.username)
    else:
        current_user.unfollow(user)
        message = _("You are not following %(username)s.", username=user.username)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("main.user", username=user.username))


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the site's language (the footer's picker), then go back to the page."""
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    if current_user.is_authenticated:
        current_user.locale = language
        db.session.commit()
    next_page = request.form.get("next")
    response = redirect(next_page if is_safe_next(next_page) else url_for("main.index"))
    response.set_cookie(
        LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_MAX_AGE, secure=request.is_secure, httponly=True,
        samesite="Lax",
    )
    return response


@bp.route("/translate", methods=["POST"])
@login_required
def translate_text():
    """Translate a post's text: JSON ``text``, ``source_language``, ``dest_language`` in, ``text`` out."""
    wanted, errors = read_translation_request(request.get_json(silent=True), current_app.config["LANGUAGES"])
    if errors:
        raise InvalidInput(errors, "The translation request is not valid.")
    try:
        translated = translate(wanted.text, wanted.source_language, wanted.dest_language, wanted.post_id)
    except TranslationUnavailable:
        abort(503, description="Translation is not configured on this site.")
    except TranslationTimeout as error:
        current_app.logger.warning("Translation timed out: %s", error)
        abort(504, description="The translation service did not answer in time.")
    except TranslationError as error:
        current_app.logger.warning("Translation failed: %s", error)
        abort(502, description="The translation service failed.")
    db.session.commit()  # keeps a new translation in the cache
    return {"text": translated}


@bp.route("/avatar/<int:user_id>")
def avatar(user_id: int):
    """The identicon for a person, drawn by the app."""
    size = request.args.get("s", 128, type=int)
    if size not in AVATAR_SIZES:
        abort(404)
    response = Response(identicon_svg(f"user:{user_id}", size), mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


# -- private messages and notifications ---------------------------------------------


@bp.route("/send_message/<recipient>", methods=["GET", "POST"])
@login_required
def send_message(recipient: str):
    """Write a private message to someone; it lands in your conversation with them."""
    user = find_user_or_404(recipient)
    if user.id == current_user.id:
        flash(_("You cannot send a message to yourself."), "warning")
        return redirect(url_for("main.messages"))
    form = MessageForm()
    if form.validate_on_submit():
        Message.send(current_user, user, form.message.data)
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
        Message.send(current_user, other, form.message.data)
        db.session.commit()
        return redirect(url_for("main.conversation", username=other.username, _anchor="reply"))
    before, after = request.args.get("before", type=int), request.args.get("after", type=int)
    if before is not None:
        return older_messages_fragment(side, before)
    if after is not None:
        return newer_messages_fragment(side, after)
    history = side.messages_select()
    had_unread, read_up_to = side.unread_count > 0, side.last_read_message_id or 0
    if side.mark_read():
        db.session.commit()
    shown, has_older = newest_first_page(history, current_app.config["MESSAGES_PER_PAGE"])
    # The "new messages" divider goes before their first message you had not read before this visit.
    first_unread_id = next(
        (m.id for m in shown if had_unread and m.sender_id == other.id and m.id > read_up_to), None
    )
    return render_template(
        "main/conversation.html", title=other.username, other=other, messages=shown, has_older=has_older,
        first_unread_id=first_unread_id, form=form,
    )


def older_messages_fragment(side: ConversationMember, before: int) -> str:
    """The page of messages just before message ``before``, oldest first, as HTML."""
    older, has_older = newest_first_page(side.messages_select(before=before), current_app.config["MESSAGES_PER_PAGE"])
    return render_template("main/_message_page.html", messages=older, has_older=has_older, has_newer=False)


def newer_messages_fragment(side: ConversationMember, after: int) -> str:
    """The messages after message ``after``, oldest first, as HTML; showing them marks them read."""
    per_page = current_app.config["MESSAGES_PER_PAGE"]
    rows = db.session.scalars(side.messages_select(after=after, oldest_first=True).limit(per_page + 1)).all()
    newer, has_newer = rows[:per_page], len(rows) > per_page
    if newer and side.mark_read():
        db.session.commit()
    return render_template("main/_message_page.html", messages=newer, has_older=False, has_newer=has_newer)


def newest_first_page(select: sa.Select, per_page: int) -> tuple[list[Message], bool]:
    """The newest ``per_page`` rows of a newest-first select, put oldest first, and whether older ones exist."""
    rows = db.session.scalars(select.limit(per_page + 1)).all()
    return list(reversed(rows[:per_page])), len(rows) > per_page


@bp.route("/notifications")
@login_required
def notifications():
    """Your notifications newer than ``?since=`` (seconds since the epoch) as JSON: name, data, timestamp."""
    since = request.args.get("since", 0.0, type=float)
    return [notification.to_dict() for notification in current_user.notifications_since(since)]
