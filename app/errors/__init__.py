"""Error pages, or JSON errors for API and JSON clients."""

from flask import Blueprint

bp = Blueprint("errors", __name__)

from . import handlers  # noqa: E402,F401  (handlers attach themselves to bp)
