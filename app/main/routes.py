"""Feeds, posts, profiles and follows."""

from dataclasses import dataclass

import flask_babel
import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import _
from flask_login import current_user, login_required

from .. import accounts, avatars
from ..extensions import db, limiter, login
from ..feed import FeedPage, InvalidCursor, decode_cursor, home_feed
from ..jobs import launch_task
from ..languages import LANGUAGE_COOKIE, LANGUAGE_COOKIE_MAX_AGE
from ..models import Blocked, Post, TaskInProgress, follows, hidden_authors_select
from ..models.block import relation_select
from ..ratelimits import is_anonymous, setting, signed_in_person
from ..schemas import TranslationRequestSchema, load_json
from ..seed import DEMO_PASSWORD, demo_username
from ..translate import TranslationError, TranslationTimeout, TranslationUnavailable, translate
from ..web import InvalidInput, accepts_upload, is_safe_next, save_account
from . import bp
from .forms import AvatarForm, EditProfileForm, EmptyForm, PostForm, RemoveAvatarForm
from .helpers import find_user_or_404, page_number, post_page
from .identicon import identicon_svg

AVATAR_SIZES = range(16, 513)
AVATAR_CACHE_SECONDS = 365 * 24 * 3600
FRONT_PAGE_POSTS = 5


@bp.route("/", methods=["GET", "POST"])
@bp.route("/index", methods=["GET", "POST"])
@limiter.limit(setting("RATELIMIT_POST"), key_func=signed_in_person, methods=["POST"], exempt_when=is_anonymous)
def index():
    """The home feed: your posts and those of the people you follow.

    Visitors who are not signed in get the front page at ``/``; ``/index`` and posting need a login.
    """
    if current_user.is_anonymous:
        if request.method == "GET" and request.url_rule.rule == "/":
            return front_page()
        return login.unauthorized()
    form = PostForm()
    if form.validate_on_submit():
        Post.publish(current_user, form.post.data)
        db.session.commit()
        flash(_("Your post is now live!"), "success")
        return redirect(url_for("main.index"))
    page = home_feed_page(current_user, current_app.config["POSTS_PER_PAGE"])
    return render_template("main/index.html", title=_("Home"), form=form, page=page, endpoint="main.index")


def home_feed_page(reader, per_page: int) -> FeedPage:
    """The page of the home feed the query string asks for: ``?before=``/``?after=`` a cursor, or ``?page=N``.

    A cursor that is not one is a 400 naming the parameter, as a bad id is in a conversation.
    Reading newer posts up to the top gives the first page.
    """
    cursors = {}
    for name in ("before", "after"):
        value = request.args.get(name)
        if value:
            try:
                cursors[name] = decode_cursor(value)
            except InvalidCursor:
                raise InvalidInput({name: ["Give a cursor from a link of this page."]},
                                   f"The parameter {name!r} is not valid.") from None
    if cursors:
        page = home_feed(reader, per_page, **cursors)
        if "after" in cursors and "before" not in cursors and not page.newer and len(page.items) < per_page:
            return home_feed(reader, per_page)
        return page
    return home_feed(reader, per_page, number=page_number())


def front_page() -> str:
    """What the site is, how to join, the demo login when there is one, and the latest posts."""
    posts = db.session.scalars(Post.explore_select().limit(FRONT_PAGE_POSTS)).all()
    return render_template(
        "main/front.html", posts=posts, demo_username=demo_username(), demo_password=DEMO_PASSWORD
    )


@bp.route("/explore")
def explore():
    """Everyone's posts, newest first (but those of people you blocked, who blocked you, or you muted);
    ``?before=``/``?after=`` a post id for older/newer pages."""
    select = Post.explore_select()
    if current_user.is_authenticated:
        select = select.where(Post.user_id.not_in(hidden_authors_select(current_user.id)))
    page = post_page(select)
    Post.load_reader_state(page.items, current_user)
    return render_template("main/index.html", title=_("Explore"), page=page, endpoint="main.explore")


@bp.route("/user/<username>")
def user(username: str):
    """A person's profile and posts (visitors may read them too), paged like Explore.

    Between two people one of whom blocked the other the posts are not shown, either way.
    """
    user = find_user_or_404(username)
    relation = Relation.between(user)
    select = Post.by_author_select(user)
    if relation.blocking or relation.blocked_by:
        select = select.where(sa.false())
    page = post_page(select)
    Post.load_reader_state(page.items, current_user)
    return render_template(
        "main/user.html", title=user.username, user=user, page=page, is_following=relation.following,
        form=EmptyForm(), relation=relation,
    )


@dataclass
class Relation:
    """How the signed-in reader stands with a person: blocked them, blocked by them, muted them, follows them."""

    blocking: bool = False
    blocked_by: bool = False
    muting: bool = False
    following: bool = False

    @staticmethod
    def between(user) -> "Relation":
        """All of it, and whether the reader follows the person, in one statement."""
        if current_user.is_anonymous or user.id == current_user.id:
            return Relation()
        following = sa.exists().where(follows.c.follower_id == current_user.id, follows.c.followed_id == user.id)
        row = db.session.execute(relation_select(current_user.id, user.id, following.label("following"))).one()
        return Relation(bool(row.blocking), bool(row.blocked_by), bool(row.muting), bool(row.following))


