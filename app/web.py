"""Request helpers shared by the blueprints: safe redirect targets, HTML or JSON."""

from urllib.parse import urlsplit

from flask import request
from werkzeug.exceptions import BadRequest


def is_safe_next(target: str | None) -> bool:
    """Whether a ``next`` value is a path on this site (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def wants_json() -> bool:
    """API paths, JSON requests and clients that prefer JSON get JSON answers."""
    if request.path == "/api" or request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


class InvalidInput(BadRequest):
    """A 400 whose JSON answer says what is wrong with each field, under ``errors``."""

    def __init__(self, errors: dict[str, str], description: str | None = None):
        super().__init__(description)
        self.errors = errors
