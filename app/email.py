"""Sending e-mail after the commit, through the task queue, without holding up the request."""

import logging

from flask import Flask, current_app
from flask_mail import Message

from .extensions import mail
from .jobs import get_queue
from .outbox import on_commit

MAIL_JOB = "app.tasks.deliver_email"


def send_email(subject: str, recipients: list[str], text_body: str, html_body: str,
               attachments: list[tuple[str, str, bytes]] = ()) -> None:
    """Send a text+HTML e-mail once the current transaction commits (never if it rolls back).

    ``attachments`` are ``(filename, content type, data)``. The caller renders
    the mail and commits; after the commit a job sends it (RQ with REDIS_URL,
    else the in-process worker), retried with back-off while the SMTP server
    refuses or is down. With MAIL_SEND_ASYNC off (tests) it is sent inline.
    With no MAIL_SERVER configured the message is written to the log instead,
    so every flow that mails works on a laptop.
    """
    message = Message(subject, recipients=recipients, body=text_body, html=html_body)
    for filename, content_type, data in attachments:
        message.attach(filename, content_type, data)
    on_commit(dispatch, current_app._get_current_object(), message)


def dispatch(app: Flask, message: Message) -> None:
    """Hand a built message to the mail job, or send it inline when MAIL_SEND_ASYNC is off."""
    if not app.config["MAIL_SEND_ASYNC"]:
        deliver(app, message)
        return
    get_queue(app).enqueue(MAIL_JOB, message, retry_intervals=app.config["MAIL_RETRY_INTERVALS"])


def deliver(app: Flask, message: Message, reraise: bool = False) -> None:
    """Hand one message to the mail server (or the log); a failure is logged, or raised for a retry."""
    with app.app_context():
        try:
            mail.send(message)
        except Exception:
            if reraise:
                raise
            app.logger.warning("Could not send e-mail %r to %s", message.subject, message.recipients, exc_info=True)
            return
        if not app.config["MAIL_SERVER"]:
            app.logger.info(
                "E-mail not sent (no MAIL_SERVER configured)\nTo: %s\nSubject: %s\n\n%s",
                ", ".join(message.recipients),
                message.subject,
                message.body,
            )


class QueuedMailHandler(logging.Handler):
    """A logging handler that mails each record to ``recipients`` through the mail job, with retries."""

    def __init__(self, app: Flask, recipients: list[str], subject: str):
        super().__init__()
        self.app = app
        self.recipients = recipients
        self.subject = subject

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = Message(
                self.subject, sender=self.app.config["MAIL_DEFAULT_SENDER"], recipients=self.recipients,
                body=self.format(record),
            )
            get_queue(self.app).enqueue(MAIL_JOB, message, retry_intervals=self.app.config["MAIL_RETRY_INTERVALS"])
        except Exception:  # noqa: BLE001 - logging must not raise; the record still reaches the other handlers
            self.handleError(record)
