"""Celery tasks: render an approved programme's final copy, then send each delivery, claiming
it first so no two workers send the same row."""

import logging
import random
from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from chibo_flow.documents.final_copy import final_copy_for
from chibo_flow.extensions import db
from chibo_flow.models import Delivery, Programme
from chibo_flow.models._types import utcnow
from chibo_flow.models.delivery import DeliveryStatus
from chibo_flow.notifications import mailer
from chibo_flow.notifications.compose import compose_for
from chibo_flow.notifications.relay import FINAL_COPY, enqueue_deliveries

log = logging.getLogger(__name__)


def claim(delivery_id: int) -> Delivery | None:
    """Atomically move a due pending row to `sending` (compare-and-set); None if taken."""
    now = utcnow()
    result = db.session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.status == DeliveryStatus.PENDING,
            or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
        )
        .values(status=DeliveryStatus.SENDING, attempts=Delivery.attempts + 1, claimed_at=now)
    )
    db.session.commit()
    if result.rowcount != 1:
        return None
    # With what composing the email reads, in one query.
    programme = joinedload(Delivery.programme)
    return db.session.get(
        Delivery,
        delivery_id,
        options=[
            programme.joinedload(Programme.org),
            programme.joinedload(Programme.current_revision),
        ],
    )


def retry_delay(attempts: int) -> float:
    """Seconds before the next try: random in [base, base × 2^attempts] (backoff with jitter)."""
    base = current_app.config["DELIVERY_RETRY_BASE_S"]
    return random.uniform(base, base * 2**attempts)


@shared_task(name="chibo_flow.notifications.tasks.render_final_copy", ignore_result=True)
def render_final_copy(programme_id: int) -> int:
    """First step after approval: render and store the final copy, then queue its deliveries."""
    final_copy_for(db.session.get(Programme, programme_id))
    pending = db.session.scalars(
        select(Delivery.id)
        .where(
            Delivery.programme_id == programme_id,
            Delivery.kind == FINAL_COPY,
            Delivery.status == DeliveryStatus.PENDING,
        )
        .order_by(Delivery.id)
    )
    return enqueue_deliveries(list(pending))


@shared_task(name="chibo_flow.notifications.tasks.send_delivery", ignore_result=True)
def send_delivery(delivery_id: int) -> str:
    """Send one Delivery row; 4xx/connection errors retry with backoff, 5xx fail for good."""
    delivery = claim(delivery_id)
    if delivery is None:
        return "skipped"
    # A final copy is normally rendered already; when the broker lost render_final_copy and
    # the relay queued this row, compose_for renders it, so every such email carries the PDF.
    message = compose_for(delivery)
    try:
        reply = mailer.send(current_app.config["SMTP_URL"], message, delivery.address)
    except mailer.SendFailed as failure:
        outcome = {"last_reply_code": failure.reply.code or None, "last_reply": failure.reply.text}
        if failure.temporary and delivery.attempts < current_app.config["DELIVERY_MAX_ATTEMPTS"]:
            delay = retry_delay(delivery.attempts)
            retry_at = utcnow() + timedelta(seconds=delay)
            if record(delivery, DeliveryStatus.PENDING, next_attempt_at=retry_at, **outcome):
                enqueue_deliveries([delivery_id], countdown=delay)
            return "retry"
        record(delivery, DeliveryStatus.FAILED, **outcome)
        log.warning("delivery %s to %s failed: %s", delivery_id, delivery.address, failure)
        return "failed"
    outcome = {"last_reply_code": reply.code, "last_reply": reply.text, "sent_at": utcnow()}
    record(delivery, DeliveryStatus.SENT, **outcome)
    return "sent"


def record(delivery: Delivery, status: DeliveryStatus, **values) -> bool:
    """Store the outcome of this worker's attempt, unless the row was released as stuck and
    claimed again meanwhile (its attempts moved on); False then, and nothing changes."""
    delivery_id, attempt = delivery.id, delivery.attempts
    result = db.session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.attempts == attempt,
            Delivery.status.in_((DeliveryStatus.SENDING, DeliveryStatus.PENDING)),
        )
        .values(status=status, **values)
    )
    db.session.commit()
    if result.rowcount != 1:
        log.warning(
            "delivery %s: attempt %s ended after the row was taken over", delivery_id, attempt
        )
    return result.rowcount == 1
