"""The API's marshmallow schemas: what each endpoint accepts and answers, and so the OpenAPI document.

Input schemas validate at the edge (types, lengths, ranges, no control characters); the
account rules themselves stay in ``app/accounts.py``. Output schemas are flask-marshmallow
schemas, which APIFairy serialises with ``jsonify``.
"""

from apifairy.fields import FileField
from flask import g, url_for
from flask_marshmallow.schema import Schema
from marshmallow import EXCLUDE, ValidationError, fields, post_dump, pre_dump, validate
from marshmallow.utils import missing

from .. import accounts
from ..models import ACTIVITY_KINDS, MAX_MESSAGE_LENGTH, MAX_POST_LENGTH, MAX_ROOM_MESSAGE_LENGTH
from ..models.chat import MAX_ROOM_NAME_LENGTH, MIN_ROOM_NAME_LENGTH, ROOM_NAME_PATTERN
from ..models.token import MAX_DEVICE_LENGTH
from ..schemas import StrictInteger, Text
from ..web import MAX_QUERY_INT

MAX_LIMIT = 100
ID_RANGE = validate.Range(min=1, max=MAX_QUERY_INT)


class Computed(fields.Nested):
    """A nested object computed from the whole parent object, e.g. ``_links``."""

    def __init__(self, nested, function, **kwargs):
        super().__init__(nested, dump_only=True, **kwargs)
        self.function = function

    def get_value(self, obj, attr, accessor=None, default=missing):
        return self.function(obj)


# Some character that is neither a space nor a control character, amid no control characters
# (line breaks and tabs allowed): the OpenAPI document shows it, so generated clients know.
CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
PLAIN_TEXT = rf"^[^{CONTROL}]*[^\s{CONTROL}][^{CONTROL}]*$"


class Body(Text):
    """A message or post body: stripped, not blank, no control characters but line breaks and tabs."""

    def __init__(self, max_length: int, **kwargs):
        super().__init__(required=True, validate=[
            validate.Length(min=1, max=max_length, error=f"Write at most {max_length} characters."),
            validate.Regexp(PLAIN_TEXT, error="Remove the control characters."),
        ], **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class Input(Schema):
    """Request bodies and query strings: unknown fields are ignored."""

    class Meta:
        unknown = EXCLUDE


# -- errors, system ---------------------------------------------------------------------


class ErrorSchema(Schema):
    code = fields.Integer(required=True, metadata={"description": "The HTTP status code."})
    message = fields.String(required=True, metadata={"description": "Its standard name."})
    description = fields.String(required=True, metadata={"description": "What went wrong, for people."})
    errors = fields.Dict(keys=fields.String(), values=fields.Raw(),
                         metadata={"description": "Messages per field, for validation errors."})


class VersionSchema(Schema):
    version = fields.String(required=True, metadata={"description": "The application's version."})
    api_version = fields.String(required=True, metadata={"description": "The API's version."})


class HealthSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["ok", "degraded", "down"]))
    database = fields.String(required=True, metadata={"description": "ok, or the error"})
    redis = fields.String(required=True, metadata={"description": "ok, not configured, or the error"})
    search = fields.String(required=True, metadata={"description": "ok, not configured, or the error"})
    workers = fields.Integer(required=True, allow_none=True,
                             metadata={"description": "Background workers running (None: unknown)."})


# -- tokens -----------------------------------------------------------------------------


class TokenRequestSchema(Input):
    device = fields.String(validate=validate.Regexp(
        rf"^[\w .-]{{1,{MAX_DEVICE_LENGTH}}}$", error="Name the device with at most 64 letters, digits, spaces, . - _."
    ), metadata={"description": "A name for the device; a new token for the same name replaces the old one."})


class TokenSchema(Schema):
    token = fields.String(required=True, metadata={"description": "Send it as `Authorization: Bearer <token>`."})
    expires_at = fields.DateTime(required=True)
    device = fields.String(allow_none=True)


# -- people -----------------------------------------------------------------------------


