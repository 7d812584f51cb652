"""The outgoing register (sổ văn bản đi): every approved document of an org, in the order it
was issued, with its recipients and how many copies were sent and confirmed."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from chibo_flow.documents.format import recipient_label
from chibo_flow.extensions import db
from chibo_flow.models import Delivery, IncomingEntry, Org, Programme
from chibo_flow.models.delivery import FINAL_COPY, DeliveryStatus
from chibo_flow.models.programmes import State
from chibo_flow.registers.periods import Period
from chibo_flow.timefmt import local_date


@dataclass(frozen=True)
class OutgoingRow:
    """One line of the register."""

    programme_id: int
    number: str
    date: date
    doc_type: str
    title: str
    signer: str
    recipients: list[str]  # the "Nơi nhận" lines as written, "Thường trực ĐU (b/c)"
    sent: int  # copies accepted by a mail server, and entries in other orgs' registers
    confirmed: int  # of those, confirmed received (hồi báo)


def outgoing_rows(org: Org, period: Period | None = None) -> list[OutgoingRow]:
    """The org's approved documents in the order they were issued, within `period`; three
    statements whatever their number."""
    issued = [Programme.org_id == org.id, Programme.state == State.APPROVED]
    if period is not None:
        start, end = period.bounds()
        issued += [Programme.approved_at >= start, Programme.approved_at < end]
    programmes = db.session.scalars(
        select(Programme)
        .options(joinedload(Programme.current_revision))
        .where(*issued)
        .order_by(Programme.approved_at, Programme.id)
    ).all()
    sent, confirmed = _copies(select(Programme.id).where(*issued))
    return [
        OutgoingRow(
            programme_id=p.id,
            number=p.number or "",
            date=local_date(p.approved_at),
            doc_type=p.doc_type,
            title=p.title,
            signer=(p.doc.get("signature") or {}).get("name") or "",
            recipients=[
                recipient_label(r["label"], r["purpose"]) for r in p.doc.get("recipients") or []
            ],  # fmt: skip
            sent=sent.get(p.id, 0),
            confirmed=confirmed.get(p.id, 0),
        )
        for p in programmes
    ]


def _copies(programme_ids: Select) -> tuple[dict[int, int], dict[int, int]]:
    """Per programme of `programme_ids`: copies sent (final-copy emails a mail server
    accepted, entries in other orgs' incoming registers) and confirmed (people and orgs that
    confirmed receipt)."""
    emails = db.session.execute(
        select(Delivery.programme_id, func.count(), func.count(Delivery.confirmed_at))
        .where(
            Delivery.programme_id.in_(programme_ids),
            Delivery.kind == FINAL_COPY,
            Delivery.status == DeliveryStatus.SENT,
        )
        .group_by(Delivery.programme_id)
    )
    sent: dict[int, int] = {}
    confirmed: dict[int, int] = {}
    for programme_id, emailed, emails_confirmed in emails:
        sent[programme_id], confirmed[programme_id] = emailed, emails_confirmed
    entries = db.session.execute(
        select(IncomingEntry.programme_id, func.count(), func.count(IncomingEntry.confirmed_at))
        .where(IncomingEntry.programme_id.in_(programme_ids))
        .group_by(IncomingEntry.programme_id)
    )
    for programme_id, entered, entries_confirmed in entries:
        sent[programme_id] = sent.get(programme_id, 0) + entered
        confirmed[programme_id] = confirmed.get(programme_id, 0) + entries_confirmed
    return sent, confirmed
