"""Activity: your notifications' items (follows, mentions, replies, likes, reposts) and their read mark."""

from apifairy import arguments, authenticate, body, other_responses, response

from ..extensions import db
from ..models import Activity
from . import bp
from .auth import current_person, token_auth
from .collections import CursorArgsSchema, cursor_page, cursor_page_of
from .errors import documented
from .schemas import ActivityReadSchema, ActivitySchema, UnreadActivitySchema


@bp.route("/activity", methods=["GET"])
@authenticate(token_auth)
@arguments(CursorArgsSchema)
@response(cursor_page_of(ActivitySchema))
@other_responses(documented(400))
def get_activity(args: dict):
    """What others did that concerns you, newest first, or oldest first after= an item id; each says if it is unread"""
    person = current_person()
    page = cursor_page(Activity.for_user_select(person.id), Activity.id, args, "api.get_activity")
    for item in page["items"]:
        item.unread = item.id > person.activity_read_id
    return page


@bp.route("/activity/read", methods=["POST"])
@authenticate(token_auth)
@body(ActivityReadSchema)
@response(UnreadActivitySchema)
@other_responses(documented(body=True))
def mark_activity_read(data: dict):
    """Mark your items up to the id ``up_to`` read (the mark never moves back); answers how many stay unread"""
    person = current_person()
    unread = Activity.mark_read(person.id, data["up_to"])
    db.session.commit()
    return {"unread_activity_count": unread, "read_up_to": person.activity_read_id}