class UserLinksSchema(Schema):
    self = fields.String(required=True)
    followers = fields.String(required=True)
    following = fields.String(required=True)
    posts = fields.String(required=True)
    avatar = fields.String(required=True)


def user_links(user) -> dict:
    return {
        "self": url_for("api.get_user", id=user.id),
        "followers": url_for("api.get_followers", id=user.id),
        "following": url_for("api.get_following", id=user.id),
        "posts": url_for("api.get_user_posts", id=user.id),
        "avatar": user.avatar(128),
    }


class UserSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    email = fields.String(metadata={"description": "Only in your own record."})
    about_me = fields.String(required=True, allow_none=True)
    last_seen = fields.DateTime(required=True, allow_none=True)
    post_count = fields.Integer(required=True, attribute="posts_count")
    follower_count = fields.Integer(required=True, attribute="followers_count")
    following_count = fields.Integer(required=True, attribute="following_count")
    links = Computed(UserLinksSchema, user_links, data_key="_links", required=True)

    @post_dump(pass_original=True)
    def only_the_owner_sees_the_email(self, data: dict, user, **kwargs) -> dict:
        if g.get("api_user_id") != user.id:
            data.pop("email", None)
        return data


# The account rules, as the document states them; app/accounts.py enforces them (the schemas only check types).
USERNAME_DOC = {"minLength": accounts.MIN_USERNAME_LENGTH, "maxLength": accounts.MAX_USERNAME_LENGTH,
                "pattern": accounts.USERNAME_PATTERN, "description": "Letters, digits, dots, dashes, underscores."}
PASSWORD_DOC = {"minLength": accounts.MIN_PASSWORD_LENGTH, "maxLength": accounts.MAX_PASSWORD_LENGTH,
                "pattern": r"^[^\x00]*$"}
NO_CONTROL_CHARACTERS = rf"^[^{CONTROL}]*$"


class UserCreateSchema(Input):
    username = fields.String(required=True, metadata=USERNAME_DOC)
    email = fields.String(required=True, metadata={"format": "email", "maxLength": accounts.MAX_EMAIL_LENGTH})
    password = fields.String(required=True, load_only=True, metadata=PASSWORD_DOC)


class UserUpdateSchema(Input):
    username = fields.String(metadata=USERNAME_DOC)
    about_me = fields.String(allow_none=True, metadata={"maxLength": accounts.MAX_ABOUT_ME_LENGTH,
                                                        "pattern": NO_CONTROL_CHARACTERS})
    language = fields.String(allow_none=True, metadata={"description": "A site language, or null for the browser's."})
    password = fields.String(load_only=True, metadata={**PASSWORD_DOC, "description": "Needs current_password."})
    current_password = fields.String(load_only=True)


class AuthorSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    links = Computed(UserLinksSchema, user_links, data_key="_links", required=True)


class AvatarUploadSchema(Input):
    file = FileField(required=True, metadata={
        "description": "A PNG, JPEG or WebP picture of at most 5 MB; it is cropped to a square.",
    })


# -- posts ------------------------------------------------------------------------------


class PostLinksSchema(Schema):
    self = fields.String(required=True)
    author = fields.String(required=True)
    page = fields.String(required=True, metadata={"description": "The post's page on the site."})
    replies = fields.String(required=True, metadata={"description": "Its replies, oldest first."})
    in_reply_to = fields.String(required=True, allow_none=True, metadata={"description": "The post it answers."})
    likes = fields.String(required=True, metadata={"description": "Who liked it, most recent first."})


def post_links(post) -> dict:
    return {
        "self": url_for("api.get_post", id=post.id),
        "author": url_for("api.get_user", id=post.user_id),
        "page": url_for("main.post", post_id=post.id),
        "replies": url_for("api.get_post_replies", id=post.id),
        "in_reply_to": url_for("api.get_post", id=post.in_reply_to_id) if post.in_reply_to_id else None,
        "likes": url_for("api.get_post_likes", id=post.id),
    }


