"""Forms of the social core."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..accounts import CONTROL_CHARACTERS, MAX_ABOUT_ME_LENGTH
from ..auth.forms import username_validators
from ..avatars import megabytes
from ..languages import language_choices
from ..models import MAX_MESSAGE_LENGTH, MAX_POST_LENGTH, MAX_REPORT_TEXT_LENGTH, REPORT_REASONS, User
from ..models.base import CLIENT_KEY_PATTERN


def strip_whitespace(value: str | None) -> str | None:
    """Trim the text, and end its lines with LF: browsers send CRLF, which would count twice against a limit."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def client_key_field() -> HiddenField:
    """The hidden ``key`` a message form's script fills in, so that posting it again stores it once."""
    return HiddenField(validators=[Optional(), Regexp(f"^{CLIENT_KEY_PATTERN.pattern}$",
                                                      message=_l("This message's key is not valid."))])


def no_control_characters(form: FlaskForm, field) -> None:
    """Refuse NUL and other control characters (line breaks and tabs are fine): the database would, less politely."""
    if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
        raise ValidationError(_l("Remove the control characters from the text."))


class EmptyForm(FlaskForm):
    """A form with only a button and its CSRF token (follow, unfollow)."""

    submit = SubmitField(_l("Submit"))


class PostForm(FlaskForm):
    post = TextAreaField(
        _l("What’s on your mind?"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(min=1, max=MAX_POST_LENGTH), no_control_characters],
    )
    submit = SubmitField(_l("Post"))


class EditProfileForm(FlaskForm):
    username = StringField(_l("Username"), filters=[strip_whitespace], validators=username_validators())
    about_me = TextAreaField(
        _l("About me"), filters=[strip_whitespace], validators=[Length(max=MAX_ABOUT_ME_LENGTH)],
        # Refused when too long (post-counter.js and the validator), never cut by the browser.
        render_kw={"maxlength": False, "data-max-length": MAX_ABOUT_ME_LENGTH},
    )
    language = SelectField(_l("Language"), description=_l("The language the site speaks to you in."))
    submit = SubmitField(_l("Save changes"))

    def __init__(self, user: User, *args, **kwargs):
        # A post without the field keeps the person's current choice.
        kwargs.setdefault("language", user.locale or "")
        super().__init__(*args, **kwargs)
        self.language.choices = [("", _l("The one my browser asks for")), *language_choices()]


class AvatarForm(FlaskForm):
    """Upload a picture; its content is checked by app/avatars.py, not by its name."""

    picture = FileField(
        _l("Picture"), validators=[FileRequired(_l("Choose a picture to upload."))],
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    submit = SubmitField(_l("Upload picture"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        max_bytes = current_app.config["AVATAR_MAX_BYTES"]
        self.picture.description = _l("PNG, JPEG or WebP, up to %(size)s MB. It is cropped to a square.",
                                      size=megabytes(max_bytes))
        self.picture.render_kw = {**self.picture.render_kw, "data-max-bytes": max_bytes}


class RemoveAvatarForm(FlaskForm):
    submit = SubmitField(_l("Remove picture"))


class MessageForm(FlaskForm):
    message = TextAreaField(
        _l("Message"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(min=1, max=MAX_MESSAGE_LENGTH), no_control_characters],
        # Refused when too long (post-counter.js and the validator), never cut by the browser.
        render_kw={"maxlength": False, "data-max-length": MAX_MESSAGE_LENGTH, "rows": 4},
    )
    key = client_key_field()
    submit = SubmitField(_l("Send"))


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("Why are you reporting this?"),
        choices=[SelectChoice(value, label) for value, label in REPORT_REASONS.items()],
        validators=[DataRequired(_l("Choose a reason."))],
    )
    text = TextAreaField(
        _l("Anything the admins should know (optional)"),
        filters=[strip_whitespace],
        validators=[Length(max=MAX_REPORT_TEXT_LENGTH), no_control_characters],
        render_kw={"maxlength": False, "data-max-length": MAX_REPORT_TEXT_LENGTH, "rows": 3},
    )
    submit = SubmitField(_l("Send report"))
