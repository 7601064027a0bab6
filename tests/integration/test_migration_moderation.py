"""Migration 0014 (blocks, mutes, reports, users.is_admin and users.suspended_at) on a scratch database of each kind."""

import warnings
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from app.extensions import db

NEW_TABLES = {"blocks", "mutes", "reports"}
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def previous_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_revision("0014").down_revision


def schema() -> tuple[set[str], set[str]]:
    inspector = sa.inspect(db.engine)
    return set(inspector.get_table_names()), {column["name"] for column in inspector.get_columns("users")}


def test_existing_people_are_neither_admins_nor_suspended_and_downgrade_undoes_it(scratch_app):
    before = previous_revision()
    flask_migrate.upgrade(revision=before)
    db.session.execute(sa.text(
        "INSERT INTO users (username, email, created_at) VALUES ('old', 'old@example.com', CURRENT_TIMESTAMP)"
    ))
    db.session.commit()
    db.session.remove()
    flask_migrate.upgrade(revision="0014")
    tables, columns = schema()
    assert NEW_TABLES <= tables and {"is_admin", "suspended_at"} <= columns
    db.session.remove()
    row = db.session.execute(sa.text("SELECT is_admin, suspended_at FROM users WHERE username = 'old'")).one()
    assert (bool(row.is_admin), row.suspended_at) == (False, None)

    # The partial unique index: one open report per reporter and target, any number of closed ones.
    user_id = db.session.scalar(sa.text("SELECT id FROM users"))
    db.session.execute(sa.text("INSERT INTO users (username, email, created_at) VALUES ('b', 'b@example.com', "
                               "CURRENT_TIMESTAMP)"))
    other_id = db.session.scalar(sa.text("SELECT id FROM users WHERE username = 'b'"))
    insert = sa.text("INSERT INTO reports (reporter_id, user_id, reason, created_at, resolved_at) "
                     "VALUES (:reporter, :user, 'spam', CURRENT_TIMESTAMP, :resolved)")
    db.session.execute(insert, {"reporter": user_id, "user": other_id, "resolved": "2026-01-01 00:00:00"})
    db.session.execute(insert, {"reporter": user_id, "user": other_id, "resolved": None})
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(insert, {"reporter": user_id, "user": other_id, "resolved": None})
    db.session.rollback()
    with pytest.raises(sa.exc.IntegrityError):  # nobody blocks themselves
        db.session.execute(sa.text("INSERT INTO blocks (blocker_id, blocked_id, created_at) "
                                   "VALUES (:id, :id, CURRENT_TIMESTAMP)"), {"id": user_id})
    db.session.rollback()
    db.session.remove()  # no transaction of this session may hold users while the migration alters it

    flask_migrate.downgrade(revision=before)
    tables, columns = schema()
    assert not NEW_TABLES & tables and not {"is_admin", "suspended_at"} & columns
    if db.engine.dialect.name == "sqlite":  # users was altered in place, so its lower(...) indexes survive
        names = db.session.scalars(sa.text("SELECT name FROM sqlite_master WHERE tbl_name = 'users'")).all()
        assert {"uq_users_username_lower", "uq_users_email_lower"} <= set(names)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            indexes = {index["name"] for index in sa.inspect(db.engine).get_indexes("users")}
        assert {"uq_users_username_lower", "uq_users_email_lower"} <= indexes
    assert db.session.scalar(sa.text("SELECT count(*) FROM users")) == 2
    db.session.remove()

    flask_migrate.upgrade()
    assert NEW_TABLES <= schema()[0]
