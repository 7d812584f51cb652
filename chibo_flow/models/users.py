"""People, Party organisations and who holds which role where."""

import secrets
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chibo_flow.extensions import db
from chibo_flow.models._types import EncryptedString, NFCString, UTCDateTime, utcnow

DEFAULT_SESSION_IDLE_MINUTES = 30
# Room for a TOTP secret's Fernet token (a 32-character secret takes 140 characters).
TOTP_SECRET_ROOM = 255


class Role(StrEnum):
    """Roles a user may hold in an org (several roles in several orgs are allowed)."""

    SECRETARY = "secretary"  # bí thư / phó bí thư: writes and submits
    COMMITTEE = "committee"  # cấp ủy viên: reviews and votes
    MEMBER = "member"  # đảng viên: reads approved copies
    ADMIN = "admin"  # manages orgs, users, directory


# The name people see for each role, in the order pages list them.
ROLE_NAMES = {
    Role.SECRETARY: "Bí thư / phó bí thư",
    Role.COMMITTEE: "Cấp ủy viên",
    Role.MEMBER: "Đảng viên",
    Role.ADMIN: "Quản trị",
}


class SigningMode(StrEnum):
    """Who signs an org's final copies: the system with the deployment's certificate, or the
    office with its own tool (the copy is downloaded, signed, uploaded back)."""

    SYSTEM = "system"
    EXTERNAL = "external"


class Org(db.Model):
    """A Party organisation (chi bộ, đảng bộ) with its numbering code and approval rule."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(NFCString(200), unique=True)
    code: Mapped[str] = mapped_column(NFCString(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"))
    place: Mapped[str | None] = mapped_column(NFCString(100))
    term_start: Mapped[date | None]
    approvals_required: Mapped[int | None] = mapped_column(Integer)
    # Review reminders: a pending vote is reminded every `reminder_after_days`; after
    # `escalate_after_days` the secretary is told who holds the round up.
    reminder_after_days: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    escalate_after_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    # Hạn cho ý kiến: days the committee has to give its opinions on an ordinary document
    # (urgent ones get fewer, chibo_flow.review.deadlines).
    opinion_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    # A login session unused this long ends (a person in several orgs gets the shortest).
    session_idle_minutes: Mapped[int] = mapped_column(
        Integer,
        default=DEFAULT_SESSION_IDLE_MINUTES,
        server_default=str(DEFAULT_SESSION_IDLE_MINUTES),
    )
    # Receipts of the final copy: a personal link (/nhan/<token>) works this many days after
    # its email; a recipient "để thực hiện" who has not confirmed is reminded every
    # `receipt_reminder_days`.
    receipt_link_days: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    receipt_reminder_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    signing_mode: Mapped[str] = mapped_column(
        String(10), default=SigningMode.SYSTEM, server_default=SigningMode.SYSTEM.value
    )
    # May the secretary add a person or group to the directory from the "Nơi nhận" picker
    # (else she asks an admin, chibo_flow.models.recipients.RecipientRequest)?
    secretaries_add_recipients: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A closed (giải thể, sáp nhập) org keeps its documents and registers; it takes no new draft.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped["Org | None"] = relationship(remote_side=[id])
    memberships: Mapped[list["Membership"]] = relationship(back_populates="org")

    def members_with_role(self, role: Role) -> list["User"]:
        """Active users holding `role` in this org, ordered by name."""
        return list(
            db.session.scalars(
                select(User)
                .join(Membership)
                .where(Membership.org_id == self.id, Membership.role == role, User.active)
                .order_by(User.name)
            )
        )

    def required_approvals(self) -> int:
        """Approvals needed: the org's setting, else a majority of its committee (at least 1)."""
        if self.approvals_required:
            return self.approvals_required
        return max(1, len(self.members_with_role(Role.COMMITTEE)) // 2 + 1)


class RoleInOrg(NamedTuple):
    """A role held in an org, as read with a login session: a Membership without the ORM."""

    org_id: int
    role: str


class HoldsRoles:
    """What the app asks of a person's roles, over their `memberships`: shared by User and by
    the signed-in user of a request (chibo_flow.auth.sessions.SignedInUser)."""

    memberships: Iterable["Membership | RoleInOrg"]

    def has_role(self, role: Role, org: Org | None = None) -> bool:
        """True if the user holds `role` in `org` (in any org when `org` is None)."""
        return any(m.role == role and (org is None or m.org_id == org.id) for m in self.memberships)

    def org_ids(self, *roles: Role) -> list[int]:
        """Ids of the orgs where the user holds one of `roles` (any role when none is given)."""
        return sorted({m.org_id for m in self.memberships if not roles or m.role in roles})

    def orgs(self) -> list[Org]:
        """Orgs the user belongs to in any role."""
        return [db.session.get(Org, org_id) for org_id in self.org_ids()]


class User(HoldsRoles, UserMixin, db.Model):
    """A person who logs in; the password is stored as an argon2id hash."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(NFCString(200))
    position: Mapped[str | None] = mapped_column(NFCString(200))  # chức vụ
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Login throttling: refused whatever the password until then (chibo_flow.auth.throttle).
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Wrong second-factor codes in a row, whatever the window (a right code resets it): at
    # FACTOR_LOCK_FAILURES the account is locked until a password reset or an admin's unlock.
    factor_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # TOTP second factor (chibo_flow.auth.totp): the base32 secret, set at enrolment and in
    # force once confirmed with a first code; the time step of the last code accepted, so that
    # no code is accepted twice. The secret is stored encrypted (ENCRYPTION_KEY).
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString(TOTP_SECRET_ROOM))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # The server-side LoginSession this request came in through (set by the user loader).
    login_session_id = None

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def has_factor(self) -> bool:
        """True once a second factor is in force (confirmed with a first code)."""
        return self.totp_confirmed_at is not None

    def get_id(self) -> str | None:  # Flask-Login stores the session id, not the user id
        return self.login_session_id


class Membership(db.Model):
    """User × org × role."""

    __table_args__ = (UniqueConstraint("user_id", "org_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="memberships")
    org: Mapped[Org] = relationship(back_populates="memberships")


class Invitation(db.Model):
    """An emailed link that lets a new member set their password, once, until `expires_at`
    (chibo_flow.auth.invitations); resending replaces it, revoking ends it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    org: Mapped[Org] = relationship()


class LoginSession(db.Model):
    """A server-side login: the cookie holds only its id, so logging out really ends it. It
    also ends after the org's idle time without a request and after PERMANENT_SESSION_LIFETIME
    (chibo_flow.auth.sessions)."""

    id: Mapped[str] = mapped_column(
        String(64), primary_key=True, default=lambda: secrets.token_urlsafe(32)
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Shown on the person's list of sessions, so they can tell theirs from a stranger's.
    address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """A wrong password or code for an account: counted for the lockout."""

    __table_args__ = (Index("ix_login_failure_user_id_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    address: Mapped[str | None] = mapped_column(String(45))


class RecoveryCode(db.Model):
    """A one-time code that stands in for the TOTP code; only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored. It stops working at
    `expires_at` or when revoked."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(NFCString(100), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
