"""Simultaneous replies and deletions keep reply counts exact and never break a reply's link."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Post, ReplyTargetMissing, User
from tests.integration.test_message_races import run_together


def test_simultaneous_replies_are_all_counted(app, make_user, make_post):
    people = [make_user(name).id for name in ("anna", "ben", "cleo", "dan", "eve", "finn")]
    parent_id = make_post(db.session.get(User, people[0]), "the question").id

    def reply(person_id: int):
        return lambda: Post.publish(db.session.get(User, person_id), "an answer", in_reply_to=parent_id)

    assert run_together(app, [reply(person) for person in people]) == []
    db.session.expire_all()
    assert db.session.get(Post, parent_id).reply_count == len(people)
    replies = sa.select(sa.func.count()).select_from(Post).where(Post.in_reply_to_id == parent_id)
    assert db.session.scalar(replies) == len(people)


def test_two_deletions_of_a_reply_uncount_it_once(app, make_user, make_post):
    anna = make_user("anna")
    parent_id = make_post(anna, "the question").id
    Post.publish(anna, "keep", in_reply_to=parent_id)
    reply_id = Post.publish(anna, "delete me", in_reply_to=parent_id).id
    db.session.commit()

    def delete():
        post = db.session.get(Post, reply_id)
        if post is not None:
            post.delete()

    assert run_together(app, [delete, delete]) == []
    db.session.expire_all()
    assert db.session.get(Post, parent_id).reply_count == 1
    assert db.session.get(User, anna.id).posts_count == 2


def test_a_reply_racing_the_deletion_of_its_post_is_refused_or_unlinked(app, make_user, make_post):
    """Either the reply comes first (and is unlinked by the deletion) or it finds the post gone:
    never a foreign-key error, never a reply that points at nothing."""
    anna, ben = make_user("anna"), make_user("ben")
    refused: list[bool] = []
    for attempt in range(5):
        parent_id = make_post(anna, f"question {attempt}").id

        def reply(parent_id=parent_id):
            try:
                Post.publish(db.session.get(User, ben.id), "an answer", in_reply_to=parent_id)
            except ReplyTargetMissing:
                refused.append(True)

        def delete(parent_id=parent_id):
            db.session.get(Post, parent_id).delete()

        assert run_together(app, [reply, delete]) == []
        db.session.expire_all()
        assert db.session.get(Post, parent_id) is None
        dangling = sa.select(sa.func.count()).select_from(Post).where(Post.in_reply_to_id == parent_id)
        assert db.session.scalar(dangling) == 0
        answers = db.session.scalars(sa.select(Post).where(Post.body == "an answer", Post.user_id == ben.id)).all()
        assert all(answer.is_reply and answer.in_reply_to_id is None for answer in answers)
        assert len(answers) + len(refused) == attempt + 1  # each attempt either answered or was refused
