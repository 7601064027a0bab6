"""Settings, all read from the environment (a ``.env`` file is loaded in development)."""

import os
from datetime import timedelta

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
    # Where the site lives. Links in e-mails are built from SERVER_NAME and
    # PREFERRED_URL_SCHEME, never from a request's Host header; requests for a
    # host outside TRUSTED_HOSTS (when set) are refused with a 400.
    SERVER_NAME = os.environ.get("SERVER_NAME") or None
    TRUSTED_HOSTS = as_list(os.environ.get("TRUSTED_HOSTS")) or None
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME") or "http"
    # How many reverse proxies (each adding X-Forwarded-For/-Proto/-Host) stand in front of the app.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT") or 0)
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A pooled PostgreSQL connection idle this many seconds is checked (one round trip) before
    # a request uses it, so one the server dropped is replaced unseen; 0 checks every time.
    DATABASE_PING_AFTER = float(os.environ.get("DATABASE_PING_AFTER") or 10)
    # PostgreSQL connections each web process keeps open, and how many more it may open for a
    # burst (closed again after use). Keep DATABASE_POOL_SIZE at about the requests one process
    # serves at once: below that, busy moments open and close a connection per request.
    DATABASE_POOL_SIZE = int(os.environ.get("DATABASE_POOL_SIZE") or 10)
    DATABASE_MAX_OVERFLOW = int(os.environ.get("DATABASE_MAX_OVERFLOW") or 10)
    # PostgreSQL's JIT compilation, off for the app's connections unless this is set: it pays
    # only for long analytical queries, and costs milliseconds on short ones whose row
    # estimates are off (docs/architecture.md, "Database").
    DATABASE_JIT = as_bool(os.environ.get("DATABASE_JIT"))

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 25)
    MAIL_USE_TLS = as_bool(os.environ.get("MAIL_USE_TLS"))
    MAIL_USE_SSL = as_bool(os.environ.get("MAIL_USE_SSL"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER") or "no-reply@microblog.localhost"
    MAIL_SEND_ASYNC = True
    ADMINS = as_list(os.environ.get("ADMINS"))

    # Background jobs: RQ on this Redis when set (`rq worker microblog-tasks`), else an
    # in-process worker thread.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # A running task whose worker has not sent a heartbeat for this many seconds is abandoned
    # (RQ's workers beat every 30 s by default, `--job-monitoring-interval`).
    TASK_WORKER_TIMEOUT = int(os.environ.get("TASK_WORKER_TIMEOUT") or 120)
    # Seconds between attempts to send a mail the SMTP server refused; one retry per number.
    MAIL_RETRY_INTERVALS = [int(n) for n in as_list(os.environ.get("MAIL_RETRY_INTERVALS") or "10,30,60,300,900")]
    # Posts read per query by the export job.
    EXPORT_BATCH_SIZE = int(os.environ.get("EXPORT_BATCH_SIZE") or 1000)

    LOG_TO_STDOUT = as_bool(os.environ.get("LOG_TO_STDOUT"))
    LOG_DIR = os.environ.get("LOG_DIR") or os.path.join(basedir, "logs")

    POSTS_PER_PAGE = int(os.environ.get("POSTS_PER_PAGE") or 25)
    # Seconds after publishing during which its author may edit a post.
    POST_EDIT_WINDOW = int(os.environ.get("POST_EDIT_WINDOW") or 900)
    LANGUAGES = as_list(os.environ.get("LANGUAGES")) or ["en", "es", "de"]
    # Translation of posts: Microsoft Translator when its key is set, else
    # LibreTranslate when its URL is set, else off.
    MS_TRANSLATOR_KEY = os.environ.get("MS_TRANSLATOR_KEY")
    MS_TRANSLATOR_REGION = os.environ.get("MS_TRANSLATOR_REGION")
    MS_TRANSLATOR_URL = os.environ.get("MS_TRANSLATOR_URL") or "https://api.cognitive.microsofttranslator.com"
    LIBRETRANSLATE_URL = os.environ.get("LIBRETRANSLATE_URL")
    LIBRETRANSLATE_API_KEY = os.environ.get("LIBRETRANSLATE_API_KEY")
    TRANSLATION_TIMEOUT = float(os.environ.get("TRANSLATION_TIMEOUT") or 5)
    # Search: Elasticsearch when its URL is set, else the database's own full-text index.
    ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL") or None
    ELASTICSEARCH_INDEX_PREFIX = os.environ.get("ELASTICSEARCH_INDEX_PREFIX") or "microblog-"
    ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT") or 3)
    # Seconds a search may take on PostgreSQL before the reader is asked for a narrower one.
    SEARCH_TIMEOUT = float(os.environ.get("SEARCH_TIMEOUT") or 3)
    # People shown above the posts on the first page of search results.
    SEARCH_PEOPLE_SHOWN = int(os.environ.get("SEARCH_PEOPLE_SHOWN") or 5)
    AVATAR_SERVICE = (os.environ.get("AVATAR_SERVICE") or "identicon").lower()
    # Uploaded profile pictures: where their files live (default: "avatars" in the instance
    # folder; a volume in Docker), the largest upload in bytes and in pixels.
    AVATAR_DIR = os.environ.get("AVATAR_DIR") or None
    AVATAR_MAX_BYTES = int(os.environ.get("AVATAR_MAX_BYTES") or 5 * 1024 * 1024)
    AVATAR_MAX_PIXELS = int(os.environ.get("AVATAR_MAX_PIXELS") or 40_000_000)
    LAST_SEEN_INTERVAL = int(os.environ.get("LAST_SEEN_INTERVAL") or 300)
    PASSWORD_RESET_EXPIRES = 600
    # Private messages shown per conversation page, and conversations per page of /messages.
    MESSAGES_PER_PAGE = int(os.environ.get("MESSAGES_PER_PAGE") or 25)
    # People per page of follower, following, blocked and muted lists; activity items per page of
    # /notifications/all; open reports per page of /admin/reports.
    PEOPLE_PER_PAGE = int(os.environ.get("PEOPLE_PER_PAGE") or 25)
    ACTIVITY_PER_PAGE = int(os.environ.get("ACTIVITY_PER_PAGE") or 30)
    REPORTS_PER_PAGE = int(os.environ.get("REPORTS_PER_PAGE") or 25)
    # Seconds between the page's requests to /notifications (the unread badge).
    NOTIFICATION_POLL_INTERVAL = float(os.environ.get("NOTIFICATION_POLL_INTERVAL") or 10)
    # The Content-Security-Policy header; every script and stylesheet is a static file of the
    # site, so the default forbids inline scripts and <style>, other origins and framing.
    # Style attributes stay allowed: Flask-Moment hides its times with one until rendered.
    CONTENT_SECURITY_POLICY = os.environ.get("CONTENT_SECURITY_POLICY") or (
        "default-src 'self'; img-src 'self' data:"
        + (" https://www.gravatar.com" if (os.environ.get("AVATAR_SERVICE") or "").lower() == "gravatar" else "")
        + "; style-src 'self'; style-src-attr 'unsafe-inline'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )

    # With REDIS_URL (above) Socket.IO events travel through Redis (every web and worker process
    # can emit), and chat presence and the message rate limit live in it. Without it, one process.
    # Live events over Socket.IO at /socket.io/ (off only in the route tests, which need no sockets).
    SOCKETIO_ENABLED = True
    # The Redis channel the Socket.IO processes share; deployments sharing one Redis set their own.
    SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL") or "microblog-socketio"
    # Origins allowed to open a socket besides the site's own (comma-separated), e.g. behind a proxy.
    SOCKETIO_ALLOWED_ORIGINS = as_list(os.environ.get("SOCKETIO_ALLOWED_ORIGINS"))
    # Messages one person may send over sockets and chat rooms (the `limits` notation).
    MESSAGE_RATE_LIMIT = os.environ.get("MESSAGE_RATE_LIMIT") or "20 per 10 seconds"
    # Seconds a socket stays present in a room without a refresh (the server refreshes its
    # live sockets every third of it); a crashed worker's sockets vanish after this.
    PRESENCE_TTL = int(os.environ.get("PRESENCE_TTL") or 60)
    # Room messages shown on joining a room, and per "older messages" page.
    ROOM_HISTORY_LENGTH = 50
    # The REST API: how long a token lasts (seconds), the largest request body it reads (bytes),
    # and where the OpenAPI document and its reference page are served.
    API_TOKEN_LIFETIME = int(os.environ.get("API_TOKEN_LIFETIME") or 7 * 24 * 3600)
    API_MAX_CONTENT_LENGTH = int(os.environ.get("API_MAX_CONTENT_LENGTH") or 64 * 1024)
    APIFAIRY_TITLE = "Microblog API"
    APIFAIRY_VERSION = "1"
    APIFAIRY_APISPEC_PATH = "/api/openapi.json"
    APIFAIRY_UI = "redoc"
    APIFAIRY_UI_PATH = "/api/docs"

    BOOTSTRAP_SERVE_LOCAL = True
    # Cookies: never readable by scripts, not sent on cross-site sub-requests, and only
    # over HTTPS when the site is served over HTTPS (COOKIE_SECURE overrides).
    SESSION_COOKIE_HTTPONLY = REMEMBER_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = REMEMBER_COOKIE_SECURE = as_bool(
        os.environ.get("COOKIE_SECURE"), default=PREFERRED_URL_SCHEME == "https"
    )
    REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("REMEMBER_COOKIE_DAYS") or 30))
    # Sent on every response unless a view set its own; Strict-Transport-Security only over HTTPS.
    HSTS_MAX_AGE = int(os.environ.get("HSTS_MAX_AGE") or 31_536_000)

    # Request size: bodies over MAX_CONTENT_LENGTH bytes are refused with a 413 before
    # they are read; multipart fields and parts are bounded too.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH") or 65_536)
    MAX_FORM_MEMORY_SIZE = int(os.environ.get("MAX_FORM_MEMORY_SIZE") or 16_384)
    MAX_FORM_PARTS = int(os.environ.get("MAX_FORM_PARTS") or 50)

    # Rate limits (Flask-Limiter). Per-address limits are generous, since many people can
    # share one address; the tight ones are per account. RATELIMIT_ENABLED=false turns
    # every limit off (load tests). Counts live in memory, or in Redis when REDIS_URL is set.
    RATELIMIT_ENABLED = as_bool(os.environ.get("RATELIMIT_ENABLED"), default=True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN_PER_ADDRESS = os.environ.get("RATELIMIT_LOGIN_PER_ADDRESS") or "300 per hour"
    RATELIMIT_LOGIN_PER_ACCOUNT = os.environ.get("RATELIMIT_LOGIN_PER_ACCOUNT") or "10 per 15 minutes"
    RATELIMIT_RESET_PER_ADDRESS = os.environ.get("RATELIMIT_RESET_PER_ADDRESS") or "60 per hour"
    RATELIMIT_RESET_PER_EMAIL = os.environ.get("RATELIMIT_RESET_PER_EMAIL") or "3 per hour"
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER") or "10 per hour"
    RATELIMIT_POST = os.environ.get("RATELIMIT_POST") or "10 per minute; 300 per day"
    RATELIMIT_MESSAGE = os.environ.get("RATELIMIT_MESSAGE") or "30 per minute; 1000 per day"
    RATELIMIT_TASK = os.environ.get("RATELIMIT_TASK") or "20 per hour"
    RATELIMIT_ROOM = os.environ.get("RATELIMIT_ROOM") or "10 per hour; 50 per day"
    RATELIMIT_TRANSLATE = os.environ.get("RATELIMIT_TRANSLATE") or "30 per minute; 500 per day"
    # Error mail to ADMINS: at most this many messages per ADMIN_MAIL_PERIOD seconds.
    ADMIN_MAIL_LIMIT = int(os.environ.get("ADMIN_MAIL_LIMIT") or 10)
    ADMIN_MAIL_PERIOD = int(os.environ.get("ADMIN_MAIL_PERIOD") or 3600)


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    MAIL_SERVER = None
    MAIL_SEND_ASYNC = False
    REDIS_URL = None
    TASK_WORKER_TIMEOUT = 120
    MAIL_RETRY_INTERVALS = [1, 1]
    EXPORT_BATCH_SIZE = 1000
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
    PEOPLE_PER_PAGE = 3
    ACTIVITY_PER_PAGE = 5
    REPORTS_PER_PAGE = 3
    SOCKETIO_ENABLED = False
    # Tests point search at a local server of their own when they need Elasticsearch.
    ELASTICSEARCH_URL = None
    # Suites log in many people from one address; the rate-limit tests turn limits on.
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
