"""Background job functions, run by ``rq worker microblog-tasks`` or by the in-process worker.

Importing this module builds nothing: a job runs in the caller's application
context (the in-process worker's) or, in an RQ worker, in an application that
``create_app()`` builds on the first job of the process, configured from the
environment like the web processes.
"""

import functools
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context, render_template
from flask_babel import _, force_locale
from flask_mail import Message
from rq.exceptions import AbandonedJobError

from . import avatars, create_app
from .email import deliver, send_email
from .extensions import db
from .jobs import current_job
from .models import Post, Task, User


class TaskError(Exception):
    """A task cannot go on; its message, already in the owner's language, is shown to them."""


_worker_app: dict[str, Any] = {}


def worker_app() -> Flask:
    """The application jobs run in when no context is pushed: built once, reused by forked work horses."""
    app = _worker_app.get("app")
    if app is None:
        app = _worker_app["app"] = create_app()
    elif _worker_app["pid"] != os.getpid():
        with app.app_context():
            db.engine.dispose(close=False)  # connections opened before the fork belong to the parent
    _worker_app["pid"] = os.getpid()
    return app


def job(function: Callable) -> Callable:
    """Run ``function`` in an application context: the one already pushed, else the worker's app."""

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            return function(*args, **kwargs)
        with worker_app().app_context():
            return function(*args, **kwargs)

    return run


def current_task() -> Task:
    """The task row of the running job."""
    task = db.session.get(Task, current_job().id)
    if task is None:
        raise LookupError(f"no task for job {current_job().id}")
    return task


def set_task_progress(task: Task, progress: int) -> None:
    """Record ``progress`` (0-100) in the job's meta and tell the owner, committing."""
    running = current_job()
    running.meta["progress"] = progress
    running.save_meta()
    task.set_progress(progress)
    db.session.commit()


# -- jobs --------------------------------------------------------------------------


@job
def export_posts(user_id: int) -> None:
    """Write all of a person's posts as JSON, batch by batch, and mail them the file."""
    task = current_task()
    if task.complete:
        return  # released as abandoned before this job could start
    user = db.session.get(User, user_id)
    set_task_progress(task, 0)
    total, written, reported = max(user.posts_count, 1), 0, 0
    with tempfile.TemporaryFile() as export:
        export.write(b'{"posts": [')
        for batch in post_batches(user_id, current_app.config["EXPORT_BATCH_SIZE"]):
            for body, timestamp, language in batch:
                item = {"body": body, "timestamp": timestamp.isoformat(), "language": language}
                export.write((b", " if written else b"") + json.dumps(item).encode())
                written += 1
            progress = min(99, written * 100 // total)
            if progress > reported:
                set_task_progress(task, progress)
                reported = progress
        export.write(b"]}\n")
        export.seek(0)
        send_export_email(user, export.read())
    task.finish({"posts": written})
    db.session.commit()  # the mail is queued after this commit


def post_batches(user_id: int, size: int) -> Iterator[list[sa.Row]]:
    """A person's posts, oldest first, ``size`` at a time: keyset pages on (timestamp, id)."""
    after: tuple | None = None
    while True:
        query = (
            sa.select(Post.body, Post.timestamp, Post.language, Post.id)
            .where(Post.user_id == user_id)
            .order_by(Post.timestamp, Post.id)
            .limit(size)
        )
        if after is not None:
            query = query.where(sa.tuple_(Post.timestamp, Post.id) > sa.tuple_(*after))
        rows = db.session.execute(query).all()
        if not rows:
            return
        after = (sa.literal(rows[-1].timestamp, Post.timestamp.type), rows[-1].id)
        yield [row[:3] for row in rows]
        if len(rows) < size:
            return


def send_export_email(user: User, data: bytes) -> None:
    """Mail ``user`` their posts as a .json attachment, in their language."""
    with force_locale(user.locale or "en"):
        send_email(
            _("[Microblog] Your blog posts"),
            recipients=[user.email],
            text_body=render_template("email/export_posts.txt", user=user),
            html_body=render_template("email/export_posts.html", user=user),
            attachments=[("posts.json", "application/json", data)],
        )


@job
def process_avatar(user_id: int, version: str) -> None:
    """Make an uploaded picture's square sizes, then make it the person's picture."""
    task = current_task()
    try:
        if task.complete:
            return  # released as abandoned before this job could start
        set_task_progress(task, 0)
        user = db.session.get(User, user_id)
        try:
            sizes = avatars.render_sizes(user_id, version)
        except avatars.AvatarRefused as refusal:
            with force_locale(user.locale or "en"):
                raise TaskError(str(refusal)) from None
        avatars.discard_upload(version)  # before the commit that tells the owner it is done
        avatars.use_picture(user, version)
        task.finish({"version": version, "sizes": sizes})
        db.session.commit()  # the earlier picture's files are deleted after this commit
    finally:
        avatars.discard_upload(version)  # also when the picture could not be made


@job
def deliver_email(message: Message) -> None:
    """Hand one built message to the mail server; an error makes the queue retry it later."""
    deliver(current_app._get_current_object(), message, reraise=True)


@job
def task_failed(failed_job: Any, connection: Any, error_type: type, error: BaseException, traceback: Any) -> None:
    """The failure callback of task jobs: mark the task failed, tell its owner, log the traceback."""
    db.session.rollback()
    task = db.session.get(Task, failed_job.id)
    name = task.name if task else "?"
    current_app.logger.error("Task %s (%s) failed", failed_job.id, name, exc_info=(error_type, error, traceback))
    if task is None:
        return
    with force_locale(task.user.locale or "en"):
        if isinstance(error, TaskError):
            reason = str(error)
        elif isinstance(error, AbandonedJobError):
            reason = _("The worker running it stopped.")
        else:
            reason = _("An unexpected error stopped it.")
    if task.fail(reason):
        db.session.commit()
