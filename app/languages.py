"""Languages: which one a page is shown in, their names, and guessing a text's language."""

import os
from functools import cache

from babel import Locale
from flask import current_app, has_request_context, request
from flask_login import current_user
from langdetect import DetectorFactory, LangDetectException, detect_langs

# The cookie in which an anonymous visitor's choice from the footer is kept.
LANGUAGE_COOKIE = "language"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600

# langdetect is random by default; a fixed seed gives the same answer for the same text.
DetectorFactory.seed = 0

# Shorter texts ("ok", "lol") are guessed wrongly more often than not.
MIN_LETTERS_TO_DETECT = 10
MIN_DETECTION_PROBABILITY = 0.8


def get_locale() -> str:
    """The language a page is shown in.

    A person's saved preference wins; then the language picked from the footer
    (a cookie); then the browser's Accept-Language; then English.
    """
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return "en"
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or "en"


def language_name(code: str) -> str:
    """A language's name in that language ("English", "Español", "Deutsch")."""
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (ValueError, TypeError):
        return code
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]


def language_choices() -> list[tuple[str, str]]:
    """The languages the site offers, as (code, name) pairs in configuration order."""
    return [(code, language_name(code)) for code in current_app.config["LANGUAGES"]]


def moment_locale_file(locale: str) -> str | None:
    """The static file with moment.js's words for ``locale``; None for English or a missing file."""
    return _moment_locale_file(current_app.static_folder, locale)


@cache
def _moment_locale_file(static_folder: str, locale: str) -> str | None:
    if same_language(locale, "en"):
        return None  # built into moment.js
    for name in (locale.lower().replace("_", "-"), locale.split("_")[0].split("-")[0].lower()):
        filename = f"vendor/moment/locale/{name}.js"
        if os.path.isfile(os.path.join(static_folder, filename)):
            return filename
    return None


def same_language(first: str | None, second: str | None) -> bool:
    """Whether two language codes name the same language ("de" and "de-AT" do)."""
    if not first or not second:
        return False
    return first.replace("_", "-").split("-")[0].lower() == second.replace("_", "-").split("-")[0].lower()


def detect_language(text: str) -> str | None:
    """The language ``text`` is written in ("es", "zh-cn", ...), or None when unsure.

    Deterministic, and never raises: a text too short or too odd to tell is None.
    """
    if sum(character.isalpha() for character in text) < MIN_LETTERS_TO_DETECT:
        return None
    try:
        best = detect_langs(text)[0]
    except (LangDetectException, IndexError):
        return None
    if best.prob < MIN_DETECTION_PROBABILITY:
        return None
    return best.lang[:5]
