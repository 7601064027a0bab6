"""The task queue: RQ on Redis when REDIS_URL is set, else a worker thread in this process.

Jobs are the functions of ``app/tasks.py``, named by their dotted path, so the
same code runs in ``rq worker microblog-tasks`` and in the thread, with the
same progress reporting, retries and failure callback. Models queue nothing
themselves: ``User.launch_task`` records ``enqueue_task`` in the outbox, which
calls it once the task's row is committed.
"""

import logging
import queue
import sys
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from flask import Flask, current_app
from flask_babel import _, force_locale
from redis import Redis
from rq import Callback, Queue, Retry, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.worker import Worker
from werkzeug.utils import import_string

QUEUE_NAME = "microblog-tasks"
TASK_TIMEOUT = 3600  # seconds a task's job may run before RQ stops it
FAILURE_CALLBACK = "app.tasks.task_failed"

logger = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Give the app its task queue: RQ when REDIS_URL is set, else the in-process worker."""
    url = app.config.get("REDIS_URL")
    app.extensions["task_queue"] = RedisQueue(url) if url else LocalQueue(app)


def get_queue(app: Flask | None = None) -> "RedisQueue | LocalQueue":
    return (app or current_app).extensions["task_queue"]


def enqueue_task(app: Flask, task_id: str, function: str, *args: Any) -> None:
    """Queue the job of a committed task; its id is the task's, its failures mark the task failed."""
    get_queue(app).enqueue(function, *args, job_id=task_id, on_failure=FAILURE_CALLBACK, timeout=TASK_TIMEOUT)


def current_job() -> "Any | None":
    """The job running in this process or thread (an RQ job or a LocalJob), if any."""
    return getattr(_local, "job", None) or get_current_job()


def is_abandoned(task) -> bool:
    """Whether an unfinished task's job can no longer finish: its worker is gone or the job is lost."""
    timeout = current_app.config["TASK_WORKER_TIMEOUT"]
    try:
        return get_queue().is_abandoned(task.id, task.created_at, timeout)
    except Exception:  # noqa: BLE001 - an unreachable queue says nothing about the task
        logger.warning("Could not check task %s on the queue", task.id, exc_info=True)
        return False


def launch_task(user, name: str, description: str, *args: Any, function: str | None = None):
    """Start task ``name`` for ``user`` (``User.launch_task``), first releasing an abandoned one of that name.

    Raises TaskInProgress while a task of that name is really running.
    """
    running = user.get_task_in_progress(name)
    if running is not None and is_abandoned(running):
        release_abandoned(running)
    return user.launch_task(name, description, *args, function=function)


def release_abandoned(task) -> None:
    """Mark a task whose worker is gone failed, so that its owner sees why and can start again."""
    logger.warning("Task %s (%s) was abandoned by its worker", task.id, task.name)
    with force_locale(task.user.locale or "en"):
        task.fail(_("The worker running it stopped."))


class RedisQueue:
    """RQ's ``microblog-tasks`` queue on Redis."""

    def __init__(self, url: str):
        self.connection = Redis.from_url(url)
        self.queue = Queue(QUEUE_NAME, connection=self.connection)

    def enqueue(self, function: str, *args: Any, job_id: str | None = None, retry_intervals=(),
                on_failure: str | None = None, timeout: int | None = None) -> str:
        retry = Retry(max=len(retry_intervals), interval=list(retry_intervals)) if retry_intervals else None
        job = self.queue.enqueue(
            function, *args, job_id=job_id, retry=retry, job_timeout=timeout,
            on_failure=Callback(on_failure) if on_failure else None,
        )
        return job.id

    def is_abandoned(self, job_id: str, started_at: datetime, worker_timeout: int) -> bool:
        try:
            job = Job.fetch(job_id, connection=self.connection)
        except NoSuchJobError:
            return True  # never queued (Redis was down at the commit) or expired
        status = job.get_status()
        if status in (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED):
            return False  # waiting for a worker, or for its next attempt
        if status != JobStatus.STARTED:
            return True  # ended without finishing its task
        worker = job.worker_name and Worker.find_by_key(
            Worker.redis_worker_namespace_prefix + job.worker_name, connection=self.connection
        )
        if not worker or worker.last_heartbeat is None:
            return True
        last_heartbeat = worker.last_heartbeat
        if last_heartbeat.tzinfo is None:
            last_heartbeat = last_heartbeat.replace(tzinfo=UTC)
        return datetime.now(UTC) - last_heartbeat > timedelta(seconds=worker_timeout)


_local = threading.local()


@dataclass
class LocalJob:
    """A job of the in-process worker: the part of RQ's Job the job functions use."""

    id: str
    function: str
    args: tuple
    retry_intervals: list[int] = field(default_factory=list)
    on_failure: str | None = None
    meta: dict = field(default_factory=dict)

    def save_meta(self) -> None:
        """Nothing to save: the meta lives in this process."""


class LocalQueue:
    """Runs jobs one at a time on a daemon thread of this process, inside the app's context.

    For development and single-process sites: jobs queued here are lost when the
    process stops (their tasks are then released as abandoned).
    """

    def __init__(self, app: Flask):
        self.app = app
        self.jobs: queue.Queue[LocalJob] = queue.Queue()
        self.known: set[str] = set()  # queued or running here
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def enqueue(self, function: str, *args: Any, job_id: str | None = None, retry_intervals=(),
                on_failure: str | None = None, timeout: int | None = None) -> str:
        job = LocalJob(job_id or uuid4().hex, function, args, list(retry_intervals), on_failure)
        self.put(job)
        return job.id

    def put(self, job: LocalJob) -> None:
        with self.lock:
            self.known.add(job.id)
            self.jobs.put(job)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.work, name="microblog-tasks", daemon=True)
                self.thread.start()

    def work(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                self.perform(job)
            finally:
                self.jobs.task_done()

    def join(self) -> None:
        """Wait until every job queued so far has run (retries waiting for their time excepted)."""
        self.jobs.join()

    def perform(self, job: LocalJob) -> None:
        """Run one job; on an error retry it after its next interval, or call its failure callback."""
        _local.job = job
        retrying = False
        try:
            with self.app.app_context():
                try:
                    import_string(job.function)(*job.args)
                except Exception:
                    if job.retry_intervals:
                        retrying = True
                        self.retry_later(job, job.retry_intervals.pop(0))
                    elif job.on_failure:
                        import_string(job.on_failure)(job, None, *sys.exc_info())
                    else:
                        logger.exception("Job %s (%s) failed", job.id, job.function)
        except Exception:  # noqa: BLE001 - the worker thread must survive a failing callback
            logger.exception("Job %s (%s): the failure callback failed", job.id, job.function)
        finally:
            _local.job = None
            if not retrying:
                self.known.discard(job.id)

    def retry_later(self, job: LocalJob, delay: int) -> None:
        logger.warning("Job %s (%s) failed; retrying in %s s", job.id, job.function, delay, exc_info=True)
        timer = threading.Timer(delay, self.put, args=(job,))
        timer.daemon = True
        timer.start()

    def is_abandoned(self, job_id: str, started_at: datetime, worker_timeout: int) -> bool:
        # Unknown here: queued by a process that has since stopped (or by another
        # process, which is why it must also be older than the worker timeout).
        return job_id not in self.known and datetime.now(UTC) - started_at > timedelta(seconds=worker_timeout)
