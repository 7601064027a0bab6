"""The application factory."""

import logging
import os
from logging.handlers import RotatingFileHandler, SMTPHandler

import flask_babel
from flask import Flask

from config import Config

from .extensions import babel, bootstrap, csrf, db, login, mail, migrate, moment
from .languages import get_locale, language_choices, moment_locale_file, same_language

# Used only under debug or testing, where a missing SECRET_KEY must not stop a
# newcomer; anywhere else start-up refuses to run without a real one.
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-deploy"


class ConfigurationError(RuntimeError):
    """The environment does not describe a runnable application."""


def create_app(config_class: type = Config) -> Flask:
    """Build the application: config, extensions, blueprints, errors, CLI, logging."""
    app = Flask(__name__)
    app.config.from_object(config_class)
    check_secret_key(app)
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    configure_logging(app)
    return app


def check_secret_key(app: Flask) -> None:
    """Refuse to start without SECRET_KEY, except while developing or testing."""
    if app.config.get("SECRET_KEY"):
        return
    if app.debug or app.testing:
        app.config["SECRET_KEY"] = DEVELOPMENT_SECRET_KEY
        return
    raise ConfigurationError(
        "SECRET_KEY is not set. Set it in the environment (for example "
        "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')) "
        "or run with FLASK_DEBUG=1 for local development."
    )


def register_extensions(app: Flask) -> None:
    """Bind every extension object to this app."""
    from . import models  # noqa: F401  (the models must be known to Flask-Migrate)

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


def register_language_helpers(app: Flask) -> None:
    """What templates need to speak the reader's language and offer the others."""
    from .translate import translation_enabled

    app.jinja_env.globals.update(
        current_locale=lambda: str(flask_babel.get_locale()),
        language_choices=language_choices,
        moment_locale_file=moment_locale_file,
        same_language=same_language,
        translation_enabled=translation_enabled,
    )


def register_blueprints(app: Flask) -> None:
    """Attach each area of the site."""
    from .auth import bp as auth_bp
    from .errors import bp as errors_bp
    from .main import bp as main_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(main_bp)


def register_cli(app: Flask) -> None:
    """Add the operator commands to the ``flask`` CLI."""
    from .cli import register

    register(app)


def configure_logging(app: Flask) -> None:
    """Log to stdout or a rotating file; mail errors to ADMINS when mail is set up."""
    if app.debug or app.testing:
        return
    if app.config["MAIL_SERVER"] and app.config["ADMINS"]:
        credentials = None
        if app.config["MAIL_USERNAME"] or app.config["MAIL_PASSWORD"]:
            credentials = (app.config["MAIL_USERNAME"], app.config["MAIL_PASSWORD"])
        mail_handler = SMTPHandler(
            mailhost=(app.config["MAIL_SERVER"], app.config["MAIL_PORT"]),
            fromaddr=app.config["MAIL_DEFAULT_SENDER"],
            toaddrs=app.config["ADMINS"],
            subject="Microblog failure",
            credentials=credentials,
            secure=() if app.config["MAIL_USE_TLS"] else None,
        )
        mail_handler.setLevel(logging.ERROR)
        app.logger.addHandler(mail_handler)
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
