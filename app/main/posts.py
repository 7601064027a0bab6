"""One post: its page with the conversation and replies, replying, editing, deleting; tag timelines."""

import re
from typing import NoReturn

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import _, ngettext
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.exceptions import default_exceptions

from ..extensions import db, limiter
from ..models import Post, PostError, User
from ..pagination import keyset_page
from ..ratelimits import is_anonymous, setting, signed_in_person
from ..richtext import is_tag, linkify, names_in, normalize_tag
from ..web import MAX_QUERY_INT, query_int
from . import bp
from .forms import EmptyForm, PostForm

# Words that could be a tag in a URL; anything else is a 404 before any query.
TAG_IN_URL = re.compile(r"\w{1,64}")


def refuse(status: int, message: str) -> NoReturn:
    """Answer with an error page (or JSON) that says why, in the reader's language."""
    error = default_exceptions[status](description=message)
    error.show_description = True  # errors/error.html shows it instead of the generic explanation
    raise error


def find_post_or_404(post_id: int) -> Post:
    """The post with its author and the post it answers, or a 404."""
    if not 1 <= post_id <= MAX_QUERY_INT:
        abort(404)
    post = db.session.scalar(Post.explore_select().order_by(None).where(Post.id == post_id))
    if post is None:
        abort(404)
    return post


def load_mentions(posts) -> str:
    """Look up, in one query, the people ``@mentioned`` in ``posts`` not looked up yet in this request.

    Returns "" so a template can call it before rendering a list (``{{ load_mentions(posts) }}``).
    """
    known: dict[str, str] = g.setdefault("mentioned_people", {})
    looked_up: set[str] = g.setdefault("mentions_looked_up", set())
    names = names_in(post.body for post in posts) - looked_up
    if names:
        for username in User.usernames_among(names):
            known[username.lower()] = username
        looked_up |= names
    return ""


@bp.app_template_global()
def post_html(post: Post) -> Markup:
    """A post's text as safe HTML with its mentions, tags and URLs linked."""
    load_mentions([post])  # nothing to do when the list was loaded first
    return linkify(
        post.body, g.mentioned_people,
        lambda username: url_for("main.user", username=username),
        lambda tag: url_for("main.tag", tag=tag),
    )


bp.add_app_template_global(load_mentions)


@bp.route("/post/<int:post_id>")
def post(post_id: int):
    """A post with the conversation above it and its replies below, oldest first (visitors too).

    ``?after=<id>`` continues the replies after that one.
    """
    post = find_post_or_404(post_id)
    after = query_int("after", default=0)
    replies = keyset_page(Post.replies_select(post.id), Post.id, current_app.config["POSTS_PER_PAGE"], after=after)
    return render_post_page(post, replies, after, PostForm() if current_user.is_authenticated else None)


def render_post_page(post: Post, replies, after: int, form: PostForm | None, status: int = 200):
    if form is not None:
        form.submit.label.text = _("Reply")
    conversation = post.conversation()
    load_mentions([*conversation, post, *replies.items])
    Post.load_reader_state([*conversation, post, *replies.items], current_user)
    return render_template(
        "main/post.html", title=_("Post by %(username)s", username=post.author.username), post=post,
        conversation=conversation, replies=replies, after=after, form=form, delete_form=EmptyForm(),
    ), status


@bp.route("/post/<int:post_id>/reply", methods=["POST"])
@login_required
@limiter.limit(setting("RATELIMIT_POST"), key_func=signed_in_person, exempt_when=is_anonymous)
def reply(post_id: int):
    """Answer a post: the post form's field ``post``; back to the post page, where the reply shows."""
    form = PostForm()
    if not 1 <= post_id <= MAX_QUERY_INT:
        refuse(400, _("The post you are replying to does not exist; it may have been deleted."))
    if form.validate_on_submit():
        try:
            reply = Post.publish(current_user, form.post.data, in_reply_to=post_id)
        except PostError as error:
            db.session.rollback()
            refuse(error.status, str(error))
        db.session.commit()
        flash(_("Your reply is now live!"), "success")
        return redirect(url_for("main.post", post_id=post_id, _anchor=f"post{reply.id}"))
    post = find_post_or_404(post_id)
    replies = keyset_page(Post.replies_select(post.id), Post.id, current_app.config["POSTS_PER_PAGE"], after=0)
    return render_post_page(post, replies, 0, form, status=400)


@bp.route("/post/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    """Change the text of your post within POST_EDIT_WINDOW of publishing it; a 403 for anyone else or later."""
    post = find_post_or_404(post_id)
    if post.user_id != current_user.id:
        refuse(403, _("You can edit only your own posts."))
    minutes = current_app.config["POST_EDIT_WINDOW"] // 60
    if not post.is_editable():
        refuse(403, ngettext("A post can be edited only within %(num)d minute of publishing it.",
                             "A post can be edited only within %(num)d minutes of publishing it.", minutes))
    form = PostForm()
    form.submit.label.text = _("Save changes")
    if form.validate_on_submit():
        try:
            changed = post.edit(current_user, form.post.data)
        except PostError as error:
            db.session.rollback()
            refuse(error.status, str(error))
        db.session.commit()
        if changed:
            flash(_("Your post has been updated."), "success")
        return redirect(url_for("main.post", post_id=post.id))
    if not form.is_submitted():
        form.post.data = post.body
    return render_template("main/edit_post.html", title=_("Edit post"), post=post, form=form, minutes=minutes)


@bp.route("/post/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete_post(post_id: int):
    """GET: confirm deleting your post; POST (the confirmation's form): delete it."""
    post = find_post_or_404(post_id)
    if post.user_id != current_user.id:
        refuse(403, _("You can delete only your own posts."))
    form = EmptyForm()
    if form.validate_on_submit():
        parent_id = post.in_reply_to_id
        if not post.delete():
            abort(404)  # deleted meanwhile by a simultaneous request
        db.session.commit()
        flash(_("Your post has been deleted."), "success")
        if parent_id is not None:
            return redirect(url_for("main.post", post_id=parent_id))
        return redirect(url_for("main.user", username=current_user.username))
    if form.is_submitted():
        abort(400)
    load_mentions([post])
    return render_template("main/delete_post.html", title=_("Delete post"), post=post, form=form)


@bp.route("/tag/<tag>")
def tag(tag: str):
    """The posts with a ``#tag``, newest first, whatever its case (visitors too); ``?before=<id>`` pages back."""
    if not TAG_IN_URL.fullmatch(tag) or not is_tag(tag):
        abort(404)
    name = normalize_tag(tag)
    before = query_int("before")
    page = keyset_page(Post.tag_select(name), Post.id, current_app.config["POSTS_PER_PAGE"], before=before)
    Post.load_reader_state(page.items, current_user)
    return render_template("main/tag.html", title=f"#{name}", tag=name, page=page, before=before)
