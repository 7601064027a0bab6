"""A post's text as safe HTML: ``@name`` mentions, ``#tag`` tags and http(s) URLs become links.

Nothing in the text is trusted: it is cut into plain runs and the three kinds of
token, every piece is escaped, and only the links built here are markup. So
``<script>``, quotes that would close an attribute, and ``javascript:`` all stay
text. The same rules find the names and tags a post stores when it is published
or edited (``mentioned_names``, ``tags_of``), so what is linked is what is stored.

- ``@name``: a username (letters a to z, digits, dots, dashes, underscores; 3 to 64)
  not preceded by a letter, digit, ``@``, ``.`` or ``/`` (so e-mail addresses are not
  mentions) and ending in a letter, digit or underscore (a full stop after it is
  punctuation). It links to the profile only when the person exists.
- ``#tag``: letters, digits and underscores (any script), with at least one letter,
  at most 64 characters; compared in lower case.
- URLs: ``http://`` or ``https://`` up to the next space or quote, without trailing
  punctuation; ``rel="nofollow noopener"``. No other scheme is ever a link.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache

from markupsafe import Markup, escape

MAX_TAG_LENGTH = 64
URL_TRAILING_PUNCTUATION = ".,;:!?)]}'\""

TOKENS = re.compile(
    r"(?P<url>\b(?i:https?)://[^\s<>\"'`\x00-\x1f\x7f]+)"
    r"|(?<![\w@./])@(?P<mention>\w(?:[\w.-]*\w)?)"
    r"|(?<![\w#&/])#(?P<tag>\w+)"
)


@cache
def _username_rule() -> tuple[int, int, re.Pattern]:
    # Imported here: app.accounts imports the models, which use this module.
    from .accounts import MAX_USERNAME_LENGTH, MIN_USERNAME_LENGTH, USERNAME_PATTERN

    return MIN_USERNAME_LENGTH, MAX_USERNAME_LENGTH, re.compile(USERNAME_PATTERN)


def is_username(word: str) -> bool:
    """Whether ``word`` follows the username rules (so ``@word`` can name a person)."""
    shortest, longest, pattern = _username_rule()
    return shortest <= len(word) <= longest and bool(pattern.match(word))


def is_tag(word: str) -> bool:
    """Whether ``word`` (after the ``#``) is a tag: at most 64 word characters, one of them a letter."""
    return 0 < len(word) <= MAX_TAG_LENGTH and bool(re.fullmatch(r"\w+", word)) and any(c.isalpha() for c in word)


def normalize_tag(word: str) -> str:
    """The form a tag is stored and looked up in."""
    return word.lower()


def mentioned_names(body: str) -> set[str]:
    """The usernames ``@mentioned`` in ``body``, in lower case."""
    return {match["mention"].lower() for match in TOKENS.finditer(body or "")
            if match["mention"] and is_username(match["mention"])}


def tags_of(body: str) -> set[str]:
    """The ``#tags`` of ``body``, in lower case."""
    return {normalize_tag(match["tag"]) for match in TOKENS.finditer(body or "")
            if match["tag"] and is_tag(match["tag"])}


def _split_url(url: str) -> tuple[str, str]:
    """The URL without the punctuation that ends the sentence around it, and that punctuation."""
    trimmed = url.rstrip(URL_TRAILING_PUNCTUATION)
    # Keep a closing parenthesis that closes one opened inside the URL (Wikipedia's links).
    while len(trimmed) < len(url) and url[len(trimmed)] == ")" and trimmed.count("(") > trimmed.count(")"):
        trimmed += ")"
    return trimmed, url[len(trimmed):]


def linkify(
    body: str,
    people: Mapping[str, str],
    profile_url: Callable[[str], str],
    tag_url: Callable[[str], str],
) -> Markup:
    """``body`` as escaped HTML with its mentions, tags and URLs as links.

    ``people`` maps a lower-case username to its spelling for each person known to
    exist; other ``@names`` stay text. ``profile_url`` and ``tag_url`` build the links.
    """
    parts: list[str] = []
    position = 0
    for match in TOKENS.finditer(body or ""):
        parts.append(escape(body[position:match.start()]))
        position = match.end()
        text = match.group(0)
        if match["url"]:
            url, after = _split_url(match["url"])
            parts.append(Markup('<a href="{}" class="post-link" rel="nofollow noopener" target="_blank">{}</a>{}')
                         .format(url, url, after))
        elif match["mention"] and is_username(match["mention"]) and match["mention"].lower() in people:
            username = people[match["mention"].lower()]
            parts.append(Markup('<a href="{}" class="mention">@{}</a>').format(
                profile_url(username), match["mention"]))
        elif match["tag"] and is_tag(match["tag"]):
            parts.append(Markup('<a href="{}" class="hashtag">#{}</a>').format(
                tag_url(normalize_tag(match["tag"])), match["tag"]))
        else:
            parts.append(escape(text))
    parts.append(escape((body or "")[position:]))
    return Markup("").join(parts)


def names_in(bodies: Iterable[str]) -> set[str]:
    """Every lower-case username mentioned in any of ``bodies``."""
    names: set[str] = set()
    for body in bodies:
        names |= mentioned_names(body)
    return names
