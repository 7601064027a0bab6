"""Background tasks: start the export of your posts and follow its state."""

import re

from apifairy import authenticate, body, other_responses, response
from flask import abort, url_for
from flask_babel import _

from ..extensions import db, limiter
from ..jobs import launch_task
from ..models import Task, TaskInProgress
from ..ratelimits import setting, signed_in_person
from . import bp
from .auth import current_person, token_auth
from .errors import documented
from .schemas import TaskCreateSchema, TaskSchema

TASK_ID = re.compile(r"^[0-9a-f]{32}$")


# The tasks a person may start through the API, with what they see while one runs.
STARTABLE = {"export_posts": lambda: _("Exporting posts...")}


@bp.route("/tasks", methods=["POST"])
@authenticate(token_auth)
@limiter.limit(setting("RATELIMIT_TASK"), key_func=signed_in_person)
@body(TaskCreateSchema)
@response(TaskSchema, 202, description="The task started; follow it at Location.")
@other_responses(documented(409, 429, body=True))
def create_task(data: dict):
    """Start a task: `export_posts` mails you all your posts as a JSON file (409 while one runs)"""
    name = data["name"]
    try:
        task = launch_task(current_person(), name, STARTABLE[name]())
    except TaskInProgress:
        db.session.rollback()
        abort(409, "A task of this name is in progress.")
    db.session.commit()
    return task, 202, {"Location": url_for("api.get_task", id=task.id)}


@bp.route("/tasks/<id>", methods=["GET"])
@authenticate(token_auth)
@response(TaskSchema)
@other_responses(documented(404))
def get_task(id: str):
    """One of your tasks: whether it is complete, failed and why, and its result"""
    task = db.session.get(Task, id) if TASK_ID.match(id) else None
    if task is None or task.user_id != current_person().id:
        abort(404)
    return task
