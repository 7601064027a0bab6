"""Migration 0003 (messages, conversations, notifications) on a scratch database of each kind."""

import warnings

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from tests.conftest import SCHEMA_COMPARISON

NEW_TABLES = {"conversations", "conversation_members", "messages", "notifications"}


def schema() -> tuple[set[str], set[str], set[str]]:
    inspector = sa.inspect(db.engine)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLite cannot reflect the expression indexes on users
        user_indexes = {index["name"] for index in inspector.get_indexes("users")}
    user_columns = {column["name"] for column in inspector.get_columns("users")}
    return set(inspector.get_table_names()), user_columns, user_indexes


def test_upgrade_matches_the_models_and_downgrade_restores_0002(scratch_app):
    flask_migrate.upgrade()
    with db.engine.connect() as connection, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        context = MigrationContext.configure(connection, opts=SCHEMA_COMPARISON)
        assert compare_metadata(context, db.metadata) == []
    tables, user_columns, _ = schema()
    assert NEW_TABLES <= tables and "unread_message_count" in user_columns

    flask_migrate.downgrade(revision="0002")
    tables, user_columns, user_indexes = schema()
    assert not NEW_TABLES & tables and "unread_message_count" not in user_columns
    if db.engine.dialect.name == "postgresql":
        assert {"uq_users_username_lower", "uq_users_email_lower"} <= user_indexes
    else:  # the indexes on lower(...) survive the downgrade: users was not rebuilt
        names = db.session.scalars(sa.text("SELECT name FROM sqlite_master WHERE tbl_name = 'users'")).all()
        assert {"uq_users_username_lower", "uq_users_email_lower"} <= set(names)

    flask_migrate.upgrade()
    assert NEW_TABLES <= schema()[0]
