"""Receipt reminders (beat task): a final copy sent "để thực hiện" and not confirmed is reminded
every `Org.receipt_reminder_days` after it was sent, at most once per interval and never once
confirmed (or its link revoked).

`remind_receipts` records one domain event (receipt_reminder_due) per programme with the rows
due and their interval; the dispatcher turns it into Delivery rows of kind `receipt_reminder`
keyed by the final copy's row and the interval ("d17-i2"), so recording or expanding it again
writes no second email. Each reminder carries the recipient's personal link."""

from datetime import datetime

from celery import shared_task
from sqlalchemy import select

from chibo_flow import events
from chibo_flow.extensions import db
from chibo_flow.models import Delivery, DomainEvent, EventKind, Org, Programme
from chibo_flow.models._types import utcnow
from chibo_flow.models.delivery import FINAL_COPY, DeliveryStatus
from chibo_flow.models.programmes import State
from chibo_flow.review.reminders import LIMITS, intervals_elapsed

RECEIPT_REMINDER = "receipt_reminder"  # Delivery.kind of a reminder to confirm receipt
TO_ACT = "thuc_hien"  # the purpose "để thực hiện": recipients who must act on it


def reminder_key(delivery_id: int, interval: int) -> str:
    """The notice key of the reminder of final-copy row `delivery_id` in `interval` ("d17-i2")."""
    return f"d{delivery_id}-i{interval}"


def reminded_delivery(key: str) -> int:
    """The final-copy row a reminder's key names ("d17-i2" → 17)."""
    return int(key.partition("-")[0].removeprefix("d"))


def reminded_interval(key: str) -> int:
    """The interval a reminder's key names ("d17-i2" → 2)."""
    return int(key.partition("-i")[2])


def _unconfirmed():
    """Final copies sent "để thực hiện", not confirmed, link not revoked, programme approved."""
    return (
        select(Delivery.id, Delivery.programme_id, Delivery.sent_at, Org.receipt_reminder_days)
        .join(Programme, Programme.id == Delivery.programme_id)
        .join(Org, Org.id == Programme.org_id)
        .where(
            Delivery.kind == FINAL_COPY,
            Delivery.purpose == TO_ACT,
            Delivery.status == DeliveryStatus.SENT,
            Delivery.confirmed_at.is_(None),
            Delivery.link_revoked_at.is_(None),
            Programme.state == State.APPROVED,
        )
        .order_by(Delivery.id)
    )


def remind_receipts(now: datetime) -> list[tuple[int, int]]:
    """Record the receipt reminders due at `now` and commit; returns the new events as
    `events.announce` takes them."""
    due: dict[int, list[list[int]]] = {}
    for row in db.session.execute(_unconfirmed()):
        interval = intervals_elapsed(row.sent_at, now, row.receipt_reminder_days)
        if interval:
            due.setdefault(row.programme_id, []).append([row.id, interval])
    if not due:
        db.session.rollback()
        return []
    reminded = set(
        db.session.scalars(
            select(Delivery.notice_key).where(
                Delivery.kind == RECEIPT_REMINDER, Delivery.programme_id.in_(due)
            )
        )
    )
    recorded: list[DomainEvent] = []
    for programme_id, rows in due.items():
        new = [[i, n] for i, n in rows if reminder_key(i, n) not in reminded]
        if new:
            programme = db.session.get(Programme, programme_id)
            recorded.append(
                events.record(
                    programme,
                    EventKind.RECEIPT_REMINDER_DUE,
                    key=f"{now:%Y%m%d%H%M}",
                    recipients=len(new),
                    due=new,
                )  # fmt: skip
            )
    pending = events.pending(recorded)
    db.session.commit()
    return pending


def reminder_rows(event: DomainEvent) -> list[dict]:
    """The dispatcher's part: the Delivery rows (without Message-IDs) of a
    receipt_reminder_due event, for the rows still unconfirmed."""
    intervals = {delivery_id: interval for delivery_id, interval in event.data["due"]}
    originals = db.session.scalars(
        select(Delivery).where(Delivery.id.in_(intervals), Delivery.confirmed_at.is_(None))
    )
    return [
        {
            "programme_id": event.programme_id,
            "revision_id": event.revision_id,
            "event_id": event.id,
            "kind": RECEIPT_REMINDER,
            "notice_key": reminder_key(row.id, intervals[row.id]),
            "address": row.address,
            "name": row.name,
            "line": row.line,
            "purpose": row.purpose,
        }  # fmt: skip
        for row in originals
    ]


@shared_task(name="chibo_flow.receipts.reminders.send_receipt_reminders", ignore_result=True,
             soft_time_limit=LIMITS[0], time_limit=LIMITS[1])  # fmt: skip
def send_receipt_reminders() -> int:
    """Beat task: record the receipt reminders due now and announce them (the dispatcher
    writes and queues the emails); returns how many events were recorded."""
    recorded = remind_receipts(utcnow())
    events.announce(recorded)
    return len(recorded)
