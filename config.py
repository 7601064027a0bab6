"""Settings, all read from the environment (a ``.env`` file is loaded in development)."""

import os

from dotenv import load_dotenv

basedir = os.path.abspath(os.path.dirname(__file__))
load_dotenv(os.path.join(basedir, ".env"))


def as_bool(value: str | None, default: bool = False) -> bool:
    """Read a yes/no environment value: 1/true/yes/on are true."""
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def as_list(value: str | None) -> list[str]:
    """Read a comma-separated environment value."""
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def database_url(value: str | None) -> str:
    """Normalise DATABASE_URL so PostgreSQL URLs use the psycopg 3 driver."""
    if not value:
        return "sqlite:///" + os.path.join(basedir, "app.db")
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix):]
    return value


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 25)
    MAIL_USE_TLS = as_bool(os.environ.get("MAIL_USE_TLS"))
    MAIL_USE_SSL = as_bool(os.environ.get("MAIL_USE_SSL"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER") or "no-reply@microblog.localhost"
    MAIL_SEND_ASYNC = True
    ADMINS = as_list(os.environ.get("ADMINS"))

    LOG_TO_STDOUT = as_bool(os.environ.get("LOG_TO_STDOUT"))
    LOG_DIR = os.environ.get("LOG_DIR") or os.path.join(basedir, "logs")

    POSTS_PER_PAGE = int(os.environ.get("POSTS_PER_PAGE") or 25)
    LANGUAGES = as_list(os.environ.get("LANGUAGES")) or ["en", "es", "de"]
    # Translation of posts: Microsoft Translator when its key is set, else
    # LibreTranslate when its URL is set, else off.
    MS_TRANSLATOR_KEY = os.environ.get("MS_TRANSLATOR_KEY")
    MS_TRANSLATOR_REGION = os.environ.get("MS_TRANSLATOR_REGION")
    MS_TRANSLATOR_URL = os.environ.get("MS_TRANSLATOR_URL") or "https://api.cognitive.microsofttranslator.com"
    LIBRETRANSLATE_URL = os.environ.get("LIBRETRANSLATE_URL")
    LIBRETRANSLATE_API_KEY = os.environ.get("LIBRETRANSLATE_API_KEY")
    TRANSLATION_TIMEOUT = float(os.environ.get("TRANSLATION_TIMEOUT") or 5)
    AVATAR_SERVICE = (os.environ.get("AVATAR_SERVICE") or "identicon").lower()
    LAST_SEEN_INTERVAL = int(os.environ.get("LAST_SEEN_INTERVAL") or 300)
    PASSWORD_RESET_EXPIRES = 600
    # Private messages shown per conversation page, and conversations per page of /messages.
    MESSAGES_PER_PAGE = int(os.environ.get("MESSAGES_PER_PAGE") or 25)
    # Seconds between the page's requests to /notifications (the unread badge).
    NOTIFICATION_POLL_INTERVAL = float(os.environ.get("NOTIFICATION_POLL_INTERVAL") or 10)
    # Sent as the Content-Security-Policy header when set; every script is a static file,
    # so e.g. "default-src 'self'; img-src 'self' data:" works.
    CONTENT_SECURITY_POLICY = os.environ.get("CONTENT_SECURITY_POLICY") or None

    BOOTSTRAP_SERVE_LOCAL = True
    REMEMBER_COOKIE_HTTPONLY = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    MAIL_SERVER = None
    MAIL_SEND_ASYNC = False
    LOG_TO_STDOUT = True
    POSTS_PER_PAGE = 3
    LANGUAGES = ["en", "es", "de"]
    # Tests turn translation on against a local server of their own.
    MS_TRANSLATOR_KEY = None
    MS_TRANSLATOR_REGION = None
    LIBRETRANSLATE_URL = None
    LIBRETRANSLATE_API_KEY = None
    TRANSLATION_TIMEOUT = 5.0
    MESSAGES_PER_PAGE = 3
