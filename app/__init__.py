"""The application factory."""

__version__ = "1.0.0"

import logging
import os
from logging.handlers import RotatingFileHandler

import flask_babel
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config

from . import search
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

    db.init_app(app)
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
    bootstrap.init_app(app)
    csrf.init_app(app)
    apifairy.init_app(app)
    search.init_app(app)
    jobs.init_app(app)
    limiter.init_app(app)
    realtime.init_app(app)


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
