"""Posts: publishing, editing and deleting your own, reading anyone's, replies, tags, likes and reposts, explore and
the home timeline."""

import sqlalchemy as sa
from apifairy import arguments, authenticate, body, other_responses, response
from flask import abort, request, url_for
from flask_marshmallow.schema import Schema
from marshmallow import fields
from werkzeug.exceptions import HTTPException, default_exceptions

from ..extensions import db, limiter
from ..feed import home_feed
from ..models import Blocked, Like, Post, PostError, PostGone, User, blocked_between, hidden_authors_select
from ..ratelimits import setting, signed_in_person
from ..richtext import is_tag, normalize_tag
from . import bp
from .auth import current_person, token_auth
from .collections import CollectionLinksSchema, CursorArgsSchema, cursor_page, cursor_page_of
from .errors import documented
from .helpers import find_or_404
from .schemas import (
    AuthorSchema,
    PostCreateSchema,
    PostSchema,
    PostUpdateSchema,
    TimelineArgsSchema,
    TimelinePostSchema,
)

post_page = cursor_page_of(PostSchema)


def with_reader_state(page: dict) -> dict:
    """Note on a page of posts what the token's owner liked and reposted (one query for the page)."""
    Post.load_reader_state(page["items"], current_person())
    return page


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


@bp.route("/posts/<int:id>/like", methods=["PUT"])
@authenticate(token_auth)
@response(PostSchema)
@other_responses(documented(404, 422))
def like_post(id: int):
    """Like a post (doing it again changes nothing)"""
    return react(id, Post.like)


@bp.route("/posts/<int:id>/like", methods=["DELETE"])
@authenticate(token_auth)
@response(PostSchema)
@other_responses(documented(404))
def unlike_post(id: int):
    """Stop liking a post (doing it again changes nothing)"""
    return react(id, Post.unlike)


@bp.route("/posts/<int:id>/repost", methods=["PUT"])
@authenticate(token_auth)
@response(PostSchema)
@other_responses(documented(404, 422))
def repost_post(id: int):
    """Repost a post to your followers' timelines (doing it again changes nothing; your own posts too)"""
    return react(id, Post.repost)


@bp.route("/posts/<int:id>/repost", methods=["DELETE"])
@authenticate(token_auth)
@response(PostSchema)
@other_responses(documented(404))
def unrepost_post(id: int):
    """Take back your repost of a post (doing it again changes nothing)"""
    return react(id, Post.unrepost)


def react(id: int, change) -> Post:
    post = find_or_404(Post, id)
    Post.load_reader_state([post], current_person())
    try:
        change(post, current_person())
    except PostGone:
        db.session.rollback()
        abort(404)
    except Blocked:
        db.session.rollback()
        abort(422, "You cannot like or repost this post: one of you has blocked the other.")
    db.session.commit()
    return post


class LikeSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "The like's own id, for paging."})
    user = fields.Nested(AuthorSchema, required=True)
    timestamp = fields.DateTime(required=True, attribute="created_at")


@bp.route("/posts/<int:id>/likes", methods=["GET"])
@authenticate(token_auth)
@arguments(CursorArgsSchema)
@response(cursor_page_of(LikeSchema))
@other_responses(documented(400, 404))
def get_post_likes(args: dict, id: int):
    """Who liked a post, most recent first, paged by the like's id"""
    post = find_or_404(Post, id)
    return cursor_page(Like.of_post_select(post.id), Like.id, args, "api.get_post_likes", id=id)


@bp.route("/posts/<int:id>/replies", methods=["GET"])
@authenticate(token_auth)
@arguments(CursorArgsSchema)
@response(post_page)
@other_responses(documented(400, 404))
def get_post_replies(args: dict, id: int):
    """A post's direct replies, newest first, paged by id (oldest first reading on with `after`)"""
    post = find_or_404(Post, id)
    return with_reader_state(cursor_page(Post.replies_select(post.id), Post.id, args, "api.get_post_replies", id=id))


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
    return with_reader_state(cursor_page(Post.tag_select(name), Post.id, args, "api.get_tag_posts", tag=name))


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
    return with_reader_state(cursor_page(select, Post.id, args, "api.get_posts"))


class TimelineMetaSchema(Schema):
    limit = fields.Integer(required=True)
    before = fields.String(allow_none=True)
    after = fields.String(allow_none=True)
    has_more = fields.Boolean(required=True, metadata={"description": "Whether `_links.next` leads to more."})


class TimelinePageSchema(Schema):
    items = fields.List(fields.Nested(TimelinePostSchema), required=True)
    _meta = fields.Nested(TimelineMetaSchema, required=True)
    _links = fields.Nested(CollectionLinksSchema, required=True)


@bp.route("/timeline", methods=["GET"])
@authenticate(token_auth)
@arguments(TimelineArgsSchema)
@response(TimelinePageSchema)
@other_responses(documented(400))
def get_timeline(args: dict):
    """Your home timeline: your posts, those of the people you follow and what they reposted, newest first

    Each post appears once, at the time it entered the timeline (its own, or its latest repost's),
    with `reposted_by`. Paged by cursor: follow `_links.next`.
    """
    before, after, limit = args.get("before"), args.get("after"), args["limit"]
    page = home_feed(current_person(), limit, before=before, after=after)
    forwards = after is not None and before is None
    items = page.items[::-1] if forwards else page.items
    more = page.newer if forwards else page.older
    bounds = {name: request.args[name] for name in ("before", "after") if args.get(name) is not None}
    next_link = None
    if more:
        continued = {"after": more} if forwards else {**bounds, "before": more}
        next_link = url_for("api.get_timeline", limit=limit, **continued)
    return {
        "items": items,
        "_meta": {"limit": limit, "before": bounds.get("before"), "after": bounds.get("after"),
                  "has_more": more is not None},
        "_links": {"self": url_for("api.get_timeline", limit=limit, **bounds), "next": next_link, "prev": None},
    }


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
    return with_reader_state(cursor_page(select, Post.id, args, "api.get_user_posts", id=id))
