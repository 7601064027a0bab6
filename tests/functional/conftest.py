"""Fixtures for the route tests."""

import pytest


@pytest.fixture
def john(make_user, auth):
    """john, signed in through the login form."""
    user = make_user("john")
    auth.login()
    return user


@pytest.fixture
def bearer(app):
    """``bearer(user)``: headers with a fresh API token for ``user``."""
    from app.extensions import db
    from app.models import Token

    def headers(user, device: str | None = None) -> dict[str, str]:
        _, secret = Token.issue(user, app.config["API_TOKEN_LIFETIME"], device)
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return headers
