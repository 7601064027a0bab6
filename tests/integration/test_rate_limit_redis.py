"""Rate limits counted in the real Redis (database 5 of the local server), shared by two app processes' worth
of state: two apps stand for two gunicorn workers."""

import os
import uuid

import pytest

from app import create_app
from app.extensions import db
from tests.conftest import PASSWORD, CSRFClient, config_for, service_missing

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in the test Redis database; its keys are deleted afterwards."""
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as error:
        service_missing(f"Redis is not reachable at {REDIS_URL}: {error}")
    prefix = f"microblog-test-{uuid.uuid4().hex}"
    yield prefix, connection
    keys = list(connection.scan_iter(f"{prefix}:*"))
    if keys:
        connection.delete(*keys)
    connection.close()


def limited_app(database_url: str, prefix: str):
    app = create_app(config_for(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=REDIS_URL,
                                RATELIMIT_STORAGE_OPTIONS={"key_prefix": prefix},
                                RATELIMIT_LOGIN_PER_ACCOUNT="2 per hour"))
    app.test_client_class = CSRFClient
    return app


def test_failed_sign_ins_are_counted_in_redis_across_workers(app, make_user, redis_prefix):
    prefix, connection = redis_prefix
    make_user("john")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    first = limited_app(url, prefix)
    with first.app_context():
        client = first.test_client()
        for _ in range(2):
            response = client.post("/auth/login", data={"username": "john", "password": "wrong password"})
            assert response.status_code == 302
        db.session.remove()
        db.engine.dispose()
    assert list(connection.scan_iter(f"{prefix}:*"))  # the counts live in Redis
    second = limited_app(url, prefix)
    with second.app_context():
        response = second.test_client().post("/auth/login", data={"username": "john", "password": PASSWORD})
        assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
        db.session.remove()
        db.engine.dispose()
