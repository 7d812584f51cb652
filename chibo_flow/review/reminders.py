"""Reminders (beat task): a vote pending for the org's `reminder_after_days` is reminded, at
most once per interval, until the round's deadline (hạn cho ý kiến) is near: then the members
who have not answered are reminded once of the deadline instead; after `escalate_after_days`
the secretaries are told who holds the round up, and when the deadline passes with opinions
missing they are told once who has not answered. All are domain events (reminder_due,
escalation_due, deadline_near, deadline_passed) whose key carries the interval or the deadline,
dispatched into notices like any other; running the task again in the same interval records
nothing."""

from datetime import datetime, timedelta

from celery import shared_task
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from chibo_flow import events
from chibo_flow.extensions import db
from chibo_flow.models import DomainEvent, EventKind, Programme, User
from chibo_flow.models._types import utcnow
from chibo_flow.models.programmes import State
from chibo_flow.models.users import Role
from chibo_flow.review.deadlines import reminder_due_at
from chibo_flow.review.notices import round_key
from chibo_flow.review.rounds import round_started_at, round_status

LIMITS = (120, 150)  # seconds: soft and hard time limits of the beat task


def intervals_elapsed(started: datetime, now: datetime, days: int) -> int:
    """How many whole intervals of `days` lie between `started` and `now` (0 if days < 1)."""
    if days < 1 or now <= started:
        return 0
    return (now - started) // timedelta(days=days)


def remind(now: datetime) -> list[tuple[int, int]]:
    """Record the reminders and escalations due at `now` and commit; returns the new events as
    `events.announce` takes them."""
    recorded: list[DomainEvent] = []
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
        org, deadline = programme.org, programme.review_deadline
        near = deadline is not None and now >= reminder_due_at(started, deadline)
        reminder = intervals_elapsed(started, now, org.reminder_after_days)
        if reminder and not near:  # once the deadline is near, its own reminder speaks
            key = f"{round_key(programme.review_round)}-i{reminder}"
            recorded += _due(programme, EventKind.REMINDER_DUE, key, status.waiting)
        escalation = intervals_elapsed(started, now, org.escalate_after_days)
        if escalation:
            key = f"{round_key(programme.review_round)}-i{escalation}"
            secretaries = org.members_with_role(Role.SECRETARY)
            recorded += _due(programme, EventKind.ESCALATION_DUE, key, secretaries)
        if near and now < deadline:
            # Once per deadline, to the members who have not answered yet.
            key = f"{round_key(programme.review_round)}-n{deadline:%Y%m%d%H%M}"
            recorded += _due(programme, EventKind.DEADLINE_NEAR, key, status.waiting,
                             deadline=deadline.isoformat())  # fmt: skip
        if deadline is not None and now >= deadline:
            # Once per deadline: an extended one that passes again is told again.
            key = f"{round_key(programme.review_round)}-d{deadline:%Y%m%d%H%M}"
            secretaries = org.members_with_role(Role.SECRETARY)
            waiting = [user.id for user in status.waiting]
            recorded += _due(programme, EventKind.DEADLINE_PASSED, key, secretaries,
                             waiting=waiting, deadline=deadline.isoformat())  # fmt: skip
    pending = events.pending(recorded)
    db.session.commit()
    return pending


def _due(
    programme: Programme, kind: str, key: str, people: list[User], **data: object
) -> list[DomainEvent]:
    """The event of `kind` under `key` (with `data`), unless one was recorded already."""
    recorded = db.session.scalar(
        select(DomainEvent.id).where(
            DomainEvent.programme_id == programme.id,
            DomainEvent.kind == kind,
            DomainEvent.key == key,
        )
    )
    if recorded is not None or not people:
        return []
    return [
        events.record(programme, kind, key=key, people=[person.id for person in people], **data)
    ]


@shared_task(name="chibo_flow.review.reminders.send_reminders", ignore_result=True,
             soft_time_limit=LIMITS[0], time_limit=LIMITS[1])  # fmt: skip
def send_reminders() -> int:
    """Beat task: record what is due now and announce it (the dispatcher writes and queues the
    notices); returns how many events were recorded."""
    recorded = remind(utcnow())
    events.announce(recorded)
    return len(recorded)
