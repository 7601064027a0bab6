"""The social core: feeds, posts, profiles, follows, messages and notifications."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from . import activity, messages, people, posts, reactions, reports, routes, search  # noqa: E402,F401  (views attach themselves to bp)
