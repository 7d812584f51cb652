"""The periods a register is read by: a calendar year or a cấp ủy term (nhiệm kỳ), in the
display time zone."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.extensions import db
from chibo_flow.models import Org, Programme
from chibo_flow.models._types import utcnow
from chibo_flow.timefmt import local_date, local_midnight
from chibo_flow.workflow_errors import Invalid

# The years a register can be read by (the Party's founding year to a far future).
FIRST_YEAR, LAST_YEAR = 1930, 2999
# A term lasts until the org's next known term, or this many years (Điều lệ Đảng: 5 years).
TERM_YEARS = 5


@dataclass(frozen=True)
class Period:
    """Days from `start` (included) to `end` (excluded)."""

    start: date
    end: date

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as UTC instants [start, end) for comparing timestamps."""
        return local_midnight(self.start), local_midnight(self.end)


def current_year() -> int:
    """This year in the display time zone (the default of the pages' and API's year)."""
    return local_date(utcnow()).year


def year_period(year: int) -> Period:
    """One calendar year."""
    return Period(date(year, 1, 1), date(year + 1, 1, 1))


def term_starts(org: Org) -> list[date]:
    """The starts of the org's terms known to the system, latest first: its current term and
    those its numbered documents were issued in."""
    issued = db.session.scalars(
        select(Programme.term_start)
        .where(Programme.org_id == org.id, Programme.term_start.is_not(None))
        .distinct()
    )
    return sorted({*issued, *([org.term_start] if org.term_start else [])}, reverse=True)


def term_period(org: Org, start: date) -> Period:
    """The term of `org` that began on `start`: until its next known term, or TERM_YEARS."""
    later = [day for day in term_starts(org) if day > start]
    if later:
        return Period(start, min(later))
    day = 28 if (start.month, start.day) == (2, 29) else start.day
    return Period(start, date(start.year + TERM_YEARS, start.month, day))


def chosen_period(org: Org, year: int | None, term: date | None) -> Period | None:
    """The period a request asks for: a year, one of the org's known terms, or everything
    (None); raises Invalid for a year out of range or a term the org never had."""
    if year is not None:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise Invalid(messages.REGISTER_BAD_YEAR.format(first=FIRST_YEAR, last=LAST_YEAR))
        return year_period(year)
    if term is not None:
        if term not in term_starts(org):
            raise Invalid(messages.REGISTER_BAD_TERM.format(term=term.strftime("%d/%m/%Y")))
        return term_period(org, term)
    return None
