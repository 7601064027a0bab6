"""The app's PostgreSQL connections run with JIT compilation off unless DATABASE_JIT is set."""

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
