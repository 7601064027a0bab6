"""Chat rooms: the pages (/chat, /chat/<room>) and the Socket.IO handlers of live messaging."""

from flask import Blueprint

bp = Blueprint("chat", __name__)

from . import routes  # noqa: E402,F401  (views attach themselves to bp)
