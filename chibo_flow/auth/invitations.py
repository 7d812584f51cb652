"""Invitations: the emailed link (/moi/<token>) with which a new member sets their password.

The token is the invitation's id signed with SECRET_KEY (itsdangerous); the row says whether it
still works: once (accepted_at), until expires_at (INVITATION_MAX_AGE_S after it was made),
unless revoked. Resending makes a new invitation and revokes the old one, so only the newest
link works. No one but the member ever types their password.
"""

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update

from chibo_flow.auth.passwords import hash_password
from chibo_flow.extensions import db
from chibo_flow.models import Invitation, Org, User
from chibo_flow.models._types import utcnow
from chibo_flow.models.users import HoldsRoles

SALT = "chibo-flow.invitation"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def is_open(invitation: Invitation) -> bool:
    """True while the link works: not accepted, revoked or expired, the account active and
    still without a password (one set through a reset link ends the invitation too)."""
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > utcnow()
        and invitation.user.active
        and invitation.user.password_hash is None
    )


def new_invitation(user: User, org: Org, actor: HoldsRoles | None) -> Invitation:
    """A fresh invitation of `user` to `org` (added to the session, not committed); the
    person's earlier invitations stop working."""
    now = utcnow()
    db.session.execute(
        update(Invitation)
        .where(
            Invitation.user_id == user.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    invitation = Invitation(
        user=user,
        org=org,
        invited_by_id=actor.id if actor is not None else None,
        created_at=now,
        expires_at=now + timedelta(seconds=current_app.config["INVITATION_MAX_AGE_S"]),
    )
    db.session.add(invitation)
    return invitation


def latest_invitation(user: User) -> Invitation | None:
    """The person's newest invitation, whatever its state."""
    return db.session.scalar(
        select(Invitation).where(Invitation.user_id == user.id).order_by(Invitation.id.desc())
    )


def invitation_url(user: User) -> str:
    """The absolute link (PUBLIC_URL) of the person's newest invitation."""
    token = _serializer().dumps(latest_invitation(user).id)
    return f"{current_app.config['PUBLIC_URL']}/moi/{token}"


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link names while it still works, or None (altered, used, expired,
    revoked)."""
    try:
        invitation_id = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(invitation_id, int) or isinstance(invitation_id, bool):
        return None
    invitation = db.session.get(Invitation, invitation_id)
    return invitation if invitation is not None and is_open(invitation) else None


def accept(invitation: Invitation, password: str) -> bool:
    """Set the member's password and use the invitation up (committed); False when another
    request used it first."""
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )  # fmt: skip
        .values(accepted_at=utcnow())
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return False
    invitation.user.password_hash = hash_password(password)
    db.session.commit()
    return True


def revoke(invitation: Invitation) -> None:
    """The link stops working (committed); a used invitation stays as it is."""
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
    db.session.commit()


def org_invitations(org: Org) -> list[Invitation]:
    """The newest invitation of each person invited to `org`, newest first."""
    newest = (
        select(Invitation.user_id, db.func.max(Invitation.id).label("id"))
        .where(Invitation.org_id == org.id)
        .group_by(Invitation.user_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(Invitation)
            .join(newest, newest.c.id == Invitation.id)
            .order_by(Invitation.id.desc())
        )
    )


def invitation_state(invitation: Invitation) -> str:
    """accepted | revoked | expired | pending."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= utcnow():
        return "expired"
    return "pending"
