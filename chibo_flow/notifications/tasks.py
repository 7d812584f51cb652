"""Celery tasks: dispatch a domain event, render an approved programme's final copy, then send
its deliveries in batches, claiming each row first so no two workers send the same row. Every
task has a time limit (soft: the task stops cleanly; hard: its process is replaced)."""

import logging
import random
from collections import Counter
from datetime import timedelta
from email.errors import MessageError
from email.utils import parseaddr

from celery import shared_task
from flask import current_app
from jinja2 import TemplateError
from sqlalchemy import Row, bindparam, or_, select, update

from chibo_flow import messages
from chibo_flow.documents.final_copy import final_copy_for, final_copy_ready
from chibo_flow.extensions import db
from chibo_flow.models import Delivery, Programme
from chibo_flow.models._types import utcnow
from chibo_flow.models.delivery import FINAL_COPY, DeliveryStatus
from chibo_flow.notifications import mailer
from chibo_flow.notifications.compose import BatchComposer
from chibo_flow.notifications.dispatcher import dispatch
from chibo_flow.notifications.queue import (
    DISPATCH_EVENT,
    ORDINARY_RANK,
    RENDER_FINAL_COPY,
    SEND_DELIVERIES,
    enqueue_deliveries,
    send_rank,
)

log = logging.getLogger(__name__)

# Seconds: (soft, hard) limits. A batch makes up to DELIVERY_BATCH_SIZE SMTP transactions, each
# bounded by the mailer's socket timeout; rendering a final copy takes well under a second.
SEND_LIMITS = (300, 330)
WORK_LIMITS = (120, 150)
# What a message that cannot be composed fails with: retrying would compose it the same way.
COMPOSE_ERRORS = (ValueError, TypeError, LookupError, MessageError, TemplateError)

_deliveries = Delivery.__table__
# What sending a claimed row reads of it, returned by the claim itself.
_CLAIMED = ("id", "attempts", "kind", "notice_key", "programme_id", "address", "name", "line",
            "purpose", "message_id")  # fmt: skip
_now = bindparam("now", type_=_deliveries.c.claimed_at.type)
# Both statements are built once (a batch runs them for every row): the claim is the
# compare-and-set that takes a due pending row and returns what sending it reads; the outcome is
# stored only while the row is still this attempt's (SET: the columns given when executed).
_CLAIM = (
    update(_deliveries)
    .where(
        _deliveries.c.id == bindparam("delivery_id"),
        _deliveries.c.status == DeliveryStatus.PENDING,
        or_(_deliveries.c.next_attempt_at.is_(None), _deliveries.c.next_attempt_at <= _now),
    )
    .values(status=DeliveryStatus.SENDING, attempts=_deliveries.c.attempts + 1, claimed_at=_now)
    .returning(*(_deliveries.c[name] for name in _CLAIMED))
)
_RECORD = update(_deliveries).where(
    _deliveries.c.id == bindparam("delivery_id"),
    _deliveries.c.attempts == bindparam("attempt"),
    _deliveries.c.status.in_((DeliveryStatus.SENDING, DeliveryStatus.PENDING)),
)


def claim(delivery_id: int) -> Row | None:
    """Atomically move a due pending row to `sending` (compare-and-set), commit, and return its
    columns; None if another worker has it, or it is not due."""
    params = {"delivery_id": delivery_id, "now": utcnow()}
    claimed = db.session.execute(_CLAIM, params).one_or_none()
    db.session.commit()
    return claimed


def retry_delay(attempts: int) -> float:
    """Seconds before the next try: random in [base, base × 2^attempts] (backoff with jitter)."""
    base = current_app.config["DELIVERY_RETRY_BASE_S"]
    return random.uniform(base, base * 2**attempts)


@shared_task(name=DISPATCH_EVENT, ignore_result=True,
             soft_time_limit=WORK_LIMITS[0], time_limit=WORK_LIMITS[1])  # fmt: skip
def dispatch_event(event_id: int) -> int:
    """Expand a domain event too large to expand in the request into its Delivery rows."""
    return dispatch(event_id)


@shared_task(name=RENDER_FINAL_COPY, ignore_result=True,
             soft_time_limit=WORK_LIMITS[0], time_limit=WORK_LIMITS[1])  # fmt: skip
def render_final_copy(programme_id: int) -> int:
    """First step after approval: render and store the final copy, then queue its deliveries
    (unless the org signs with its own tool and the signed copy is not uploaded yet)."""
    programme = db.session.get(Programme, programme_id)
    final_copy_for(programme)
    if not final_copy_ready(programme):
        return 0
    return enqueue_final_copies(programme_id)


