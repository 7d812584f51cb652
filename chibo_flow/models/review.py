"""Committee review: vote delegations and which revision each reviewer has seen."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chibo_flow.extensions import db
from chibo_flow.models._types import UTCDateTime, utcnow
from chibo_flow.models.users import Org, User


class Delegation(db.Model):
    """A committee member lets another member of the same org vote for them, for some days."""

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id", ondelete="CASCADE"), index=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    to_user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]  # inclusive
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    org: Mapped[Org] = relationship()
    from_user: Mapped[User] = relationship(foreign_keys=[from_user_id])
    to_user: Mapped[User] = relationship(foreign_keys=[to_user_id])

    @staticmethod
    def active_for(org_id: int, to_user_id: int, day: date) -> list["Delegation"]:
        """Delegations to `to_user_id` in the org that are in force on `day`."""
        return list(
            db.session.scalars(
                select(Delegation)
                .where(
                    Delegation.org_id == org_id,
                    Delegation.to_user_id == to_user_id,
                    Delegation.revoked_at.is_(None),
                    Delegation.starts_on <= day,
                    Delegation.ends_on >= day,
                )
                .order_by(Delegation.id)
            )
        )


class ReviewView(db.Model):
    """A reviewer opened the review page of one revision (first and last time)."""

    __table_args__ = (UniqueConstraint("revision_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    first_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
