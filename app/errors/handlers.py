"""One handler for every HTTP error: a page in the site's look, or JSON."""

from flask import current_app, g, render_template
from flask.globals import request_ctx
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ..extensions import db
from ..extensions import login as login_manager
from ..web import error_payload, wants_json
from . import bp


def error_response(error: HTTPException):
    if request_ctx.url_adapter is None:  # a Host outside TRUSTED_HOSTS: no URL can be built
        return error.get_response()
    # Keep the error's own headers (Allow on a 405, Retry-After on a 429, WWW-Authenticate on a 401).
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    if wants_json():
        return error_payload(error.code, error.description, getattr(error, "errors", None)), error.code, headers
    return render_template("errors/error.html", error=error), error.code, headers


def forget_user_if_database_is_down() -> None:
    """Render as an anonymous visitor when the signed-in person cannot be read (the database
    is down), so the error page itself does not fail."""
    try:
        current_user.is_authenticated  # noqa: B018  (loads the person)
    except Exception:
        current_app.logger.warning("Error page shown without the signed-in person", exc_info=True)
        g._login_user = login_manager.anonymous_user()


@bp.app_errorhandler(HTTPException)
def handle_http_error(error: HTTPException):
    """Answer any HTTP error; unhandled exceptions arrive here as a logged 500."""
    if error.code is None or error.code >= 500:
        try:
            db.session.rollback()
        except Exception:  # a dead connection; the session is discarded at teardown anyway
            current_app.logger.warning("Rollback failed on the error path", exc_info=True)
        forget_user_if_database_is_down()
    return error_response(error)
