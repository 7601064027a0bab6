"""One handler for every HTTP error: a page in the site's look, or JSON."""

from flask import render_template
from werkzeug.exceptions import HTTPException

from ..extensions import db
from ..web import wants_json
from . import bp


def error_response(error: HTTPException):
    if wants_json():
        payload = {"code": error.code, "message": error.name, "description": error.description}
        if getattr(error, "errors", None):
            payload["errors"] = error.errors
        return payload, error.code
    return render_template("errors/error.html", error=error), error.code


@bp.app_errorhandler(HTTPException)
def handle_http_error(error: HTTPException):
    """Answer any HTTP error; unhandled exceptions arrive here as a logged 500."""
    if error.code is None or error.code >= 500:
        db.session.rollback()
    return error_response(error)
