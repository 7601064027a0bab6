"""Migration 0012 adds replies, edits and post_tags, tags the posts already there, and undoes it all."""

import flask_migrate
import pytest
import sqlalchemy as sa

from app.extensions import db


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_existing_posts_are_tagged_and_the_downgrade_keeps_them(scratch_app):
    flask_migrate.upgrade(revision="0011")
    with db.engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO users (id, username, email, created_at, followers_count, following_count, "
                    "posts_count, unread_message_count) VALUES (1, 'anna', 'anna@example.com', :now, 0, 0, 2, 0)"),
            {"now": "2026-11-01 00:00:00"},
        )
        for id, body in [(1, "Hello #Flask and #flask, #2024 &#39; #Café"), (2, "no tags here, mail a#b")]:
            connection.execute(
                sa.text("INSERT INTO posts (id, body, timestamp, user_id) VALUES (:id, :body, :now, 1)"),
                {"id": id, "body": body, "now": "2026-11-01 00:00:00"},
            )

    flask_migrate.upgrade(revision="0012")

    with db.engine.connect() as connection:
        tags = connection.execute(sa.text("SELECT post_id, tag FROM post_tags ORDER BY post_id, tag")).all()
        posts = connection.execute(
            sa.text("SELECT id, in_reply_to_id, is_reply, reply_count, edited_at FROM posts ORDER BY id")
        ).all()
    assert [tuple(row) for row in tags] == [(1, "café"), (1, "flask")]
    assert [tuple(row) for row in posts] == [(1, None, False, 0, None), (2, None, False, 0, None)]
    columns = {column["name"] for column in sa.inspect(db.engine).get_columns("posts")}
    assert {"in_reply_to_id", "is_reply", "reply_count", "edited_at"} <= columns
    indexes = {index["name"] for index in sa.inspect(db.engine).get_indexes("posts")}
    assert {"ix_posts_in_reply_to_id_id", "ix_posts_user_id_timestamp_id", "ix_posts_timestamp"} <= indexes

    flask_migrate.downgrade(revision="0011")

    inspector = sa.inspect(db.engine)
    assert "post_tags" not in inspector.get_table_names()
    columns = {column["name"] for column in inspector.get_columns("posts")}
    assert not {"in_reply_to_id", "is_reply", "reply_count", "edited_at"} & columns
    assert {"ix_posts_user_id_timestamp_id", "ix_posts_timestamp"} <= {
        index["name"] for index in inspector.get_indexes("posts")}
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM posts")).scalar() == 2
