"""Hooks that run around every request, registered by the factory."""

from flask import Flask, Response, current_app, request
from flask_login import current_user

from .extensions import db
from .web import InvalidInput, upload_limit

UPLOAD_PARSER_MEMORY = 256 * 1024


def register(app: Flask) -> None:
    """Attach the request hooks to ``app``."""
    # First of every hook: CSRFProtect (bound earlier) reads the form, which must be allowed its size.
    app.before_request_funcs.setdefault(None, []).insert(0, allow_uploads)
    app.before_request_funcs[None].insert(1, refuse_nameless_form_parts)
    app.before_request(refuse_nul_characters)
    app.before_request(record_last_seen)
    app.after_request(set_security_headers)


def allow_uploads() -> None:
    """A view that takes a file (``web.accepts_upload``) reads a larger body than the others, before
    any hook reads the form."""
    limit = upload_limit()
    if limit is not None:
        request.max_content_length = limit
        # Werkzeug's multipart parser holds up to two 64 KiB chunks of a file in memory while it
        # looks for the part's end, and counts them against this limit.
        request.max_form_memory_size = max(request.max_form_memory_size or 0, UPLOAD_PARSER_MEMORY)


def refuse_nameless_form_parts() -> None:
    """A multipart part without a name is a 400 here, before the CSRF check, which fails on one."""
    if request.mimetype == "multipart/form-data" and None in request.form:
        raise InvalidInput({"form": ["Every part of a form needs a name."]}, "The form is malformed.")


def refuse_nul_characters() -> None:
    """A NUL in a URL segment, query or form value is a 400 naming it here, not a driver error later."""
    named_values = [*(request.view_args or {}).items(), *request.args.items(multi=True)]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        named_values += request.form.items(multi=True)
    for name, value in named_values:
        if "\x00" in name or (isinstance(value, str) and "\x00" in value):
            raise InvalidInput({name.replace("\x00", "\\0"): ["NUL characters are not accepted."]},
                               "The request contains a NUL character.")


def record_last_seen() -> None:
    """Keep ``last_seen`` fresh, writing at most once per LAST_SEEN_INTERVAL."""
    if current_user.is_authenticated and current_user.touch_last_seen():
        db.session.commit()


def set_security_headers(response: Response) -> Response:
    """The headers every answer carries (a view may set its own first).

    A strict Content-Security-Policy (no page needs inline scripts), no framing at all
    (clickjacking), no MIME sniffing, no full URLs sent to other sites, HSTS over HTTPS, and
    ``no-store`` on anything not meant to be cached, since pages show private data.
    """
    headers = response.headers
    policy = current_app.config.get("CONTENT_SECURITY_POLICY")
    if policy and request.endpoint == "apifairy.docs":
        # Redoc, the API's reference page, injects its own <style> elements and searches in a blob worker.
        policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") + "; worker-src 'self' blob:"
    if policy:
        headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure and current_app.config.get("HSTS_MAX_AGE"):
        headers.setdefault("Strict-Transport-Security", f"max-age={current_app.config['HSTS_MAX_AGE']}")
    if "Cache-Control" not in headers and request.endpoint != "static":
        response.cache_control.no_store = True
    return response
