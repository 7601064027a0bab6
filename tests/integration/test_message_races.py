"""Simultaneous senders and readers, each in its own thread, session and transaction."""

import threading

import sqlalchemy as sa

from app.extensions import db
from app.models import Conversation, ConversationMember, Message, Notification, User

SENDERS_EACH_WAY = 4
ROUNDS = 3


def run_together(app, jobs) -> list[BaseException]:
    """Start every job at the same moment in its own thread and app context; returns their errors."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        with app.app_context():
            try:
                barrier.wait()
                job()
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 (reported by the test)
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_simultaneous_first_messages_share_one_conversation_and_counts_stay_exact(app, make_user):
    anna_id, ben_id = make_user("anna").id, make_user("ben").id

    def send(sender_id: int, recipient_id: int):
        return lambda: Message.send(db.session.get(User, sender_id), db.session.get(User, recipient_id), "hi")

    def read(user_id: int, other_id: int):
        def job():
            side = ConversationMember.find(db.session.get(User, user_id), db.session.get(User, other_id))
            if side is not None:
                side.mark_read()
        return job

    for _ in range(ROUNDS):
        jobs = [send(anna_id, ben_id) for _ in range(SENDERS_EACH_WAY)]
        jobs += [send(ben_id, anna_id) for _ in range(SENDERS_EACH_WAY)]
        jobs += [read(ben_id, anna_id), read(anna_id, ben_id)]
        assert run_together(app, jobs) == []

    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Conversation)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 2 * SENDERS_EACH_WAY * ROUNDS
    for user_id in (anna_id, ben_id):
        side = db.session.scalar(sa.select(ConversationMember).where(ConversationMember.user_id == user_id))
        total = db.session.get(User, user_id).unread_message_count
        notification = db.session.scalar(sa.select(Notification).where(Notification.user_id == user_id))
        # However the reads interleaved with the sends, the counters agree with each other and the notification.
        assert 0 <= side.unread_count <= SENDERS_EACH_WAY * ROUNDS
        assert total == side.unread_count
        assert notification.get_data() == total
        # ...and with the messages: exactly those to this person after the last one read.
        unread_rows = db.session.scalar(
            sa.select(sa.func.count()).select_from(Message)
            .where(Message.recipient_id == user_id, Message.id > (side.last_read_message_id or 0))
        )
        assert unread_rows == side.unread_count
