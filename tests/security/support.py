"""Helpers of the security tests."""

from sqlalchemy import select

from chibo_flow.models import Delivery
from chibo_flow.notifications.tasks import send_deliveries


def send_final_copies(db) -> None:
    """Run the real send task over every final-copy delivery (real SMTP into the capture
    mailbox of the test SMTP server)."""
    final_copies = select(Delivery.id).where(Delivery.kind == "final_copy").order_by(Delivery.id)
    ids = db.session.scalars(final_copies).all()
    assert send_deliveries(ids) == {"sent": len(ids)}
    db.session.expire_all()
