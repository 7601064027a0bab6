"""The export button and POST /export_posts: who may start it, CSRF, one at a time."""

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import TASK_PROGRESS, Task, utcnow


def test_the_export_button_is_on_your_own_profile_only(client, john, make_user):
    make_user("susan")
    assert 'action="/export_posts"' in client.get("/user/john").get_data(as_text=True)
    assert 'action="/export_posts"' not in client.get("/user/susan").get_data(as_text=True)


def test_exporting_needs_a_login_and_a_csrf_token(client, make_user):
    make_user("john")
    response = client.post("/export_posts")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    client.post("/auth/login", data={"username": "john", "password": "correct horse battery"})
    assert client.post("/export_posts", csrf=False).status_code == 400
    assert client.get("/export_posts").status_code == 405
    assert db.session.scalars(sa.select(Task)).all() == []


def test_an_export_runs_and_a_second_one_waits_for_it(app, client, john):
    # The in-process worker runs the job after the commit; mail is suppressed in tests.
    response = client.post("/export_posts", follow_redirects=True)
    assert "Your posts are being exported." in response.get_data(as_text=True)
    task = db.session.scalars(sa.select(Task)).one()
    app.extensions["task_queue"].join()
    db.session.rollback()
    assert (task.name, task.complete, task.failed, task.get_result()) == ("export_posts", True, False, {"posts": 0})
    notifications = client.get("/notifications?after=0").get_json()
    assert notifications[-1]["name"] == TASK_PROGRESS
    assert notifications[-1]["data"] == {"task_id": task.id, "description": "Exporting posts...", "progress": 100}


def unfinished_export(user, age: timedelta) -> Task:
    """An export task row whose job this process never ran (as if another process had queued it)."""
    task = Task(id=Task.new_id(), name="export_posts", description="Exporting posts...", user=user,
                created_at=utcnow() - age)
    db.session.add(task)
    db.session.commit()
    return task


def test_a_second_click_while_an_export_runs_starts_nothing(client, john):
    running = unfinished_export(john, timedelta(seconds=5))
    response = client.post("/export_posts", follow_redirects=True)
    assert "An export task is currently in progress." in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(Task.id)).all() == [running.id]


def test_an_abandoned_export_is_released_and_a_new_one_starts(app, client, john):
    lost = unfinished_export(john, timedelta(seconds=app.config["TASK_WORKER_TIMEOUT"] + 1))
    response = client.post("/export_posts", follow_redirects=True)
    assert "Your posts are being exported." in response.get_data(as_text=True)
    app.extensions["task_queue"].join()
    db.session.rollback()
    tasks = db.session.scalars(sa.select(Task).order_by(Task.created_at)).all()
    assert [(t.id == lost.id, t.complete, t.failed, t.error) for t in tasks] == [
        (True, True, True, "The worker running it stopped."), (False, True, False, None)]
