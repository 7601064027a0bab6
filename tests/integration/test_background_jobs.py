"""Background jobs end to end: the export, progress, failures and queued mail.

Each test runs with RQ (the real Redis, a real `rq worker` subprocess on the
same database) and, where the issue asks, with the in-process fallback. Mail
goes over SMTP to an aiosmtpd sink.
"""

import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
from email.message import Message
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from PIL import Image
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import Queue
from rq.worker import Worker
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app import create_app, jobs
from app.extensions import db
from app.jobs import QUEUE_NAME, launch_task
from app.models import TASK_PROGRESS, Post, Task, TaskInProgress, User
from tests.conftest import config_for, service_missing, wait_for
from tests.integration.conftest import RecordingHandler, free_port

ROOT = Path(__file__).resolve().parents[2]
RQ = Path(sys.executable).parent / "rq"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
SLOW = 60  # seconds a job may take on a busy machine


@pytest.fixture
def redis_connection():
    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisConnectionError as error:
        service_missing(f"Redis is not reachable at {REDIS_URL}: {error}")
    connection.flushdb()  # this test database number only
    yield connection
    connection.flushdb()
    connection.close()


class Sink:
    """An SMTP server on a fixed port that can be started late."""

    def __init__(self, port: int):
        self.port = port
        self.handler = RecordingHandler()
        self.controller: Controller | None = None

    @property
    def messages(self) -> list[Message]:
        return self.handler.messages

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()


@pytest.fixture
def sink():
    """An SMTP sink, not listening yet: its port refuses connections until ``start()``."""
    sink = Sink(free_port())
    yield sink
    sink.stop()


@pytest.fixture
def smtp(sink) -> Sink:
    """The SMTP sink, listening."""
    sink.start()
    return sink


class WorkerProcess:
    """`rq worker --with-scheduler microblog-tasks` on the test's database, Redis and mail sink."""

    def __init__(self, database_url: str, mail_port: int, log_path: Path, connection: Redis):
        self.env = {
            **os.environ, "REDIS_URL": REDIS_URL, "DATABASE_URL": database_url,
            "SECRET_KEY": "a worker test key, long enough for production", "SERVER_NAME": "localhost",
            "LOG_TO_STDOUT": "1", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail_port),
            "MAIL_RETRY_INTERVALS": "1,1,1,1,1,1,1,1,1,1", "EXPORT_BATCH_SIZE": "3", "FLASK_DEBUG": "0",
        }
        self.log_path = log_path
        self.connection = connection
        self.process: subprocess.Popen | None = None

    def start(self, *options: str) -> None:
        command = [str(RQ), "worker", "--with-scheduler", "--job-monitoring-interval", "1", *options, QUEUE_NAME]
        with self.log_path.open("ab") as log:
            # A session of its own, so that the worker, its work horse and its scheduler die together.
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        wait_for(self.is_registered, timeout=SLOW)

    def is_registered(self) -> bool:
        assert self.process.poll() is None, self.log()
        return any(worker.pid == self.process.pid for worker in Worker.all(connection=self.connection))

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker, its work horse and its scheduler, as a crashed machine would."""
        self._signal_group(signal.SIGKILL)
        self.process.wait()

    def _signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:  # every process of the group has exited
            pass

    def stop(self) -> None:
        if self.log_path.exists():
            print(self.log())  # shown by pytest when the test failed
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=SLOW)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            # A child left behind (the scheduler of a killed worker) would go on working on the
            # Redis database of the tests that follow.
            self._signal_group(signal.SIGKILL)


@pytest.fixture
def worker(app, database_url, sink, redis_connection, tmp_path):
    """A worker (not yet started) and the app queueing on its Redis."""
    app.config.update(REDIS_URL=REDIS_URL, MAIL_SEND_ASYNC=True, TASK_WORKER_TIMEOUT=3)
    jobs.init_app(app)
    process = WorkerProcess(database_url, sink.port, tmp_path / "worker.log", redis_connection)
    process.env["AVATAR_DIR"] = app.config["AVATAR_DIR"] = str(tmp_path / "avatars")
    yield process
    process.stop()


@pytest.fixture(params=["rq", "in-process"])
def backend(request, app, sink):
    """Start the jobs' runner: a real RQ worker, or the in-process worker thread of the app."""
    if request.param == "rq":
        request.getfixturevalue("worker").start()
    else:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_SEND_ASYNC=True, EXPORT_BATCH_SIZE=3,
                          MAIL_RETRY_INTERVALS=[1] * 10)
        mail = app.extensions["mail"]
        mail.server, mail.port, mail.suppress = "127.0.0.1", sink.port, False
    return request.param


