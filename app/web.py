"""Request helpers shared by the blueprints: safe redirect targets, HTML or JSON."""

import re
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from werkzeug.exceptions import BadRequest
from werkzeug.http import HTTP_STATUS_CODES

from .accounts import AccountError
from .extensions import db

# The largest id or count a query parameter may name: PostgreSQL's integer.
MAX_QUERY_INT = 2**31 - 1


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def is_safe_next(target: str | None) -> bool:
    """Whether a ``next`` value is a path on this site (never another host, no control characters)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if CONTROL_CHARACTERS.search(target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for an e-mail, never built from the request's Host header.

    The host is SERVER_NAME, else the first exact name in TRUSTED_HOSTS, with
    PREFERRED_URL_SCHEME; only under debug or testing (start-up refuses otherwise) can
    neither be set, and then the request's own address is used.
    """
    config = current_app.config
    trusted = [host for host in config.get("TRUSTED_HOSTS") or [] if not host.startswith(".")]
    host = config.get("SERVER_NAME") or (trusted[0] if trusted else None)
    if host is None:
        return url_for(endpoint, _external=True, **values)
    adapter = current_app.url_map.bind(
        host, script_name=config.get("APPLICATION_ROOT") or "/", url_scheme=config["PREFERRED_URL_SCHEME"]
    )
    return adapter.build(endpoint, values, force_external=True)


def wants_json() -> bool:
    """API paths, JSON requests and clients that prefer JSON get JSON answers."""
    if request.path == "/api" or request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_payload(code: int, description: str | None = None, errors: dict | None = None) -> dict[str, Any]:
    """The one JSON error shape: ``{code, message, description}``, plus ``errors`` per field."""
    payload: dict[str, Any] = {"code": code, "message": HTTP_STATUS_CODES.get(code, "Error"),
                               "description": description or ""}
    if errors:
        payload["errors"] = errors
    return payload


def add_form_error(form, error, default_field: str = "username") -> None:
    """Show a service's domain error (``field``, ``message``) under the form field it names."""
    field = getattr(form, error.field, None) or getattr(form, default_field)
    field.errors = [*field.errors, error.message]


def save_account(form, service, *args, default_field: str = "username"):
    """Call an account service and commit: its result, or None after showing its error on ``form``."""
    try:
        result = service(*args)
    except AccountError as error:
        add_form_error(form, error, default_field)
        return None
    db.session.commit()
    return result


class InvalidInput(BadRequest):
    """A 400 whose JSON answer says what is wrong with each field, under ``errors``."""

    def __init__(self, errors: dict[str, Any], description: str | None = None):
        super().__init__(description)
        self.errors = errors


def query_int(name: str, default: int | None = None, minimum: int = 0, maximum: int = MAX_QUERY_INT) -> int | None:
    """A whole-number query parameter within bounds; anything else is a 400 that names it."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or not minimum <= int(raw) <= maximum:
        raise InvalidInput(
            {name: [f"Give a whole number from {minimum} to {maximum}."]}, f"The parameter {name!r} is not valid."
        )
    return int(raw)



# Room in an upload's body for the multipart framing and the form's other fields.
UPLOAD_OVERHEAD = 64 * 1024


def accepts_upload(setting: str):
    """Mark a view that takes a file of up to ``config[setting]`` bytes: its requests may be that
    much larger than MAX_CONTENT_LENGTH (``hooks.allow_uploads`` raises the limit for it alone)."""

    def mark(view):
        view.upload_limit_setting = setting
        return view

    return mark


def upload_limit() -> int | None:
    """The body size the current request's view accepts, if it takes uploads."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    setting = getattr(view, "upload_limit_setting", None)
    return current_app.config[setting] + UPLOAD_OVERHEAD if setting else None
