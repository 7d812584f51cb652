"""Recording domain events and announcing them once committed.

The workflow (and the reminders) record what happened with `record`, in the transaction that
makes it happen; after commit they `announce` the new events. Whatever reacts to them (the
notifications dispatcher) subscribes to `committed`; the modules that record events import none
of their subscribers.
"""

from collections.abc import Iterable
from typing import Any

from blinker import Namespace
from flask import current_app

from chibo_flow.extensions import db
from chibo_flow.models import DomainEvent, Programme, User

_signals = Namespace()
# Sent after the transaction holding the events committed, with `recorded`: [(id, recipients)]
# and `in_worker`: True when none of them may be expanded in the request that recorded them.
committed = _signals.signal("domain-events-committed")


def record(
    programme: Programme | None,
    kind: str,
    actor: User | None = None,
    *,
    key: str = "",
    recipients: int = 0,
    **data: Any,
) -> DomainEvent:
    """Add one event about `programme` (its current revision; None: about an account) to the
    session's transaction."""
    event = DomainEvent(
        programme_id=programme.id if programme else None,
        revision_id=programme.current_revision_id if programme else None,
        kind=kind,
        actor_id=actor.id if actor else None,
        key=key,
        recipients=recipients,
        data=data,
    )
    db.session.add(event)
    return event


def announce(events: Iterable[tuple[int, int]], *, in_worker: bool = False) -> None:
    """Tell the subscribers that these events, as (id, recipients), are committed; with
    `in_worker`, that a worker must expand them (the request must not do that work)."""
    events = list(events)
    if events:
        committed.send(current_app._get_current_object(), recorded=events, in_worker=in_worker)


def pending(events: Iterable[DomainEvent]) -> list[tuple[int, int]]:
    """What `announce` needs of flushed events, read before the commit expires them."""
    db.session.flush()
    return [(event.id, event.recipients) for event in events]
