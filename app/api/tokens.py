"""Tokens: trade a username and password for a bearer token, and revoke it."""

from apifairy import arguments, authenticate, other_responses, response
from flask import abort, current_app

from ..extensions import db, limiter
from ..models import Token
from ..models.token import TokenConflict
from ..ratelimits import basic_auth_account, refused, setting
from . import bp
from .auth import basic_auth, current_token, token_auth
from .errors import documented
from .schemas import TokenRequestSchema, TokenSchema


@bp.route("/tokens", methods=["POST"])
# Only refused credentials count: generous per client address, tight per account.
@limiter.limit(setting("RATELIMIT_LOGIN_PER_ADDRESS"), deduct_when=refused)
@limiter.limit(setting("RATELIMIT_LOGIN_PER_ACCOUNT"), key_func=basic_auth_account, deduct_when=refused)
@authenticate(basic_auth)
@arguments(TokenRequestSchema)
@response(TokenSchema)
@other_responses(documented(400, 409, 429))
def get_token(args: dict):
    """Get a bearer token with your username (or e-mail address) and password"""
    try:
        token, secret = Token.issue(basic_auth.current_user(), current_app.config["API_TOKEN_LIFETIME"],
                                    args.get("device"))
    except TokenConflict:
        db.session.rollback()
        abort(409, "Another token for this device was just created. Try again.")
    db.session.commit()
    return {"token": secret, "expires_at": token.expires_at, "device": token.device}


@bp.route("/tokens", methods=["DELETE"])
@authenticate(token_auth)
@other_responses(documented())
def revoke_token():
    """Revoke the token this request is sent with"""
    current_token().revoke()
    db.session.commit()
    return "", 204
