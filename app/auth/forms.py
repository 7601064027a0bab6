"""Account forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp, ValidationError

from ..models import User

USERNAME_PATTERN = r"^[\w.-]+$"
MIN_PASSWORD_LENGTH = 8


def username_validators() -> list:
    """The rules every username follows, on registration and on profile edits."""
    return [
        DataRequired(),
        Length(min=3, max=64),
        Regexp(USERNAME_PATTERN, message=_l("Use only letters, digits, dots, dashes and underscores.")),
    ]


def password_validators() -> list:
    return [DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=256)]


def repeat_password_validators() -> list:
    return [DataRequired(), EqualTo("password", message=_l("The two passwords do not match."))]


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember_me = BooleanField(_l("Remember Me"))
    submit = SubmitField(_l("Sign In"))


class RegistrationForm(FlaskForm):
    username = StringField(_l("Username"), validators=username_validators())
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=120)])
    password = PasswordField(_l("Password"), validators=password_validators())
    password2 = PasswordField(_l("Repeat Password"), validators=repeat_password_validators())
    submit = SubmitField(_l("Register"))

    def validate_username(self, username: StringField) -> None:
        if User.find_by_username(username.data) is not None:
            raise ValidationError(_l("This username is taken. Please use a different one."))

    def validate_email(self, email: StringField) -> None:
        if User.find_by_email(email.data) is not None:
            raise ValidationError(_l("This e-mail address is already registered."))


class ResetPasswordRequestForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Request Password Reset"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=password_validators())
    password2 = PasswordField(_l("Repeat Password"), validators=repeat_password_validators())
    submit = SubmitField(_l("Reset Password"))
