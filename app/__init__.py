"""The application factory."""

__version__ = "1.0.0"

import logging
import os
import time
from functools import partial
from logging.handlers import RotatingFileHandler

import flask_babel
import sqlalchemy as sa
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config

from . import rendering, search
from .extensions import apifairy, babel, bootstrap, csrf, db, limiter, login, mail, migrate, moment
from .languages import get_locale, language_choices, moment_locale_file, same_language

# Used only under debug or testing, where a missing SECRET_KEY must not stop a
# newcomer; anywhere else start-up refuses to run without a real one.
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-deploy"
MIN_SECRET_KEY_BYTES = 32


class ConfigurationError(RuntimeError):
    """The environment does not describe a runnable application."""


def create_app(config_class: type = Config) -> Flask:
    """Build the application: config, extensions, blueprints, request hooks, CLI, logging."""
    app = Flask(__name__)
    app.jinja_environment = rendering.Environment
    app.config.from_object(config_class)
    check_secret_key(app)
    check_public_address(app)
    trust_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_cli(app)
    configure_logging(app)
    return app


def check_secret_key(app: Flask) -> None:
    """Refuse to start without a SECRET_KEY of at least 32 bytes, except while developing or testing."""
    key = app.config.get("SECRET_KEY")
    if app.debug or app.testing:
        app.config["SECRET_KEY"] = key or DEVELOPMENT_SECRET_KEY
        return
    advice = (
        "Set it in the environment (for example "
        "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')) "
        "or run with FLASK_DEBUG=1 for local development."
    )
    if not key:
        raise ConfigurationError(f"SECRET_KEY is not set. {advice}")
    if len(key.encode() if isinstance(key, str) else key) < MIN_SECRET_KEY_BYTES:
        raise ConfigurationError(f"SECRET_KEY is shorter than {MIN_SECRET_KEY_BYTES} bytes. {advice}")


def check_public_address(app: Flask) -> None:
    """Refuse to start in production without SERVER_NAME or TRUSTED_HOSTS: links in
    e-mails must not come from whatever Host header a request sends."""
    if app.debug or app.testing or app.config.get("SERVER_NAME") or app.config.get("TRUSTED_HOSTS"):
        return
    raise ConfigurationError(
        "Neither SERVER_NAME nor TRUSTED_HOSTS is set. Set SERVER_NAME to the site's host name "
        "(for example SERVER_NAME=microblog.example.com, with PREFERRED_URL_SCHEME=https), used "
        "for links in e-mails, and/or TRUSTED_HOSTS to the comma-separated host names the site "
        "answers to; or run with FLASK_DEBUG=1 for local development."
    )


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies, take the client's address, scheme and host from them."""
    count = app.config.get("PROXY_COUNT") or 0
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count)


