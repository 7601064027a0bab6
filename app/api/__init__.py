"""The REST API at /api: JSON in and out, bearer tokens, described by an OpenAPI document."""

from flask import Blueprint

bp = Blueprint("api", __name__)

# The views attach themselves to bp; docs.py groups them in the OpenAPI document by module.
from . import activity, docs, messages, posts, rooms, search, system, tasks, tokens, users  # noqa: E402,F401
