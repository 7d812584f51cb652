"""The one place that records a receipt: when a final copy was first opened and when it was
confirmed ("Xác nhận đã nhận", and by whom when logged in). Each is kept once: a later open or
confirmation changes nothing, and two at the same moment keep one (compare-and-set)."""

from sqlalchemy import ColumnElement, update

from chibo_flow.extensions import db
from chibo_flow.models import Delivery
from chibo_flow.models._types import utcnow
from chibo_flow.models.delivery import FINAL_COPY
from chibo_flow.receipts.inbox import Recipient, address_of


def opened_by_link(delivery: Delivery) -> None:
    """A GET of the personal page: the first one is kept (commits)."""
    _stamp(Delivery.id == delivery.id, confirm=False)


def confirmed_by_link(delivery: Delivery, user_id: int | None = None) -> None:
    """The POST of the personal page (`user_id`: the person logged in, if it is theirs)."""
    _stamp(Delivery.id == delivery.id, confirm=True, user_id=user_id)


def opened_by_user(user: Recipient, programme_id: int) -> None:
    """A logged-in recipient opened the document under "Văn bản đến" (commits)."""
    _stamp(_rows_of(user, programme_id), confirm=False)


def confirmed_by_user(user: Recipient, programme_id: int) -> None:
    """A logged-in recipient confirmed receipt (commits)."""
    _stamp(_rows_of(user, programme_id), confirm=True, user_id=user.id)


def _rows_of(user: Recipient, programme_id: int) -> ColumnElement[bool]:
    return (
        (Delivery.kind == FINAL_COPY)
        & (Delivery.programme_id == programme_id)
        & (Delivery.address == address_of(user))
    )


def _stamp(rows: ColumnElement[bool], confirm: bool, user_id: int | None = None) -> None:
    """Set opened_at (and confirmed_at, confirmed_by_id) of `rows` where not set yet, commit."""
    now = utcnow()
    db.session.execute(
        update(Delivery).where(rows, Delivery.opened_at.is_(None)).values(opened_at=now)
    )
    if confirm:
        db.session.execute(
            update(Delivery)
            .where(rows, Delivery.confirmed_at.is_(None))
            .values(confirmed_at=now, confirmed_by_id=user_id)
        )
    db.session.commit()
