"""Account forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp

from ..accounts import (
    MAX_EMAIL_LENGTH,
    MAX_PASSWORD_LENGTH,
    MAX_USERNAME_LENGTH,
    MIN_PASSWORD_LENGTH,
    MIN_USERNAME_LENGTH,
    USERNAME_PATTERN,
)

# The account services check every rule again; these give the browser the same answers at once.
USERNAME_RULES = _l("3 to 64 characters: the letters a to z, digits, dots, dashes and underscores.")
PASSWORD_RULES = _l("At least 8 characters.")


def username_validators() -> list:
    """The rules every username follows, on registration and on profile edits."""
    return [
        DataRequired(),
        Length(min=MIN_USERNAME_LENGTH, max=MAX_USERNAME_LENGTH),
        Regexp(USERNAME_PATTERN, message=_l("Use only the letters a to z, digits, dots, dashes and underscores.")),
    ]


def password_validators() -> list:
    return [DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)]


def repeat_password_validators() -> list:
    return [DataRequired(), EqualTo("password", message=_l("The two passwords do not match."))]


class LoginForm(FlaskForm):
    username = StringField(_l("Username or e-mail address"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember_me = BooleanField(_l("Remember Me"))
    submit = SubmitField(_l("Sign In"))


class RegistrationForm(FlaskForm):
    username = StringField(_l("Username"), validators=username_validators(), description=USERNAME_RULES)
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=MAX_EMAIL_LENGTH)])
    password = PasswordField(_l("Password"), validators=password_validators(), description=PASSWORD_RULES)
    password2 = PasswordField(_l("Repeat Password"), validators=repeat_password_validators())
    submit = SubmitField(_l("Register"))


class ResetPasswordRequestForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Request Password Reset"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=password_validators(), description=PASSWORD_RULES)
    password2 = PasswordField(_l("Repeat Password"), validators=repeat_password_validators())
    submit = SubmitField(_l("Reset Password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=password_validators(), description=PASSWORD_RULES)
    password2 = PasswordField(_l("Repeat Password"), validators=repeat_password_validators())
    submit = SubmitField(_l("Change Password"))


class LogoutEverywhereForm(FlaskForm):
    submit = SubmitField(_l("Sign out everywhere"))
