"""Live messaging under load: 1,000 sockets in one room, private messages, memory per socket.

Not a test: run it by hand on an otherwise idle machine, it loads both cores for a minute or two.

    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/microblog_bench \
    TEST_REDIS_URL=redis://127.0.0.1:6379/7 venv/bin/python bench/realtime_bench.py

It starts the production server (gunicorn with gunicorn.conf.py: gthread workers, Redis message
queue) on its own database (the name + ``_realtime_bench``), makes PEOPLE people with TABS sockets
each (session cookies signed with the server's key, so nobody logs in 1,000 times), and prints a
Markdown table to paste into bench/RESULTS.md.

The clients are a minimal Socket.IO client (Engine.IO 4 over a websocket, wsproto framing) driven
by one selector loop in one thread: 1,000 python-socketio clients would need 2,000 threads on the
same two cores and would measure their own scheduling rather than the server.
"""

import json
import os
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
import sqlalchemy as sa
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Ping, RejectConnection, Request, TextMessage

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import ChatRoom, User  # noqa: E402
from tests.conftest import config_for, create_postgres_database, migrate  # noqa: E402

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/microblog_test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
PORT = int(os.environ.get("BENCH_PORT", "5710"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "100"))
TABS = int(os.environ.get("BENCH_TABS", "10"))  # 1,000 sockets
FAN_OUT_MESSAGES = 20
PRIVATE_SENDERS, PRIVATE_PER_SENDER = 20, 25  # needs PEOPLE >= 2 * PRIVATE_SENDERS
SECRET_KEY = "a benchmark-only secret, long enough for production"


class Client:
    """One websocket speaking Socket.IO: connect, emit with an ack, record received events."""

    def __init__(self, loop: "Loop", cookie: str, name: str):
        self.loop, self.name = loop, name
        self.sock = socket.create_connection(("127.0.0.1", PORT))
        self.sock.setblocking(False)
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.connected = False
        self.closed = False
        self.text = ""
        self.acks: dict[int, object] = {}
        self.write(self.ws.send(Request(host=f"127.0.0.1:{PORT}", target="/socket.io/?EIO=4&transport=websocket",
                                        extra_headers=[(b"cookie", cookie.encode())])))
        loop.selector.register(self.sock, selectors.EVENT_READ, self)

    def write(self, data: bytes) -> None:
        self.sock.setblocking(True)
        self.sock.sendall(data)
        self.sock.setblocking(False)

    def send_text(self, text: str) -> None:
        self.write(self.ws.send(TextMessage(data=text)))

    def emit(self, event: str, data, callback=None) -> None:
        ack_id = ""
        if callback is not None:
            ack_id = str(self.loop.next_ack)
            self.loop.next_ack += 1
            self.acks[int(ack_id)] = callback
        self.send_text(f"42{ack_id}{json.dumps([event, data])}")

    def readable(self) -> None:
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return
        if not data:
            self.close()
            return
        self.ws.receive_data(data)
        for event in self.ws.events():
            if isinstance(event, Ping):
                self.write(self.ws.send(event.response()))
            elif isinstance(event, TextMessage):
                self.text += event.data
                if event.message_finished:
                    self.packet(self.text)
                    self.text = ""
            elif isinstance(event, CloseConnection | RejectConnection):
                self.close()
            elif isinstance(event, AcceptConnection):
                pass

    def packet(self, text: str) -> None:
        if text.startswith("0"):
            self.send_text("40")  # Engine.IO open: connect to the default namespace
        elif text == "2":
            self.send_text("3")  # ping, pong
        elif text.startswith("40"):
            self.connected = True
        elif text.startswith("44"):
            raise RuntimeError(f"{self.name} was refused: {text}")
        elif text.startswith("42"):
            event, data = json.loads(text[2:])[:2]
            self.loop.received(self, event, data)
        elif text.startswith("43"):
            digits = len(text) - len(text[2:].lstrip("0123456789"))
            ack_id = int(text[2:digits])
            self.acks.pop(ack_id)(json.loads(text[digits:])[0])

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.loop.selector.unregister(self.sock)
            self.sock.close()


