"""Simultaneous blocks, follows and messages between two people, each in its own thread and transaction."""

import sqlalchemy as sa

from app import blocking
from app.extensions import db
from app.models import Block, Blocked, Message, MessageBlocked, Mute, User, follows
from tests.integration.test_message_races import run_together

ROUNDS = 3


def person(user_id: int) -> User:
    return db.session.get(User, user_id)


def count(table) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(table))


def test_simultaneous_blocks_and_mutes_leave_one_row(app, make_user):
    anna_id, ben_id = make_user("anna").id, make_user("ben").id
    jobs = [lambda: blocking.block(person(anna_id), person(ben_id)) for _ in range(4)]
    jobs += [lambda: blocking.mute(person(anna_id), person(ben_id)) for _ in range(4)]
    assert run_together(app, jobs) == []
    assert count(Block) == 1 and count(Mute) == 1


def test_a_follow_racing_a_block_never_survives_it_and_counters_stay_exact(app, make_user):
    anna_id, ben_id = make_user("anna").id, make_user("ben").id
    for _ in range(ROUNDS):
        jobs = [lambda: person(ben_id).follow(person(anna_id)), lambda: person(anna_id).follow(person(ben_id)),
                lambda: blocking.block(person(anna_id), person(ben_id))]
        errors = run_together(app, jobs)
        assert all(isinstance(error, Blocked) for error in errors), errors
        assert count(follows) == 0
        anna, ben = person(anna_id), person(ben_id)
        db.session.refresh(anna)
        db.session.refresh(ben)
        assert (anna.followers_count, anna.following_count, ben.followers_count, ben.following_count) == (0, 0, 0, 0)
        blocking.unblock(anna, ben)
        db.session.commit()


def test_a_message_racing_a_block_is_sent_before_it_or_refused(app, make_user):
    anna_id, ben_id = make_user("anna").id, make_user("ben").id
    for _ in range(ROUNDS):
        jobs = [lambda: Message.send(person(ben_id), person(anna_id), "hi") for _ in range(3)]
        jobs.append(lambda: blocking.block(person(anna_id), person(ben_id)))
        errors = run_together(app, jobs)
        assert all(isinstance(error, MessageBlocked) for error in errors), errors
        # Every message that got through committed before the block did: none after it.
        block_time = db.session.scalar(sa.select(Block.created_at))
        late = db.session.scalar(sa.select(sa.func.count()).select_from(Message).where(Message.timestamp > block_time))
        assert late == 0
        sent = count(Message)
        assert db.session.scalar(sa.select(User.unread_message_count).where(User.id == anna_id)) == sent
        blocking.unblock(person(anna_id), person(ben_id))
        db.session.commit()
