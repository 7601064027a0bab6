"""Notification ids stay strictly increasing per person under simultaneous writers."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Notification, User
from tests.integration.test_message_races import run_together

WRITERS = 8
ROUNDS = 3


def test_simultaneous_writers_get_distinct_increasing_numbers(app, make_user):
    john_id = make_user("john").id
    handed_out: list[int] = []

    def write(name: str):
        def job():
            item = Notification.replace(john_id, name, {"by": name})
            handed_out.append(item["id"])
        return job

    for _ in range(ROUNDS):
        jobs = [write(f"writer_{i % 3}") for i in range(WRITERS)]
        assert run_together(app, jobs) == []

    total = WRITERS * ROUNDS
    assert sorted(handed_out) == list(range(1, total + 1))  # no number twice, none skipped
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.notification_seq).where(User.id == john_id)) == total
    rows = db.session.scalars(Notification.after_select(john_id, 0)).all()
    # Three names, each holding the last number it was given; `after` lists them by number.
    assert [row.seq for row in rows] == sorted(row.seq for row in rows)
    assert rows[-1].seq == total and len(rows) == 3
