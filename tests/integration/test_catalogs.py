"""The Spanish and German catalogs are complete for the strings in the code today, and compile."""

import gettext
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app import create_app
from app.cli import extracted_messages
from config import TestConfig

TRANSLATIONS = Path(__file__).resolve().parents[2] / "app" / "translations"
LANGUAGES = ["es", "de"]


@pytest.fixture(scope="module")
def template():
    """The messages extracted afresh from the code and templates, as `flask translate update` does."""
    with create_app(TestConfig).app_context(), extracted_messages() as path, open(path, "rb") as pot:
        return read_po(pot)


def load(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def test_the_extraction_finds_the_sites_strings(template):
    ids = {message.id for message in template if message.id}
    assert len(ids) > 90
    assert {"Translate", "Translating…", "Please log in to access this page.", "Dear %(username)s,",
            ("follower", "followers"), "Page not found", "Language"} <= ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(template, language):
    catalog = load(language)
    assert not catalog.fuzzy, "the catalog's header is marked fuzzy"
    missing, untranslated, fuzzy = [], [], []
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id)
        if entry is None:
            missing.append(message.id)
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings) or (isinstance(message.id, tuple) and len(strings) < catalog.num_plurals):
            untranslated.append(message.id)
        if entry.fuzzy:
            fuzzy.append(message.id)
    assert (missing, untranslated, fuzzy) == ([], [], []), "run `flask translate update` and translate these"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_stale_messages_linger(template, language):
    current = {message.id for message in template if message.id}
    catalog = load(language)
    assert [message.id for message in catalog if message.id and message.id not in current] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalog_compiles_and_its_placeholders_match(language):
    catalog = load(language)
    problems = [(message.id, [str(error) for error in errors]) for message, errors in catalog.check()]
    assert problems == []
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    translations = gettext.GNUTranslations(compiled)
    assert translations.gettext("Translate") == {"es": "Traducir", "de": "Übersetzen"}[language]
    assert translations.ngettext("follower", "followers", 2) == {"es": "seguidores", "de": "Follower"}[language]
