"""Live events: announced after the commit, delivered by whoever listens.

``publish`` records an event in the outbox; once the transaction commits,
``event_published`` fires with the event's name, its payload and its audience
(one person's sockets, or a room). The Socket.IO layer connects to the signal
to push events to browsers and programs; tests connect to observe them.
"""

from typing import Any

from blinker import Namespace

from .outbox import on_commit

signals = Namespace()
event_published = signals.signal("event-published")


def publish(event: str, payload: dict[str, Any], *, user_id: int | None = None, room: str | None = None) -> None:
    """Announce ``event`` to ``user_id``'s sockets or to ``room`` once the current transaction commits."""
    if (user_id is None) == (room is None):
        raise ValueError("an event goes to one person or to one room")
    on_commit(event_published.send, event=event, payload=payload, user_id=user_id, room=room)
