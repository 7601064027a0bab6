"""Shared fixtures: the app on each database, a CSRF-aware client, factories.

Every test that uses ``app`` runs once on SQLite and once on PostgreSQL (set
TEST_DATABASES=sqlite to run only one). The schema comes from the migrations,
applied once per database and session; each test starts on empty tables.
"""

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask, g
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db
from app.jobs import LocalQueue
from app.models import Post, User
from app.search import searchable_models
from app.search.database import include_in_autogenerate
from config import TestConfig
from tests.fake_translation import FakeTranslationService, fake_service

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/microblog_test")
DATABASES = [name.strip() for name in os.environ.get("TEST_DATABASES", "sqlite,postgresql").split(",") if name.strip()]
TRANSLATIONS = Path(__file__).resolve().parent.parent / "app" / "translations"
PASSWORD = "correct horse battery"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Options for comparing a migrated database with the models; the search index is hand-written (0007).
SCHEMA_COMPARISON = {"compare_type": True, "include_object": include_in_autogenerate}


def service_missing(reason: str) -> None:
    """Skip a test whose service is absent, or fail it where services are required (CI)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def config_for(database_url: str, **settings) -> type:
    return type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url, **settings})


def create_postgres_database(url: str) -> None:
    """Create a fresh, empty test database on the PostgreSQL server."""
    target = sa.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    except sa.exc.OperationalError as error:
        service_missing(f"PostgreSQL is not reachable at {target.render_as_string(hide_password=True)}: {error.orig}")
    finally:
        admin.dispose()


def migrate(database_url: str) -> None:
    app = create_app(config_for(database_url))
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """Compile the catalogs that are newer than their .mo files, as `make translations` does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory) -> str:
    """A migrated, empty database of each kind, shared by the session."""
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "test.db")
    elif request.param == "postgresql":
        url = POSTGRES_URL
        create_postgres_database(url)
    else:
        raise ValueError(f"unknown database {request.param!r} in TEST_DATABASES")
    migrate(url)
    return url


def empty_all_tables() -> None:
    tables = [table for table in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
        for name in searchable_models():  # the FTS5 tables, which the ORM writes at each flush
            db.session.execute(sa.text(f"DELETE FROM {name}_search"))
    db.session.commit()


def wait_for_local_jobs(app: Flask) -> None:
    """Let the in-process worker finish what the test queued, so nothing writes after the cleanup."""
    queue = app.extensions["task_queue"]
    if isinstance(queue, LocalQueue):
        queue.join()


class CSRFClient(FlaskClient):
    """A test client that posts forms with a valid CSRF token, as a browser would.

    Pass ``csrf=False`` to post without one.
    """

    def open(self, *args, **kwargs):
        # Tests hold an app context open, and Flask reuses it for requests; start
        # each request with an empty ``g`` (logged-in user, locale) as a server would.
        for name in list(g):
            g.pop(name)
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        page = self.get("/auth/login", follow_redirects=True).get_data(as_text=True)
        match = CSRF_INPUT.search(page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and isinstance(data, dict) and "csrf_token" not in data:
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        elif csrf and data is None and "json" not in kwargs:
            kwargs["data"] = {"csrf_token": self.csrf_token()}
        return super().post(*args, **kwargs)


@pytest.fixture
def app_settings() -> dict:
    """Settings on top of TestConfig for the ``app`` fixture; a test module may override it."""
    return {}


@pytest.fixture
def app(database_url, app_settings) -> Iterator[Flask]:
    app = create_app(config_for(database_url, **app_settings))
    app.test_client_class = CSRFClient
    with app.app_context():
        try:
            yield app
        finally:
            wait_for_local_jobs(app)
            db.session.rollback()
            empty_all_tables()
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app) -> CSRFClient:
    return app.test_client()


class AuthActions:
    def __init__(self, client: CSRFClient):
        self.client = client

    def login(self, username: str = "john", password: str = PASSWORD, **extra):
        return self.client.post("/auth/login", data={"username": username, "password": password, **extra})

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture(scope="session")
def password_hash() -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD)


@pytest.fixture
def make_user(app, password_hash):
    """Create and commit a person; the password is conftest.PASSWORD."""

    def make(username: str = "john", email: str | None = None, **fields) -> User:
        user = User(username=username, email=email or f"{username}@example.com", password_hash=password_hash, **fields)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_post(app):
    """Publish and commit a post, optionally at a given time."""

    def make(author: User, body: str = "hello", timestamp: datetime | None = None) -> Post:
        post = Post.publish(author, body)
        if timestamp is not None:
            post.timestamp = timestamp
        db.session.commit()
        return post

    return make


@pytest.fixture
def count_queries(app):
    """``with count_queries() as statements:`` records the SQL run inside the block."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)

    return counting


def wait_for(condition, timeout: float = 5.0, interval: float = 0.05):
    """Poll ``condition`` until it returns something truthy, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


@pytest.fixture
def microsoft_translator() -> Iterator[FakeTranslationService]:
    """A local Microsoft Translator (v3 API) with a key and a region."""
    with fake_service("microsoft") as service:
        yield service


@pytest.fixture
def libretranslate() -> Iterator[FakeTranslationService]:
    """A local LibreTranslate server that wants an API key."""
    with fake_service("libretranslate") as service:
        yield service
