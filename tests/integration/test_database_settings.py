"""The app's PostgreSQL connections: JIT compilation off unless DATABASE_JIT is set; pooled ones
checked before use only after DATABASE_PING_AFTER idle seconds."""

import time

import sqlalchemy as sa

from app import create_app
from app.extensions import db
from config import Config
from tests.conftest import config_for


def test_connections_run_without_jit(app):
    if db.engine.dialect.name != "postgresql":
        assert "connect_args" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]  # SQLite has no JIT
        return
    assert db.session.scalar(sa.text("SHOW jit")) == "off"


def test_database_jit_leaves_the_servers_setting(database_url):
    if not database_url.startswith("postgresql"):
        return
    plain = sa.create_engine(database_url)
    try:
        with plain.connect() as connection:
            server_setting = connection.scalar(sa.text("SHOW jit"))
    finally:
        plain.dispose()
    app = create_app(config_for(database_url, DATABASE_JIT=True))
    with app.app_context():
        try:
            assert db.session.scalar(sa.text("SHOW jit")) == server_setting
        finally:
            db.session.remove()
            db.engine.dispose()


def test_jit_option_joins_the_other_connection_options():
    options = {"pool_pre_ping": True, "connect_args": {"options": "-c statement_timeout=5000", "connect_timeout": 3}}
    app = create_app(config_for("postgresql+psycopg://postgres@127.0.0.1:1/nowhere", SQLALCHEMY_ENGINE_OPTIONS=options))
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {
        "options": "-c statement_timeout=5000 -c jit=off", "connect_timeout": 3}
    # Neither the settings given nor the defaults are changed in place.
    assert options["connect_args"]["options"] == "-c statement_timeout=5000"
    assert "connect_args" not in Config.SQLALCHEMY_ENGINE_OPTIONS


def backend_pid() -> int:
    pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    db.session.remove()  # back to the pool, as at the end of a request
    return pid


def terminate(database_url: str, pid: int) -> None:
    admin = sa.create_engine(database_url)
    try:
        with admin.connect() as connection:
            assert connection.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        admin.dispose()


def test_a_connection_idle_long_enough_is_checked_and_replaced_if_dropped(database_url):
    if not database_url.startswith("postgresql"):
        return
    app = create_app(config_for(database_url, DATABASE_PING_AFTER=0.2))
    with app.app_context():
        try:
            first = backend_pid()
            terminate(database_url, first)
            time.sleep(0.3)
            # The pool checks the idle connection, finds it dropped and opens another: no error.
            assert backend_pid() != first
        finally:
            db.session.remove()
            db.engine.dispose()


def test_a_connection_used_a_moment_ago_is_not_checked(database_url, monkeypatch):
    if not database_url.startswith("postgresql"):
        return
    app = create_app(config_for(database_url, DATABASE_PING_AFTER=60))
    with app.app_context():
        pings = []
        original = db.engine.dialect.do_ping
        monkeypatch.setattr(db.engine.dialect, "do_ping", lambda connection: pings.append(1) or original(connection))
        try:
            first = backend_pid()
            assert [backend_pid() for _ in range(3)] == [first] * 3
            assert pings == []
            assert "pool_pre_ping" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        finally:
            db.session.remove()
            db.engine.dispose()


def test_ping_after_zero_checks_every_checkout():
    app = create_app(config_for("postgresql+psycopg://postgres@127.0.0.1:1/nowhere", DATABASE_PING_AFTER=0))
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_the_pool_keeps_database_pool_size_connections(database_url):
    if not database_url.startswith("postgresql"):
        return
    app = create_app(config_for(database_url, DATABASE_POOL_SIZE=12, DATABASE_MAX_OVERFLOW=3))
    with app.app_context():
        try:
            assert (db.engine.pool.size(), db.engine.pool._max_overflow) == (12, 3)
        finally:
            db.engine.dispose()
    default = create_app(config_for(database_url))
    assert default.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 10
