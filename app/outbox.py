"""The outbox: side effects that wait for the database commit.

Models and services call ``on_commit(effect, *args)`` to announce something
(push an event, queue a job, index a document, send a mail). The effect is
kept with the session's current transaction and run once that transaction has
committed; a rollback, of the whole transaction or of the savepoint the effect
was recorded in, drops it. So nothing is announced for a change that did not
happen, whichever door (page, API, socket, job) made it.

Effects run after the commit, when the session can no longer emit SQL: pass
them plain data (ids, strings, a built mail), not ORM objects to lazy-load.
An effect that raises is logged and never fails the request that committed.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

logger = logging.getLogger(__name__)

OUTBOX_KEY = "outbox"


@dataclass
class Effect:
    function: Callable[..., Any]
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    transaction: so.SessionTransaction | None = None

    def __str__(self) -> str:
        return getattr(self.function, "__qualname__", repr(self.function))


def on_commit(function: Callable[..., Any], *args: Any, session: so.Session | None = None, **kwargs: Any) -> None:
    """Run ``function(*args, **kwargs)`` once the session's current transaction commits."""
    if session is None:
        from .extensions import db

        session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(OUTBOX_KEY, []).append(Effect(function, args, kwargs, transaction))


def pending(session: so.Session) -> list[Effect]:
    """The effects waiting for this session's commit."""
    return list(session.info.get(OUTBOX_KEY, []))


def _is_within(transaction: so.SessionTransaction | None, ancestor: so.SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@sa.event.listens_for(so.Session, "after_commit")
def deliver(session: so.Session) -> None:
    """Run every effect recorded before this commit, in order; log the ones that fail."""
    for effect in session.info.pop(OUTBOX_KEY, []):
        try:
            effect.function(*effect.args, **effect.kwargs)
        except Exception:  # noqa: BLE001 - the change is committed; a failed announcement is only logged
            logger.exception("Side effect %s failed after commit", effect)


@sa.event.listens_for(so.Session, "after_soft_rollback")
def drop_rolled_back_savepoint(session: so.Session, previous_transaction: so.SessionTransaction) -> None:
    """Forget the effects recorded inside a savepoint that rolled back."""
    effects = session.info.get(OUTBOX_KEY)
    if effects and previous_transaction.nested:
        session.info[OUTBOX_KEY] = [e for e in effects if not _is_within(e.transaction, previous_transaction)]


@sa.event.listens_for(so.Session, "after_transaction_end")
def drop_unfinished(session: so.Session, transaction: so.SessionTransaction) -> None:
    """A transaction that ended without committing (rollback, close) takes its effects with it."""
    if transaction.parent is None:
        session.info.pop(OUTBOX_KEY, None)
