"""The superior committee's overview: for each org directly under it, whether its document of
one type and year is absent, a draft, in review or approved (with its number and date).

Three statements whatever the number of orgs: the orgs, their programmes of that type and year,
and which of the approved ones the superior org received (those it may open)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from chibo_flow.extensions import db
from chibo_flow.models import IncomingEntry, Org, Programme
from chibo_flow.models.programmes import State
from chibo_flow.registers.periods import year_period
from chibo_flow.timefmt import local_date

NONE = "none"  # OverviewItem.state of an org without such a document
# Which programme of an org stands for it when it has several: the furthest along.
PROGRESS = {State.DRAFT: 1, State.REVIEW: 2, State.APPROVED: 3}


@dataclass(frozen=True)
class OverviewItem:
    """One org under the superior org and where its document stands."""

    org: Org
    state: str
    programme: Programme | None
    date: date | None  # approved: the day it was issued; else the last change
    received: bool  # the superior org received it (its incoming register), so it may open it


def overview(parent: Org, doc_type: str, year: int) -> list[OverviewItem]:
    """The orgs directly under `parent`, by name, each with its `doc_type` document of `year`
    (approved in that year, or a draft or review started in it)."""
    children = db.session.scalars(
        select(Org).where(Org.parent_id == parent.id).order_by(Org.name)
    ).all()
    start, end = year_period(year).bounds()
    when = func.coalesce(Programme.approved_at, Programme.created_at)
    programmes = db.session.scalars(
        select(Programme)
        .join(Org, Org.id == Programme.org_id)
        .where(
            Org.parent_id == parent.id,
            Programme.doc_type == doc_type,
            when >= start,
            when < end,
        )
        .order_by(Programme.id)
    ).all()
    best: dict[int, Programme] = {}
    for programme in programmes:
        current = best.get(programme.org_id)
        if current is None or PROGRESS[programme.state] >= PROGRESS[current.state]:
            best[programme.org_id] = programme
    received = set(
        db.session.scalars(
            select(IncomingEntry.programme_id).where(
                IncomingEntry.org_id == parent.id,
                IncomingEntry.programme_id.in_([p.id for p in best.values()]),
            )
        )
    )
    return [_item(org, best.get(org.id), received) for org in children]


def _item(org: Org, programme: Programme | None, received: set[int]) -> OverviewItem:
    if programme is None:
        return OverviewItem(org, NONE, None, None, False)
    moment = programme.approved_at or programme.updated_at
    return OverviewItem(org, programme.state, programme, local_date(moment),
                        programme.id in received)  # fmt: skip
