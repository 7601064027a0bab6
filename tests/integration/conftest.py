"""Fixtures for the integration tests."""

import email
import socket
from email.message import Message

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app import create_app
from app.extensions import db
from tests.conftest import DATABASES, POSTGRES_URL, config_for, create_postgres_database


@pytest.fixture(params=DATABASES)
def scratch_app(request, tmp_path):
    """An app on an empty database of each kind, with no migration applied: for migration tests."""
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path / "migrations.db")
    else:
        url = str(sa.make_url(POSTGRES_URL).set(database=sa.make_url(POSTGRES_URL).database + "_migrations")
                  .render_as_string(hide_password=False))
        create_postgres_database(url)
    app = create_app(config_for(url))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class RecordingHandler:
    def __init__(self):
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink():
    """A local SMTP server (aiosmtpd) that records what it receives: (port, handler)."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, handler
    controller.stop()