def enqueue_final_copies(programme_id: int) -> int:
    """Queue the programme's pending final-copy deliveries (the copy is ready) at its urgency's
    send rank; how many."""
    pending = db.session.scalars(
        select(Delivery.id)
        .where(
            Delivery.programme_id == programme_id,
            Delivery.kind == FINAL_COPY,
            Delivery.status == DeliveryStatus.PENDING,
        )
        .order_by(Delivery.id)
    )
    rank = send_rank(db.session.get(Programme, programme_id))
    return enqueue_deliveries(list(pending), rank=rank)


@shared_task(name=SEND_DELIVERIES, ignore_result=True,
             soft_time_limit=SEND_LIMITS[0], time_limit=SEND_LIMITS[1])  # fmt: skip
def send_deliveries(delivery_ids: list[int], rank: int = ORDINARY_RANK) -> dict[str, int]:
    """Send a batch of Delivery rows (queued at send `rank`) over one SMTP connection: each row
    is claimed, sent in its own SMTP transaction and recorded in its own commit before the next
    is claimed. A 4xx reply retries that row with backoff; a 5xx, or a message that cannot be
    composed, fails it at once with the reason; a lost connection stops the batch, and the rows
    not tried yet are queued again (at the same rank) with the retrying one. Returns how many
    rows ended each way."""
    config = current_app.config
    sender = parseaddr(config["MAIL_FROM"])[1]
    composer = BatchComposer()
    outcomes: Counter[str] = Counter()
    with mailer.connection(config["SMTP_URL"]) as smtp:
        for position, delivery_id in enumerate(delivery_ids):
            delivery = claim(delivery_id)
            if delivery is None:
                outcomes["skipped"] += 1
                continue
            # A final copy is normally rendered already; when the broker lost render_final_copy
            # and the relay queued this row, composing renders it, so every email carries the PDF.
            try:
                data = composer.message_bytes(delivery)
            except COMPOSE_ERRORS as exc:
                log.exception("delivery %s: the message cannot be composed", delivery.id)
                reason = messages.DELIVERY_NOT_COMPOSED.format(reason=exc)
                _record_now(delivery, DeliveryStatus.FAILED, last_reply_code=None,
                            last_reply=reason)  # fmt: skip
                outcomes["failed"] += 1
                continue
            try:
                reply = smtp.send(sender, delivery.address, data)
            except mailer.SendFailed as failure:
                delay = retry_delay(delivery.attempts)
                retrying = _record_failure(delivery, failure, retry_in=delay)
                outcomes["retry" if retrying else "failed"] += 1
                untried = delivery_ids[position + 1 :] if failure.connection_lost else []
                if untried:
                    outcomes["requeued"] = len(untried)
                again = ([delivery_id] if retrying else []) + untried
                enqueue_deliveries(again, countdown=delay, rank=rank)
                if failure.connection_lost:
                    break
                continue
            _record_now(delivery, DeliveryStatus.SENT, last_reply_code=reply.code,
                        last_reply=reply.text, sent_at=utcnow())  # fmt: skip
            outcomes["sent"] += 1
    return dict(outcomes)


def _record_failure(delivery: Row, failure: mailer.SendFailed, retry_in: float) -> bool:
    """Store a refused or interrupted attempt: back to pending, due in `retry_in` s, while the
    failure is temporary and attempts remain (True), else failed with the reply shown (False)."""
    outcome = {"last_reply_code": failure.reply.code or None, "last_reply": failure.reply.text}
    retrying = failure.temporary and delivery.attempts < current_app.config["DELIVERY_MAX_ATTEMPTS"]
    if retrying:
        retry_at = utcnow() + timedelta(seconds=retry_in)
        # committed before the retry is queued: it must find the row pending
        return _record_now(delivery, DeliveryStatus.PENDING, next_attempt_at=retry_at, **outcome)
    _record_now(delivery, DeliveryStatus.FAILED, **outcome)
    log.warning("delivery %s to %s failed: %s", delivery.id, delivery.address, failure)
    return False


def _record_now(delivery: Row, status: DeliveryStatus, **values) -> bool:
    """`record` the outcome and commit it at once."""
    recorded = record(delivery, status, **values)
    db.session.commit()
    return recorded


def record(delivery: Row, status: DeliveryStatus, **values) -> bool:
    """Store the outcome of this worker's attempt in the session's transaction (the caller
    commits), unless the row was released as stuck and claimed again meanwhile (its attempts
    moved on); False then, and nothing changes."""
    params = {"delivery_id": delivery.id, "attempt": delivery.attempts, "status": status}
    result = db.session.execute(_RECORD, params | values)
    if result.rowcount != 1:
        log.warning(
            "delivery %s: attempt %s ended after the row was taken over",
            delivery.id,
            delivery.attempts,
        )
    return result.rowcount == 1
