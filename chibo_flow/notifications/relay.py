"""Pending deliveries → the Celery queue: right after commit, and periodically on beat.

Enqueueing can fail (broker down); the row stays pending and the periodic relay re-queues it,
so mail is late at worst, never lost. Sending claims the row first, so a row queued twice is
still sent once.
"""

import logging
from datetime import timedelta

from celery import shared_task
from flask import current_app
from kombu.exceptions import KombuError, OperationalError
from sqlalchemy import and_, or_, select, update

from chibo_flow.extensions import db
from chibo_flow.models import Delivery
from chibo_flow.models._types import utcnow
from chibo_flow.models.delivery import DeliveryStatus

log = logging.getLogger(__name__)


def enqueue_deliveries(delivery_ids: list[int]) -> int:
    """Queue one send task per delivery id; returns how many were queued before any failure."""
    from chibo_flow.notifications.tasks import send_delivery

    queued = 0
    for delivery_id in delivery_ids:
        try:
            send_delivery.delay(delivery_id)
        except (OperationalError, KombuError, OSError) as exc:
            log.warning("broker unavailable, %d deliveries left for the relay: %s",
                        len(delivery_ids) - queued, exc)
            break
        queued += 1
    return queued


def release_stuck() -> int:
    """Put rows stuck in `sending` (a worker killed mid-send) back to pending."""
    stuck_before = utcnow() - timedelta(seconds=current_app.config["DELIVERY_STUCK_AFTER_S"])
    result = db.session.execute(
        update(Delivery)
        .where(Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_at < stuck_before)
        .values(status=DeliveryStatus.PENDING)
    )
    db.session.commit()
    return result.rowcount


def due_delivery_ids() -> list[int]:
    """Pending rows whose retry time (if any) has come."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(Delivery.id)
            .where(
                and_(
                    Delivery.status == DeliveryStatus.PENDING,
                    or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
                )
            )
            .order_by(Delivery.id)
        )
    )


@shared_task(name="chibo_flow.notifications.relay.relay_pending", ignore_result=True)
def relay_pending() -> int:
    """Beat task: release stuck rows and re-queue every due pending row."""
    release_stuck()
    return enqueue_deliveries(due_delivery_ids())


def requeue_failed(programme_id: int | None = None) -> list[int]:
    """Move failed rows (of one programme, or all) back to pending; returns their ids."""
    query = select(Delivery.id).where(Delivery.status == DeliveryStatus.FAILED)
    if programme_id is not None:
        query = query.where(Delivery.programme_id == programme_id)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids), Delivery.status == DeliveryStatus.FAILED)
            .values(status=DeliveryStatus.PENDING, next_attempt_at=None, attempts=0)
        )
        db.session.commit()
    return ids
