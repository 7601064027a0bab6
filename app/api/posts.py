"""Posts: publishing, editing and deleting your own, reading anyone's, replies, tags, explore and the home timeline."""

import sqlalchemy as sa
from apifairy import arguments, authenticate, body, other_responses, response
from flask import abort, url_for
from werkzeug.exceptions import HTTPException, default_exceptions

from ..extensions import db, limiter
from ..models import Post, PostError, User, blocked_between, follows, hidden_authors_select
from ..ratelimits import setting, signed_in_person
from ..richtext import is_tag, normalize_tag
from . import bp
from .auth import current_person, token_auth
from .collections import CursorArgsSchema, cursor_page, cursor_page_of
from .errors import documented
from .helpers import find_or_404
from .schemas import PostCreateSchema, PostSchema, PostUpdateSchema

post_page = cursor_page_of(PostSchema)


@bp.route("/posts", methods=["POST"])
@authenticate(token_auth)
@limiter.limit(setting("RATELIMIT_POST"), key_func=signed_in_person)
@body(PostCreateSchema)
@response(PostSchema, 201)
@other_responses(documented(429, body=True))
def create_post(data: dict):
    """Publish a post (at most 140 characters), answering the post `in_reply_to` if given"""
    try:
        post = Post.publish(current_person(), data["body"], in_reply_to=data.get("in_reply_to"))
    except PostError as error:
        db.session.rollback()
        raise post_error(error, "in_reply_to") from None
    db.session.commit()
    return post, 201, {"Location": url_for("api.get_post", id=post.id)}


@bp.route("/posts/<int:id>", methods=["GET"])
@authenticate(token_auth)
@response(PostSchema)
@other_responses(documented(404))
def get_post(id: int):
    """One post"""
    return find_or_404(Post, id)


@bp.route("/posts/<int:id>", methods=["PUT"])
@authenticate(token_auth)
@body(PostUpdateSchema)
@response(PostSchema)
@other_responses(documented(403, 404, body=True))
def update_post(data: dict, id: int):
    """Edit one of your posts, within the edit window after publishing it (15 minutes by default)"""
    post = find_or_404(Post, id)
    try:
        post.edit(current_person(), data["body"])
    except PostError as error:
        db.session.rollback()
        raise post_error(error, "body") from None
    db.session.commit()
    return post


@bp.route("/posts/<int:id>/replies", methods=["GET"])
@authenticate(token_auth)
@arguments(CursorArgsSchema)
@response(post_page)
@other_responses(documented(400, 404))
def get_post_replies(args: dict, id: int):
    """A post's direct replies, newest first, paged by id (oldest first reading on with `after`)"""
    post = find_or_404(Post, id)
    return cursor_page(Post.replies_select(post.id), Post.id, args, "api.get_post_replies", id=id)


@bp.route("/tags/<tag>/posts", methods=["GET"])
@authenticate(token_auth)
@arguments(CursorArgsSchema)
@response(post_page)
@other_responses(documented(400, 404))
def get_tag_posts(args: dict, tag: str):
    """The posts with a #tag (any letter case), newest first, paged by id"""
    if len(tag) > 64 or not is_tag(tag):
        abort(404, "A tag is up to 64 letters, digits or underscores, one of them a letter.")
    name = normalize_tag(tag)
    return cursor_page(Post.tag_select(name), Post.id, args, "api.get_tag_posts", tag=name)


def post_error(error: PostError, field: str) -> HTTPException:
    """A refused post change as an HTTP error (400, 403 or 404) naming the field at fault."""
    exception = default_exceptions[error.status](str(error))
    exception.errors = {field: [str(error)]}
    return exception


@bp.route("/posts/<int:id>", methods=["DELETE"])
@authenticate(token_auth)
@other_responses(documented(403, 404))
def delete_post(id: int):
    """Delete one of your posts"""
    post = find_or_404(Post, id)
    if post.user_id != current_person().id:
        abort(403, "You can delete only your own posts.")
    if not post.delete():
        abort(404)  # deleted meanwhile by a simultaneous request
    db.session.commit()
    return "", 204


@bp.route("/posts", methods=["GET"])
@authenticate(token_auth)
@arguments(CursorArgsSchema)
@response(post_page)
@other_responses(documented(400))
def get_posts(args: dict):
    """Everyone's posts (explore) but those of people you blocked, muted or are blocked by, newest first, paged by id"""
    select = Post.explore_select().where(Post.user_id.not_in(hidden_authors_select(current_person().id)))
    return cursor_page(select, Post.id, args, "api.get_posts")


@bp.route("/timeline", methods=["GET"])
@authenticate(token_auth)
@arguments(CursorArgsSchema)
@response(post_page)
@other_responses(documented(400))
def get_timeline(args: dict):
    """Your home timeline: your posts and those of the people you follow, newest first, paged by id"""
    reader = current_person()
    followed = sa.select(follows.c.followed_id).where(follows.c.follower_id == reader.id)
    select = Post.explore_select().where(sa.or_(Post.user_id == reader.id, Post.user_id.in_(followed)))
    return cursor_page(select, Post.id, args, "api.get_timeline")


@bp.route("/users/<int:id>/posts", methods=["GET"])
@authenticate(token_auth)
@arguments(CursorArgsSchema)
@response(post_page)
@other_responses(documented(400, 404))
def get_user_posts(args: dict, id: int):
    """One person's posts, newest first, paged by id (none across a block)"""
    author = find_or_404(User, id)
    select = Post.by_author_select(author)
    if blocked_between(current_person().id, author.id):
        select = select.where(sa.false())
    return cursor_page(select, Post.id, args, "api.get_user_posts", id=id)
