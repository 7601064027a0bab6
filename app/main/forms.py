"""Forms of the social core, and the checks on the JSON that /translate accepts."""

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..auth.forms import username_validators
from ..languages import language_choices
from ..models import MAX_MESSAGE_LENGTH, MAX_POST_LENGTH, User
from ..translate import MAX_TRANSLATION_LENGTH


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
    language = SelectField(_l("Language"), description=_l("The language the site speaks to you in."))
    submit = SubmitField(_l("Submit"))

    def __init__(self, user: User, *args, **kwargs):
        # A post without the field keeps the person's current choice.
        kwargs.setdefault("language", user.locale or "")
        super().__init__(*args, **kwargs)
        self.user = user
        self.language.choices = [("", _l("The one my browser asks for")), *language_choices()]

    def validate_username(self, username: StringField) -> None:
        other = User.find_by_username(username.data)
        if other is not None and other.id != self.user.id:
            raise ValidationError(_l("This username is taken. Please use a different one."))


LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$")


@dataclass
class TranslationRequest:
    """What POST /translate asks for."""

    text: str
    source_language: str
    dest_language: str
    post_id: int | None = None


def read_translation_request(payload: Any, languages: list[str]) -> tuple[TranslationRequest | None, dict[str, str]]:
    """Check the JSON body of POST /translate; returns the request or the errors by field."""
    if not isinstance(payload, dict):
        return None, {"json": "Send a JSON object."}
    errors: dict[str, str] = {}
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        errors["text"] = "Give the text to translate."
    elif len(text) > MAX_TRANSLATION_LENGTH:
        errors["text"] = f"At most {MAX_TRANSLATION_LENGTH} characters can be translated at once."
    source_language = payload.get("source_language")
    if not isinstance(source_language, str) or not LANGUAGE_CODE.match(source_language):
        errors["source_language"] = 'Give the language code of the text, such as "es".'
    dest_language = payload.get("dest_language")
    if dest_language not in languages:
        errors["dest_language"] = f"Choose one of the site's languages: {', '.join(languages)}."
    post_id = payload.get("post_id")
    if post_id is not None and (not isinstance(post_id, int) or isinstance(post_id, bool) or post_id < 1):
        errors["post_id"] = "Give a post's id as a positive whole number, or leave it out."
    if errors:
        return None, errors
    return TranslationRequest(text, source_language, dest_language, post_id), {}


class MessageForm(FlaskForm):
    message = TextAreaField(
        _l("Message"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(min=1, max=MAX_MESSAGE_LENGTH)],
        render_kw={"maxlength": MAX_MESSAGE_LENGTH, "rows": 4},
    )
    submit = SubmitField(_l("Send"))
