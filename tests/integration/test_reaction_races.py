"""Many people like and repost one post at the same moment, and one person taps twice:
the unique constraints keep one row per person and post, and the counters stay exact."""

import sqlalchemy as sa

from app.extensions import db
from app.models import LIKE, REPOST, Activity, Post, PostGone, User, likes, reposts
from tests.integration.test_message_races import run_together

PEOPLE = 6


def count(table: sa.Table, post_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(table).where(table.c.post_id == post_id))


def activities(kind: str, post_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Activity).where(Activity.kind == kind, Activity.post_id == post_id)
    )


def act(method: str, post_id: int, user_id: int):
    return lambda: getattr(db.session.get(Post, post_id), method)(db.session.get(User, user_id))


def test_simultaneous_likes_and_reposts_by_many_people_count_each_once(app, make_user, make_post):
    author = make_user("author")
    post_id = make_post(author, "popular").id
    fans = [make_user(f"fan{n}").id for n in range(PEOPLE)]
    jobs = [act("like", post_id, fan) for fan in fans] + [act("repost", post_id, fan) for fan in fans]
    assert run_together(app, jobs) == []
    db.session.expire_all()
    post = db.session.get(Post, post_id)
    assert (post.like_count, post.repost_count) == (PEOPLE, PEOPLE)
    assert (count(likes, post_id), count(reposts, post_id)) == (PEOPLE, PEOPLE)
    assert (activities(LIKE, post_id), activities(REPOST, post_id)) == (PEOPLE, PEOPLE)
    assert db.session.get(User, author.id).unread_activity_count == 2 * PEOPLE


def test_one_person_liking_and_reposting_many_times_at_once_leaves_one_of_each(app, make_user, make_post):
    author = make_user("author")
    post_id = make_post(author, "tap tap").id
    fan = make_user("fan").id
    outcomes: list[bool] = []

    def like_and_note():
        outcomes.append(db.session.get(Post, post_id).like(db.session.get(User, fan)))

    jobs = [like_and_note for _ in range(PEOPLE)] + [act("repost", post_id, fan) for _ in range(PEOPLE)]
    assert run_together(app, jobs) == []
    assert outcomes.count(True) == 1
    db.session.expire_all()
    post = db.session.get(Post, post_id)
    assert (post.like_count, post.repost_count) == (1, 1)
    assert (count(likes, post_id), count(reposts, post_id)) == (1, 1)
    assert (activities(LIKE, post_id), activities(REPOST, post_id)) == (1, 1)
    assert db.session.get(User, author.id).unread_activity_count == 2


def test_simultaneous_unlikes_uncount_once(app, make_user, make_post):
    author = make_user("author")
    post = make_post(author, "liked")
    fan = make_user("fan")
    post.like(fan)
    post.repost(fan)
    db.session.commit()
    post_id, fan_id = post.id, fan.id
    jobs = [act("unlike", post_id, fan_id) for _ in range(PEOPLE)] + [
        act("unrepost", post_id, fan_id) for _ in range(PEOPLE)
    ]
    assert run_together(app, jobs) == []
    db.session.expire_all()
    post = db.session.get(Post, post_id)
    assert (post.like_count, post.repost_count) == (0, 0)
    assert (count(likes, post_id), count(reposts, post_id)) == (0, 0)
    assert db.session.get(User, author.id).unread_activity_count == 0


def test_liking_a_post_deleted_at_the_same_moment_is_refused_or_cascades(app, make_user, make_post):
    author = make_user("author")
    post_id = make_post(author, "going").id
    fan_id = make_user("fan").id
    gone: list[bool] = []

    def like():
        post = db.session.get(Post, post_id)
        if post is None:
            gone.append(True)
            return
        try:
            post.like(db.session.get(User, fan_id))
        except PostGone:
            gone.append(True)

    def delete():
        post = db.session.get(Post, post_id)
        if post is not None:
            post.delete()

    assert run_together(app, [like, delete]) == []
    db.session.expire_all()
    assert db.session.get(Post, post_id) is None
    if db.engine.dialect.name == "postgresql":  # SQLite does not enforce foreign keys, so nothing cascades there
        assert count(likes, post_id) == 0
