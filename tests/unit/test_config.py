import logging

import pytest

from app import ConfigurationError, create_app
from config import TestConfig, as_bool, as_list, database_url

LONG_KEY = "k" * 32


@pytest.fixture(autouse=True)
def restore_app_logger():
    """A production app adds its log handlers to the shared "app" logger; take them off again."""
    logger = logging.getLogger("app")
    handlers, level = list(logger.handlers), logger.level
    yield
    for handler in set(logger.handlers) - set(handlers):
        logger.removeHandler(handler)
    logger.setLevel(level)


def production(**settings) -> type:
    values = {"TESTING": False, "DEBUG": False, "SECRET_KEY": LONG_KEY, "SERVER_NAME": "microblog.example",
              "LOG_TO_STDOUT": True, **settings}
    return type("Production", (TestConfig,), values)


def test_missing_secret_key_stops_production_start_up():
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app(production(SECRET_KEY=None))


def test_a_secret_key_under_32_bytes_stops_production_start_up():
    with pytest.raises(ConfigurationError, match="SECRET_KEY is shorter than 32 bytes"):
        create_app(production(SECRET_KEY="k" * 31))
    assert create_app(production()).config["SECRET_KEY"] == LONG_KEY


def test_production_must_say_where_it_lives():
    with pytest.raises(ConfigurationError, match="Neither SERVER_NAME nor TRUSTED_HOSTS is set"):
        create_app(production(SERVER_NAME=None, TRUSTED_HOSTS=None))
    assert create_app(production(SERVER_NAME=None, TRUSTED_HOSTS=["microblog.example"]))
    assert create_app(production(SERVER_NAME="microblog.example", TRUSTED_HOSTS=None))


def test_debug_needs_neither_a_long_key_nor_a_server_name():
    config = type("Debug", (TestConfig,), {"TESTING": False, "DEBUG": True, "SECRET_KEY": "short",
                                           "SERVER_NAME": None, "TRUSTED_HOSTS": None})
    assert create_app(config).config["SECRET_KEY"] == "short"


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
