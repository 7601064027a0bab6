"""What one call of the messaging pages costs: SQL statements and milliseconds.

Run on demand with `make bench` (not part of `make test`). Each measured request
starts from an empty session, as a request in a server process does; times are
for the whole Flask request through the test client (no network), median of the
calls. Results are printed and written to bench/results/messaging-<database>.md.
"""

import json
import statistics
import time
from pathlib import Path
from time import perf_counter

import sqlalchemy as sa

from app.extensions import db
from app.models import Message, Notification, User

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results"
PEOPLE = 2_000  # everyone has an unread_message_count notification
CONVERSATIONS = 50  # the reader's conversations
MESSAGES_PER_CONVERSATION = 20
CALLS = 300


def build(password_hash: str) -> User:
    db.session.execute(
        sa.insert(User),
        [{"username": f"person{n}", "email": f"person{n}@example.com", "password_hash": password_hash}
         for n in range(PEOPLE)],
    )
    db.session.commit()
    ids = db.session.scalars(sa.select(User.id).order_by(User.id)).all()
    now = time.time()
    db.session.execute(
        sa.insert(Notification),
        [{"user_id": user_id, "name": "unread_message_count", "data": json.dumps(0), "timestamp": now - 3600}
         for user_id in ids],
    )
    db.session.commit()
    reader = db.session.get(User, ids[0])
    for other_id in ids[1:CONVERSATIONS + 1]:
        other = db.session.get(User, other_id)
        for n in range(MESSAGES_PER_CONVERSATION):
            Message.send(other if n % 2 else reader, reader if n % 2 else other, f"message {n}")
        db.session.commit()
    return reader


def measure(client, count_queries, url: str) -> tuple[int, float]:
    """Statements per call (all calls must agree) and the median milliseconds per call."""
    statement_counts, timings = set(), []
    for _ in range(CALLS):
        db.session.expunge_all()
        with count_queries() as statements:
            started = perf_counter()
            response = client.get(url)
            timings.append((perf_counter() - started) * 1000)
        assert response.status_code == 200, url
        statement_counts.add(len(statements))
    assert len(statement_counts) == 1, f"{url}: statement count varies {statement_counts}"
    return statement_counts.pop(), statistics.median(timings)


def test_messaging_costs(app, client, auth, count_queries, password_hash):
    reader = build(password_hash)
    reader_name = reader.username
    auth.login(reader_name)
    client.get(f"/messages/person{CONVERSATIONS}")  # read one conversation, so its view writes nothing
    latest = max(n["timestamp"] for n in client.get("/notifications").get_json())
    app.config["MESSAGES_PER_PAGE"] = 25

    rows = [
        ("/notifications?since=<latest> (nothing new)", f"/notifications?since={latest}"),
        ("/notifications?since=0 (one notification)", "/notifications?since=0"),
        ("/messages (25 of 50 conversations)", "/messages"),
        ("/messages/<username> (20 messages, already read)", f"/messages/person{CONVERSATIONS}"),
    ]
    dialect = db.engine.dialect.name
    lines = [
        f"### {dialect}",
        "",
        f"{PEOPLE} people with a notification each; the reader has {CONVERSATIONS} conversations of "
        f"{MESSAGES_PER_CONVERSATION} messages; {CALLS} calls each, median.",
        "",
        "| request | SQL statements | ms per call |",
        "|---|---|---|",
    ]
    for label, url in rows:
        statements, milliseconds = measure(client, count_queries, url)
        lines.append(f"| `{label}` | {statements} | {milliseconds:.2f} |")
    report = "\n".join(lines) + "\n"
    print("\n" + report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"messaging-{dialect}.md").write_text(report)
