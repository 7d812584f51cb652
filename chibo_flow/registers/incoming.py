"""The incoming register (sổ văn bản đến) and liên thông: an approved document whose "Nơi nhận"
reaches another org of the system is entered in that org's register with its own incoming
number, counted per org and year.

The dispatcher calls `enter_receipts` while expanding the approval's event, in the same
transaction that marks the event dispatched, so each org gets the document exactly once. Two
approvals reaching one org at the same moment compute the same next number; the unique
constraint (org, year, number) makes the later commit fail and the dispatcher retries it
with the next number, so the numbers have no gaps and no duplicates.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from chibo_flow.extensions import db
from chibo_flow.models import DomainEvent, IncomingEntry, Org, Programme, User
from chibo_flow.models._types import utcnow
from chibo_flow.models.programmes import State
from chibo_flow.models.registers import RECEIVING_ROLES
from chibo_flow.models.users import HoldsRoles
from chibo_flow.registers.periods import Period
from chibo_flow.timefmt import local_date


def enter_receipts(event: DomainEvent, programme: Programme) -> int:
    """Enter `programme` in the incoming register of every org its approval `event` reached
    (frozen in the event), once per org; returns how many entries it added. Runs in the
    caller's transaction, which commits (or retries after an IntegrityError)."""
    lines = event.data["lines"]
    received_at = utcnow()
    year = local_date(received_at).year
    added = 0
    for org_id, index in event.data.get("orgs", []):
        exists = db.session.scalar(
            select(IncomingEntry.id).where(
                IncomingEntry.org_id == org_id, IncomingEntry.programme_id == programme.id
            )
        )
        if exists is not None:
            continue
        last = db.session.scalar(
            select(func.max(IncomingEntry.incoming_number)).where(
                IncomingEntry.org_id == org_id, IncomingEntry.year == year
            )
        )
        label, purpose = lines[index]
        db.session.add(
            IncomingEntry(
                org_id=org_id,
                programme_id=programme.id,
                year=year,
                incoming_number=(last or 0) + 1,
                from_org_id=programme.org_id,
                line=label,
                purpose=purpose,
                received_at=received_at,
            )  # fmt: skip
        )
        db.session.flush()
        added += 1
    return added


def confirm_receipt(entry: IncomingEntry, user: User) -> IncomingEntry:
    """ "Xác nhận đã nhận" for the receiving org by `user` (the first confirmation stands);
    the caller loaded `entry` through access.get_incoming_entry."""
    if entry.confirmed_at is None:
        entry.confirmed_at = utcnow()
        entry.confirmed_by_id = user.id
        db.session.commit()
    return entry


def incoming_rows(org: Org, period: Period | None = None) -> list[IncomingEntry]:
    """The org's register in order of incoming number (year by year), within `period`."""
    query = (
        select(IncomingEntry)
        .options(
            joinedload(IncomingEntry.programme),
            joinedload(IncomingEntry.from_org),
            joinedload(IncomingEntry.confirmed_by),
        )
        .where(IncomingEntry.org_id == org.id)
        .order_by(IncomingEntry.year, IncomingEntry.incoming_number)
    )
    if period is not None:
        start, end = period.bounds()
        query = query.where(IncomingEntry.received_at >= start, IncomingEntry.received_at < end)
    return list(db.session.scalars(query))


def received_by(user: HoldsRoles, programme_id: int | None = None) -> list[IncomingEntry]:
    """The approved documents the orgs `user` acts for (RECEIVING_ROLES) received, newest
    first (only programme `programme_id` when given): the register's part of "Văn bản đến"."""
    query = (
        select(IncomingEntry)
        .join(Programme, Programme.id == IncomingEntry.programme_id)
        .options(joinedload(IncomingEntry.programme), joinedload(IncomingEntry.from_org))
        .where(
            IncomingEntry.org_id.in_(user.org_ids(*RECEIVING_ROLES)),
            Programme.state == State.APPROVED,
        )
        .order_by(IncomingEntry.received_at.desc(), IncomingEntry.id.desc())
    )
    if programme_id is not None:
        query = query.where(IncomingEntry.programme_id == programme_id)
    return list(db.session.scalars(query))
