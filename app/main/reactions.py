"""Likes and reposts: the buttons under every post, and who liked a post."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Blocked, Post, PostGone
from ..models.reaction import likes
from ..web import is_safe_next, query_int, wants_json
from . import bp
from .forms import EmptyForm
from .posts import find_post_or_404, refuse

LIKERS_PER_PAGE = 50


@bp.route("/post/<int:post_id>/like", methods=["POST"])
@login_required
def like(post_id: int):
    """Like a post (liking it twice changes nothing)."""
    return react(post_id, Post.like)


@bp.route("/post/<int:post_id>/unlike", methods=["POST"])
@login_required
def unlike(post_id: int):
    """Stop liking a post."""
    return react(post_id, Post.unlike)


@bp.route("/post/<int:post_id>/repost", methods=["POST"])
@login_required
def repost(post_id: int):
    """Repost a post to your followers' home feeds (reposting it twice changes nothing)."""
    return react(post_id, Post.repost)


@bp.route("/post/<int:post_id>/unrepost", methods=["POST"])
@login_required
def unrepost(post_id: int):
    """Take back your repost of a post."""
    return react(post_id, Post.unrepost)


def react(post_id: int, change):
    """Apply a like or repost change for the signed-in person; JSON for scripts, else back to the page."""
    if not EmptyForm().validate_on_submit():
        abort(400, description="The form has expired or was not sent from this site. Please try again.")
    post = find_post_or_404(post_id)
    Post.load_reader_state([post], current_user)
    try:
        change(post, current_user)
    except PostGone:
        db.session.rollback()
        abort(404)
    except Blocked:
        db.session.rollback()
        refuse(422, _("You cannot like or repost this post: one of you has blocked the other."))
    db.session.commit()
    if wants_json():
        return reaction_state(post)
    next_page = request.form.get("next")
    return redirect(next_page if is_safe_next(next_page) else url_for("main.index"))


def reaction_state(post: Post) -> dict:
    """What the buttons show after a change: the reader's state and the counts."""
    return {
        "id": post.id,
        "liked": bool(post.reader_liked),
        "reposted": bool(post.reader_reposted),
        "like_count": post.like_count,
        "repost_count": post.repost_count,
    }


@bp.route("/post/<int:post_id>/likes")
def post_likes(post_id: int):
    """Who liked a post, most recent first, paged by ``?before=<like id>``."""
    post = find_post_or_404(post_id)
    before = query_int("before", minimum=1)
    people, older = likers_page(post, before, LIKERS_PER_PAGE)
    Post.load_reader_state([post], current_user)
    post_url = url_for("main.post", post_id=post.id)
    return render_template(
        "main/likes.html", title=_("Liked by"), post=post, people=people, older=older, newer=before is not None,
        post_url=post_url,
    )


def likers_page(post: Post, before: int | None, limit: int) -> tuple[list, int | None]:
    """Up to ``limit`` people who liked ``post`` before like id ``before``, newest first, and the next cursor."""
    select = post.likers_select()
    if before is not None:
        select = select.where(likes.c.id < before)
    rows = db.session.execute(select.order_by(likes.c.id.desc()).limit(limit + 1)).all()
    older = rows[limit - 1][1] if len(rows) > limit else None
    return [user for user, _like_id in rows[:limit]], older
