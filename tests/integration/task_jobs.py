"""Job functions only the tests queue: one that fails, one that runs until it is killed."""

import threading
import time

from app.tasks import TaskError, current_task, job, set_task_progress


@job
def fail(user_id: int) -> None:
    """Fail halfway."""
    set_task_progress(current_task(), 50)
    raise RuntimeError("the export disk is full")


@job
def crawl(user_id: int) -> None:
    """Creep towards 100 % over a minute, so that a test can kill its worker meanwhile."""
    task = current_task()
    for progress in range(1, 100):
        set_task_progress(task, progress)
        time.sleep(0.6)
    task.finish(None)


RELEASE = threading.Event()


@job
def hold(user_id: int) -> None:
    """Stop at 30 % until the test sets RELEASE, then fail (in-process worker only)."""
    set_task_progress(current_task(), 30)
    RELEASE.wait(timeout=60)
    raise RuntimeError("released")


@job
def refuse(user_id: int) -> None:
    """Stop with a reason meant for the owner."""
    raise TaskError("The archive is too big.")
