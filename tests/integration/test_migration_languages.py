"""Migration 0002 matches the models, and goes down and up again, on SQLite and PostgreSQL."""

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from app.extensions import db
from tests.conftest import SCHEMA_COMPARISON, config_for

# SQLite cannot reflect the lower(...) indexes; PostgreSQL compares them.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning"
)


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=SCHEMA_COMPARISON)
        return compare_metadata(context, db.metadata)


def columns(table: str) -> dict[str, dict]:
    return {column["name"]: column for column in sa.inspect(db.engine).get_columns(table)}


def test_the_migrations_build_the_schema_the_models_describe(database_url):
    app = create_app(config_for(database_url))
    with app.app_context():
        try:
            assert schema_differences() == []
            assert columns("users")["locale"]["nullable"] and columns("posts")["language"]["nullable"]
            key = sa.inspect(db.engine).get_pk_constraint("post_translations")
            assert (key["name"], key["constrained_columns"]) == ("pk_post_translations", ["post_id", "language"])
        finally:
            db.engine.dispose()


def test_0002_downgrades_and_upgrades_keeping_the_data(database_url):
    app = create_app(config_for(database_url))
    with app.app_context():
        try:
            flask_migrate.downgrade(revision="0001")
            inspector = sa.inspect(db.engine)
            assert "post_translations" not in inspector.get_table_names()
            assert "locale" not in columns("users") and "language" not in columns("posts")
            # The case-insensitive unique indexes of 0001 survive the round trip.
            with db.engine.begin() as connection:
                connection.execute(sa.text(
                    "INSERT INTO users (username, email, created_at, followers_count, following_count, posts_count)"
                    " VALUES ('Ana', 'ana@example.com', CURRENT_TIMESTAMP, 0, 0, 0)"))
            flask_migrate.upgrade()
            with db.engine.begin() as connection:
                assert connection.execute(sa.text("SELECT username, locale FROM users")).all() == [("Ana", None)]
                try:
                    with connection.begin_nested():
                        connection.execute(sa.text(
                            "INSERT INTO users (username, email, created_at, followers_count, following_count,"
                            " posts_count) VALUES ('ANA', 'other@example.com', CURRENT_TIMESTAMP, 0, 0, 0)"))
                except sa.exc.IntegrityError:
                    pass
                else:
                    raise AssertionError("the unique index on lower(username) was lost")
                connection.execute(sa.text("DELETE FROM users"))
            assert schema_differences() == []
        finally:
            db.engine.dispose()
