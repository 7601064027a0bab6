"""The production server (gunicorn with gunicorn.conf.py: two gthread workers, the Redis
message queue) on PostgreSQL, started once for these tests, and python-socketio clients.

Needs PostgreSQL and Redis (TEST_REDIS_URL, default database 7 of the local server). The
server gets its own database (the test database's name + ``_realtime``) and its own Socket.IO
channel, so nothing else sharing the Redis server hears its events.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests
import socketio
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app import create_app
from app.extensions import db
from app.models import User
from tests.conftest import (
    PASSWORD,
    POSTGRES_URL,
    config_for,
    create_postgres_database,
    migrate,
    service_missing,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
PORT = int(os.environ.get("REALTIME_TEST_PORT", "5701"))  # the browser tests' server takes the next one
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class RealtimeServer:
    url: str
    database_url: str
    environment: dict[str, str]
    log: Path
    pid: int  # gunicorn's master process

    def worker_pids(self) -> list[int]:
        return [int(pid) for pid in Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()]

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def realtime_database_url(port: int) -> str:
    url = sa.make_url(POSTGRES_URL)
    suffix = "_realtime" if port == PORT else f"_realtime_{port}"
    return url.set(database=f"{url.database}{suffix}").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def realtime_port() -> int:
    return PORT


@pytest.fixture(scope="session")
def realtime_server(tmp_path_factory, realtime_port) -> Iterator[RealtimeServer]:
    """gunicorn serving the app as boot.sh would, on 127.0.0.1:<realtime_port>."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        service_missing(f"Redis is not reachable at {REDIS_URL}: {error}")
    database_url = realtime_database_url(realtime_port)
    create_postgres_database(database_url)
    migrate(database_url)
    log = tmp_path_factory.mktemp(f"realtime{realtime_port}") / "gunicorn.log"
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "MAIL_"))},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "SOCKETIO_CHANNEL": f"microblog-test-{uuid.uuid4().hex}",
        "SECRET_KEY": "a secret only the realtime tests know",
        "TRUSTED_HOSTS": "127.0.0.1",
        "LOG_TO_STDOUT": "1",
        "GUNICORN_BIND": f"127.0.0.1:{realtime_port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "40",
        "MESSAGE_RATE_LIMIT": "8 per minute",
        # The browser test must see live events arrive by push: polling would take an hour.
        "NOTIFICATION_POLL_INTERVAL": "3600",
        # Every script is a static file; sockets go to the site itself.
        "CONTENT_SECURITY_POLICY": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
    }
    with log.open("w") as output:
        process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "microblog:app"], cwd=ROOT,
                                   env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    server = RealtimeServer(f"http://127.0.0.1:{realtime_port}", database_url, environment, log, process.pid)
    try:
        wait_for(lambda: server_answers(server.url) or process.poll() is not None, timeout=60)
        if process.poll() is not None:
            pytest.fail(f"gunicorn did not start:\n{server.output()}")
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def server_answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/auth/login", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def realtime_app(realtime_server):
    """The app on the server's database, for arranging rows and reading them back."""
    app = create_app(config_for(realtime_server.database_url))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_person(realtime_app):
    """A new person with a unique name (the server's database outlives each test)."""
    password_hash = generate_password_hash(PASSWORD)

    def make(prefix: str) -> User:
        name = f"{prefix}{uuid.uuid4().hex[:8]}"
        user = User(username=name, email=f"{name}@example.com", password_hash=password_hash)
        db.session.add(user)
        db.session.commit()
        return user

    return make


def session_cookie(base_url: str, username: str) -> str:
    """Sign in through the login form; the Cookie header a browser would then send."""
    http = signed_in(base_url, username)
    return "; ".join(f"{name}={value}" for name, value in http.cookies.items())


def signed_in(base_url: str, username: str) -> requests.Session:
    """An HTTP session signed in through the login form."""
    http = requests.Session()
    page = http.get(f"{base_url}/auth/login", timeout=10).text
    token = CSRF_INPUT.search(page).group(1)
    response = http.post(f"{base_url}/auth/login", data={"username": username, "password": PASSWORD,
                                                          "csrf_token": token}, timeout=10)
    assert response.ok and "session" in http.cookies, "signing in failed"
    return http


class Socket:
    """A python-socketio client that records every event it receives."""

    def __init__(self, base_url: str, origin: str | None = None):
        self.base_url = base_url
        # The Origin header a browser on another site would send (websocket-client sends the server's own).
        self.client = socketio.Client(reconnection=False, websocket_extra_options={"origin": origin} if origin else {})
        self.events: list[tuple[str, object]] = []
        self.lock = threading.Lock()
        self.client.on("*", self.record)

    def record(self, event: str, data=None) -> None:
        with self.lock:
            self.events.append((event, data))

    def connect(self, cookie: str | None = None, auth: dict | None = None) -> "Socket":
        headers = {"Cookie": cookie} if cookie else {}
        self.client.connect(self.base_url, headers=headers, auth=auth, transports=["websocket"], wait_timeout=10)
        return self

    def call(self, event: str, data) -> dict:
        return self.client.call(event, data, timeout=10)

    def received(self, event: str) -> list:
        with self.lock:
            return [data for name, data in self.events if name == event]

    def wait_for(self, event: str, condition=lambda data: True):
        return wait_for(lambda: next((data for data in self.received(event) if condition(data)), None), timeout=10)

    def disconnect(self) -> None:
        if self.client.connected:
            self.client.disconnect()


@pytest.fixture
def open_socket(realtime_server):
    """``open_socket(username)``: a socket signed in as that person (``None``: anonymous, not connected)."""
    sockets: list[Socket] = []

    def open_one(username: str | None = None, origin: str | None = None) -> Socket:
        socket = Socket(realtime_server.url, origin)
        sockets.append(socket)
        if username is None:
            return socket
        return socket.connect(cookie=session_cookie(realtime_server.url, username))

    yield open_one
    for socket in sockets:
        socket.disconnect()
