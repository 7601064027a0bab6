"""Marshmallow schemas for the JSON the site accepts, shared by the pages' JSON routes and the API.

``load_json`` validates a request body with a schema; anything wrong becomes
``InvalidInput``, a 400 in the project's one error shape with ``errors``
mapping each field to its messages.
"""

import re

from flask import current_app, request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

from .translate import MAX_TRANSLATION_LENGTH
from .web import MAX_QUERY_INT, InvalidInput

LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$")


class StrictInteger(fields.Integer):
    """A JSON whole number: no strings, no booleans, within the range of an id column."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=1, max=MAX_QUERY_INT))
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Text(fields.String):
    """A string that is not blank and holds no NUL character."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("Remove the NUL characters.")
        if not text.strip():
            raise ValidationError("Give some text, not only spaces.")
        return text


class TranslationRequestSchema(Schema):
    """POST /translate: the text, its language and the reader's; ``post_id`` enables the cache."""

    class Meta:
        unknown = EXCLUDE

    text = Text(required=True, validate=validate.Length(
        max=MAX_TRANSLATION_LENGTH, error=f"At most {MAX_TRANSLATION_LENGTH} characters can be translated at once."
    ))
    source_language = fields.String(required=True, validate=validate.Regexp(
        LANGUAGE_CODE, error='Give the language code of the text, such as "es".'
    ))
    dest_language = fields.String(required=True)
    post_id = StrictInteger(load_default=None, allow_none=True)

    @validates("dest_language")
    def validate_dest_language(self, value: str, **kwargs) -> None:
        languages = current_app.config["LANGUAGES"]
        if value not in languages:
            raise ValidationError(f"Choose one of the site's languages: {', '.join(languages)}.")


def load_json(schema: Schema, description: str = "The request is not valid.") -> dict:
    """The request's JSON object validated by ``schema``, or InvalidInput (a 400 with ``errors``)."""
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # JSON nested deeper than Python's parser goes
        payload = None
    if not isinstance(payload, dict):
        raise InvalidInput({"json": ["Send a JSON object."]}, description)
    try:
        return schema.load(payload)
    except ValidationError as error:
        raise InvalidInput(error.normalized_messages(), description) from None
