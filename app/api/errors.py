"""The API's errors: one JSON shape, the validation handler, and what each view documents."""

from flask import Response, current_app, request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from ..extensions import apifairy
from ..web import InvalidInput, error_payload, upload_limit
from . import bp
from .schemas import ErrorSchema

# Why each error happens, for the OpenAPI document.
REASONS = {
    400: "The request is not valid: `errors` says what is wrong with each field.",
    401: "No valid credentials (a missing, wrong or expired token).",
    403: "Not yours to change.",
    404: "No such thing, or not one you may see.",
    409: "It conflicts with the current state.",
    413: "The request body is too large.",
    415: "Send the body as application/json.",
    422: "Understood but refused.",
    429: "Too many requests: wait the seconds given in Retry-After.",
    503: "A service it needs is unavailable.",
}


def documented(*codes: int, body: bool = False, auth: bool = True) -> dict[int, tuple]:
    """The ``other_responses`` of a view: these codes, plus 401 for token views and the
    body errors (400, 413, 415) for views that take one."""
    every = set(codes) | ({401} if auth else set()) | ({400, 413, 415} if body else set())
    return {code: (ErrorSchema, REASONS[code]) for code in sorted(every)}


@apifairy.error_handler
def validation_error(status: int, messages: dict):
    """A body or query string that fails its schema: 400 with the messages per field."""
    # webargs groups the messages by where they came from ("json", "query"); one request has one of each.
    errors: dict = {}
    for location_errors in messages.values():
        errors.update(location_errors if isinstance(location_errors, dict) else {"_schema": location_errors})
    return error_payload(status, "The request is not valid.", errors), status


@bp.before_request
def check_request_body() -> Response | None:
    """Before every API view: a body must be JSON, small enough, and well formed."""
    upload = upload_limit()
    limit = upload or current_app.config["API_MAX_CONTENT_LENGTH"]
    if request.max_content_length is None or request.max_content_length > limit:
        request.max_content_length = limit  # larger bodies are a 413
    if not request.content_length and not request.headers.get("Transfer-Encoding"):
        return None
    if upload is not None:
        return None  # a file upload: helpers.multipart_only checks its type once the caller is known
    if not request.is_json:
        raise UnsupportedMediaType("Send the request body as JSON (Content-Type: application/json).")
    try:
        request.get_json()
    except BadRequest:
        errors = {"json": ["Send a well-formed JSON document in UTF-8."]}
        raise InvalidInput(errors, "The body is not valid JSON.") from None
    return None
