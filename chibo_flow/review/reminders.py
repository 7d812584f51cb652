"""Reminders (beat task): a vote pending for the org's `reminder_after_days` is reminded, at
most once per interval; after `escalate_after_days` the secretaries are told who holds the
round up. Both are notification Delivery rows whose key carries the interval, so running the
task again in the same interval writes nothing."""

from datetime import datetime, timedelta

from celery import shared_task
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from chibo_flow.extensions import db
from chibo_flow.models import Programme
from chibo_flow.models._types import utcnow
from chibo_flow.models.programmes import State
from chibo_flow.models.users import Role
from chibo_flow.notifications.relay import enqueue_deliveries
from chibo_flow.review.notices import round_key, write_notices
from chibo_flow.review.rounds import round_started_at, round_status


def intervals_elapsed(started: datetime, now: datetime, days: int) -> int:
    """How many whole intervals of `days` lie between `started` and `now` (0 if days < 1)."""
    if days < 1 or now <= started:
        return 0
    return (now - started) // timedelta(days=days)


def remind(now: datetime) -> list[int]:
    """Write the reminders and escalations due at `now` and commit; returns the new row ids."""
    ids: list[int] = []
    programmes = db.session.scalars(
        select(Programme)
        .options(joinedload(Programme.org))
        .where(Programme.state == State.REVIEW)
        .order_by(Programme.id)
    )
    for programme in programmes:
        started = round_started_at(programme)
        status = round_status(programme)
        if started is None or status is None or not status.waiting:
            continue
        org = programme.org
        reminder = intervals_elapsed(started, now, org.reminder_after_days)
        if reminder:
            key = f"{round_key(programme)}-i{reminder}"
            ids += write_notices(programme, "reminder", status.waiting, key)
        escalation = intervals_elapsed(started, now, org.escalate_after_days)
        if escalation:
            key = f"{round_key(programme)}-i{escalation}"
            secretaries = org.members_with_role(Role.SECRETARY)
            ids += write_notices(programme, "escalation", secretaries, key)
    db.session.commit()
    return ids


@shared_task(name="chibo_flow.review.reminders.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Beat task: write what is due now and queue it; returns how many rows were written."""
    ids = remind(utcnow())
    enqueue_deliveries(ids)
    return len(ids)
