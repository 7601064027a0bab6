"""Search expressions as people type them, parsed once for every backend.

``micro blog`` finds posts with words starting "micro" and "blog" (a single
letter is only that word);
``"quick brown"`` finds those exact words in that order; ``-spam`` and
``-"buy now"`` leave out posts that contain them. Words are runs of letters
and digits in any script; everything else separates them. Each backend turns
the parsed clauses into its own language (an FTS5 MATCH string, a tsquery, an
Elasticsearch bool query), so all three read an expression the same way.
"""

import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 32
# A single letter as a prefix would match nearly every post; it is looked for as a word.
MIN_PREFIX_LENGTH = 2

WORD = re.compile(r"[^\W_]+")
# A clause: an optional minus, then a quoted phrase (the closing quote may be missing) or a run of non-space.
CLAUSE = re.compile(r'(-?)(?:"([^"]*)"?|(\S+))')
# Tab, newline and carriage return count as spaces; any other control character is refused.
SPACES = str.maketrans("\t\n\r", "   ")


class QueryRefused(ValueError):
    """The expression cannot be searched for; the subclass says why."""


class QueryTooLong(QueryRefused):
    """Longer than MAX_QUERY_LENGTH characters."""


class QueryHasTooManyWords(QueryRefused):
    """More than MAX_QUERY_WORDS words."""


class QueryWithoutWords(QueryRefused):
    """Only operators, punctuation or excluded words: nothing to look for."""


class QueryHasControlCharacters(QueryRefused):
    """NUL bytes or other control characters, which no person types."""


@dataclass(frozen=True)
class Clause:
    words: tuple[str, ...]
    phrase: bool = False  # quoted: these exact words, in this order
    negated: bool = False  # preceded by a minus: leave out what contains it

    @property
    def is_prefix(self) -> bool:
        """An unquoted word also matches longer words it begins ("micro" finds "microblog")."""
        return not self.phrase and not self.negated and len(self.words[0]) >= MIN_PREFIX_LENGTH

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class SearchQuery:
    clauses: tuple[Clause, ...]

    @property
    def wanted(self) -> tuple[Clause, ...]:
        return tuple(clause for clause in self.clauses if not clause.negated)

    @property
    def excluded(self) -> tuple[Clause, ...]:
        return tuple(clause for clause in self.clauses if clause.negated)

    @classmethod
    def parse(cls, expression: str) -> "SearchQuery":
        """Read an expression; raises a QueryRefused subclass when it cannot be searched for."""
        if len(expression) > MAX_QUERY_LENGTH:
            raise QueryTooLong(expression[:40])
        # Composed characters, as browsers send them: "é" is one character, not "e" and an accent.
        expression = unicodedata.normalize("NFC", expression.translate(SPACES))
        if any(unicodedata.category(character) == "Cc" for character in expression):
            raise QueryHasControlCharacters()
        clauses: list[Clause] = []
        for minus, quoted, bare in CLAUSE.findall(expression):
            words = tuple(word.casefold() for word in WORD.findall(quoted or bare))
            if not words:
                continue
            if quoted or minus:
                clause = Clause(words, phrase=bool(quoted), negated=bool(minus))
                if clause not in clauses:
                    clauses.append(clause)
                continue
            # A bare run like "e-mail" or "foo.bar" is several words, each looked for on its own.
            clauses.extend(Clause((word,)) for word in words if Clause((word,)) not in clauses)
        if sum(len(clause.words) for clause in clauses) > MAX_QUERY_WORDS:
            raise QueryHasTooManyWords()
        query = cls(tuple(clauses))
        if not query.wanted:
            raise QueryWithoutWords()
        return query

    def highlight(self, text: str | None) -> Markup:
        """``text`` escaped, with the words this query looks for wrapped in ``<mark>``."""
        if not text:
            return Markup("")
        wanted = {fold(word) for clause in self.wanted for word in clause.words}
        parts: list[str] = []
        position = 0
        for match in WORD.finditer(text):
            word = fold(match.group())
            if any(word.startswith(term) for term in wanted):
                parts.append(escape(text[position:match.start()]))
                parts.append(Markup("<mark>%s</mark>") % match.group())
                position = match.end()
        parts.append(escape(text[position:]))
        return Markup("").join(parts)


def fold(word: str) -> str:
    """Lower case without accents, so "Über" and "uber" compare equal."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character))
