"""Background tasks through the API: start the export, read the task's state."""

import sqlalchemy as sa

from app.extensions import db
from app.jobs import get_queue
from app.models import Task


def test_starting_the_export_answers_202_and_the_task_finishes(client, make_user, make_post, bearer):
    john = make_user("john")
    make_post(john, "to export")
    headers = bearer(john)
    response = client.post("/api/tasks", json={"name": "export_posts"}, headers=headers)
    assert response.status_code == 202
    task = db.session.scalar(sa.select(Task))
    assert response.headers["Location"] == f"/api/tasks/{task.id}"
    assert response.json["id"] == task.id and response.json["name"] == "export_posts"
    get_queue().join()
    db.session.expire_all()  # the job ran in its own session
    state = client.get(f"/api/tasks/{task.id}", headers=headers).json
    assert state["complete"] is True and state["failed"] is False and state["error"] is None


def test_a_second_export_while_one_runs_is_a_409(client, make_user, bearer):
    john = make_user("john")
    db.session.add(Task(id=Task.new_id(), name="export_posts", description="running", user_id=john.id))
    db.session.commit()
    response = client.post("/api/tasks", json={"name": "export_posts"}, headers=bearer(john))
    assert response.status_code == 409 and response.json["code"] == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 1


def test_someone_elses_or_a_made_up_task_is_a_404(client, make_user, bearer):
    john, mary = make_user("john"), make_user("mary")
    task = Task(id=Task.new_id(), name="export_posts", description="johns", user_id=john.id, complete=True)
    db.session.add(task)
    db.session.commit()
    headers = bearer(mary)
    for task_id in [task.id, "0" * 32, "not-an-id", "x" * 300]:
        assert client.get(f"/api/tasks/{task_id}", headers=headers).status_code == 404, task_id


def test_an_unknown_task_name_is_a_400(client, make_user, bearer):
    response = client.post("/api/tasks", json={"name": "delete_everything"}, headers=bearer(make_user("john")))
    assert response.status_code == 400 and "name" in response.json["errors"]
