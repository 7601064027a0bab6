"""The admins' area: the queue of reports and what can be done about them."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import routes  # noqa: E402,F401  (views attach themselves to bp)
