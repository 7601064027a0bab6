"""What exporting 100,000 posts costs: wall-clock time and peak memory.

Run on demand with `make bench` (not part of `make test`). The export runs as
in production without Redis: the job on the in-process worker, batches of
EXPORT_BATCH_SIZE posts, the JSON file written to a temporary file. Measured
twice: the export job alone (the mail suppressed, so not built), and the
whole path with the mail job sending the file over SMTP to an aiosmtpd sink
in another process. Each is timed once without and run once more under
tracemalloc (which slows Python down, so that run is not timed).
Results are printed and written to bench/results/export-<database>.md.
"""

import socket
import subprocess
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_mail import email_dispatched

from app.extensions import db
from app.jobs import launch_task
from app.models import Post, Task, User, utcnow
from tests.conftest import wait_for
from tests.integration.conftest import free_port

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results"
POSTS = 100_000


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def smtp_port():
    """An aiosmtpd server in its own process that accepts and discards mail."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                                "-l", f"127.0.0.1:{port}"])
    wait_for(lambda: listening(port), timeout=30)
    yield port
    process.terminate()
    process.wait()


def build(password_hash: str) -> int:
    db.session.execute(sa.insert(User), [{"username": "writer", "email": "writer@example.com",
                                          "password_hash": password_hash, "posts_count": POSTS}])
    user_id = db.session.scalar(sa.select(User.id))
    start = utcnow() - timedelta(days=365)
    for first in range(0, POSTS, 10_000):
        db.session.execute(sa.insert(Post), [
            {"user_id": user_id, "body": f"Post number {n}: " + "words that fill a post " * 5, "language": "en",
             "timestamp": start + timedelta(minutes=n)}
            for n in range(first, first + 10_000)
        ])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE posts"))  # as autovacuum would have by now
        db.session.commit()
    return user_id


def export(app, user_id: int, sent: list[int]) -> float:
    """Seconds from the click until the export job (and the mail job it queues) are done."""
    db.session.execute(sa.delete(Task))
    db.session.commit()
    sent.clear()
    started = time.perf_counter()
    launch_task(db.session.get(User, user_id), "export_posts", "Exporting posts...")
    db.session.commit()
    app.extensions["task_queue"].join()
    elapsed = time.perf_counter() - started
    task = db.session.scalars(sa.select(Task)).one()
    assert (task.complete, task.failed, task.get_result()) == (True, False, {"posts": POSTS}), task.error
    assert len(sent) == 1  # the mail with the file went out
    return elapsed


def measured(app, user_id: int, sent: list[int]) -> tuple[float, float]:
    """Seconds of an untraced run, and megabytes of peak Python memory of a traced one."""
    seconds = export(app, user_id, sent)
    tracemalloc.start()
    export(app, user_id, sent)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1e6


def test_export_of_100000_posts(app, smtp_port, password_hash):
    user_id = build(password_hash)
    batch = app.config["EXPORT_BATCH_SIZE"]
    with email_dispatched.connected_to(lambda app, message: sent.append(len(message.attachments[0].data))):
        sent: list[int] = []
        export(app, user_id, sent)  # warm the database's cache
        # The export job alone: the mail is handed to Flask-Mail, which is suppressed in tests.
        alone = measured(app, user_id, sent)
        size = sent[-1]
        # The whole path: the mail job builds the message and sends it over SMTP.
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port, MAIL_SEND_ASYNC=True)
        mail = app.extensions["mail"]
        mail.server, mail.port, mail.suppress = "127.0.0.1", smtp_port, False
        whole = measured(app, user_id, sent)

    dialect = db.engine.dialect.name
    report = "\n".join([
        f"### {dialect}",
        "",
        f"{POSTS:,} posts of about 135 characters, batches of {batch}; the JSON file is {size / 1e6:.1f} MB.",
        "",
        "| run | time | peak Python memory (tracemalloc) |",
        "|---|---|---|",
        f"| export job (read, write JSON, attach; mail suppressed) | {alone[0]:.1f} s | {alone[1]:.1f} MB |",
        f"| export job + mail job (MIME message, SMTP to a local sink) | {whole[0]:.1f} s | {whole[1]:.1f} MB |",
    ]) + "\n"
    print("\n" + report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"export-{dialect}.md").write_text(report)
