"""Sending e-mail without holding up the request that asked for it."""

from threading import Thread

from flask import Flask, current_app
from flask_mail import Message

from .extensions import mail


def send_email(subject: str, recipients: list[str], text_body: str, html_body: str) -> Thread | None:
    """Send a text+HTML e-mail, in a background thread unless MAIL_SEND_ASYNC is off.

    With no MAIL_SERVER configured the message is written to the log instead,
    so every flow that mails works on a laptop.
    """
    app = current_app._get_current_object()
    message = Message(subject, recipients=recipients, body=text_body, html=html_body)
    if not app.config["MAIL_SEND_ASYNC"]:
        deliver(app, message)
        return None
    thread = Thread(target=deliver, args=(app, message), name="send-email", daemon=True)
    thread.start()
    return thread


def deliver(app: Flask, message: Message) -> None:
    """Hand one message to the mail server (or the log); failures are logged."""
    with app.app_context():
        try:
            mail.send(message)
        except Exception:  # noqa: BLE001 - a mail failure must never reach the person
            app.logger.exception("Could not send e-mail %r to %s", message.subject, message.recipients)
            return
        if not app.config["MAIL_SERVER"]:
            app.logger.info(
                "E-mail not sent (no MAIL_SERVER configured)\nTo: %s\nSubject: %s\n\n%s",
                ", ".join(message.recipients),
                message.subject,
                message.body,
            )
