"""Language names, comparisons, moment.js locale files and guessing a text's language."""

import pytest
from flask import Flask

from app.languages import detect_language, language_name, moment_locale_file, same_language


@pytest.mark.parametrize("text, language", [
    ("Hola a todos, ¿cómo estáis hoy? Me voy a la playa.", "es"),
    ("Guten Morgen, wie geht es euch allen heute?", "de"),
    ("Good morning everyone, how are you all today?", "en"),
    ("Bonjour tout le monde, comment allez-vous aujourd'hui ?", "fr"),
])
def test_detects_the_language_of_a_sentence(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "ok", "lol!!", "12345 678 90", "👍👍👍", "https://t.co/x"])
def test_too_little_text_is_not_guessed(text):
    assert detect_language(text) is None


def test_detection_is_deterministic():
    # Short mixed texts are where an unseeded langdetect changes its mind between runs.
    text = "Hello from Anna, bold? ¡sí!"
    assert len({detect_language(text) for _ in range(20)}) == 1


def test_language_names_are_in_their_own_language():
    assert [language_name(code) for code in ("en", "es", "de")] == ["English", "Español", "Deutsch"]
    assert language_name("not a language") == "not a language"


@pytest.mark.parametrize("first, second, same", [
    ("de", "de", True), ("de", "de-AT", True), ("zh-cn", "zh_TW", True), ("es", "en", False),
    (None, "en", False), ("", "", False),
])
def test_same_language_compares_the_base_language(first, second, same):
    assert same_language(first, second) is same


def test_moment_locale_files_are_served_for_the_offered_languages():
    import app as package

    app = Flask(package.__name__)
    with app.app_context():
        assert moment_locale_file("es") == "vendor/moment/locale/es.js"
        assert moment_locale_file("de") == "vendor/moment/locale/de.js"
        assert moment_locale_file("en") is None  # built into moment.js
        assert moment_locale_file("xx") is None
