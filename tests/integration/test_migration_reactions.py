"""Migration 0013 adds likes, reposts and their counters to existing posts, and takes them away again."""

import importlib.util
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa

from app.extensions import db

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0013_likes_and_reposts.py"


def previous_revision() -> str:
    spec = importlib.util.spec_from_file_location("migration_0013", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.revision == "0013"
    return module.down_revision


def test_existing_posts_get_zero_counts_and_the_tables_refuse_duplicates(scratch_app):
    flask_migrate.upgrade(revision=previous_revision())
    with db.engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO users (id, username, email, created_at) VALUES (1, 'anna', 'anna@example.com', :now)"),
            {"now": "2026-11-01 00:00:00"})
        connection.execute(sa.text(
            "INSERT INTO posts (id, body, timestamp, user_id) VALUES (1, 'older post', :now, 1)"),
            {"now": "2026-11-01 00:00:00"})

    flask_migrate.upgrade(revision="0013")

    with db.engine.begin() as connection:
        assert connection.execute(sa.text("SELECT like_count, repost_count FROM posts")).one() == (0, 0)
        for table in ("likes", "reposts"):
            connection.execute(sa.text(
                f"INSERT INTO {table} (user_id, post_id, created_at) VALUES (1, 1, '2026-11-02 00:00:00')"))
    for table in ("likes", "reposts"):
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(sa.text(
                f"INSERT INTO {table} (user_id, post_id, created_at) VALUES (1, 1, '2026-11-03 00:00:00')"))
    indexes = {index["name"] for index in sa.inspect(db.engine).get_indexes("reposts")}
    assert {"ix_reposts_user_id_created_at_post_id", "ix_reposts_post_id_id"} <= indexes

    flask_migrate.downgrade(revision=previous_revision())

    inspector = sa.inspect(db.engine)
    assert not {"likes", "reposts"} & set(inspector.get_table_names())
    assert not {"like_count", "repost_count"} & {column["name"] for column in inspector.get_columns("posts")}
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT body FROM posts")).scalar_one() == "older post"
