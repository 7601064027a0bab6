"""Search with the database's own full-text index.

- SQLite: an FTS5 table per model (``posts_search``, ``users_search``, rowid
  = the row's id) written at each flush, in the same transaction, with the
  rows the flush added, changed or deleted; ranked by bm25 with the first
  searchable column weighted most. (Not triggers: an FTS5 write inside a
  trigger opens a read transaction first, so a second writer fails at once
  with "database is locked" instead of waiting its turn.)
- PostgreSQL: a STORED generated ``search_vector`` column with a GIN index.
  A post's vector holds its words as written (the ``simple`` configuration,
  with positions) plus their stems in the post's language (English, Spanish
  or German when detected; positions stripped, so a phrase never spans the
  two parts). A query word matches as written, as a prefix, or by its stem in
  any of those languages; people are indexed as written, the username
  weighted above the about-me text. Ranked by ts_rank.

Both are created by migration 0007. PostgreSQL needs no reindexing after bulk
writes; SQLite's tables are refilled by ``reindex`` (``flask seed`` runs it).
"""

from collections.abc import Callable

import psycopg
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR

from ..extensions import db
from .backend import Hits, SearchBackend, SearchTooBroad
from .query import Clause, SearchQuery

# The text search configurations a post may be stemmed with (migration 0007 maps
# the post's language to one of them); every query word is tried in each.
POSTGRES_CONFIGURATIONS = ("english", "spanish", "german")


class DatabaseBackend(SearchBackend):
    name = "database"

    def search(self, model: type, query: SearchQuery, offset: int, limit: int) -> Hits:
        if db.session.get_bind().dialect.name == "postgresql":
            rows = run_with_time_limit(postgres_select(model, query).limit(limit).offset(offset))
        else:
            rows = db.session.execute(sqlite_select(model, query).limit(limit).offset(offset)).all()
        return Hits([row[0] for row in rows], rows[0][1] if rows else 0)

    def follows_flushes(self, session) -> bool:
        return session.get_bind().dialect.name == "sqlite"

    def record_changes(self, session, index: str, documents: list[dict], removed_ids: list[int]) -> None:
        """Write the flushed rows into the model's FTS5 table, in the flush's transaction."""
        model = searchable_model(index)
        table, columns = f"{index}_search", model.__searchable__
        connection = session.connection()
        ids = [document["id"] for document in documents] + removed_ids
        connection.execute(sa.text(f"DELETE FROM {table} WHERE rowid IN :ids").bindparams(
            sa.bindparam("ids", expanding=True)), {"ids": ids})
        if documents:
            names = ", ".join(columns)
            values = ", ".join(f":{column}" for column in columns)
            connection.execute(sa.text(f"INSERT INTO {table}(rowid, {names}) VALUES (:id, {values})"),
                               [{"id": document["id"], **{c: document[c] for c in columns}} for document in documents])

    def reindex_length(self, model: type) -> int:
        return 1

    def reindex(self, model: type, progress: Callable[[int], None]) -> int:
        """Refill the FTS5 table from the rows, or rebuild the GIN index on PostgreSQL; then bring the
        planner's statistics up to date (VACUUM ANALYZE on PostgreSQL, ANALYZE on SQLite)."""
        from ..models.base import vacuum_analyze  # the models import this package

        table = model.__tablename__
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(sa.text(f"REINDEX INDEX ix_{table}_search_vector"))
        else:
            names = ", ".join(model.__searchable__)
            db.session.execute(sa.text(f"DELETE FROM {table}_search"))
            db.session.execute(sa.text(f"INSERT INTO {table}_search(rowid, {names}) SELECT id, {names} FROM {table}"))
        vacuum_analyze(table)
        progress(1)
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def run_with_time_limit(statement: sa.Select) -> list[sa.Row]:
    """Run a search on PostgreSQL for at most SEARCH_TIMEOUT seconds (raising SearchTooBroad).

    Every match is ranked, so a query that matches a large part of the table (a short
    prefix) costs in proportion; the limit keeps one such search from holding a worker.
    """
    milliseconds = max(1, int(current_app.config["SEARCH_TIMEOUT"] * 1000))
    try:
        with db.session.begin_nested():  # a cancelled statement rolls back only this savepoint
            db.session.execute(sa.text(f"SET LOCAL statement_timeout = {milliseconds}"))
            rows = db.session.execute(statement).all()
            db.session.execute(sa.text("SET LOCAL statement_timeout = DEFAULT"))
    except sa.exc.OperationalError as error:
        if isinstance(error.orig, psycopg.errors.QueryCanceled):
            raise SearchTooBroad(f"the search took longer than {milliseconds} ms") from error
        raise
    return rows


