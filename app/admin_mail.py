"""Error mail to ADMINS, sent off the request path and rate-limited.

A request that fails only puts its log record on a queue; one listener thread
per process hands the records to the mail handler (the retried mail job when
REDIS_URL is set, else SMTP), so a slow or down mail server never holds a
worker. At most ADMIN_MAIL_LIMIT mails leave per ADMIN_MAIL_PERIOD seconds;
the records beyond are still written to the ordinary log.
"""

import atexit
import logging
import queue
import threading
import time
from collections import deque
from logging.handlers import QueueHandler, QueueListener, SMTPHandler

from flask import Flask

from .email import QueuedMailHandler

SUBJECT = "Microblog failure"


class MailListener(QueueListener):
    """A queue listener that may be stopped twice (by a test, then at exit)."""

    def stop(self) -> None:
        if self._thread is not None:
            super().stop()


class RateLimitFilter(logging.Filter):
    """Let at most ``limit`` records through per ``period`` seconds (a sliding window)."""

    def __init__(self, limit: int, period: float, clock=time.monotonic):
        super().__init__()
        self.limit, self.period, self.clock = limit, period, clock
        self.sent: deque[float] = deque()
        self.dropped = 0
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        now = self.clock()
        with self.lock:
            while self.sent and now - self.sent[0] >= self.period:
                self.sent.popleft()
            if len(self.sent) >= self.limit:
                self.dropped += 1
                return False
            self.sent.append(now)
            return True


def mail_handler(app: Flask) -> logging.Handler:
    """The handler that mails ERROR records to ADMINS: through the retried mail job when
    REDIS_URL is set, else straight to MAIL_SERVER; either way at most ADMIN_MAIL_LIMIT
    mails per ADMIN_MAIL_PERIOD."""
    config = app.config
    handler = QueuedMailHandler(app, config["ADMINS"], SUBJECT) if config["REDIS_URL"] else smtp_handler(app)
    handler.addFilter(RateLimitFilter(config["ADMIN_MAIL_LIMIT"], config["ADMIN_MAIL_PERIOD"]))
    return handler


def smtp_handler(app: Flask) -> SMTPHandler:
    """A handler that mails records to ADMINS through MAIL_SERVER."""
    config = app.config
    credentials = None
    if config["MAIL_USERNAME"] or config["MAIL_PASSWORD"]:
        credentials = (config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return SMTPHandler(
        mailhost=(config["MAIL_SERVER"], config["MAIL_PORT"]),
        fromaddr=config["MAIL_DEFAULT_SENDER"],
        toaddrs=config["ADMINS"],
        subject=SUBJECT,
        credentials=credentials,
        secure=() if config["MAIL_USE_TLS"] else None,
        timeout=10.0,
    )


def admin_mail_handler(app: Flask) -> QueueHandler:
    """A handler for ``app.logger`` that queues ERROR records for a background mailer.

    The listener is stopped (the queue drained) at exit; ``handler.listener`` gives tests a handle.
    """
    records: queue.Queue = queue.Queue(maxsize=1000)
    handler = QueueHandler(records)
    handler.setLevel(logging.ERROR)
    listener = MailListener(records, mail_handler(app), respect_handler_level=True)
    listener.start()
    atexit.register(listener.stop)
    handler.listener = listener
    return handler
