"""Forms of the chat pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from ..main.forms import client_key_field, strip_whitespace
from ..models import MAX_ROOM_MESSAGE_LENGTH
from ..models.chat import MAX_ROOM_NAME_LENGTH, MIN_ROOM_NAME_LENGTH, ROOM_NAME_PATTERN


class CreateRoomForm(FlaskForm):
    name = StringField(
        _l("Room name"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(),
            Length(min=MIN_ROOM_NAME_LENGTH, max=MAX_ROOM_NAME_LENGTH),
            Regexp(f"^{ROOM_NAME_PATTERN.pattern}$",
                   message=_l("Use 3 to 32 letters, digits, hyphens or underscores.")),
        ],
        render_kw={"maxlength": MAX_ROOM_NAME_LENGTH, "autocomplete": "off"},
    )
    submit = SubmitField(_l("Create room"))


class RoomMessageForm(FlaskForm):
    message = TextAreaField(
        _l("Message"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(min=1, max=MAX_ROOM_MESSAGE_LENGTH)],
        render_kw={"maxlength": MAX_ROOM_MESSAGE_LENGTH, "rows": 2},
    )
    key = client_key_field()
    submit = SubmitField(_l("Send"))
