"""The incoming register (sổ văn bản đến): documents an org in the system received from another
org through a "Nơi nhận" line (liên thông), each with the org's own incoming number."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chibo_flow.extensions import db
from chibo_flow.models._types import NFCString, UTCDateTime, utcnow
from chibo_flow.models.programmes import Programme
from chibo_flow.models.users import Org, Role, User

# Who acts for an org on what it received: opens it read-only and confirms receipt.
RECEIVING_ROLES = (Role.SECRETARY, Role.COMMITTEE)


class IncomingEntry(db.Model):
    """One document received by `org`: numbered per org and year, entered once per programme."""

    __tablename__ = "incoming_entry"
    __table_args__ = (
        # Số đến counts per org and year: a concurrent duplicate fails and is retried.
        UniqueConstraint("org_id", "year", "incoming_number"),
        # A document is entered once in an org's register, however often it is dispatched.
        UniqueConstraint("org_id", "programme_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    incoming_number: Mapped[int] = mapped_column(Integer)
    # The sender (the programme's org) and the "Nơi nhận" line that reached this org.
    from_org_id: Mapped[int] = mapped_column(ForeignKey("org.id"))
    line: Mapped[str] = mapped_column(NFCString(300))
    purpose: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "Xác nhận đã nhận" for the org, by its secretary or a committee member.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    org: Mapped[Org] = relationship(foreign_keys=[org_id])
    from_org: Mapped[Org] = relationship(foreign_keys=[from_org_id])
    programme: Mapped[Programme] = relationship()
    confirmed_by: Mapped[User | None] = relationship()
