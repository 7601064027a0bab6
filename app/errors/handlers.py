"""One handler for every HTTP error: a page in the site's look, or JSON."""

from flask import render_template, request
from werkzeug.exceptions import HTTPException

from ..extensions import db
from . import bp


def wants_json() -> bool:
    """API paths and clients that prefer JSON get JSON errors."""
    if request.path == "/api" or request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(error: HTTPException):
    if wants_json():
        payload = {"code": error.code, "message": error.name, "description": error.description}
        return payload, error.code
    return render_template("errors/error.html", error=error), error.code


@bp.app_errorhandler(HTTPException)
def handle_http_error(error: HTTPException):
    """Answer any HTTP error; unhandled exceptions arrive here as a logged 500."""
    if error.code is None or error.code >= 500:
        db.session.rollback()
    return error_response(error)
