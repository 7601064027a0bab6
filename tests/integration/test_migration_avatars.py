"""Migration 0015 (uploaded pictures) on a scratch database of each kind: people already there keep
the drawn picture, and the downgrade removes the column and nothing else."""

import flask_migrate
import pytest
import sqlalchemy as sa

from app.extensions import db

pytestmark = pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning"
)


def user_columns() -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns("users")}


def test_people_keep_the_drawn_picture_and_the_downgrade_removes_the_column(scratch_app):
    flask_migrate.upgrade(revision="0015-1")
    assert "avatar_version" not in user_columns()
    db.session.execute(sa.text(
        "INSERT INTO users (id, username, email, created_at, followers_count, following_count, posts_count, "
        "unread_message_count, notification_seq, session_version) "
        "VALUES (1, 'ana', 'ana@example.com', '2026-01-01 00:00:00', 0, 0, 0, 0, 0, 0)"
    ))
    db.session.commit()

    flask_migrate.upgrade(revision="0015")
    assert "avatar_version" in user_columns()
    assert db.session.execute(sa.text("SELECT username, avatar_version FROM users")).all() == [("ana", None)]
    db.session.execute(sa.text("UPDATE users SET avatar_version = '0123456789abcdef'"))
    db.session.commit()

    flask_migrate.downgrade(revision="0015-1")
    db.session.remove()
    db.engine.dispose()
    assert "avatar_version" not in user_columns()
    assert db.session.scalars(sa.text("SELECT username FROM users")).all() == ["ana"]
    db.session.commit()
    flask_migrate.upgrade()
    # The unique indexes on lower(username) and lower(email) survive the round trip.
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.text(
            "INSERT INTO users (id, username, email, created_at, followers_count, following_count, posts_count, "
            "unread_message_count, notification_seq, session_version) "
            "VALUES (2, 'ANA', 'other@example.com', '2026-01-01 00:00:00', 0, 0, 0, 0, 0, 0)"
        ))
    db.session.rollback()
