"""Who is calling: HTTP Basic (only to get a token) and bearer tokens (everything else)."""

from flask import g
from flask_httpauth import HTTPBasicAuth, HTTPTokenAuth
from werkzeug.exceptions import Unauthorized

from ..accounts import authenticate
from ..models import Token, User
from ..web import error_payload

basic_auth = HTTPBasicAuth()
token_auth = HTTPTokenAuth()
basic_auth.__doc__ = "Your username (or e-mail address) and password; used only by POST /api/tokens."
token_auth.__doc__ = "A token from POST /api/tokens, sent as `Authorization: Bearer <token>`."


@basic_auth.verify_password
def verify_password(login: str, password: str) -> User | None:
    """The person these credentials belong to, or None (also when they are suspended)."""
    user = authenticate(login, password) if login and password else None
    return user if user is not None and not user.is_suspended else None


@token_auth.verify_token
def verify_token(secret: str) -> User | None:
    """The person holding this unexpired token, or None; the token is kept in ``g`` for revoking."""
    token = Token.find_valid(secret)
    if token is None:
        return None
    g.api_token, g.api_user_id = token, token.user_id
    return token.user


def auth_error(status: int):
    """401 in the API's one error shape; Flask-HTTPAuth adds the scheme's WWW-Authenticate."""
    return error_payload(status, Unauthorized.description), status


basic_auth.error_handler(auth_error)
token_auth.error_handler(auth_error)


def current_token() -> Token:
    """The token the current request came with."""
    return g.api_token


def current_person() -> User:
    """The person the current request acts for."""
    return token_auth.current_user()
