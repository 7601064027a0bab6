"""Forms of the social core."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..auth.forms import username_validators
from ..models import MAX_MESSAGE_LENGTH, MAX_POST_LENGTH, User


def strip_whitespace(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class EmptyForm(FlaskForm):
    """A form with only a button and its CSRF token (follow, unfollow)."""

    submit = SubmitField(_l("Submit"))


class PostForm(FlaskForm):
    post = TextAreaField(
        _l("Say something"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(min=1, max=MAX_POST_LENGTH)],
    )
    submit = SubmitField(_l("Submit"))


class EditProfileForm(FlaskForm):
    username = StringField(_l("Username"), filters=[strip_whitespace], validators=username_validators())
    about_me = TextAreaField(_l("About me"), filters=[strip_whitespace], validators=[Length(max=140)])
    submit = SubmitField(_l("Submit"))

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_username(self, username: StringField) -> None:
        other = User.find_by_username(username.data)
        if other is not None and other.id != self.user.id:
            raise ValidationError(_l("This username is taken. Please use a different one."))


class MessageForm(FlaskForm):
    message = TextAreaField(
        _l("Message"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(min=1, max=MAX_MESSAGE_LENGTH)],
        render_kw={"maxlength": MAX_MESSAGE_LENGTH, "rows": 4},
    )
    submit = SubmitField(_l("Send"))
