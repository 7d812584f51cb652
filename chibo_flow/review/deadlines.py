"""Hạn cho ý kiến: how long the committee has to give its opinions on a document.

An ordinary document gets the org's `opinion_days`; an urgent one fewer (độ khẩn: khẩn,
thượng khẩn, hỏa tốc). This is the one place that maps urgency to days. Members who have not
answered are reminded once, a day before the deadline (halfway through a shorter round).
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from chibo_flow.models import Org, Programme
from chibo_flow.models._types import utcnow

# The most days each urgency allows (None: the org's default applies as it is).
URGENCY_MAX_DAYS = {"thuong": None, "khan": 3, "thuong_khan": 2, "hoa_toc": 1}
# How long before the deadline the members who have not answered are reminded.
REMIND_BEFORE = timedelta(days=1)


def opinion_days(org: Org, urgency: str | None) -> int:
    """Days the committee has for its opinions on a document of `urgency` in `org` (≥ 1)."""
    days = max(1, org.opinion_days or 1)
    ceiling = URGENCY_MAX_DAYS.get(urgency or "thuong")
    return min(days, ceiling) if ceiling else days


def urgency_of(programme: Programme) -> str:
    """The programme's độ khẩn ("thuong" until urgency is recorded)."""
    return getattr(programme, "urgency", None) or "thuong"


def round_deadline(programme: Programme, opened_at: datetime) -> datetime:
    """The deadline of a round opened at `opened_at`."""
    return opened_at + timedelta(days=opinion_days(programme.org, urgency_of(programme)))


def past(deadline: datetime | None) -> bool:
    """Whether a hạn cho ý kiến has passed (quá hạn) now; never without a deadline."""
    return deadline is not None and deadline <= utcnow()


def reminder_due_at(opened_at: datetime, deadline: datetime) -> datetime:
    """When the reminder before `deadline` is due: REMIND_BEFORE ahead of it, or halfway
    through a round shorter than twice that (a hỏa tốc document's day)."""
    return deadline - min(REMIND_BEFORE, (deadline - opened_at) / 2)


def from_local(value: datetime) -> datetime:
    """A wall-clock time typed in the display time zone (naive, as a form gives it) in UTC."""
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    return value.replace(tzinfo=zone).astimezone(UTC)
