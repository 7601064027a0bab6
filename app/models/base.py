"""Column types shared by the models."""

import re
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware UTC datetime on every database.

    PostgreSQL keeps the offset itself; SQLite has no time zones, so values are
    stored as naive UTC and given back their UTC zone when read.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# A sender's own name for one message (a random string its client makes up), so that a retry
# of the same message (an acknowledgement that never came, a form posted again) stores it once.
CLIENT_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
CLIENT_KEY_LENGTH = 64


def add_once(instance: db.Model, find_existing) -> tuple[db.Model, bool]:
    """Add ``instance`` unless a row with the same unique key exists; returns (the row, whether it is new).

    ``find_existing()`` looks the row up. The INSERT runs in a savepoint, so when a
    simultaneous request wins the race the loser gets that request's row, not an error.
    """
    existing = find_existing()
    if existing is not None:
        return existing, False
    try:
        with db.session.begin_nested():
            db.session.add(instance)
    except sa.exc.IntegrityError:
        existing = find_existing()
        if existing is None:
            raise
        return existing, False
    return instance, True


def dialect_insert(table: sa.Table):
    """The database's own INSERT, which knows ON CONFLICT (PostgreSQL's or SQLite's)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def insert_or_ignore(table: sa.Table, **values) -> int:
    """INSERT a row unless it would break a unique constraint; returns rows inserted.

    Uses the database's own ON CONFLICT DO NOTHING, so two simultaneous
    requests cannot both insert and neither of them sees an error.
    """
    statement = dialect_insert(table).values(**values).on_conflict_do_nothing().returning(*table.primary_key.columns)
    return len(db.session.execute(statement).all())


def upsert(table: sa.Table, conflict_columns: list[str], update_columns: list[str], **values) -> None:
    """INSERT a row, or UPDATE ``update_columns`` of the row that has the same ``conflict_columns``.

    One statement (ON CONFLICT DO UPDATE), so simultaneous writers leave exactly one row.
    """
    insert = dialect_insert(table).values(**values)
    statement = insert.on_conflict_do_update(
        index_elements=conflict_columns, set_={name: insert.excluded[name] for name in update_columns}
    )
    db.session.execute(statement)


def vacuum_analyze(*tables: str) -> None:
    """Bring the planner's statistics up to date after a bulk load of ``tables``.

    PostgreSQL: ``VACUUM ANALYZE`` of each table, outside any transaction (VACUUM refuses to
    run in one), which also sets the visibility map so index-only scans skip the heap. A
    freshly loaded table has neither until autovacuum gets to it, and until then the planner
    guesses (and compiles JIT code for plans it wrongly thinks are huge). SQLite: ``ANALYZE``.
    The session's pending work is committed first.
    """
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in tables:
                connection.execute(sa.text(f'VACUUM ANALYZE "{table}"'))
    else:
        for table in tables:
            db.session.execute(sa.text(f'ANALYZE "{table}"'))
        db.session.commit()