def register_extensions(app: Flask) -> None:
    """Bind every extension object to this app."""
    from . import jobs, models, outbox, realtime  # noqa: F401  (models for Flask-Migrate; the outbox's session listeners)

    configure_database_connections(app)
    db.init_app(app)
    ping_idle_connections(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    login.init_app(app)
    login.login_view = "auth.login"
    login.login_message_category = "info"
    # Without a mail server, messages are logged rather than sent (app/email.py).
    app.config.setdefault("MAIL_SUPPRESS_SEND", app.testing or not app.config["MAIL_SERVER"])
    mail.init_app(app)
    moment.init_app(app)
    babel.init_app(app, locale_selector=get_locale)
    register_language_helpers(app)
    rendering.init_app(app)  # after Flask-Babel, whose date filters it wraps
    bootstrap.init_app(app)
    csrf.init_app(app)
    apifairy.init_app(app)
    search.init_app(app)
    jobs.init_app(app)
    limiter.init_app(app)
    realtime.init_app(app)


def configure_database_connections(app: Flask) -> None:
    """PostgreSQL connections: JIT compilation off unless DATABASE_JIT is set, checked before use
    only after DATABASE_PING_AFTER idle seconds, DATABASE_POOL_SIZE of them kept open
    (docs/architecture.md, "Database").

    The app's statements are short index lookups; JIT compilation, which PostgreSQL starts
    when a plan's estimated cost is high (as it is with missing or stale statistics), can cost
    more than the query itself. A check on every checkout (``pool_pre_ping``) was one round
    trip in five of a small page; a connection used a moment ago needs none.
    """
    if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not app.config.get("DATABASE_JIT"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args["options"] = f"{connect_args.get('options', '')} -c jit=off".strip()
        options["connect_args"] = connect_args
    if "pool_pre_ping" not in options and app.config.get("DATABASE_PING_AFTER", 0) <= 0:
        options["pool_pre_ping"] = True
    options.setdefault("pool_size", app.config.get("DATABASE_POOL_SIZE", 10))
    options.setdefault("max_overflow", app.config.get("DATABASE_MAX_OVERFLOW", 10))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def ping_idle_connections(app: Flask) -> None:
    """Check a pooled PostgreSQL connection before use when it has been idle DATABASE_PING_AFTER
    seconds or more; one that fails is replaced by the pool (SQLAlchemy's checkout recipe)."""
    idle_seconds = app.config.get("DATABASE_PING_AFTER", 0)
    if (idle_seconds <= 0 or "pool_pre_ping" in app.config["SQLALCHEMY_ENGINE_OPTIONS"]
            or not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql")):
        return
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        sa.event.listen(engine, "checkin", mark_idle)
        sa.event.listen(engine, "checkout", partial(ping_if_idle, engine.dialect, idle_seconds))


def mark_idle(dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


def ping_if_idle(dialect, idle_seconds: float, dbapi_connection, record, proxy) -> None:
    since = record.info.get("idle_since")
    if since is None or time.monotonic() - since < idle_seconds:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except Exception as error:
        raise sa.exc.DisconnectionError(f"a pooled connection failed its check: {error}") from error


def register_language_helpers(app: Flask) -> None:
    """What templates need to speak the reader's language and offer the others (and which pages exist)."""
    from .translate import translation_enabled

    app.jinja_env.globals.update(
        current_locale=lambda: str(flask_babel.get_locale()),
        # The navigation links a page only once its blueprint provides it (``main.search``).
        has_endpoint=lambda endpoint: endpoint in app.view_functions,
        language_choices=language_choices,
        moment_locale_file=moment_locale_file,
        same_language=same_language,
        translation_enabled=translation_enabled,
    )


def register_blueprints(app: Flask) -> None:
    """Attach each area of the site."""
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .chat import bp as chat_bp
    from .errors import bp as errors_bp
    from .main import bp as main_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(main_bp)
    app.register_blueprint(chat_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    # API clients authenticate every request with a token, never a cookie, so CSRF cannot apply.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp, url_prefix="/api")


def register_request_hooks(app: Flask) -> None:
    """What runs around every request: ``last_seen``, response headers."""
    from . import hooks

    hooks.register(app)


def register_cli(app: Flask) -> None:
    """Add the operator commands to the ``flask`` CLI."""
    from .cli import register

    register(app)


def configure_logging(app: Flask) -> None:
    """Log to stdout or a rotating file; mail errors to ADMINS when mail is set up."""
    if app.debug or app.testing:
        return
    if app.config["MAIL_SERVER"] and app.config["ADMINS"]:
        from .admin_mail import admin_mail_handler

        app.logger.addHandler(admin_mail_handler(app))
    if app.config["LOG_TO_STDOUT"]:
        handler: logging.Handler = logging.StreamHandler()
    else:
        os.makedirs(app.config["LOG_DIR"], exist_ok=True)
        handler = RotatingFileHandler(
            os.path.join(app.config["LOG_DIR"], "microblog.log"), maxBytes=1_048_576, backupCount=10
        )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s: %(message)s [in %(pathname)s:%(lineno)d]")
    )
    handler.setLevel(logging.INFO)
    app.logger.addHandler(handler)
    app.logger.setLevel(logging.INFO)
    app.logger.info("Microblog startup")