class PostSchema(Schema):
    id = fields.Integer(required=True)
    body = fields.String(required=True)
    timestamp = fields.DateTime(required=True)
    language = fields.String(required=True, allow_none=True, metadata={"description": "Detected; null when unsure."})
    author = fields.Nested(AuthorSchema, required=True)
    in_reply_to = fields.Integer(required=True, allow_none=True, attribute="in_reply_to_id", metadata={
        "description": "The id of the post it answers; null for a post that answers nothing, or a deleted post.",
    })
    is_reply = fields.Boolean(required=True, metadata={
        "description": "Whether it was published as a reply (true with a null `in_reply_to`: its post was deleted).",
    })
    reply_count = fields.Integer(required=True)
    edited_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "Null when never edited."})
    like_count = fields.Integer(required=True)
    repost_count = fields.Integer(required=True)
    liked = fields.Boolean(required=True, attribute="reader_liked", metadata={"description": "Whether you liked it."})
    reposted = fields.Boolean(required=True, attribute="reader_reposted",
                              metadata={"description": "Whether you reposted it."})
    links = Computed(PostLinksSchema, post_links, data_key="_links", required=True)

    @pre_dump
    def know_what_the_reader_did(self, post, **kwargs):
        # Views load this for a whole page in one query (Post.load_reader_state); this covers a post alone.
        if g.get("api_user_id") and not post.knows_reader_state(g.api_user_id):
            from .auth import current_person

            type(post).load_reader_state([post], current_person())
        return post


class TimelinePostSchema(PostSchema):
    reposted_by = fields.Nested(AuthorSchema, required=True, allow_none=True, metadata={
        "description": "Who, among the people you follow (or you), reposted it; null when it is here as itself."})
    feed_time = fields.DateTime(required=True, metadata={
        "description": "When it entered your timeline: its own time, or the repost's."})


class FeedCursor(fields.String):
    """A place in the home timeline, ``<microseconds since 1970>.<post id>``, as ``_links`` give it."""

    def __init__(self, metadata: dict, **kwargs):
        super().__init__(metadata={"pattern": r"^[0-9]{1,16}\.[0-9]{1,10}\Z", **metadata}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        from ..feed import InvalidCursor, decode_cursor

        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return decode_cursor(text)
        except InvalidCursor:
            raise ValidationError("Give a cursor from _links.") from None


class TimelineArgsSchema(Input):
    before = FeedCursor(metadata={"description": "A cursor: what entered your timeline before it, newest first."})
    after = FeedCursor(metadata={"description": "A cursor: what entered your timeline after it, oldest first."})
    limit = fields.Integer(load_default=25, validate=validate.Range(min=1, max=MAX_LIMIT))


class PostCreateSchema(Input):
    body = Body(MAX_POST_LENGTH)
    in_reply_to = fields.Integer(strict=True, validate=ID_RANGE, allow_none=True, metadata={
        "description": "The id of the post this one answers.",
    })


class PostUpdateSchema(Input):
    body = Body(MAX_POST_LENGTH)


# -- messages and notifications ---------------------------------------------------------


class MessageSchema(Schema):
    id = fields.Integer(required=True)
    sender = fields.Nested(AuthorSchema, required=True)
    recipient = fields.Nested(AuthorSchema, required=True)
    body = fields.String(required=True)
    timestamp = fields.DateTime(required=True)


class MessageCreateSchema(Input):
    body = Body(MAX_MESSAGE_LENGTH)


class ConversationLinksSchema(Schema):
    messages = fields.String(required=True)


class ConversationSchema(Schema):
    other = fields.Nested(AuthorSchema, required=True, attribute="other_user",
                          metadata={"description": "The other person."})
    unread_count = fields.Integer(required=True)
    last_message = fields.Nested(MessageSchema, required=True, attribute="conversation.last_message")
    links = Computed(ConversationLinksSchema, lambda side: {
        "messages": url_for("api.get_messages", id=side.other_user_id),
    }, data_key="_links", required=True)


class NotificationSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "Increases with every change; poll with after=."})
    name = fields.String(required=True)
    data = fields.Raw(required=True, allow_none=True)
    timestamp = fields.Float(required=True)


class NotificationArgsSchema(Input):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_QUERY_INT),
                           metadata={"description": "The highest notification id you have seen."})


