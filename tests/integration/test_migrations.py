"""The migrations build exactly the schema the models describe, and undo it."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.conftest import SCHEMA_COMPARISON


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=SCHEMA_COMPARISON)
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_case_insensitive_unique_indexes_exist(app):
    """SQLite cannot reflect expression indexes for the comparison above, so look them up."""
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            rows = connection.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
        else:
            rows = connection.execute(sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'users'"))
        indexes = {name: definition for name, definition in rows}
    for name, column in (("uq_users_username_lower", "username"), ("uq_users_email_lower", "email")):
        definition = indexes[name].lower()
        assert "unique" in definition and "lower(" in definition and column in definition


def test_downgrade_to_nothing_and_back(app):
    downgrade(revision="base")
    assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert {"users", "posts", "follows"} <= set(sa.inspect(db.engine).get_table_names())
