"""Full-text search: ``SearchableMixin`` and the backends behind it.

A model lists its searchable columns in ``__searchable__`` (the most
important first) and gets ``Model.search(expression, page, per_page)``. The
backend is chosen by configuration: Elasticsearch when ``ELASTICSEARCH_URL``
is set, else the database's own index (SQLite FTS5, PostgreSQL tsvector).
Every flush hands the searchable rows it wrote to the backend: SQLite's FTS5
tables are written in the same transaction, PostgreSQL needs nothing (a
generated column), Elasticsearch gets them through the outbox after the
commit, where a failure is logged and never fails the write. Rows written
without the ORM (``flask seed``) are indexed by ``flask search reindex``.
"""

import logging
from dataclasses import dataclass
from typing import Any, ClassVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app, has_app_context

from ..extensions import db
from .backend import SearchBackend, SearchTooBroad, SearchUnavailable
from .query import (
    MAX_QUERY_LENGTH,
    MAX_QUERY_WORDS,
    QueryHasControlCharacters,
    QueryHasTooManyWords,
    QueryRefused,
    QueryTooLong,
    QueryWithoutWords,
    SearchQuery,
)

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_QUERY_WORDS",
    "MAX_RESULTS",
    "QueryHasControlCharacters",
    "QueryHasTooManyWords",
    "QueryRefused",
    "QueryTooLong",
    "QueryWithoutWords",
    "SearchPage",
    "SearchQuery",
    "SearchTooBroad",
    "SearchUnavailable",
    "SearchableMixin",
    "get_backend",
    "init_app",
    "searchable_models",
]

logger = logging.getLogger(__name__)

# The deepest result reachable by paging (Elasticsearch's default result window).
MAX_RESULTS = 10_000


@dataclass
class SearchPage:
    """One page of results, best first, and what is known of the rest."""

    items: list[Any]
    query: SearchQuery
    number: int
    per_page: int
    total: int | None  # None when the page lies past the last result

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.total is not None and self.number * self.per_page < min(self.total, MAX_RESULTS)


class SearchableMixin:
    """Full-text search over the columns named in ``__searchable__``."""

    __searchable__: ClassVar[list[str]]
    # The column that orders results of equal relevance, newest first (None: by id).
    __search_recency__: ClassVar[str | None] = None

    @classmethod
    def search(cls, expression: str | SearchQuery, page: int = 1, per_page: int = 25) -> SearchPage:
        """The objects matching ``expression``, best first; raises QueryRefused, SearchTooBroad or SearchUnavailable."""
        query = expression if isinstance(expression, SearchQuery) else SearchQuery.parse(expression)
        page, offset = max(page, 1), (max(page, 1) - 1) * per_page
        if offset >= MAX_RESULTS:
            return SearchPage([], query, page, per_page, None)
        hits = get_backend().search(cls, query, offset, min(per_page, MAX_RESULTS - offset))
        if not hits.ids:
            return SearchPage([], query, page, per_page, hits.total if offset == 0 else None)
        found = {item.id: item for item in db.session.scalars(cls.search_select().where(cls.id.in_(hits.ids)))}
        # An index may briefly name rows that are gone (deleted by a cascade); leave them out.
        return SearchPage([found[id] for id in hits.ids if id in found], query, page, per_page, hits.total)

    @classmethod
    def search_select(cls) -> sa.Select:
        """How results are loaded from the database (a model adds what its pages show)."""
        return sa.select(cls)

    @classmethod
    def search_index_name(cls) -> str:
        return cls.__tablename__

    def search_document(self) -> dict[str, Any]:
        """What an external index stores for this row: its id, searchable columns and recency."""
        document = {"id": self.id, **{name: getattr(self, name) for name in self.__searchable__}}
        if self.__search_recency__:
            document[self.__search_recency__] = getattr(self, self.__search_recency__).isoformat()
        return document


def searchable_models() -> dict[str, type[SearchableMixin]]:
    """Every searchable model by its index name ("posts", "users")."""
    models = [mapper.class_ for mapper in db.Model.registry.mappers if issubclass(mapper.class_, SearchableMixin)]
    return {model.search_index_name(): model for model in sorted(models, key=lambda model: model.__name__)}


def init_app(app: Flask) -> None:
    """Choose the backend this app searches with."""
    if app.config.get("ELASTICSEARCH_URL"):
        from .elastic import ElasticsearchBackend

        backend: SearchBackend = ElasticsearchBackend(app.config)
    else:
        from .database import DatabaseBackend

        backend = DatabaseBackend()
    app.extensions["search"] = backend


def get_backend() -> SearchBackend:
    return current_app.extensions["search"]


@sa.event.listens_for(so.Session, "after_flush")
def send_changes_to_index(session: so.Session, flush_context) -> None:
    """Hand the searchable rows this flush added, changed or deleted to the backend."""
    backend = current_app.extensions.get("search") if has_app_context() else None
    if backend is None or not backend.follows_flushes(session):
        return
    changed: dict[str, list[dict[str, Any]]] = {}
    removed: dict[str, list[int]] = {}
    for item in session.new | session.dirty:
        if isinstance(item, SearchableMixin) and (item in session.new or _searchable_changed(item)):
            changed.setdefault(item.search_index_name(), []).append(item.search_document())
    for item in session.deleted:
        if isinstance(item, SearchableMixin):
            removed.setdefault(item.search_index_name(), []).append(item.id)
    for index in changed.keys() | removed.keys():
        backend.record_changes(session, index, changed.get(index, []), removed.get(index, []))


def _searchable_changed(item: SearchableMixin) -> bool:
    state = sa.inspect(item)
    names = [*item.__searchable__, *([item.__search_recency__] if item.__search_recency__ else [])]
    return any(state.attrs[name].history.has_changes() for name in names)
