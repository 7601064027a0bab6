"""Rate limits: the limits are settings, the keys say who is counted.

Views stack ``limiter.limit(setting("RATELIMIT_..."), key_func=...)``: a generous
limit per client address (many people can share one) and a tight one per account
or per e-mail address. A breached limit raises Flask-Limiter's 429, which the
errors blueprint answers as a page or JSON; Flask-Limiter adds ``Retry-After``.
"""

from collections.abc import Callable

from flask import current_app, g, request
from flask_login import current_user

from .extensions import limiter


def setting(name: str) -> Callable[[], str]:
    """A limit read from the configuration at request time (so tests can lower it)."""
    return lambda: current_app.config[name]


def signed_in_person() -> str:
    """Counts per account: the API token's owner, or the person signed in to the site."""
    return f"user:{g.get('api_user_id') or getattr(current_user, 'id', None)}"


def is_anonymous() -> bool:
    return g.get("api_user_id") is None and not current_user.is_authenticated


def form_value(field: str) -> str:
    """A form field, stripped and in lower case, as a rate-limit key (the same for any spelling)."""
    value = request.form.get(field, "")
    return f"{field}:{value.strip().lower()[:200]}"


def login_account() -> str:
    return form_value("username")


def reset_email() -> str:
    return form_value("email")


def basic_auth_account() -> str:
    """The account named in an HTTP Basic header (POST /api/tokens), as a rate-limit key."""
    username = request.authorization.username if request.authorization else ""
    return f"username:{(username or '').strip().lower()[:200]}"


def refused(response) -> bool:
    """Whether the credentials were refused (only failed attempts count)."""
    return response.status_code == 401


def mark_failed_login() -> None:
    """Count this request against the login limits (only failed sign-ins count)."""
    g.failed_login = True


def failed_login(response) -> bool:
    return bool(g.get("failed_login"))


def created(response) -> bool:
    """Whether something was made (only rooms actually created count against RATELIMIT_ROOM)."""
    return response.status_code in (201, 302)


# One budget for every way of sending a message: the page, its JSON reply box and the API.
limit_messages = limiter.shared_limit(
    setting("RATELIMIT_MESSAGE"), scope="messages", key_func=signed_in_person, methods=["POST"],
    exempt_when=is_anonymous,
)

# One budget for creating chat rooms, on the chat page and through the API; only rooms made count.
limit_room_creation = limiter.shared_limit(
    setting("RATELIMIT_ROOM"), scope="rooms", key_func=signed_in_person, methods=["POST"],
    exempt_when=is_anonymous, deduct_when=created,
)
