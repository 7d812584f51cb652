""" "Văn bản đến": the approved documents a person received, from every source in one place.

A source lists what reached a user one way: `by_email` (a final-copy Delivery row to their
address, whatever org sent it) and `by_register` (an entry in the incoming register of an org they
are secretary or committee of: liên thông). Another way in is one more function of the same
shape added to SOURCES. The access rule (chibo_flow.access) asks `has_received`, so
whatever a source lists its user may open read-only.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from chibo_flow.extensions import db
from chibo_flow.models import Delivery, Programme
from chibo_flow.models.delivery import FINAL_COPY
from chibo_flow.models.programmes import State
from chibo_flow.models.users import HoldsRoles
from chibo_flow.registers.incoming import received_by

EMAIL = "email"  # Received.via of a final-copy email
REGISTER = "register"  # Received.via of an org's incoming-register entry


@dataclass(frozen=True)
class Received:
    """One document as it reached one person: by which line, for what, how, and since when."""

    programme: Programme
    line: str
    purpose: str
    via: str
    received_at: datetime
    opened_at: datetime | None
    confirmed_at: datetime | None
    # The incoming-register entry (via REGISTER): receipt is confirmed for its org.
    entry_id: int | None = None


class Recipient(HoldsRoles):
    """What a source reads of the person (a User or the signed-in user of a request)."""

    id: int
    email: str


Source = Callable[[Recipient, int | None], list[Received]]


def address_of(user: Recipient) -> str:
    """The address Delivery rows hold for `user` (stored trimmed and in lower case)."""
    return user.email.strip().lower()


def by_email(user: Recipient, programme_id: int | None = None) -> list[Received]:
    """Approved programmes whose final copy was addressed to `user`'s email (one of them when
    `programme_id` is given)."""
    statement = (
        select(Delivery)
        .join(Programme, Programme.id == Delivery.programme_id)
        .options(joinedload(Delivery.programme).joinedload(Programme.org))
        .where(
            Delivery.kind == FINAL_COPY,
            Delivery.address == address_of(user),
            Programme.state == State.APPROVED,
        )
        .order_by(Delivery.id.desc())
    )
    if programme_id is not None:
        statement = statement.where(Delivery.programme_id == programme_id)
    return [
        Received(
            programme=row.programme,
            line=row.line,
            purpose=row.purpose,
            via=EMAIL,
            received_at=row.sent_at or row.created_at,
            opened_at=row.opened_at,
            confirmed_at=row.confirmed_at,
        )  # fmt: skip
        for row in db.session.scalars(statement)
    ]


def by_register(user: Recipient, programme_id: int | None = None) -> list[Received]:
    """Approved programmes entered in the incoming register of an org `user` acts for."""
    return [
        Received(
            programme=entry.programme,
            line=entry.line,
            purpose=entry.purpose,
            via=REGISTER,
            received_at=entry.received_at,
            opened_at=None,
            confirmed_at=entry.confirmed_at,
            entry_id=entry.id,
        )
        for entry in received_by(user, programme_id)
    ]


SOURCES: tuple[Source, ...] = (by_email, by_register)


def received(user: Recipient, programme_id: int | None = None) -> list[Received]:
    """What `user` received, newest first, once per programme (the first source's entry)."""
    found: dict[int, Received] = {}
    for source in SOURCES:
        for item in source(user, programme_id):
            found.setdefault(item.programme.id, item)
    return sorted(found.values(), key=lambda item: item.received_at, reverse=True)


def has_received(user: Recipient, programme_id: int) -> bool:
    """Whether any source lists programme `programme_id` for `user`."""
    return any(source(user, programme_id) for source in SOURCES)
