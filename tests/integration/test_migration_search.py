"""Migration 0007 (the search index) on a scratch database of each kind: rows already there
become searchable, and the downgrade removes every trace."""

import flask_migrate
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Post, User

NOW = "2026-01-01 00:00:00"
pytestmark = pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning"
)


def search_objects() -> set[str]:
    """The names of the search index's tables, triggers, columns and indexes."""
    if db.engine.dialect.name == "sqlite":
        rows = db.session.scalars(sa.text("SELECT name FROM sqlite_master WHERE name LIKE '%search%'"))
        return set(rows)
    columns = db.session.scalars(sa.text(
        "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE column_name = 'search_vector'"))
    indexes = db.session.scalars(sa.text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%search%'"))
    return {*columns, *indexes}


def test_existing_rows_become_searchable_and_the_downgrade_removes_the_index(scratch_app):
    flask_migrate.upgrade(revision="0007-1")
    assert search_objects() == set()
    db.session.execute(sa.text(
        "INSERT INTO users (id, username, email, about_me, created_at, followers_count, following_count, "
        "posts_count, unread_message_count, notification_seq) "
        "VALUES (1, 'tulipfan', 't@example.com', 'roses too', :now, 0, 0, 1, 0, 0)"
    ), {"now": NOW})
    db.session.execute(sa.text(
        "INSERT INTO posts (body, timestamp, user_id, language) VALUES ('tulips before search', :now, 1, 'en')"
    ), {"now": NOW})
    db.session.commit()

    flask_migrate.upgrade(revision="0007")
    if db.engine.dialect.name == "sqlite":
        assert {"posts_search", "users_search"} <= search_objects()
    else:
        assert search_objects() == {"posts.search_vector", "users.search_vector",
                                    "ix_posts_search_vector", "ix_users_search_vector"}
    # The models now describe later revisions too, so the search itself is asked at the head.
    flask_migrate.upgrade()
    assert [post.body for post in Post.search("tulip").items] == ["tulips before search"]
    assert [user.username for user in User.search("roses").items] == ["tulipfan"]
    db.session.commit()

    flask_migrate.downgrade(revision="0007-1")
    assert search_objects() == set()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 1  # the rows stay
    db.session.commit()
    flask_migrate.upgrade()
    assert [post.body for post in Post.search("tulip").items] == ["tulips before search"]
    db.session.commit()