def progress_until_done(client, timeout: float = SLOW) -> list[dict]:
    """Poll /notifications?after= as the page does; the task_progress items seen, up to the last one."""
    seen, last_id = [], 0

    def finished() -> bool:
        nonlocal last_id
        for item in client.get(f"/notifications?after={last_id}").get_json():
            last_id = item["id"]
            if item["name"] == TASK_PROGRESS:
                seen.append(item["data"])
        return bool(seen) and (seen[-1]["progress"] == 100 or seen[-1].get("failed"))

    wait_for(finished, timeout=timeout, interval=0.02)
    return seen


def attachment_of(message: Message) -> tuple[str, str, bytes]:
    part = next(part for part in message.walk() if part.get_filename())
    return part.get_filename(), part.get_content_type(), part.get_payload(decode=True)


def bodies_of(message: Message) -> dict[str, str]:
    return {part.get_content_type(): part.get_payload(decode=True).decode() for part in message.walk()
            if not part.is_multipart() and not part.get_filename()}


def fresh(model, key):
    db.session.rollback()  # see what the worker committed
    return db.session.get(model, key)


def export_as(client, auth, user: User) -> str:
    auth.login(user.username)
    response = client.post("/export_posts")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/user/{user.username}"
    return db.session.scalars(sa.select(Task.id).where(Task.user_id == user.id)).one()


def test_export_mails_every_post_as_json_with_progress(backend, client, auth, smtp, make_user, make_post):
    john = make_user("john", locale="es")
    for n in range(20):
        make_post(john, f"post number {n}, long enough to detect the language {'ü' * (n % 3)}")
    make_post(make_user("susan"), "someone else's post")
    task_id = export_as(client, auth, john)

    progress = progress_until_done(client)
    values = [item["progress"] for item in progress]
    assert values == sorted(values) and values[-1] == 100, values
    assert all(item["task_id"] == task_id and item["description"] == "Exportando publicaciones..."
               for item in progress)

    message = wait_for(lambda: smtp.messages, timeout=SLOW)[0]
    assert message["X-Envelope-To"] == "john@example.com"
    assert message["Subject"] == "[Microblog] Tus publicaciones"
    assert set(bodies_of(message)) == {"text/plain", "text/html"}
    assert "Adjuntamos el archivo" in bodies_of(message)["text/plain"]
    filename, content_type, data = attachment_of(message)
    assert (filename, content_type) == ("posts.json", "application/json")
    posts = db.session.scalars(sa.select(Post).where(Post.user_id == john.id).order_by(Post.timestamp, Post.id))
    expected = [{"body": p.body, "timestamp": p.timestamp.isoformat(), "language": p.language} for p in posts]
    assert json.loads(data) == {"posts": expected}
    assert len(expected) == 20

    task = fresh(Task, task_id)
    assert (task.complete, task.failed, task.get_result()) == (True, False, {"posts": 20})
    assert john.get_tasks_in_progress() == []


def test_a_person_without_posts_gets_an_empty_list(backend, client, auth, smtp, make_user):
    task_id = export_as(client, auth, make_user("john"))
    assert progress_until_done(client)[-1]["progress"] == 100
    message = wait_for(lambda: smtp.messages, timeout=SLOW)[0]
    assert json.loads(attachment_of(message)[2]) == {"posts": []}
    assert fresh(Task, task_id).complete


