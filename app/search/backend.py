"""What every search backend offers."""

from collections.abc import Callable
from dataclasses import dataclass

from .query import SearchQuery


class SearchUnavailable(RuntimeError):
    """The search engine cannot answer now (down, unreachable, failing)."""


class SearchTooBroad(RuntimeError):
    """The search matches so much that ranking it took longer than SEARCH_TIMEOUT."""


@dataclass
class Hits:
    ids: list[int]  # best first
    total: int | None


class SearchBackend:
    name = "none"

    def follows_flushes(self, session) -> bool:
        """Whether this backend wants the searchable rows of each flush (``record_changes``)."""
        return False

    def record_changes(self, session, index: str, documents: list[dict], removed_ids: list[int]) -> None:
        """Take the searchable rows a flush added or changed (as documents) and removed."""

    def search(self, model: type, query: SearchQuery, offset: int, limit: int) -> Hits:
        raise NotImplementedError

    def reindex(self, model: type, progress: Callable[[int], None]) -> int:
        """Rebuild ``model``'s index from the database, reporting rows done; returns the row count."""
        raise NotImplementedError

    def reindex_length(self, model: type) -> int:
        """How many steps ``reindex`` reports for ``model``."""
        raise NotImplementedError
