"""full-text search: FTS5 tables (SQLite), generated tsvector columns with GIN indexes (PostgreSQL)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22

"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# A post's words as written, with their positions (for phrases), plus their stems in the
# post's language when it is known, stripped of positions so no phrase spans the two parts.
POST_VECTOR = """
    strip(CASE language
        WHEN 'en' THEN to_tsvector('english'::regconfig, body)
        WHEN 'es' THEN to_tsvector('spanish'::regconfig, body)
        WHEN 'de' THEN to_tsvector('german'::regconfig, body)
        ELSE ''::tsvector
    END) || to_tsvector('simple'::regconfig, body)
"""
# A person's username (weight A) above their about-me text (weight B), as written.
USER_VECTOR = """
    setweight(to_tsvector('simple'::regconfig, username), 'A')
    || setweight(to_tsvector('simple'::regconfig, coalesce(about_me, '')), 'B')
"""
# Searchable tables and their columns, in order of importance.
SQLITE_INDEXES = {"posts": ["body"], "users": ["username", "about_me"]}


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, vector in (("posts", POST_VECTOR), ("users", USER_VECTOR)):
            # Adding a STORED generated column rewrites the table once, indexing every existing row.
            op.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({vector}) STORED")
            op.execute(f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)")
        return
    for table, columns in SQLITE_INDEXES.items():
        # The application writes these at every flush (app/search/database.py): FTS5 writes in
        # triggers would make a second writer fail at once instead of waiting for the lock.
        names = ", ".join(columns)
        op.execute(
            f"CREATE VIRTUAL TABLE {table}_search USING fts5({names}, "
            "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
        )
        op.execute(f"INSERT INTO {table}_search(rowid, {names}) SELECT id, {names} FROM {table}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in ("users", "posts"):
            op.execute(f"DROP INDEX ix_{table}_search_vector")
            op.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
        return
    for table in SQLITE_INDEXES:
        op.execute(f"DROP TABLE {table}_search")
