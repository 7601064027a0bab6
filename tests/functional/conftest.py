"""Fixtures for the route tests."""

import pytest


@pytest.fixture
def john(make_user, auth):
    """john, signed in through the login form."""
    user = make_user("john")
    auth.login()
    return user
