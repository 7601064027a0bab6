"""Fast paths for what every page does many times: building URLs, formatting dates, importing macros.

A feed page builds about 150 URLs (each post links its author twice, their hover card and
avatar; the navigation links its pages and icons) and formats 25 dates. Werkzeug builds a URL
in about 20 µs and Babel formats a date in about 50 µs, which made them a third of the time a
page took to render. Both are pure functions of their arguments and a few request settings, and
the same ones recur from page to page (the static files, the navigation, the authors and posts
people are reading), so they are remembered per app, with the settings they depend on in the
key. Every ``{% from '_ui.html' import ... %}`` in a template included once per post made
Jinja compare the context's globals with the imported template's one key at a time, through a
ChainMap, in Python (a twentieth of a feed page's time), and look the template up in a cache
behind a lock that a worker's threads queued on. Nothing here changes what a page shows.
"""

from collections import ChainMap
from datetime import datetime
from typing import Any

import flask_babel
from flask import Flask, current_app, g, has_request_context, request, url_for
from flask.templating import Environment as FlaskEnvironment
from markupsafe import Markup, escape

# Entries kept per cache; when a cache is full it starts again empty (simpler than LRU
# bookkeeping on every hit, and a full refill costs what building them once did).
CACHE_SIZE = 20_000
# url_for arguments that change more than the path: an absolute URL depends on the request's host.
UNCACHED_ARGUMENTS = frozenset(("_external", "_scheme", "_method"))


class TemplateGlobals(ChainMap):
    """A template's globals (its own over the environment's) whose ``keys()`` is a plain set.

    Jinja computes ``context globals - template.globals.keys()`` each time a template is
    imported from another; a set makes that one C-level difference instead of a Python call
    per key.
    """

    def keys(self) -> set:  # type: ignore[override]
        return set().union(*self.maps)


class Environment(FlaskEnvironment):
    """Flask's Jinja environment (set as ``Flask.jinja_environment``) with ``TemplateGlobals`` and
    every loaded template kept in a plain dict.

    Jinja's default template cache is a 400-entry LRU behind a lock: each ``include`` and
    ``import`` (two per post in a feed) took the lock and moved the entry in a deque, and with a
    gthread worker's threads rendering at once they queued on that lock (a sixth of a worker's
    busy time under the load benchmark). The site has a few dozen templates, so keeping them
    all needs no eviction, and a dict lookup no lock.
    """

    def __init__(self, app: Flask, **options: Any):
        options.setdefault("cache_size", -1)
        super().__init__(app, **options)

    def make_globals(self, d: dict | None) -> TemplateGlobals:
        return TemplateGlobals(d if d is not None else {}, self.globals)


ISO_UTC = "%Y-%m-%dT%H:%M:%SZ"
TIME_AGO = ('<time class="flask-moment" datetime="%(iso)s" data-timestamp="%(iso)s" data-function="fromNow"'
            ' data-refresh="60000">%(text)s</time>')
TIME_OF_DAY = ('<time class="flask-moment" datetime="%(iso)s" data-timestamp="%(iso)s" data-function="format"'
               ' data-format="LT">%(text)s</time>')


def init_app(app: Flask) -> None:
    """Give the templates the remembering ``url_for``, date filters and gettext, and the time helpers."""
    app.extensions["url_cache"] = {}
    app.extensions["date_cache"] = {}
    app.jinja_env.globals.update(url_for=cached_url_for, time_ago=time_ago, time_of_day=time_of_day,
                                 svg_icon=svg_icon, current_locale=current_locale)
    app.jinja_env.filters["datetimeformat"] = cached_datetimeformat
    app.jinja_env.filters["timeformat"] = cached_timeformat
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: page_translations().ugettext(string),
        ngettext=lambda singular, plural, n: page_translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: page_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: page_translations().unpgettext(context, singular, plural, n),
        newstyle=True,
    )


def page_translations():
    """Flask-Babel's translations for this request, looked up once per request and language.

    A page translates about forty strings; Flask-Babel finds the catalog again for each
    (the context, the locale and its name, the domain). The answer is kept on ``g`` with the
    locale object it was found for, which ``flask_babel.refresh()`` (a language change
    mid-request) discards, so a refreshed language is looked up again.
    """
    if not has_request_context():
        return flask_babel.get_translations()
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    kept = g.get("_page_translations")
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    translations = flask_babel.get_translations()
    g._page_translations = (getattr(g.get("_flask_babel"), "babel_locale", None), translations)
    return translations


