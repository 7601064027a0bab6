"""What the Socket.IO events accept (DESIGN.md, "Live events"); the models check lengths and rules."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..models.base import CLIENT_KEY_PATTERN
from ..schemas import StrictInteger

NAME_LENGTH = validate.Length(min=1, max=64)
# Long enough for any body the models accept, short enough that nobody makes the server read a novel.
BODY_LENGTH = validate.Length(max=10_000)


class EventSchema(Schema):
    class Meta:
        unknown = EXCLUDE


class RoomSchema(EventSchema):
    room = fields.String(required=True, validate=NAME_LENGTH)


class JoinSchema(RoomSchema):
    after = StrictInteger(load_default=None, allow_none=True, validate=validate.Range(min=0, max=2**31 - 1))


# The sender's own name for a message: a retry under the same key is stored once.
CLIENT_KEY = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(CLIENT_KEY_PATTERN))


class RoomMessageSchema(RoomSchema):
    body = fields.String(required=True, validate=BODY_LENGTH)
    key = CLIENT_KEY


class SendMessageSchema(EventSchema):
    recipient = fields.String(required=True, validate=NAME_LENGTH)
    body = fields.String(required=True, validate=BODY_LENGTH)
    key = CLIENT_KEY


class InvalidEvent(ValueError):
    """An event whose data does not fit its schema."""


def load_event(schema: Schema, data) -> dict:
    """The event's data validated by ``schema``, or InvalidEvent naming the fields at fault."""
    if not isinstance(data, dict):
        raise InvalidEvent("Send an object.")
    try:
        return schema.load(data)
    except ValidationError as error:
        fields_at_fault = ", ".join(sorted(error.normalized_messages()))
        raise InvalidEvent(f"Check these fields: {fields_at_fault}.") from None