def test_a_failing_job_marks_its_task_failed_and_tells_its_owner(request, backend, client, auth, make_user):
    john = make_user("john")
    auth.login()
    task = launch_task(john, "fail", "Failing", function="tests.integration.task_jobs.fail")
    db.session.commit()
    last = progress_until_done(client)[-1]
    assert last == {"task_id": task.id, "description": "Failing", "progress": None, "failed": True,
                    "error": "An unexpected error stopped it."}
    task = fresh(Task, task.id)
    assert (task.complete, task.failed, task.error) == (True, True, "An unexpected error stopped it.")
    if backend == "rq":
        worker = request.getfixturevalue("worker")
        assert "RuntimeError: the export disk is full" in worker.log()  # the traceback is logged
    # Another one may start.
    launch_task(john, "fail", "Failing", function="tests.integration.task_jobs.fail")
    db.session.commit()


def test_a_second_click_during_an_export_starts_nothing(client, auth, smtp, make_user, make_post, worker,
                                                        redis_connection):
    john = make_user("john")
    make_post(john, "one post")
    task_id = export_as(client, auth, john)  # queued; no worker runs yet
    response = client.post("/export_posts", follow_redirects=True)
    assert "An export task is currently in progress." in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(Task.id)).all() == [task_id]
    assert Queue(QUEUE_NAME, connection=redis_connection).job_ids == [task_id]

    worker.start()
    assert progress_until_done(client)[-1]["progress"] == 100
    wait_for(lambda: smtp.messages, timeout=SLOW)
    assert len(smtp.messages) == 1


def latest_progress(client) -> dict | None:
    items = [item["data"] for item in client.get("/notifications?after=0").get_json() if item["name"] == TASK_PROGRESS]
    return items[-1] if items else None


def test_the_worker_that_builds_the_app_before_forking_runs_jobs(client, auth, smtp, make_user, make_post, worker):
    john = make_user("john")
    make_post(john, "exported by a preloaded worker")
    worker.start("--worker-class", "app.worker.Worker")
    for _ in range(2):  # the second job's work horse starts from the same built app
        task_id = export_as(client, auth, john)
        assert progress_until_done(client)[-1]["progress"] == 100
        assert fresh(Task, task_id).complete
        db.session.execute(sa.delete(Task))
        db.session.commit()
    wait_for(lambda: len(smtp.messages) == 2, timeout=SLOW)
    assert worker.log().count("INFO: Microblog startup") == 1  # built once, in the worker


def test_a_killed_worker_does_not_leave_its_task_running(client, auth, make_user, worker):
    john = make_user("john")
    auth.login()
    worker.start()
    crawl = {"name": "crawl", "description": "Crawling", "function": "tests.integration.task_jobs.crawl"}
    task = launch_task(john, **crawl)
    db.session.commit()
    wait_for(lambda: (latest_progress(client) or {}).get("progress", 0) > 0, timeout=SLOW)
    with pytest.raises(TaskInProgress):  # its worker is alive
        launch_task(john, **crawl)
    db.session.rollback()

    worker.kill()

    def relaunched() -> Task | None:
        try:
            return launch_task(john, **crawl)  # refused until the worker's last heartbeat is old enough
        except TaskInProgress:
            db.session.rollback()
            return None

    again = wait_for(relaunched, timeout=SLOW, interval=0.5)
    db.session.commit()
    old = fresh(Task, task.id)
    assert (old.complete, old.failed, old.error) == (True, True, "The worker running it stopped.")
    assert not fresh(Task, again.id).complete
    assert [t.id for t in john.get_tasks_in_progress()] == [again.id]
    assert latest_progress(client) == {"task_id": again.id, "description": "Crawling", "progress": 0}


def test_rqs_clean_up_of_an_abandoned_job_marks_its_task_failed(client, auth, make_user, worker):
    john = make_user("john")
    auth.login()
    worker.start()
    crawl = {"name": "crawl", "description": "Crawling", "function": "tests.integration.task_jobs.crawl"}
    task = launch_task(john, **crawl)
    db.session.commit()
    wait_for(lambda: (latest_progress(client) or {}).get("progress", 0) > 0, timeout=SLOW)
    worker.kill()
    # What a worker's maintenance does once the dead job's heartbeat has expired (a minute or more).
    registry = Queue(QUEUE_NAME, connection=worker.connection).started_job_registry
    registry.cleanup(timestamp=time.time() + 3600)
    old = fresh(Task, task.id)
    assert (old.complete, old.failed, old.error) == (True, True, "The worker running it stopped.")
    assert latest_progress(client)["failed"] is True
    launch_task(john, **crawl)  # at once: nothing is running any more
    db.session.commit()