@bp.route("/export_posts", methods=["POST"])
@login_required
def export_posts():
    """Start the job that mails you all your posts as a JSON file, unless one is running."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        launch_task(current_user, "export_posts", _("Exporting posts..."))
    except TaskInProgress:
        db.session.rollback()
        flash(_("An export task is currently in progress."), "warning")
    else:
        db.session.commit()
        flash(_("Your posts are being exported. They will arrive by e-mail."), "info")
    return redirect(url_for("main.user", username=current_user.username))


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
    """Change your username, about-me text and language; the picture has forms of its own."""
    form = EditProfileForm(current_user)
    if form.validate_on_submit() and save_account(
        form, accounts.update_profile, current_user, form.username.data, form.about_me.data, form.language.data
    ):
        flask_babel.refresh()  # say it in the language just chosen
        flash(_("Your changes have been saved."), "success")
        return redirect(url_for("main.edit_profile"))
    if request.method == "GET":
        form.username.data = current_user.username
        form.about_me.data = current_user.about_me
    return render_edit_profile(form=form)


def render_edit_profile(form: EditProfileForm | None = None, avatar_form: AvatarForm | None = None) -> str:
    """The edit profile page: the profile form and the picture's upload and remove forms."""
    if form is None:
        form = EditProfileForm(current_user, formdata=None)
        form.username.data, form.about_me.data = current_user.username, current_user.about_me
    return render_template(
        "main/edit_profile.html", title=_("Edit Profile"), form=form,
        avatar_form=avatar_form or AvatarForm(formdata=None), remove_avatar_form=RemoveAvatarForm(formdata=None),
        processing=avatars.is_processing(current_user),
        max_size=avatars.megabytes(current_app.config["AVATAR_MAX_BYTES"]),
    )


@bp.route("/edit_profile/avatar", methods=["POST"])
@accepts_upload("AVATAR_MAX_BYTES")
@login_required
@limiter.limit(setting("RATELIMIT_TASK"), key_func=signed_in_person, exempt_when=is_anonymous)
def upload_avatar():
    """Upload a profile picture; a background job makes its sizes and then shows it."""
    avatar_form = AvatarForm()
    if avatar_form.validate_on_submit():
        try:
            avatars.start_upload(current_user, avatar_form.picture.data.stream)
        except avatars.AvatarRefused as refusal:
            avatar_form.picture.errors = [*avatar_form.picture.errors, str(refusal)]
        except avatars.PictureBeingProcessed:
            db.session.rollback()
            avatar_form.picture.errors = [*avatar_form.picture.errors,
                                          _("Your previous picture is still being processed; try again in a moment.")]
        else:
            db.session.commit()
            flash(_("Your picture is being processed; it appears in a moment."), "info")
            return redirect(url_for("main.edit_profile"))
    return render_edit_profile(avatar_form=avatar_form), 400


@bp.route("/edit_profile/avatar/remove", methods=["POST"])
@login_required
def remove_avatar():
    """Go back to the drawn picture (the identicon)."""
    if not RemoveAvatarForm().validate_on_submit():
        abort(400)
    try:
        removed = avatars.remove_picture(current_user)
    except avatars.PictureBeingProcessed:
        flash(_("Your picture is still being processed; remove it once it appears."), "warning")
    else:
        db.session.commit()
        if removed:
            flash(_("Your picture has been removed."), "success")
    return redirect(url_for("main.edit_profile"))


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
        try:
            current_user.follow(user)
        except Blocked:
            db.session.rollback()
            flash(_("You cannot follow %(username)s: one of you has blocked the other.", username=user.username),
                  "warning")
            return redirect(url_for("main.user", username=user.username))
        message = _("You are following %(username)s!", username=user.username)
    else:
        current_user.unfollow(user)
        message = _("You are not following %(username)s.", username=user.username)
    db.session.commit()
    flash(message, "success")
    next_page = request.form.get("next")  # the follower lists' buttons come back to the list
    return redirect(next_page if is_safe_next(next_page) else url_for("main.user", username=user.username))


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
@limiter.limit(setting("RATELIMIT_TRANSLATE"), key_func=signed_in_person, exempt_when=is_anonymous)
def translate_text():
    """Translate a post's text: JSON ``text``, ``source_language``, ``dest_language`` in, ``text`` out."""
    wanted = load_json(TranslationRequestSchema(), "The translation request is not valid.")
    try:
        translated = translate(wanted["text"], wanted["source_language"], wanted["dest_language"], wanted["post_id"])
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


@bp.route("/avatar/<int:user_id>/<version>/<int:size>.webp")
def avatar_picture(user_id: int, version: str, size: int):
    """One size of an uploaded picture; its URL changes with every picture, so it is cached for good."""
    try:
        path = avatars.picture_path(user_id, version, size)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/webp", max_age=AVATAR_CACHE_SECONDS, conditional=True, etag=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


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