class Loop:
    """Runs every client's socket in this one thread."""

    def __init__(self):
        self.selector = selectors.DefaultSelector()
        self.next_ack = 1
        self.handlers = {}

    def received(self, client: Client, event: str, data) -> None:
        handler = self.handlers.get(event)
        if handler:
            handler(client, data)

    def run_until(self, condition, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the benchmark waited too long")
            for key, _ in self.selector.select(timeout=0.5):
                key.data.readable()


def worker_rss_kib(master_pid: int) -> int:
    """Resident memory of the gunicorn workers (the master's children), in KiB."""
    total = 0
    for child in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split():
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    url = sa.make_url(POSTGRES_URL)
    database_url = url.set(database=f"{url.database}_realtime_bench").render_as_string(hide_password=False)
    create_postgres_database(database_url)
    migrate(database_url)
    app = create_app(config_for(database_url, SECRET_KEY=SECRET_KEY))
    with app.app_context():
        people = [User(username=f"bench{n}", email=f"bench{n}@example.com") for n in range(PEOPLE)]
        db.session.add_all(people)
        db.session.flush()
        ChatRoom.create("bench", people[0])
        db.session.commit()
        ids = [person.id for person in people]
        serializer = app.session_interface.get_signing_serializer(app)
        cookies = [f"session={serializer.dumps({'_user_id': str(user_id), '_fresh': True})}" for user_id in ids]

    environment = {
        **os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "SECRET_KEY": SECRET_KEY,
        "TRUSTED_HOSTS": "127.0.0.1",
        "SOCKETIO_CHANNEL": f"microblog-bench-{uuid.uuid4().hex}", "LOG_TO_STDOUT": "1",
        "GUNICORN_BIND": f"127.0.0.1:{PORT}", "WEB_CONCURRENCY": str(WORKERS), "GUNICORN_THREADS": "700",
        "MESSAGE_RATE_LIMIT": "1000000 per second",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    log = open("/tmp/realtime-bench-gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "microblog:app"], cwd=ROOT,
                              env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{PORT}"
    loop = Loop()
    clients: list[Client] = []
    try:
        for _ in range(120):
            try:
                if requests.get(f"{base}/auth/login", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        time.sleep(2)
        idle_rss = worker_rss_kib(server.pid)
        load_before = Path("/proc/loadavg").read_text().split()[:3]

        # Connect and join in batches of 50, so the server is never asked for 1,000 at once.
        received: dict[str, list[float]] = {}
        loop.handlers["room_message"] = lambda client, data: received.setdefault(data["body"], []).append(
            time.perf_counter())
        joined = []
        started = time.perf_counter()
        room_sockets = [(tab, n) for tab in range(TABS) for n in range(PEOPLE)]
        for first in range(0, len(room_sockets), 50):
            batch = [Client(loop, cookies[n], f"bench{n}/{tab}") for tab, n in room_sockets[first:first + 50]]
            clients += batch
            loop.run_until(lambda batch=batch: all(client.connected for client in batch))
            for client in batch:
                client.emit("join", {"room": "bench"}, lambda answer: joined.append(answer["ok"]))
            expected = len(clients)
            loop.run_until(lambda expected=expected: len(joined) == expected)
        assert all(joined)
        connect_seconds = time.perf_counter() - started
        time.sleep(3)
        connected_rss = worker_rss_kib(server.pid)
        in_room = len(clients)

        # Fan-out: one message to the room, time until each socket has it.
        latencies: list[float] = []
        slowest: list[int] = []  # per message, the last socket's latency
        for n in range(FAN_OUT_MESSAGES):
            body = f"fan-out {n}"
            sent = time.perf_counter()
            clients[0].emit("room_message", {"room": "bench", "body": body}, lambda answer: None)
            loop.run_until(lambda body=body: len(received.get(body, [])) >= in_room)
            these = [(at - sent) * 1000 for at in received[body]]
            latencies += these
            slowest.append(round(max(these)))
            time.sleep(0.2)

        # Private messages: twenty pairs; each sender sends its next message when the last is acknowledged.
        private_received = [0]
        loop.handlers["message"] = lambda client, data: private_received.__setitem__(
            0, private_received[0] + (client.name.startswith("recipient")))
        senders, recipients = [], []
        for n in range(PRIVATE_SENDERS):
            senders.append(Client(loop, cookies[n], f"sender{n}"))
            recipients.append(Client(loop, cookies[PRIVATE_SENDERS + n], f"recipient{n}"))
        clients += senders + recipients
        loop.run_until(lambda: all(client.connected for client in senders + recipients))
        total = PRIVATE_SENDERS * PRIVATE_PER_SENDER
        acknowledged = [0]

        def send_next(n: int, k: int) -> None:
            def on_ack(answer) -> None:
                assert answer["ok"], answer
                acknowledged[0] += 1
                if k + 1 < PRIVATE_PER_SENDER:
                    send_next(n, k + 1)

            senders[n].emit("send_message", {"recipient": f"bench{PRIVATE_SENDERS + n}", "body": f"{n}-{k}"}, on_ack)

        started = time.perf_counter()
        for n in range(PRIVATE_SENDERS):
            send_next(n, 0)
        loop.run_until(lambda: acknowledged[0] == total and private_received[0] == total)
        private_seconds = time.perf_counter() - started

        print(f"server: gunicorn, {WORKERS} gthread workers x 700 threads, Redis message queue, PostgreSQL")
        print(f"load average before: {load_before}")
        print(f"fan-out, the last socket's latency per message (ms): {slowest}")
        print(f"sockets: {in_room} in the room ({PEOPLE} people x {TABS} tabs), connected and joined"
              f" in {connect_seconds:.1f} s")
        print(f"| fan-out of one room message to {in_room} sockets ({FAN_OUT_MESSAGES} messages,"
              f" {len(latencies)} deliveries) | p50 {statistics.median(latencies):.0f} ms |"
              f" p99 {percentile(latencies, 0.99):.0f} ms | max {max(latencies):.0f} ms |")
        print(f"| private messages, {PRIVATE_SENDERS} pairs, each sender waits for its ack |"
              f" {total} in {private_seconds:.2f} s | {total / private_seconds:.0f} messages/s |"
              f" {private_received[0]} received |")
        per_socket = (connected_rss - idle_rss) / in_room
        print(f"| memory of the workers | idle {idle_rss / 1024:.0f} MiB |"
              f" with the sockets {connected_rss / 1024:.0f} MiB | {per_socket:.0f} KiB per socket |")
    finally:
        for client in clients:
            client.close()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
