"""``flask translate init|update|compile`` run pybabel on the real sources, into a scratch directory."""

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app import create_app
from config import TestConfig

TRANSLATIONS = Path(__file__).resolve().parents[2] / "app" / "translations"


@pytest.fixture
def translations(tmp_path) -> Path:
    return tmp_path / "translations"


@pytest.fixture
def runner(translations):
    config = type("Config", (TestConfig,), {"BABEL_TRANSLATION_DIRECTORIES": str(translations)})
    return create_app(config).test_cli_runner()


def read_catalog(path: Path):
    with path.open("rb") as po_file:
        return read_po(po_file)


def test_init_starts_a_catalog_with_every_message(runner, translations):
    result = runner.invoke(args=["translate", "init", "fr"])
    assert result.exit_code == 0, result.output
    assert "Created the fr catalog" in result.output
    catalog = read_catalog(translations / "fr" / "LC_MESSAGES" / "messages.po")
    ids = {message.id for message in catalog if message.id}
    assert {"Translate", "Sign In", "Please log in to access this page.", ("post", "posts")} <= ids
    assert "Translating…" in ids  # a JavaScript string, from its data- attribute
    assert "Dear %(username)s," in ids  # from the e-mail templates
    strings = [message.string for message in catalog if message.id]
    assert all(not any(string) if isinstance(string, tuple) else not string for string in strings)


def test_update_adds_new_messages_and_keeps_translations(runner, translations):
    target = translations / "es" / "LC_MESSAGES" / "messages.po"
    target.parent.mkdir(parents=True)
    shutil.copy(TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po", target)
    text = target.read_text(encoding="utf-8")
    text = text.replace('msgid "Translate"\nmsgstr "Traducir"\n', "")
    target.write_text(text, encoding="utf-8")
    assert 'msgid "Translate"\n' not in target.read_text(encoding="utf-8")

    result = runner.invoke(args=["translate", "update"])
    assert result.exit_code == 0, result.output
    catalog = read_catalog(target)
    # Back, with a guess from a similar message marked fuzzy for a translator to check.
    assert catalog["Translate"].fuzzy and catalog["Translate"].string == "Traduciendo…"
    assert catalog["Sign In"].string == "Iniciar sesión"  # the rest is kept


def test_compile_writes_the_mo_files(runner, translations):
    runner.invoke(args=["translate", "init", "fr"])
    result = runner.invoke(args=["translate", "compile"])
    assert result.exit_code == 0, result.output
    assert "translated" in result.output
    assert (translations / "fr" / "LC_MESSAGES" / "messages.mo").stat().st_size > 0


def test_a_pybabel_failure_stops_with_its_message(runner, translations):
    result = runner.invoke(args=["translate", "init", "xx_NOWHERE"])
    assert result.exit_code == 1
    assert "pybabel init failed" in result.output and "unknown locale" in result.output
    assert not (translations / "xx_NOWHERE").exists()


def test_compile_refuses_a_broken_catalog(runner, translations):
    runner.invoke(args=["translate", "init", "fr"])
    po = translations / "fr" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    broken = text.replace('msgid "Hi, %(username)s!"\nmsgstr ""', 'msgid "Hi, %(username)s!"\nmsgstr "Salut %(nom)s !"')
    assert broken != text
    po.write_text(broken, encoding="utf-8")
    result = runner.invoke(args=["translate", "compile"])
    assert result.exit_code == 1
    assert "pybabel compile failed" in result.output and "unknown named placeholder 'nom'" in result.output


def test_update_and_compile_without_catalogs_fail(runner):
    for command in ("update", "compile"):
        result = runner.invoke(args=["translate", command])
        assert result.exit_code == 1, command
        assert "Error:" in result.output