# -- chat rooms -------------------------------------------------------------------------

ROOM_NAME_DOC = {"minLength": MIN_ROOM_NAME_LENGTH, "maxLength": MAX_ROOM_NAME_LENGTH,
                 "pattern": f"^{ROOM_NAME_PATTERN.pattern}$",
                 "description": "Letters, digits, hyphens, underscores; unique whatever the case."}


class RoomLinksSchema(Schema):
    self = fields.String(required=True)
    messages = fields.String(required=True)
    page = fields.String(required=True, metadata={"description": "The room's page on the site."})


class RoomSchema(Schema):
    name = fields.String(required=True, metadata=ROOM_NAME_DOC)
    present = fields.List(fields.String(), required=True,
                          metadata={"description": "Usernames of the people in the room now (over a socket)."})
    message_count = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    last_activity_at = fields.DateTime(required=True, metadata={"description": "Its creation or newest message."})
    links = Computed(RoomLinksSchema, lambda room: {
        "self": url_for("api.get_room", name=room["name"]),
        "messages": url_for("api.get_room_messages", name=room["name"]),
        "page": url_for("chat.room", room=room["name"]),
    }, data_key="_links", required=True)


class RoomCreateSchema(Input):
    name = fields.String(required=True, validate=validate.Length(max=200), metadata=ROOM_NAME_DOC)


class RoomMessageSchema(Schema):
    """Exactly the Socket.IO ``room_message`` event's payload (``RoomMessage.to_dict``)."""

    id = fields.Integer(required=True)
    room = fields.String(required=True, metadata={"description": "The room's name."})
    sender = fields.String(required=True, metadata={"description": "The sender's username."})
    body = fields.String(required=True)
    timestamp = fields.String(required=True, metadata={"format": "date-time"})


class RoomMessageCreateSchema(Input):
    body = Body(MAX_ROOM_MESSAGE_LENGTH)

# -- activity ---------------------------------------------------------------------------


class ActivityLinksSchema(Schema):
    actor = fields.String(required=True)
    post = fields.String(required=True, allow_none=True)


class ActivitySchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(ACTIVITY_KINDS),
                         metadata={"description": "follow, mention, reply, like or repost."})
    actor = fields.Nested(AuthorSchema, required=True, metadata={"description": "Who did it."})
    post_id = fields.Integer(required=True, allow_none=True,
                             metadata={"description": "The post it is about (the reply or the mentioning post); "
                                                      "null for a follow."})
    timestamp = fields.DateTime(required=True)
    unread = fields.Boolean(required=True, metadata={"description": "Newer than your read mark."})
    links = Computed(ActivityLinksSchema, lambda item: {
        "actor": url_for("api.get_user", id=item.actor_id),
        "post": url_for("api.get_post", id=item.post_id) if item.post_id is not None else None,
    }, data_key="_links", required=True)


class ActivityReadSchema(Input):
    up_to = StrictInteger(required=True, validate=validate.Range(min=0, max=MAX_QUERY_INT),
                           metadata={"description": "Mark your items with this id or a lower one read."})


class UnreadActivitySchema(Schema):
    unread_activity_count = fields.Integer(required=True)
    read_up_to = fields.Integer(required=True, metadata={"description": "Your read mark now."})


# -- tasks ------------------------------------------------------------------------------


class TaskCreateSchema(Input):
    name = fields.String(required=True, validate=validate.OneOf(["export_posts"]))


class TaskLinksSchema(Schema):
    self = fields.String(required=True)


class TaskSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True, allow_none=True)
    complete = fields.Boolean(required=True, metadata={"description": "Finished, well or not."})
    failed = fields.Boolean(required=True)
    error = fields.String(required=True, allow_none=True, metadata={"description": "Why it failed."})
    result = fields.Function(lambda task: task.get_result(), required=True, allow_none=True,
                             metadata={"description": "The job's result once complete."})
    created_at = fields.DateTime(required=True)
    links = Computed(TaskLinksSchema, lambda task: {"self": url_for("api.get_task", id=task.id)},
                     data_key="_links", required=True)
