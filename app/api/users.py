"""People: profiles, registering, editing your own, followers and following."""

import sqlalchemy as sa
from apifairy import arguments, authenticate, body, other_responses, response
from flask import abort, g, url_for

from .. import accounts, avatars
from ..accounts import AccountError
from ..extensions import db, limiter
from ..models import Blocked, User
from ..ratelimits import setting, signed_in_person
from ..web import InvalidInput, accepts_upload
from . import bp
from .auth import current_person, token_auth
from .collections import PageArgsSchema, numbered_page, page_of
from .errors import documented
from .helpers import account_error, find_or_404, multipart_only
from .schemas import AvatarUploadSchema, TaskSchema, UserCreateSchema, UserSchema, UserUpdateSchema

user_page = page_of(UserSchema)


@bp.route("/users", methods=["POST"])
@limiter.limit(setting("RATELIMIT_REGISTER"))
@body(UserCreateSchema)
@response(UserSchema, 201)
@other_responses(documented(409, 429, body=True, auth=False))
def create_user(data: dict):
    """Register a new account (the same rules as the register page)"""
    try:
        user = accounts.register(data["username"], data["email"], data["password"])
    except AccountError as error:
        raise account_error(error) from None
    db.session.commit()
    g.api_user_id = user.id  # the new person sees their own e-mail address
    return user, 201, {"Location": url_for("api.get_user", id=user.id)}


@bp.route("/users", methods=["GET"])
@authenticate(token_auth)
@arguments(PageArgsSchema)
@response(user_page)
@other_responses(documented(400))
def get_users(args: dict):
    """Everyone, in the order they joined"""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    return numbered_page(sa.select(User).order_by(User.id), args, total, "api.get_users")


@bp.route("/users/<int:id>", methods=["GET"])
@authenticate(token_auth)
@response(UserSchema)
@other_responses(documented(404))
def get_user(id: int):
    """One person's profile (with the e-mail address when it is yours)"""
    return find_or_404(User, id)


@bp.route("/me", methods=["GET"])
@authenticate(token_auth)
@response(UserSchema)
@other_responses(documented())
def get_me():
    """Your own profile"""
    return current_person()


@bp.route("/users/<int:id>", methods=["PUT"])
@authenticate(token_auth)
@body(UserUpdateSchema)
@response(UserSchema)
@other_responses(documented(403, 404, 409, body=True))
def update_user(data: dict, id: int):
    """Change your username, about-me text, language or password (fields left out keep their value)"""
    user = find_or_404(User, id)
    if user.id != current_person().id:
        abort(403, "You can change only your own account.")
    try:
        accounts.update_profile(user, data.get("username", user.username), data.get("about_me", user.about_me),
                                data.get("language", user.locale))
        if "password" in data:
            accounts.change_password(user, data.get("current_password"), data["password"])
    except AccountError as error:
        db.session.rollback()
        raise account_error(error) from None
    db.session.commit()
    return user


def your_own(id: int) -> User:
    """Person ``id`` when that is the caller: 404 for nobody, 403 for somebody else."""
    user = find_or_404(User, id)
    if user.id != current_person().id:
        abort(403, "You can change only your own picture.")
    return user


@bp.route("/users/<int:id>/avatar", methods=["PUT"])
@accepts_upload("AVATAR_MAX_BYTES")
@authenticate(token_auth)
@limiter.limit(setting("RATELIMIT_TASK"), key_func=signed_in_person)
@multipart_only
@body(AvatarUploadSchema, location="form", media_type="multipart/form-data")
@response(TaskSchema, 202, description="The picture is being processed; follow the task at Location.")
@other_responses(documented(403, 404, 409, 429, body=True))
def upload_avatar(data: dict, id: int):
    """Upload your picture, multipart/form-data `file` (PNG, JPEG or WebP, at most 5 MB), made square in a task"""
    user = your_own(id)
    try:
        task = avatars.start_upload(user, data["file"].stream)
    except avatars.AvatarRefused as refusal:
        raise InvalidInput({"file": [str(refusal)]}, str(refusal)) from None
    except avatars.PictureBeingProcessed:
        db.session.rollback()
        abort(409, "Your previous picture is still being processed.")
    db.session.commit()
    return task, 202, {"Location": url_for("api.get_task", id=task.id)}


@bp.route("/users/<int:id>/avatar", methods=["DELETE"])
@authenticate(token_auth)
@other_responses(documented(403, 404, 409))
def remove_avatar(id: int):
    """Remove your picture: the drawn default (the identicon) comes back"""
    user = your_own(id)
    try:
        avatars.remove_picture(user)
    except avatars.PictureBeingProcessed:
        abort(409, "Your picture is still being processed; remove it once it is done.")
    db.session.commit()
    return "", 204


@bp.route("/users/<int:id>/followers", methods=["GET"])
@authenticate(token_auth)
@arguments(PageArgsSchema)
@response(user_page)
@other_responses(documented(400, 404))
def get_followers(args: dict, id: int):
    """The people who follow someone, most recent first"""
    user = find_or_404(User, id)
    return numbered_page(user.followers_select(), args, user.followers_count, "api.get_followers", id=id)


@bp.route("/users/<int:id>/following", methods=["GET"])
@authenticate(token_auth)
@arguments(PageArgsSchema)
@response(user_page)
@other_responses(documented(400, 404))
def get_following(args: dict, id: int):
    """The people someone follows, most recent first"""
    user = find_or_404(User, id)
    return numbered_page(user.following_select(), args, user.following_count, "api.get_following", id=id)


@bp.route("/me/following/<int:id>", methods=["POST"])
@authenticate(token_auth)
@other_responses(documented(404, 409, 422))
def follow(id: int):
    """Follow someone"""
    user = find_or_404(User, id)
    if user.id == current_person().id:
        abort(422, "You cannot follow yourself.")
    try:
        followed = current_person().follow(user)
    except Blocked:
        abort(422, "You cannot follow this person: one of you has blocked the other.")
    if not followed:
        abort(409, "You already follow this person.")
    db.session.commit()
    return "", 204


@bp.route("/me/following/<int:id>", methods=["DELETE"])
@authenticate(token_auth)
@other_responses(documented(404, 409))
def unfollow(id: int):
    """Stop following someone"""
    user = find_or_404(User, id)
    if not current_person().unfollow(user):
        abort(409, "You do not follow this person.")
    db.session.commit()
    return "", 204
