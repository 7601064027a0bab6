import pytest

from app import ConfigurationError, create_app
from config import TestConfig, as_bool, as_list, database_url


def test_missing_secret_key_stops_production_start_up():
    config = type("Production", (TestConfig,), {"TESTING": False, "DEBUG": False, "SECRET_KEY": None})
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app(config)


def test_debug_runs_without_a_secret_key():
    config = type("Debug", (TestConfig,), {"TESTING": False, "DEBUG": True, "SECRET_KEY": None})
    assert create_app(config).config["SECRET_KEY"]


@pytest.mark.parametrize(("raw", "expected"), [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_database_url_uses_psycopg_for_postgresql(raw, expected):
    assert database_url(raw) == expected


def test_database_url_defaults_to_sqlite():
    assert database_url(None).startswith("sqlite:///") and database_url(None).endswith("app.db")


def test_environment_parsers():
    assert as_bool("Yes") and as_bool("1") and not as_bool("0") and not as_bool(None)
    assert as_bool("", default=True)
    assert as_list(" a@x, b@y ,") == ["a@x", "b@y"]