def test_mail_is_retried_until_the_smtp_server_is_back(request, backend, client, auth, sink, make_user, caplog):
    john = make_user("john")
    make_post = request.getfixturevalue("make_post")
    make_post(john, "a post that waits for the mail server")
    export_as(client, auth, john)
    assert progress_until_done(client)[-1]["progress"] == 100
    # The sink is not listening: the first attempt is refused and the mail waits for a retry.
    if backend == "rq":
        scheduled = Queue(QUEUE_NAME, connection=request.getfixturevalue("redis_connection")).scheduled_job_registry
        wait_for(lambda: scheduled.count, timeout=SLOW)
    else:
        wait_for(lambda: "retrying in" in caplog.text, timeout=SLOW)
    assert sink.messages == []
    sink.start()
    message = wait_for(lambda: sink.messages, timeout=SLOW)[0]
    assert json.loads(attachment_of(message)[2])["posts"][0]["body"] == "a post that waits for the mail server"


@pytest.fixture
def restore_app_logger():
    """Every app's logger is the same `app` logger: take away the handlers a test's app added."""
    logger = logging.getLogger("app")
    handlers = list(logger.handlers)
    yield
    for handler in logger.handlers[:]:
        if handler not in handlers:
            logger.removeHandler(handler)
            handler.close()


def test_the_admins_error_mail_goes_through_the_mail_job(database_url, smtp, worker, tmp_path, restore_app_logger):
    config = config_for(
        database_url, TESTING=False, DEBUG=False, REDIS_URL=REDIS_URL, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port,
        ADMINS=["ops@example.com"], LOG_TO_STDOUT=False, LOG_DIR=str(tmp_path), SERVER_NAME="localhost",
    )
    app = create_app(config)

    @app.route("/explode")
    def explode():
        raise RuntimeError("the flux capacitor failed")

    with app.app_context():
        assert app.test_client().get("/explode").status_code == 500
        db.engine.dispose()
    # Queued by the log's mail thread, not sent by the web process.
    assert wait_for(lambda: Queue(QUEUE_NAME, connection=worker.connection).count == 1, timeout=SLOW)
    worker.start()
    message = wait_for(lambda: smtp.messages, timeout=SLOW)[0]
    assert (message["Subject"], message["X-Envelope-To"]) == ("Microblog failure", "ops@example.com")
    assert "the flux capacitor failed" in message.get_payload(decode=True).decode()


def test_an_uploaded_picture_is_made_square_by_the_worker(backend, app, client, auth, make_user, tmp_path):
    """The job runs where jobs run: in an RQ worker process, or on the in-process thread without Redis."""
    app.config["AVATAR_DIR"] = str(tmp_path / "avatars")
    john = make_user("john")
    auth.login()
    upload = io.BytesIO()
    Image.new("RGB", (640, 480), "orange").save(upload, "JPEG")
    boundary, body = encode_multipart(MultiDict([
        ("csrf_token", client.csrf_token()), ("picture", FileStorage(io.BytesIO(upload.getvalue()), "me.jpg")),
    ]))
    response = client.post("/edit_profile/avatar", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302

    last = progress_until_done(client)[-1]
    assert last["progress"] == 100 and last["description"] == "Processing your picture..."
    version = fresh(User, john.id).avatar_version
    assert version is not None
    for size in (36, 48, 64, 128, 256):
        with Image.open(tmp_path / "avatars" / str(john.id) / f"{version}-{size}.webp") as made:
            assert made.size == (size, size)
    assert list((tmp_path / "avatars" / "incoming").iterdir()) == []
    served = client.get(f"/avatar/{john.id}/{version}/256.webp")
    assert served.status_code == 200 and served.mimetype == "image/webp"
    served.close()
