"""Simultaneous API writes: two tokens for one device, two deletions of one post."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Post, Token, User
from app.models.token import TokenConflict
from tests.integration.test_message_races import run_together


def test_two_tokens_for_one_device_at_once_leave_one(app, make_user):
    john_id = make_user("john").id
    results: list[str] = []

    def issue():
        try:
            Token.issue(db.session.get(User, john_id), 3600, "phone")
            results.append("issued")
        except TokenConflict:
            results.append("conflict")

    assert run_together(app, [issue, issue]) == []
    assert sorted(results) in (["issued", "issued"], ["conflict", "issued"])
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Token).where(Token.device == "phone")) == 1


def test_two_deletions_of_one_post_uncount_it_once(app, make_user, make_post):
    john = make_user("john")
    make_post(john, "keep")
    post_id = make_post(john, "delete me").id
    deleted: list[bool] = []

    def delete():
        post = db.session.get(Post, post_id)
        deleted.append(post is not None and post.delete())

    assert run_together(app, [delete, delete]) == []
    assert deleted.count(True) == 1
    db.session.expire_all()
    assert db.session.get(User, john.id).posts_count == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 1
