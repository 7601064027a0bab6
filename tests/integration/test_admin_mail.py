"""Error mail to ADMINS: sent over real SMTP by a background listener, never in the request, and rate-limited."""

import logging
import threading
from logging.handlers import QueueHandler

import pytest

from app import create_app
from app.admin_mail import RateLimitFilter
from app.extensions import db
from tests.conftest import config_for, wait_for


@pytest.fixture
def production_app(smtp_sink):
    """The app as production runs it (not debug, not testing), mailing errors to an admin."""
    port, _ = smtp_sink
    config = config_for("sqlite://", TESTING=False, DEBUG=False, SECRET_KEY="x" * 40, TRUSTED_HOSTS=["localhost"],
                        MAIL_SERVER="127.0.0.1", MAIL_PORT=port, ADMINS=["admin@example.com"], LOG_TO_STDOUT=True,
                        ADMIN_MAIL_LIMIT=2, ADMIN_MAIL_PERIOD=3600)
    before = set(logging.getLogger("app").handlers)
    app = create_app(config)

    @app.route("/failing")
    def failing():
        raise RuntimeError("something broke")

    queue_handler = next(handler for handler in set(app.logger.handlers) - before
                         if isinstance(handler, QueueHandler))
    yield app, queue_handler
    queue_handler.listener.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    for handler in set(app.logger.handlers) - before:  # only what this app added
        app.logger.removeHandler(handler)
        handler.close()


def test_error_mail_is_sent_by_a_background_thread(production_app, smtp_sink):
    app, queue_handler = production_app
    _, sink = smtp_sink
    smtp = queue_handler.listener.handlers[0]
    senders: list[str] = []
    emit = smtp.emit
    smtp.emit = lambda record: (senders.append(threading.current_thread().name), emit(record))

    response = app.test_client().get("/failing")
    assert response.status_code == 500
    assert "An unexpected error has occurred" in response.get_data(as_text=True)
    wait_for(lambda: sink.messages)
    assert sink.messages[0]["Subject"] == "Microblog failure"
    assert sink.messages[0]["X-Envelope-To"] == "admin@example.com"
    assert "something broke" in sink.messages[0].get_payload()
    assert senders and threading.current_thread().name not in senders


def test_error_mail_is_rate_limited(production_app, smtp_sink):
    app, queue_handler = production_app
    _, sink = smtp_sink
    client = app.test_client()
    for _ in range(5):
        assert client.get("/failing").status_code == 500
    queue_handler.queue.join()  # every record handled
    assert len(sink.messages) == 2
    assert queue_handler.listener.handlers[0].filters[0].dropped == 3


def test_rate_limit_filter_slides_its_window():
    now = [0.0]
    limit = RateLimitFilter(2, 60, clock=lambda: now[0])
    record = logging.makeLogRecord({"msg": "x"})
    assert [limit.filter(record) for _ in range(3)] == [True, True, False]
    now[0] = 59.0
    assert not limit.filter(record)
    now[0] = 60.0
    assert limit.filter(record) and limit.filter(record) and not limit.filter(record)
    assert limit.dropped == 3
