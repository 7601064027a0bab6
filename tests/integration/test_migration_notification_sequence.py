"""Migration 0005 numbers the notifications that exist, in the order they changed."""

import json

import flask_migrate
import sqlalchemy as sa

from app.extensions import db


def test_existing_notifications_get_sequence_numbers(scratch_app):
    flask_migrate.upgrade(revision="0004")
    with db.engine.begin() as connection:
        for user_id, name in [(1, "anna"), (2, "ben")]:
            connection.execute(
                sa.text("INSERT INTO users (id, username, email, created_at, followers_count, following_count, "
                        "posts_count, unread_message_count) VALUES (:id, :name, :email, :now, 0, 0, 0, 0)"),
                {"id": user_id, "name": name, "email": f"{name}@example.com", "now": "2026-11-01 00:00:00"},
            )
        rows = [(1, "b", 20.0), (1, "a", 10.0), (2, "a", 5.0), (1, "c", 30.0)]
        for user_id, name, timestamp in rows:
            connection.execute(
                sa.text("INSERT INTO notifications (user_id, name, data, timestamp) VALUES (:u, :n, :d, :t)"),
                {"u": user_id, "n": name, "d": json.dumps(name), "t": timestamp},
            )

    flask_migrate.upgrade()

    with db.engine.connect() as connection:
        numbered = connection.execute(
            sa.text("SELECT user_id, name, seq FROM notifications ORDER BY user_id, seq")
        ).all()
        sequences = dict(connection.execute(sa.text("SELECT id, notification_seq FROM users")).all())
    assert [tuple(row) for row in numbered] == [(1, "a", 1), (1, "b", 2), (1, "c", 3), (2, "a", 1)]
    assert sequences == {1: 3, 2: 1}