def searchable_model(index: str) -> type:
    from . import searchable_models

    return searchable_models()[index]


def order_columns(model: type) -> list[sa.ColumnElement]:
    recency = [getattr(model, model.__search_recency__).desc()] if model.__search_recency__ else []
    return [*recency, model.id.desc()]


# -- SQLite FTS5 ---------------------------------------------------------------------------


def fts5_clause(clause: Clause) -> str:
    # Every word is a quoted string, so nothing a person types is read as FTS5 syntax.
    text = '"' + clause.text + '"'
    return text + "*" if clause.is_prefix else text


def fts5_match(query: SearchQuery) -> str:
    match = "(" + " AND ".join(fts5_clause(clause) for clause in query.wanted) + ")"
    if query.excluded:
        match += " NOT (" + " OR ".join(fts5_clause(clause) for clause in query.excluded) + ")"
    return match


def sqlite_select(model: type, query: SearchQuery) -> sa.Select:
    index = sa.table(f"{model.__tablename__}_search", sa.column("rowid"))
    # bm25: lower is better; the first searchable column weighs ten times the others. It must be
    # computed where the FTS5 table is matched, so the matching rows and ranks come from a subquery.
    weights = ", ".join(["10.0"] + ["1.0"] * (len(model.__searchable__) - 1))
    matches = (
        sa.select(index.c.rowid, sa.literal_column(f"bm25({index.name}, {weights})").label("rank"))
        .where(sa.literal_column(index.name).op("MATCH")(fts5_match(query)))
        .subquery("matches")
    )
    return (
        sa.select(model.id, sa.func.count().over())
        .join(matches, matches.c.rowid == model.id)
        .order_by(matches.c.rank, *order_columns(model))
    )


# -- PostgreSQL tsvector -------------------------------------------------------------------


def written_tsquery(clause: Clause) -> sa.ColumnElement:
    """The clause's words as written: a prefix for a bare word looked for, a phrase for several words.

    Only the words as written carry positions in the vector (the stems are stripped of
    them), so phrases are matched against those alone.
    """
    if clause.phrase or len(clause.words) > 1:
        return sa.func.phraseto_tsquery("simple", clause.text)
    return sa.func.to_tsquery("simple", clause.text + (":*" if clause.is_prefix else ""))


def stemmed_tsquery(clause: Clause) -> sa.ColumnElement | None:
    """A bare word's stem in each configuration a post may be in (None for a phrase)."""
    if clause.phrase or len(clause.words) > 1:
        return None
    return combine([sa.func.to_tsquery(name, clause.text) for name in POSTGRES_CONFIGURATIONS], "||")


def clause_tsquery(clause: Clause) -> sa.ColumnElement:
    stemmed = stemmed_tsquery(clause)
    return written_tsquery(clause) if stemmed is None else combine([written_tsquery(clause), stemmed], "||")


def combine(queries: list[sa.ColumnElement], operator: str) -> sa.ColumnElement:
    combined = queries[0]
    for query in queries[1:]:
        combined = combined.op(operator, return_type=TSQUERY)(query)
    return sa.type_coerce(combined, TSQUERY).self_group()


def postgres_select(model: type, query: SearchQuery) -> sa.Select:
    vector = sa.type_coerce(sa.literal_column(f"{model.__tablename__}.search_vector"), TSVECTOR)
    wanted = combine([clause_tsquery(clause) for clause in query.wanted], "&&")
    statement = sa.select(model.id, sa.func.count().over()).where(vector.op("@@")(wanted))
    if query.excluded:
        excluded = combine([clause_tsquery(clause) for clause in query.excluded], "||")
        statement = statement.where(sa.not_(vector.op("@@")(excluded)))
    # ts_rank takes a lexeme once whatever its prefix flag ('tulip':* | 'tulip' ranks as 'tulip'),
    # so the words as written and their stems are ranked apart and added up.
    written = combine([written_tsquery(clause) for clause in query.wanted], "&&")
    stems = [stemmed_tsquery(clause) for clause in query.wanted]
    rank = sa.func.ts_rank(vector, written)
    if any(stem is not None for stem in stems):
        rank = rank + sa.func.ts_rank(vector, combine([stem for stem in stems if stem is not None], "&&"))
    return statement.order_by(rank.desc(), *order_columns(model))


def include_in_autogenerate(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """Whether Alembic's autogenerate compares this object: the search index is written by hand (0007)."""
    if type_ == "table" and name and "_search" in name and reflected:
        return False  # the FTS5 tables and their shadow tables
    if type_ == "column" and name == "search_vector":
        return False
    return not (type_ == "index" and name and name.endswith("_search_vector"))
