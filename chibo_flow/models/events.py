"""The outbox of domain events: what happened to a programme (or to a person's account), written
in the transaction that made it happen, and turned into notifications by
chibo_flow.notifications.dispatcher."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from chibo_flow.extensions import db
from chibo_flow.models._types import UTCDateTime, utcnow


class EventKind:
    """The kinds of domain event (DomainEvent.kind)."""

    EDITED = "edited"
    SUBMITTED = "submitted"
    # data: decision (approve | request_changes | retracted), voter, round, vote (its id)
    OPINION_CAST = "opinion_cast"
    # data: outcome (approved | returned | withdrawn), round; when approved, reserved: the
    # opinions reserved (bảo lưu ý kiến) [{vote, member}]
    ROUND_CLOSED = "round_closed"
    WITHDRAWN = "withdrawn"
    # data: number, and the recipients frozen as of approval (chibo_flow.recipients.
    # FrozenRecipients): lines [[label, purpose]], groups [[GroupSnapshot id, line index]]
    # (a few values however many people) and orgs [[org id, line index]]: the other orgs of
    # the system reached (their incoming registers). Approvals recorded before group snapshots
    # hold people [[address, name, line index]] instead of groups.
    APPROVED = "approved"
    REMINDER_DUE = "reminder_due"  # data: people (user ids), key (round and interval)
    ESCALATION_DUE = "escalation_due"  # data: people (user ids), key
    # The round's deadline passed with opinions missing: data people (the secretaries),
    # waiting (user ids who have not answered), deadline; key the round and deadline.
    DEADLINE_PASSED = "deadline_passed"
    # An email about a person's own account is due (no programme): data mail (its kind,
    # chibo_flow.auth.mail.ACCOUNT_MAILS), user (the account's id).
    ACCOUNT_MAIL = "account_mail"
    # The round's deadline is near (review.deadlines.reminder_due_at): data people (the
    # members who have not answered), deadline; key the round and deadline, so once each.
    DEADLINE_NEAR = "deadline_near"
    # Final copies "để thực hiện" not confirmed after the org's interval: data due
    # [[delivery id, interval]] (chibo_flow.receipts.reminders).
    RECEIPT_REMINDER_DUE = "receipt_reminder_due"
    # A secretary asked her org's admins to add the recipient a line names (the picker): data
    # request (the RecipientRequest id), label (chibo_flow.directory.request_recipient).
    RECIPIENT_REQUESTED = "recipient_requested"


class DomainEvent(db.Model):
    """One fact about a programme; written once, then marked dispatched when its notifications
    exist as Delivery rows."""

    __tablename__ = "domain_event"
    # The relay looks for events not dispatched yet.
    __table_args__ = (Index("ix_domain_event_undispatched", "dispatched_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for an event about an account (EventKind.ACCOUNT_MAIL).
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"), index=True)
    # The revision the event is about (the one current when it happened).
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Tells apart events of one kind that recur (a reminder's round and interval, "r2-i3").
    key: Mapped[str] = mapped_column(String(40), default="", server_default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # How many people the event's frozen recipient list holds, at most (an address in two
    # groups counts twice; 0 for most kinds): lets the dispatcher expand small events at once
    # and leave large ones to a worker.
    recipients: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
