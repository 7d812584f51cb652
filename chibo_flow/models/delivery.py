"""One email to one address (about one programme revision, or about a person's own account):
the source of truth for who got it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chibo_flow.extensions import db
from chibo_flow.models._types import NFCString, UTCDateTime, utcnow

FINAL_COPY = "final_copy"  # Delivery.kind of the approved programme's emails


class DeliveryStatus(StrEnum):
    """pending → sending → sent | failed (a retryable failure goes back to pending)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Delivery(db.Model):
    """One email to send: expanded from a domain event by the dispatcher, sent by Celery."""

    __table_args__ = (
        UniqueConstraint("programme_id", "revision_id", "kind", "address", "notice_key"),
        # The dispatcher's idempotency key: expanding an event again writes no second row.
        UniqueConstraint("event_id", "kind", "address"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for an email about the recipient's own account (chibo_flow.auth.mail).
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"), index=True)
    # The domain event this row was expanded from (None only for rows older than events).
    event_id: Mapped[int | None] = mapped_column(ForeignKey("domain_event.id"))
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))
    # final_copy, a review notification (chibo_flow.review.notices.KINDS) or an account email
    # (chibo_flow.auth.mail.ACCOUNT_MAILS).
    kind: Mapped[str] = mapped_column(String(30), default=FINAL_COPY)
    # Tells apart notifications of one kind to one address about one revision: the review
    # round ("r2"), with the reminder's interval ("r2-i3"); "" for the final copy.
    notice_key: Mapped[str] = mapped_column(String(40), default="", server_default="")
    address: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(NFCString(200))
    line: Mapped[str] = mapped_column(NFCString(300))
    purpose: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_reply_code: Mapped[int | None] = mapped_column(Integer)
    last_reply: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Receipt (hồi báo) of a final copy, chibo_flow.receipts: first opened (a GET of the
    # personal page), confirmed ("Xác nhận đã nhận", a POST; by whom when logged in), and when
    # its personal link was revoked (a revoked link opens nothing).
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    link_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    programme = relationship("Programme")
