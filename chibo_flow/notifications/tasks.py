"""Celery tasks: send one delivery, claiming it first so no two workers send the same row."""

import logging
import random
from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import or_, update

from chibo_flow.extensions import db
from chibo_flow.models import Delivery
from chibo_flow.models._types import utcnow
from chibo_flow.models.delivery import DeliveryStatus
from chibo_flow.notifications import mailer
from chibo_flow.notifications.compose import compose_final_copy

log = logging.getLogger(__name__)


def claim(delivery_id: int) -> Delivery | None:
    """Atomically move a due pending row to `sending` (compare-and-set); None if someone else has it."""
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
    return db.session.get(Delivery, delivery_id)


def retry_delay(attempts: int) -> float:
    """Exponential backoff with full jitter, in seconds."""
    base = current_app.config["DELIVERY_RETRY_BASE_S"]
    return random.uniform(base, base * 2**attempts)


@shared_task(name="chibo_flow.notifications.tasks.send_delivery", ignore_result=True)
def send_delivery(delivery_id: int) -> str:
    """Send one Delivery row; 4xx/connection errors retry with backoff, 5xx fail for good."""
    delivery = claim(delivery_id)
    if delivery is None:
        return "skipped"
    message = compose_final_copy(delivery)
    try:
        reply = mailer.send(current_app.config["SMTP_URL"], message, delivery.address)
    except mailer.SendFailed as failure:
        delivery.last_reply_code = failure.reply.code or None
        delivery.last_reply = failure.reply.text
        if failure.temporary and delivery.attempts < current_app.config["DELIVERY_MAX_ATTEMPTS"]:
            delay = retry_delay(delivery.attempts)
            delivery.status = DeliveryStatus.PENDING
            delivery.next_attempt_at = utcnow() + timedelta(seconds=delay)
            db.session.commit()
            send_delivery.apply_async((delivery_id,), countdown=delay)
            return "retry"
        delivery.status = DeliveryStatus.FAILED
        db.session.commit()
        log.warning("delivery %s to %s failed: %s", delivery.id, delivery.address, failure)
        return "failed"
    delivery.status = DeliveryStatus.SENT
    delivery.last_reply_code = reply.code
    delivery.last_reply = reply.text
    delivery.sent_at = utcnow()
    db.session.commit()
    return "sent"
