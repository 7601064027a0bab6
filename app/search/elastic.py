"""Search with Elasticsearch (``ELASTICSEARCH_URL``), through the official client.

One index per model, named ``ELASTICSEARCH_INDEX_PREFIX`` + table ("microblog-posts").
Documents hold the row's id, its searchable columns and, for posts, the time,
which breaks ties in relevance. Changes arrive after each commit in one bulk
request per index (``apply_changes``, recorded in the outbox at each flush); when that fails the failure is
logged and the write stands, and ``flask search reindex`` brings the index back.
"""

import logging
from collections.abc import Callable, Iterator
from typing import Any

import elasticsearch
import sqlalchemy as sa
from elasticsearch import Elasticsearch

from ..extensions import db
from ..outbox import on_commit
from .backend import Hits, SearchBackend, SearchUnavailable
from .query import Clause, SearchQuery

logger = logging.getLogger(__name__)

BATCH_SIZE = 1_000
# The first searchable column counts this many times the others.
FIRST_FIELD_BOOST = 3
# What the client raises when the engine cannot be reached or answers with an error.
ENGINE_ERRORS = (elasticsearch.TransportError, elasticsearch.ApiError)


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, config: dict):
        self.url = config["ELASTICSEARCH_URL"]
        self.prefix = config["ELASTICSEARCH_INDEX_PREFIX"]
        self.timeout = config["ELASTICSEARCH_TIMEOUT"]
        self._client: Elasticsearch | None = None

    @property
    def client(self) -> Elasticsearch:
        if self._client is None:
            # No retries: an update waits at most one timeout after the commit, a search fails fast.
            self._client = Elasticsearch(self.url, request_timeout=self.timeout, max_retries=0)
        return self._client

    def index_name(self, index: str) -> str:
        return self.prefix + index

    # -- searching -------------------------------------------------------------------------

    def search(self, model: type, query: SearchQuery, offset: int, limit: int) -> Hits:
        try:
            answer = self.client.search(index=self.index_name(model.search_index_name()),
                                        **search_body(model, query, offset, limit))
        except elasticsearch.NotFoundError:
            logger.warning("The search index %s does not exist yet; run `flask search reindex`.",
                           self.index_name(model.search_index_name()))
            return Hits([], 0)
        except ENGINE_ERRORS as error:
            raise SearchUnavailable(f"Elasticsearch at {self.url} failed: {error}") from error
        hits = answer["hits"]
        return Hits([int(hit["_id"]) for hit in hits["hits"]], hits["total"]["value"])

    # -- keeping the index in step ---------------------------------------------------------

    def follows_flushes(self, session) -> bool:
        return True

    def record_changes(self, session, index: str, documents: list[dict], removed_ids: list[int]) -> None:
        """Send the changes once the transaction commits (the outbox drops them on a rollback)."""
        on_commit(self.apply_changes, index, documents, removed_ids, session=session)

    def apply_changes(self, index: str, documents: list[dict], removed_ids: list[int]) -> None:
        """Index and remove documents in one bulk request; failures are logged, never raised."""
        name = self.index_name(index)
        operations: list[dict[str, Any]] = []
        for document in documents:
            operations += [{"index": {"_index": name, "_id": str(document["id"])}}, document]
        operations += [{"delete": {"_index": name, "_id": str(id)}} for id in removed_ids]
        try:
            answer = self.client.bulk(operations=operations)
        except ENGINE_ERRORS as error:
            logger.error("Search index %s not updated (%d changed, %d removed): %s; run `flask search reindex %s`.",
                         name, len(documents), len(removed_ids), error, index)
            return
        failed = [item for item in answer["items"] for action in item.values()
                  if action.get("error") and not (action.get("status") == 404 and "delete" in item)]
        if failed:
            logger.error("Search index %s refused %d of its updates (first: %s); run `flask search reindex %s`.",
                         name, len(failed), failed[0], index)

    def reindex_length(self, model: type) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    def reindex(self, model: type, progress: Callable[[int], None]) -> int:
        """Drop and recreate the model's index with its mapping, then index every row in batches."""
        name = self.index_name(model.search_index_name())
        try:
            self.client.indices.delete(index=name, ignore_unavailable=True)
            self.client.indices.create(index=name, mappings=mapping(model))
            done = 0
            for documents in batches(model):
                operations: list[dict[str, Any]] = []
                for document in documents:
                    operations += [{"index": {"_index": name, "_id": str(document["id"])}}, document]
                answer = self.client.bulk(operations=operations)
                if answer.get("errors"):
                    raise SearchUnavailable(f"Elasticsearch refused documents for {name}")
                done += len(documents)
                progress(len(documents))
            self.client.indices.refresh(index=name)
        except ENGINE_ERRORS as error:
            raise SearchUnavailable(f"Elasticsearch at {self.url} failed: {error}") from error
        return done

    def refresh(self) -> None:
        """Make every indexed change searchable now (tests; Elasticsearch does it each second)."""
        self.client.indices.refresh(index=self.prefix + "*")


def batches(model: type) -> Iterator[list[dict[str, Any]]]:
    """The model's search documents in id order, BATCH_SIZE at a time (keyset paging)."""
    last_id = 0
    while True:
        rows = db.session.scalars(
            sa.select(model).where(model.id > last_id).order_by(model.id).limit(BATCH_SIZE)
        ).all()
        if not rows:
            return
        yield [row.search_document() for row in rows]
        last_id = rows[-1].id


def mapping(model: type) -> dict[str, Any]:
    properties: dict[str, Any] = {"id": {"type": "long"}}
    properties.update({name: {"type": "text"} for name in model.__searchable__})
    if model.__search_recency__:
        properties[model.__search_recency__] = {"type": "date"}
    return {"dynamic": "strict", "properties": properties}


def fields(model: type) -> list[str]:
    first, *others = model.__searchable__
    return [f"{first}^{FIRST_FIELD_BOOST}", *others]


def clause_query(model: type, clause: Clause) -> dict[str, Any]:
    """A word matches as a word (scored) or as the start of a longer one; a phrase only as written."""
    if not clause.is_prefix:
        return {"multi_match": {"query": clause.text, "type": "phrase", "fields": fields(model)}}
    return {"bool": {"should": [
        {"multi_match": {"query": clause.text, "fields": fields(model)}},
        {"multi_match": {"query": clause.text, "type": "phrase_prefix", "fields": fields(model)}},
    ], "minimum_should_match": 1}}


def search_body(model: type, query: SearchQuery, offset: int, limit: int) -> dict[str, Any]:
    """The keyword arguments of the client's ``search``: a bool query, the sort, the page."""
    bool_query: dict[str, Any] = {"must": [clause_query(model, clause) for clause in query.wanted]}
    if query.excluded:
        bool_query["must_not"] = [clause_query(model, clause) for clause in query.excluded]
    recency = [{model.__search_recency__: {"order": "desc"}}] if model.__search_recency__ else []
    return {
        "query": {"bool": bool_query},
        "sort": ["_score", *recency, {"id": {"order": "desc"}}],
        "from_": offset,
        "size": limit,
        "track_total_hits": True,
        "source": False,
    }