def svg_icon(name: str, class_: str = "", label: str | None = None) -> Markup:
    """An icon from static/img/icons.svg, decorative unless given a label: the ``icon`` of _ui.html."""
    described = f'role="img" aria-label="{escape(label)}"' if label else 'aria-hidden="true" focusable="false"'
    sprite = escape(cached_url_for("static", filename="img/icons.svg"))
    return Markup(f'<svg class="icon {escape(class_)}" {described}><use href="{sprite}#{escape(name)}"></use></svg>')


def time_ago(timestamp: datetime) -> Markup:
    """A relative time ("3 minutes ago") for moment-render.js, the full date in the reader's
    language and time zone until it runs: the ``ago`` of _ui.html."""
    text = escape(cached_datetimeformat(timestamp, "medium"))
    return Markup(TIME_AGO % {"iso": timestamp.strftime(ISO_UTC), "text": text})


def time_of_day(timestamp: datetime) -> Markup:
    """The time of day ("3:19 PM") for moment-render.js: the ``clock`` of _ui.html."""
    text = escape(cached_timeformat(timestamp, "short"))
    return Markup(TIME_OF_DAY % {"iso": timestamp.strftime(ISO_UTC), "text": text})


def cached_url_for(endpoint: str, **values: Any) -> str:
    """``flask.url_for``, remembering the relative URLs it has built for this app.

    A relative URL depends only on the endpoint, its values and the request's script root (the
    app has no URL defaults or per-host routing), so those are the key. Absolute URLs,
    endpoints relative to a blueprint, unhashable values and calls outside a request go to
    ``url_for`` unchanged.
    """
    if endpoint[:1] == "." or not UNCACHED_ARGUMENTS.isdisjoint(values) or not has_request_context():
        return url_for(endpoint, **values)
    try:
        key = (request.script_root, endpoint, *sorted(values.items()))
        cache = current_app.extensions["url_cache"]
        url = cache.get(key)
    except TypeError:  # an unhashable value, such as a list of values for one argument
        return url_for(endpoint, **values)
    if url is None:
        url = url_for(endpoint, **values)
        remember(cache, key, url)
    return url


def cached_datetimeformat(value: datetime, format: str | None = None, rebase: bool = True) -> str:
    """Flask-Babel's ``datetimeformat`` filter, remembered per date, format, language and time zone."""
    return formatted(flask_babel.format_datetime, "datetime", value, format, rebase)


def cached_timeformat(value: datetime, format: str | None = None, rebase: bool = True) -> str:
    """Flask-Babel's ``timeformat`` filter, remembered like ``cached_datetimeformat``."""
    return formatted(flask_babel.format_time, "time", value, format, rebase)


def page_locale() -> tuple[str, str]:
    """The names of this request's language and time zone, found once per request.

    Kept on ``g`` with the objects Flask-Babel found them from, so a language changed
    mid-request (``flask_babel.refresh()``, ``force_locale``) is found again.
    """
    if not has_request_context():
        return str(flask_babel.get_locale()), str(flask_babel.get_timezone())
    state = g.get("_flask_babel")
    locale, zone = getattr(state, "babel_locale", None), getattr(state, "babel_tzinfo", None)
    kept = g.get("_page_locale")
    if kept is not None and locale is not None and kept[0] is locale and kept[1] is zone:
        return kept[2]
    names = str(flask_babel.get_locale()), str(flask_babel.get_timezone())
    state = g.get("_flask_babel")
    g._page_locale = (getattr(state, "babel_locale", None), getattr(state, "babel_tzinfo", None), names)
    return names


def current_locale() -> str:
    """The language this page is in ("en", "pt_BR"): the templates' ``current_locale()``."""
    return page_locale()[0]


def formatted(formatter, kind: str, value: datetime, format: str | None, rebase: bool) -> str:
    key = (kind, value, format, rebase, *page_locale())
    cache = current_app.extensions["date_cache"]
    text = cache.get(key)
    if text is None:
        text = formatter(value, format, rebase)
        remember(cache, key, text)
    return text


def remember(cache: dict, key: tuple, value: str) -> None:
    if len(cache) >= CACHE_SIZE:
        cache.clear()
    cache[key] = value
