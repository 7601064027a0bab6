"""Tasks: one unfinished task of a name per person, progress and failure as notifications."""

import pytest

from app.extensions import db
from app.models import TASK_PROGRESS, TaskInProgress
from app.outbox import pending


def progress_notifications(user) -> list[dict]:
    return [n.get_data() for n in user.notifications_after(0) if n.name == TASK_PROGRESS]


def test_launching_records_the_task_and_queues_its_job_after_the_commit(make_user):
    john = make_user("john")
    task = john.launch_task("export_posts", "Exporting posts...")
    assert [str(effect) for effect in pending(db.session)][-1] == "enqueue_task"
    assert [t.id for t in john.get_tasks_in_progress()] == [task.id]
    assert john.get_task_in_progress("export_posts") is task
    assert john.get_task_in_progress("something_else") is None
    db.session.rollback()  # nothing queued for a task that was rolled back
    assert pending(db.session) == []


def test_a_second_unfinished_task_of_the_same_name_is_refused_by_the_database(make_user):
    john, susan = make_user("john"), make_user("susan")
    first = john.launch_task("export_posts", "Exporting posts...")
    with pytest.raises(TaskInProgress):
        john.launch_task("export_posts", "Exporting posts...")
    susan.launch_task("export_posts", "Exporting posts...")  # someone else's is another task
    john.launch_task("other", "Other")
    first.finish({"posts": 0})
    db.session.flush()
    john.launch_task("export_posts", "Exporting posts...")  # the first one has finished


def test_progress_and_failure_reach_the_owner_as_notifications(make_user):
    john = make_user("john")
    task = john.launch_task("export_posts", "Exporting posts...")
    task.set_progress(40)
    assert task.fail("The disk is full.") is True
    assert task.fail("Again.") is False  # failing twice tells the owner once
    db.session.commit()
    assert (task.complete, task.failed, task.error) == (True, True, "The disk is full.")
    assert progress_notifications(john) == [
        {"task_id": task.id, "description": "Exporting posts...", "progress": None, "failed": True,
         "error": "The disk is full."}
    ]
    assert john.get_tasks_in_progress() == []


def test_a_task_error_reaches_the_owner_as_its_reason(app, make_user):
    john = make_user("john")
    task = john.launch_task("refuse", "Refusing", function="tests.integration.task_jobs.refuse")
    db.session.commit()
    app.extensions["task_queue"].join()  # the in-process worker ran it
    db.session.rollback()
    assert (task.complete, task.failed, task.error) == (True, True, "The archive is too big.")
    assert progress_notifications(john)[-1]["error"] == "The archive is too big."
