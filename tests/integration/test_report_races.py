"""Simultaneous reports of one target by one person, and simultaneous admin answers, in their own threads."""

import sqlalchemy as sa

from app import moderation
from app.extensions import db
from app.models import Report, User
from tests.integration.test_message_races import run_together


def person(user_id: int) -> User:
    return db.session.get(User, user_id)


def test_simultaneous_reports_leave_one_open_report(app, make_user, make_post):
    john_id, susan = make_user("john").id, make_user("susan")
    susan_id, post_id = susan.id, make_post(susan, "spam spam").id
    jobs = [lambda: Report.file(person(john_id), person(susan_id), "spam") for _ in range(4)]
    jobs += [lambda: Report.file(person(john_id), person(susan_id), "spam", post_id=post_id) for _ in range(4)]
    assert run_together(app, jobs) == []
    rows = db.session.execute(sa.select(Report.user_id, Report.post_id).order_by(Report.post_id.nulls_first())).all()
    assert rows == [(susan_id, None), (susan_id, post_id)]


def test_simultaneous_suspensions_and_dismissals_close_each_report_once(app, make_user):
    john_id, susan_id = make_user("john").id, make_user("susan").id
    admins = [make_user(f"admin{n}", is_admin=True).id for n in range(4)]
    Report.file(person(john_id), person(susan_id), "spam")
    db.session.commit()
    report_id = db.session.scalar(sa.select(Report.id))
    jobs = [lambda admin_id=admin_id: moderation.suspend(person(admin_id), person(susan_id)) for admin_id in admins[:2]]
    jobs += [lambda admin_id=admin_id: moderation.dismiss(person(admin_id), db.session.get(Report, report_id))
             for admin_id in admins[2:]]
    assert run_together(app, jobs) == []
    report = db.session.get(Report, report_id)
    assert report.resolution in ("suspended", "dismissed") and report.resolved_by_id in admins
    assert person(susan_id).suspended_at is not None
