"""Account services: registering, signing in, profile changes and passwords.

Every door (the web pages, later the API and the Socket.IO handlers) calls
these functions, so each rule lives here once. A broken rule raises an
``AccountError`` naming the field and carrying a lazily translated message;
each door turns it into its own answer (a form error, a JSON 400 or 409).
The functions flush but never commit: the caller owns the transaction.
"""

import functools
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import email_validator
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .models import Token, User

# ASCII only, so that Python and every database agree on upper and lower case;
# \Z, unlike $, does not accept a trailing newline.
USERNAME_PATTERN = r"^[A-Za-z0-9._-]+\Z"
MIN_USERNAME_LENGTH, MAX_USERNAME_LENGTH = 3, 64
MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH = 8, 256
MAX_EMAIL_LENGTH = 120
MAX_ABOUT_ME_LENGTH = 140
# Control characters other than tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class AccountError(ValueError):
    """A rule of accounts was broken; ``field`` names the input at fault."""

    status = 400

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


class InvalidAccountField(AccountError):
    """A value of the wrong shape: too long, too short, bad characters."""


class AccountConflict(AccountError):
    """A username or e-mail address someone else already has."""

    status = 409


class ResetLinkUsed(AccountError):
    """The password was changed since the reset link was checked (another request used it)."""

    status = 409


class WrongPassword(AccountError):
    """The current password given to confirm a change is not the person's password."""

    status = 403


# -- checks ---------------------------------------------------------------------------


def check_username(username) -> str:
    """The username, stripped, or InvalidAccountField."""
    username = username.strip() if isinstance(username, str) else ""
    if not MIN_USERNAME_LENGTH <= len(username) <= MAX_USERNAME_LENGTH:
        raise InvalidAccountField("username", _l("Use between 3 and 64 characters."))
    if not re.match(USERNAME_PATTERN, username):  # the pattern is anchored at both ends
        raise InvalidAccountField("username", _l("Use only the letters a to z, digits, dots, dashes and underscores."))
    return username


def check_email(email) -> str:
    """The e-mail address, stripped, or InvalidAccountField."""
    email = email.strip() if isinstance(email, str) else ""
    try:
        if len(email) > MAX_EMAIL_LENGTH or CONTROL_CHARACTERS.search(email):
            raise email_validator.EmailNotValidError(email)
        email_validator.validate_email(email, check_deliverability=False)
    except email_validator.EmailNotValidError:
        raise InvalidAccountField("email", _l("Give a valid e-mail address.")) from None
    return email


def check_password(password, field: str = "password") -> str:
    """The password, unchanged, or InvalidAccountField."""
    if not isinstance(password, str) or not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidAccountField(field, _l("Use at least 8 characters (at most 256)."))
    if "\x00" in password:
        raise InvalidAccountField(field, _l("The password cannot contain a NUL character."))
    return password


def check_about_me(about_me) -> str | None:
    """The about-me text, stripped (None when empty), or InvalidAccountField."""
    if about_me is None:
        return None
    about_me = about_me.strip() if isinstance(about_me, str) else None
    if about_me is None or len(about_me) > MAX_ABOUT_ME_LENGTH or CONTROL_CHARACTERS.search(about_me):
        raise InvalidAccountField("about_me", _l("Write at most 140 characters, without control characters."))
    return about_me or None


def check_language(language) -> str | None:
    """One of the site's languages, or None (follow the browser), or InvalidAccountField."""
    if language in (None, ""):
        return None
    if language not in current_app.config["LANGUAGES"]:
        raise InvalidAccountField("language", _l("Choose one of the languages offered."))
    return language


def ensure_available(username: str | None = None, email: str | None = None, exclude: User | None = None) -> None:
    """Raise AccountConflict if another person has this username or e-mail address, whatever the case."""
    if username is not None:
        other = User.find_by_username(username)
        if other is not None and (exclude is None or other.id != exclude.id):
            raise AccountConflict("username", _l("This username is taken. Please use a different one."))
    if email is not None:
        other = User.find_by_email(email)
        if other is not None and (exclude is None or other.id != exclude.id):
            raise AccountConflict("email", _l("This e-mail address is already registered."))


@contextmanager
def unique_changes(field: str, message) -> Iterator[None]:
    """Make the changes in the block in a savepoint and flush them; a race lost to a
    ``lower(...)`` unique index rolls the savepoint back and becomes AccountConflict.

    The rollback drops objects added in the block and expires the attributes it changed,
    so the session stays usable and the person keeps their old values.
    """
    try:
        with db.session.begin_nested():  # flushes earlier changes first, outside the savepoint
            yield
            db.session.flush()
    except sa.exc.IntegrityError:
        raise AccountConflict(field, message) from None


# -- services -------------------------------------------------------------------------


def register(username, email, password) -> User:
    """Create an account (not yet committed)."""
    username, email, password = check_username(username), check_email(email), check_password(password)
    ensure_available(username, email)
    user = User(username=username, email=email)
    user.set_password(password)
    with unique_changes("username", _l("This username or e-mail address was just taken. Please try another.")):
        db.session.add(user)
    return user


@functools.cache
def dummy_password_hash() -> str:
    """A hash of no one's password, checked when there is no account, so that an unknown
    name takes as long to refuse as a wrong password."""
    return generate_password_hash(secrets.token_hex(16))


def authenticate(login, password) -> User | None:
    """The person whose username or e-mail address is ``login``, if ``password`` is theirs."""
    if not isinstance(password, str):
        return None
    user = None
    if isinstance(login, str) and not CONTROL_CHARACTERS.search(login):
        login = login.strip()
        user = User.find_by_email(login) if "@" in login else User.find_by_username(login)
    if user is None or user.password_hash is None:
        check_password_hash(dummy_password_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def update_profile(user: User, username, about_me, language) -> User:
    """Change a person's username, about-me text (None clears it) and language (None: the browser's)."""
    username, about_me, locale = check_username(username), check_about_me(about_me), check_language(language)
    ensure_available(username=username, exclude=user)
    with unique_changes("username", _l("This username was just taken. Please use a different one.")):
        user.username, user.about_me, user.locale = username, about_me, locale
    return user


def change_password(user: User, current, new) -> User:
    """Set a new password after checking the current one (not yet committed); every other session and API token ends."""
    if not isinstance(current, str) or not user.check_password(current):
        raise WrongPassword("current_password", _l("Your current password is not right."))
    user.set_password(check_password(new))
    return end_all_sessions(user)


def end_all_sessions(user: User) -> User:
    """Sign the person out everywhere: every session, "remember me" cookie and API token stops working."""
    user.end_all_sessions()
    Token.revoke_all(user)
    return user


def reset_password(user: User, new) -> User:
    """Set a new password from a reset link checked against ``user``'s current password hash.

    The link works once: the change applies only while the hash is still the one the link was
    checked against, so of simultaneous uses exactly one succeeds (ResetLinkUsed for the others).
    Every session and API token ends and every older link stops working (not yet committed).
    """
    new_hash = generate_password_hash(check_password(new))
    result = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, User.password_hash == user.password_hash)
        .values(password_hash=new_hash, session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ResetLinkUsed("password", _l("This reset link has just been used. Please request a new one."))
    db.session.expire(user, ["password_hash", "session_version"])
    Token.revoke_all(user)
    return user
