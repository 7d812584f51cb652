"""The one dispatcher: domain events → Delivery rows → Celery.

It subscribes to chibo_flow.events.committed. Each event is expanded into the notifications it
causes (the notices of NOTICE_SOURCES: review notices, account emails, a secretary's request
for a new recipient to the org's admins; on approval the final copy to each address of the group
snapshots the event froze) as Delivery rows, on approval also into the entries of the incoming
registers of the orgs of the system it reaches (chibo_flow.registers.incoming), and marked
dispatched in the same commit; then the rows are queued. Expanding is idempotent: a row's key is
(event, kind, address) and a second expansion of the same event (the relay's, or a second
dispatcher's at the same moment) inserts nothing, so nobody gets a second row, hence a second
email. A small event is expanded right after the commit that recorded it; one reaching more than
DISPATCH_INLINE_MAX people is left to a worker, so approving costs the same for 1 or 5,000
recipients. Whatever was not dispatched (broker down, process killed) is dispatched by beat's
relay.
"""

import logging
import uuid
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from chibo_flow import directory, events
from chibo_flow.auth import mail as account_mail
from chibo_flow.extensions import db
from chibo_flow.models import Delivery, DomainEvent, EventKind, Programme
from chibo_flow.models._types import utcnow
from chibo_flow.models.delivery import FINAL_COPY, DeliveryStatus
from chibo_flow.notifications.queue import (
    DISPATCH_EVENT,
    RENDER_FINAL_COPY,
    enqueue_deliveries,
    publish,
    send_rank,
)
from chibo_flow.receipts.reminders import reminder_rows
from chibo_flow.recipients import frozen_people
from chibo_flow.registers.incoming import enter_receipts
from chibo_flow.review import notices as review_notices

log = logging.getLogger(__name__)
# Tries of one dispatch when concurrent approvals race for an org's next incoming number.
REGISTER_RETRIES = 10
# What an event causes besides the final copy: each source's notices_for(event, programme) lists
# Notices (kind, key, people). A new kind of notification is one branch in its source (or one
# more source here), plus its subject and templates.
NOTICE_SOURCES = (review_notices.notices_for, account_mail.notices_for, directory.notices_for)


def new_message_id() -> str:
    """A fresh Message-ID in the MAIL_FROM domain (a row keeps it for every attempt)."""
    domain = current_app.config["MAIL_FROM"].rsplit("@", 1)[-1].strip(">").strip() or "chibo"
    return f"<{uuid.uuid4()}@{domain}>"


def planned_rows(event: DomainEvent, programme: Programme | None) -> list[dict]:
    """The Delivery rows `event` causes, once per address and kind (without Message-IDs)."""
    base = {"programme_id": event.programme_id, "revision_id": event.revision_id,
            "event_id": event.id}  # fmt: skip
    rows = []
    notices = (notice for source in NOTICE_SOURCES for notice in source(event, programme))
    for notice in notices:
        seen: set[str] = set()
        for person in notice.people:
            address = person.email.strip().lower()
            if address not in seen:
                seen.add(address)
                rows.append(base | {"kind": notice.kind, "notice_key": notice.key,
                                    "address": address, "name": person.name,
                                    "line": "", "purpose": "none"})  # fmt: skip
    if event.kind == EventKind.RECEIPT_REMINDER_DUE:
        rows += reminder_rows(event)
    if event.kind == EventKind.APPROVED:
        lines = event.data["lines"]
        for address, name, line in frozen_people(event.data):
            label, purpose = lines[line]
            rows.append(base | {"kind": FINAL_COPY, "notice_key": "", "address": address,
                                "name": name, "line": label, "purpose": purpose})  # fmt: skip
    return rows


def _insert_new() -> Insert:
    """INSERT INTO delivery that skips a row whose unique key exists already."""
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[db.session.get_bind().dialect.name]
    return dialect.insert(Delivery).on_conflict_do_nothing()


def dispatch(event_id: int) -> int:
    """Expand one event into its Delivery rows (and, for an approval, the entries of the
    incoming registers it reaches) and mark it dispatched, in one commit, then queue them;
    returns how many rows it wrote (0 when it was dispatched already). A commit that loses a
    race for an incoming number is retried with the next one."""
    for attempt in range(REGISTER_RETRIES):
        try:
            return _dispatch_once(event_id)
        except IntegrityError:
            db.session.rollback()
            if attempt == REGISTER_RETRIES - 1:
                raise
    return 0


def _dispatch_once(event_id: int) -> int:
    event = db.session.get(DomainEvent, event_id, with_for_update=True, populate_existing=True)
    if event is None or event.dispatched_at is not None:
        db.session.rollback()
        return 0
    programme = db.session.get(Programme, event.programme_id) if event.programme_id else None
    rows = planned_rows(event, programme)
    if rows:
        db.session.execute(_insert_new(), [row | {"message_id": new_message_id()} for row in rows])
    if event.kind == EventKind.APPROVED:
        enter_receipts(event, programme)
    event.dispatched_at = utcnow()
    rank = send_rank(programme)  # read before the commit expires the programme
    db.session.commit()
    _enqueue(event, rank)
    return len(rows)


def _enqueue(event: DomainEvent, rank: int) -> None:
    """Queue the event's pending rows at send `rank`: notices at once; final copies once their
    copy is rendered (the render task queues them)."""
    notices = db.session.scalars(
        select(Delivery.id)
        .where(
            Delivery.event_id == event.id,
            Delivery.kind != FINAL_COPY,
            Delivery.status == DeliveryStatus.PENDING,
        )
        .order_by(Delivery.id)
    )
    enqueue_deliveries(list(notices), rank=rank)
    if event.kind == EventKind.APPROVED:
        publish(RENDER_FINAL_COPY, event.programme_id)


def dispatch_overdue() -> int:
    """The relay's part: dispatch every event left undispatched for a relay interval (its
    announcement was lost: broker down, process killed); returns how many rows were written."""
    settled = utcnow() - timedelta(seconds=current_app.config["RELAY_INTERVAL_S"])
    overdue = list(
        db.session.scalars(
            select(DomainEvent.id)
            .where(DomainEvent.dispatched_at.is_(None), DomainEvent.created_at <= settled)
            .order_by(DomainEvent.id)
        )
    )
    db.session.rollback()
    return sum(dispatch(event_id) for event_id in overdue)


def on_committed(app: Flask, recorded: list[tuple[int, int]], in_worker: bool = False) -> None:
    """Subscriber of chibo_flow.events.committed: expand small events now, hand large ones
    (and all of them when `in_worker`) to a worker. A failure leaves the event for the relay
    (the transition stands)."""
    for event_id, recipients in recorded:
        if in_worker or recipients > app.config["DISPATCH_INLINE_MAX"]:
            publish(DISPATCH_EVENT, event_id)
            continue
        try:
            dispatch(event_id)
        except SQLAlchemyError:
            db.session.rollback()
            log.warning("event %s left for the relay", event_id, exc_info=True)


def init_dispatcher(app: Flask) -> None:
    """Subscribe the dispatcher to the events `app` commits."""
    events.committed.connect(on_committed, sender=app, weak=False)
