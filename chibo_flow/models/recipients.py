"""The directory that "Nơi nhận" lines resolve to: people, groups and learnt aliases."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chibo_flow.extensions import db
from chibo_flow.models._types import NFCString, UTCDateTime, utcnow
from chibo_flow.models.users import Org

group_entries = Table(
    "group_entry",
    db.metadata,
    Column("group_id", ForeignKey("group.id", ondelete="CASCADE"), primary_key=True),
    Column("entry_id", ForeignKey("directory_entry.id", ondelete="CASCADE"), primary_key=True),
)


class DirectoryEntry(db.Model):
    """A person who may receive documents by email (not necessarily a user of the app)."""

    __table_args__ = (UniqueConstraint("org_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    name: Mapped[str] = mapped_column(NFCString(200))
    email: Mapped[str] = mapped_column(String(254))
    position: Mapped[str | None] = mapped_column(NFCString(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    groups: Mapped[list["Group"]] = relationship(
        secondary=group_entries, back_populates="entries", order_by="Group.name"
    )


class Group(db.Model):
    """A named set of recipients: fixed people, or the current members of an org."""

    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    name: Mapped[str] = mapped_column(NFCString(200))
    # When set, the group is "every member of this org", kept current from memberships.
    members_of_org_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"))
    # When set, the group stands for this org of the system (e.g. "Thường trực Đảng ủy xã" for
    # the Đảng bộ xã): a document reaching it is also entered in that org's incoming register.
    receiving_org_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"))
    # Goes up with every change of whom the group reaches (its entries, their names and
    # addresses, the members of `members_of_org`): chibo_flow.directory_versions.
    people_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    entries: Mapped[list[DirectoryEntry]] = relationship(
        secondary=group_entries, back_populates="groups", order_by=DirectoryEntry.name
    )
    members_of_org: Mapped[Org | None] = relationship(foreign_keys=[members_of_org_id])
    receiving_org: Mapped[Org | None] = relationship(foreign_keys=[receiving_org_id])
    aliases: Mapped[list["Alias"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="Alias.label"
    )


class GroupSnapshot(db.Model):
    """Whom a group reached at one of its versions, in one row; never changed once written. An
    approval freezes its recipients by referring to these (chibo_flow.recipients.freeze)."""

    __tablename__ = "group_snapshot"
    __table_args__ = (Index("ix_group_snapshot_version", "group_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept when the group is deleted: approvals made before still refer to it.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer)
    people: Mapped[list[Any]] = mapped_column(JSON)  # [[name, email], ...] as group_members
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Alias(db.Model):
    """Another way an org writes a group's name in "Nơi nhận" ("Thường trực ĐU")."""

    __table_args__ = (UniqueConstraint("org_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    key: Mapped[str] = mapped_column(String(200))  # the matching key of the written label
    label: Mapped[str] = mapped_column(NFCString(200))  # as the secretary wrote it
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"))

    group: Mapped[Group] = relationship(back_populates="aliases")


class RecipientRequest(db.Model):
    """A secretary's request that an admin add the recipient a "Nơi nhận" line names, when her
    org does not let her add it herself; done when the admin maps the line."""

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(NFCString(200))
    note: Mapped[str | None] = mapped_column(NFCString(500))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    programme: Mapped["Programme"] = relationship()  # noqa: F821 -- by name, no import circle
    requested_by: Mapped["User | None"] = relationship()  # noqa: F821
