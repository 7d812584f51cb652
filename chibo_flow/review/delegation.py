"""Vote delegation: a committee member lets another committee member of the same org vote for
them over a date range. The delegate's vote is the member's one vote in a round (Vote.user_id is
the member, Vote.cast_by_id the delegate); the workflow checks it in `apply_transition`."""

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from chibo_flow import messages
from chibo_flow.extensions import db
from chibo_flow.models import AuditEvent, Delegation, Org, Programme, User
from chibo_flow.models._types import utcnow
from chibo_flow.models.users import Role
from chibo_flow.timefmt import local_date
from chibo_flow.workflow_errors import Invalid, NotAllowed


def create_delegation(
    org: Org, member: User, delegate: User, starts_on: date, ends_on: date
) -> Delegation:
    """`member` delegates their vote in `org` to `delegate` from `starts_on` to `ends_on`
    (inclusive); raises NotAllowed unless both are committee members, Invalid for bad dates or
    an overlapping delegation to the same person."""
    if not member.has_role(Role.COMMITTEE, org):
        raise NotAllowed(messages.FORBIDDEN)
    if delegate.id == member.id:
        raise Invalid(messages.DELEGATION_SELF)
    if not delegate.has_role(Role.COMMITTEE, org):
        raise Invalid(messages.DELEGATION_NOT_COMMITTEE.format(org=org.name))
    if ends_on < starts_on:
        raise Invalid(messages.DELEGATION_DATES)
    if ends_on < local_date(utcnow()):
        raise Invalid(messages.DELEGATION_PAST)
    overlapping = db.session.scalar(
        select(Delegation.id).where(
            Delegation.org_id == org.id,
            Delegation.from_user_id == member.id,
            Delegation.to_user_id == delegate.id,
            Delegation.revoked_at.is_(None),
            Delegation.starts_on <= ends_on,
            Delegation.ends_on >= starts_on,
        )
    )
    if overlapping is not None:
        raise Invalid(messages.DELEGATION_OVERLAP.format(name=delegate.name))
    delegation = Delegation(
        org_id=org.id,
        from_user_id=member.id,
        to_user_id=delegate.id,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    db.session.add(delegation)
    db.session.flush()
    _audit(member, "delegate", delegation)
    db.session.commit()
    return delegation


def revoke_delegation(delegation: Delegation, actor: User) -> None:
    """End a delegation now; only the member who gave it may (raises NotAllowed)."""
    if delegation.from_user_id != actor.id or delegation.revoked_at is not None:
        raise NotAllowed(messages.FORBIDDEN)
    delegation.revoked_at = utcnow()
    _audit(actor, "revoke_delegation", delegation)
    db.session.commit()


def delegations_of(user: User) -> list[Delegation]:
    """Delegations the user gave or received that have not ended or been revoked."""
    today = local_date(utcnow())
    return list(
        db.session.scalars(
            select(Delegation)
            .options(
                joinedload(Delegation.org),
                joinedload(Delegation.from_user),
                joinedload(Delegation.to_user),
            )
            .where(
                or_(Delegation.from_user_id == user.id, Delegation.to_user_id == user.id),
                Delegation.revoked_at.is_(None),
                Delegation.ends_on >= today,
            )
            .order_by(Delegation.starts_on, Delegation.id)
        )
    )


def represented_by(user: User, programme: Programme) -> list[User]:
    """Members of the programme's org who delegated their vote to `user` for today."""
    today = local_date(utcnow())
    return [d.from_user for d in Delegation.active_for(programme.org_id, user.id, today)]


def _audit(actor: User, action: str, delegation: Delegation) -> None:
    db.session.add(
        AuditEvent(
            actor_id=actor.id,
            action=action,
            data={
                "delegation": delegation.id,
                "org": delegation.org_id,
                "from_user": delegation.from_user_id,
                "to_user": delegation.to_user_id,
                "starts_on": delegation.starts_on.isoformat(),
                "ends_on": delegation.ends_on.isoformat(),
            },
        )
    )
