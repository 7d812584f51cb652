"""A programme's timeline from its audit trail: the time spent in each state and each review
round, and the whole history as CSV (UTF-8 with a BOM, so Excel shows Vietnamese)."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from chibo_flow import messages
from chibo_flow.csv_export import csv_text
from chibo_flow.extensions import db
from chibo_flow.models import AuditEvent, Programme
from chibo_flow.models.programmes import State
from chibo_flow.timefmt import local_time

CSV_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# The audit actions that move a programme between states (the others are comments and such).
TRANSITION_ACTIONS = frozenset(
    {"create", "edit", "submit", "approve", "request_changes", "withdraw"}
)


@dataclass
class Period:
    """A stretch of time in one state (end None: still in it)."""

    state: str
    start: datetime
    end: datetime | None
    duration: timedelta


@dataclass
class Round:
    """One review round: from submit to approval, request for changes or withdrawal."""

    number: int
    start: datetime
    end: datetime | None
    outcome: str | None  # approved | request_changes | withdraw | None (still in review)
    duration: timedelta


@dataclass
class Timeline:
    """Periods by state, rounds, and the total time spent in each state."""

    periods: list[Period] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    totals: dict[str, timedelta] = field(default_factory=dict)


def events_of(programme: Programme) -> list[AuditEvent]:
    """The programme's audit events with their actors, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .options(joinedload(AuditEvent.actor))
            .where(AuditEvent.programme_id == programme.id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )


def timeline(events: list[AuditEvent], now: datetime) -> Timeline:
    """Build the timeline of one programme from its events, open periods ending at `now`."""
    result = Timeline()
    for event in events:
        if event.to_state is None or event.action not in TRANSITION_ACTIONS:
            continue
        current = result.periods[-1] if result.periods else None
        if current is None or current.state != event.to_state:
            if current is not None:
                current.end = event.at
            result.periods.append(Period(event.to_state, event.at, None, timedelta()))
        if event.action == "submit":
            number = (event.data or {}).get("round") or len(result.rounds) + 1
            result.rounds.append(Round(number, event.at, None, None, timedelta()))
        elif result.rounds and result.rounds[-1].end is None and event.to_state != State.REVIEW:
            last = result.rounds[-1]
            last.end = event.at
            last.outcome = "approved" if event.to_state == State.APPROVED else event.action
    for period in result.periods:
        period.duration = (period.end or now) - period.start
        result.totals[period.state] = result.totals.get(period.state, timedelta()) + period.duration
    for review_round in result.rounds:
        review_round.duration = (review_round.end or now) - review_round.start
    return result


def duration_text(value: timedelta) -> str:
    """A duration as people say it: "2 ngày 3 giờ", "45 phút", "dưới 1 phút"."""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(messages.DURATION_DAYS.format(n=days))
    if hours:
        parts.append(messages.DURATION_HOURS.format(n=hours))
    if minutes and not days:
        parts.append(messages.DURATION_MINUTES.format(n=minutes))
    return " ".join(parts) or messages.DURATION_UNDER_A_MINUTE


def history_rows(events: list[AuditEvent]) -> Iterator[list[str]]:
    """The CSV rows of the history: header, then one row per event."""
    labels = {
        **messages.HISTORY_LABELS,
        **messages.DIRECTORY_HISTORY_LABELS,
        **messages.REVIEW_HISTORY_LABELS,
    }
    yield messages.HISTORY_CSV_HEADER
    for event in events:
        data = event.data or {}
        yield [
            local_time(event.at, CSV_TIME_FORMAT),
            event.actor.name if event.actor else "",
            labels.get(event.action, event.action),
            messages.STATE_LABELS.get(event.from_state or "", ""),
            messages.STATE_LABELS.get(event.to_state or "", ""),
            str(data.get("round", "")),
            str(data.get("revision", "")),
            (data.get("on_behalf_of") or {}).get("name", ""),
            event.comment or "",
        ]


def history_csv(events: list[AuditEvent]) -> str:
    """The history as CSV text for a spreadsheet (chibo_flow.csv_export)."""
    return csv_text(history_rows(events))
