"""Beat's relay: whatever the direct path (dispatch and queue right after commit) left undone.

The domain events and the Delivery rows are the truth and the queue only a hint. Publishing can
fail (broker down), a process can die between the commit of an event and its dispatch, a worker
can die mid-send; either way the event is left undispatched or the row `pending` (or stuck in
`sending`) and the relay on beat dispatches or queues it again, so mail is late at worst, never
lost. Sending claims the row first
(compare-and-set), so a row queued twice is still sent once.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby
from operator import attrgetter

from celery import shared_task
from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from chibo_flow import messages
from chibo_flow.extensions import db
from chibo_flow.models import AuditEvent, Delivery, FinalCopy, Org, Programme, User
from chibo_flow.models._types import utcnow
from chibo_flow.models.delivery import FINAL_COPY, DeliveryStatus
from chibo_flow.models.users import SigningMode
from chibo_flow.notifications.dispatcher import dispatch_overdue
from chibo_flow.notifications.queue import (
    RENDER_FINAL_COPY,
    enqueue_deliveries,
    publish,
    send_rank,
    send_rank_sql,
)

log = logging.getLogger(__name__)
RELAY_LIMITS = (120, 150)  # seconds: soft and hard time limits of the beat task


def release_stuck() -> int:
    """Rows left in `sending` for DELIVERY_STUCK_AFTER_S (their worker died mid-send): back to
    pending to be sent again, or `failed` once they have used DELIVERY_MAX_ATTEMPTS."""
    config = current_app.config
    stuck = (
        Delivery.status == DeliveryStatus.SENDING,
        Delivery.claimed_at < utcnow() - timedelta(seconds=config["DELIVERY_STUCK_AFTER_S"]),
    )
    interrupted = {"last_reply_code": None, "last_reply": messages.DELIVERY_INTERRUPTED}
    given_up = db.session.execute(
        update(Delivery)
        .where(*stuck, Delivery.attempts >= config["DELIVERY_MAX_ATTEMPTS"])
        .values(status=DeliveryStatus.FAILED, **interrupted)
    )
    released = db.session.execute(
        update(Delivery)
        .where(*stuck)
        .values(status=DeliveryStatus.PENDING, next_attempt_at=None, **interrupted)
    )
    db.session.commit()
    if given_up.rowcount or released.rowcount:
        log.warning(
            "%d deliveries interrupted mid-send: %d to send again, %d failed",
            given_up.rowcount + released.rowcount,
            released.rowcount,
            given_up.rowcount,
        )
    return given_up.rowcount + released.rowcount


@dataclass(frozen=True)
class Due:
    """A pending row the relay queues again: ready (not a final copy, or its copy is stored
    and, where the org signs with its own tool, signed) and rendered; its send rank."""

    id: int
    programme_id: int | None
    ready: bool
    rendered: bool
    rank: int


def due_deliveries() -> list[Due]:
    """Pending rows that should have been taken by now (final_copy_ready's rule, as SQL), the
    most urgent first (send rank, then age); due for a whole relay interval, so the enqueue after
    commit (or the retry countdown) had its chance first. An account email has no programme."""
    settled = utcnow() - timedelta(seconds=current_app.config["RELAY_INTERVAL_S"])
    rendered = FinalCopy.id.is_not(None)
    signed_if_needed = or_(
        Org.signing_mode != SigningMode.EXTERNAL, FinalCopy.signed_at.is_not(None)
    )
    rank = send_rank_sql()
    rows = db.session.execute(
        select(
            Delivery.id,
            Delivery.programme_id,
            or_(Delivery.kind != FINAL_COPY, and_(rendered, signed_if_needed)),
            or_(Delivery.kind != FINAL_COPY, rendered),
            rank,
        )
        .outerjoin(Programme, Programme.id == Delivery.programme_id)
        .outerjoin(Org, Org.id == Programme.org_id)
        .outerjoin(FinalCopy, FinalCopy.programme_id == Delivery.programme_id)
        .where(
            Delivery.status == DeliveryStatus.PENDING,
            func.coalesce(Delivery.next_attempt_at, Delivery.created_at) <= settled,
        )
        .order_by(rank, Delivery.id)
    )
    return [Due(*row) for row in rows]


@shared_task(name="chibo_flow.notifications.relay.relay_pending", ignore_result=True,
             soft_time_limit=RELAY_LIMITS[0], time_limit=RELAY_LIMITS[1])  # fmt: skip
def relay_pending() -> int:
    """Beat task: dispatch the events left undispatched, release stuck rows and re-queue every
    pending row that is overdue, the most urgent first. A programme whose final copy is not
    stored yet gets its render task again (which queues its rows once the copy exists) rather
    than every send rendering the same PDF at once."""
    dispatch_overdue()
    release_stuck()
    due = due_deliveries()
    unrendered = dict.fromkeys(row.programme_id for row in due if not row.rendered)
    if not all(publish(RENDER_FINAL_COPY, pid) for pid in unrendered):
        return 0
    queued = 0
    for rank, rows in groupby((row for row in due if row.ready), key=attrgetter("rank")):
        queued += enqueue_deliveries([row.id for row in rows], rank=rank)
    return queued


@dataclass(frozen=True)
class Resent:
    """What `resend_failed` did: the rows put back, by programme (None: account emails), and
    how many were queued now."""

    by_programme: dict[int | None, list[int]]
    queued: int

    @property
    def count(self) -> int:
        """How many deliveries were put back to pending."""
        return sum(len(ids) for ids in self.by_programme.values())

    @property
    def programmes(self) -> int:
        """How many programmes they were about."""
        return sum(1 for programme_id in self.by_programme if programme_id is not None)


def resend_failed(
    programme_id: int | None = None,
    actor: User | None = None,
    delivery_ids: list[int] | None = None,
) -> Resent:
    """Put failed deliveries (of one programme, or all; only `delivery_ids` if given) back to
    pending with fresh attempts, write one "resend" AuditEvent per programme (and one, with no
    programme, for account emails), then queue them, the most urgent first."""
    query = select(Delivery).where(Delivery.status == DeliveryStatus.FAILED).order_by(Delivery.id)
    if programme_id is not None:
        query = query.where(Delivery.programme_id == programme_id)
    if delivery_ids is not None:
        query = query.where(Delivery.id.in_(delivery_ids))
    by_programme: dict[int | None, list[Delivery]] = {}
    for row in db.session.scalars(query.with_for_update()):
        by_programme.setdefault(row.programme_id, []).append(row)
    ranks = {}
    for pid, rows in by_programme.items():
        for row in rows:
            row.status, row.attempts, row.next_attempt_at = DeliveryStatus.PENDING, 0, None
        programme = db.session.get(Programme, pid) if pid is not None else None
        ranks[pid] = send_rank(programme)
        addresses = [row.address for row in rows]
        db.session.add(
            AuditEvent(
                programme_id=pid,
                actor_id=actor.id if actor else None,
                action="resend",
                to_state=programme.state if programme else None,
                comment=messages.DELIVERY_RESEND_COMMENT.format(
                    count=len(rows), addresses=", ".join(addresses)
                ),
                data={"deliveries": [row.id for row in rows], "addresses": addresses},
            )
        )
    db.session.commit()
    ids = {pid: [row.id for row in rows] for pid, rows in by_programme.items()}
    queued = sum(
        enqueue_deliveries(ids[pid], rank=ranks[pid]) for pid in sorted(ids, key=ranks.__getitem__)
    )
    return Resent(ids, queued)
