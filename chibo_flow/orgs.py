"""The one place that creates and changes organisations (API, admin pages, CLI).

An admin acts on the orgs they administer and on every org under those
(access.administered_org_ids); each change is one transaction and raises the workflow's errors
(NotAllowed 403, Invalid 422, Conflict 409) with a Vietnamese message.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from chibo_flow import messages
from chibo_flow.access import administered_org_ids, administers_account
from chibo_flow.auth.invitations import (
    invitation_state,
    is_open,
    latest_invitation,
    new_invitation,
    revoke,
)
from chibo_flow.auth.mail import INVITATION, ROLES_CHANGED, queue_account_mail
from chibo_flow.auth.sessions import end_sessions
from chibo_flow.directory import EMAIL
from chibo_flow.extensions import db
from chibo_flow.member_sheet import SheetRow, parse_roles, role_words
from chibo_flow.models import AuditEvent, Invitation, Membership, Org, User
from chibo_flow.models._types import utcnow
from chibo_flow.models.users import HoldsRoles, Role, SigningMode
from chibo_flow.workflow_errors import Conflict, Invalid, NotAllowed, RowsInvalid, WorkflowError

NAME_MAX = 200
CODE_MAX = 20
PLACE_MAX = 100
POSITION_MAX = 200
EMAIL_MAX = 254
# Whole-number settings of an org with the range each may take (days, minutes).
INTERVALS = {
    "opinion_days": (1, 90),
    "reminder_after_days": (1, 30),
    "escalate_after_days": (1, 90),
    "session_idle_minutes": (5, 480),
}
# The fields of an org an admin may change, with the audit trail's name for each.
EDITABLE = (
    "name", "code", "parent_id", "place", "term_start", "approvals_required", *INTERVALS,
    "signing_mode", "secretaries_add_recipients", "closed",
)  # fmt: skip


def _text(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def visible_orgs(user: HoldsRoles) -> list[Org]:
    """The orgs `user` belongs to or administers, with the children of each, by name."""
    own = set(user.org_ids()) | administered_org_ids(user)
    if not own:
        return []
    return list(
        db.session.scalars(
            select(Org).where(Org.id.in_(own) | Org.parent_id.in_(own)).order_by(Org.name)
        )
    )


def administered_org(user: HoldsRoles, org_id: int) -> Org:
    """The org `org_id` if `user` administers it (or an org above it); raises NotAllowed."""
    org = db.session.get(Org, org_id)
    if org is None or org.id not in administered_org_ids(user):
        raise NotAllowed(messages.ORG_NOT_ADMINISTERED)
    return org


def committee_size(org: Org) -> int:
    """How many active members of the org's committee there are."""
    return db.session.scalar(
        select(func.count(func.distinct(Membership.user_id)))
        .join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org.id, Membership.role == Role.COMMITTEE, User.active)
    )


def create_org(actor: HoldsRoles, values: dict[str, Any]) -> Org:
    """A new org under `values["parent_id"]`, which `actor` must administer (NotAllowed);
    raises Invalid for a bad field and Conflict for a name already taken."""
    if values.get("parent_id") is None:
        raise NotAllowed(messages.ORG_PARENT_REQUIRED)
    org = Org()
    _apply(actor, org, {**values})
    db.session.add(org)
    _audit(actor, "org_created", org, values)
    return org


def update_org(actor: HoldsRoles, org: Org, values: dict[str, Any]) -> Org:
    """Change the given fields of `org` (administered by `actor`, checked by the caller); a
    new parent must be administered by `actor` too and not lie under `org`."""
    _apply(actor, org, values)
    _audit(actor, "org_changed", org, values)
    return org


def _apply(actor: HoldsRoles, org: Org, values: dict[str, Any]) -> None:
    """Validate and set the fields present in `values`; raises Invalid or NotAllowed."""
    if "name" in values or org.id is None:
        name = _text(values.get("name"))
        if not name or len(name) > NAME_MAX:
            raise Invalid(messages.ORG_NAME_REQUIRED)
        taken = db.session.scalar(select(Org.id).where(Org.name == name))
        if taken is not None and taken != org.id:
            raise Conflict(messages.ORG_NAME_TAKEN.format(name=name))
        org.name = name
    if "code" in values or org.id is None:
        code = _text(values.get("code"))
        if not code or len(code) > CODE_MAX:
            raise Invalid(messages.ORG_CODE_REQUIRED)
        org.code = code
    if "place" in values:
        place = _text(values["place"])
        if len(place) > PLACE_MAX:
            raise Invalid(messages.ORG_PLACE_TOO_LONG)
        org.place = place or None
    if "term_start" in values:
        term_start = values["term_start"]
        if term_start is not None and not isinstance(term_start, date):
            raise Invalid(messages.ORG_TERM_START_INVALID)
        org.term_start = term_start
    if "parent_id" in values:
        org.parent_id = _new_parent(actor, org, values["parent_id"]).id
    if "approvals_required" in values:
        org.approvals_required = _approvals(org, values["approvals_required"])
    for key, (low, high) in INTERVALS.items():
        if key in values:
            value = values[key]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise Invalid(messages.ORG_INTERVAL_RANGE.format(
                    field=messages.ORG_INTERVAL_NAMES[key], low=low, high=high))  # fmt: skip
            setattr(org, key, value)
    if "signing_mode" in values:
        if values["signing_mode"] not in {m.value for m in SigningMode}:
            raise Invalid(messages.ORG_SIGNING_MODE_INVALID)
        org.signing_mode = values["signing_mode"]
    if "secretaries_add_recipients" in values:
        org.secretaries_add_recipients = bool(values["secretaries_add_recipients"])
    if "closed" in values:
        if not values["closed"]:
            org.closed_at = None
        elif org.closed_at is None:
            org.closed_at = utcnow()


def _new_parent(actor: HoldsRoles, org: Org, parent_id: int | None) -> Org:
    """The parent `org` moves under: administered by `actor` and not `org` or below it."""
    if parent_id is None:
        raise NotAllowed(messages.ORG_PARENT_REQUIRED)
    administered = administered_org_ids(actor)
    if parent_id not in administered:
        raise NotAllowed(messages.ORG_NOT_ADMINISTERED)
    if org.id is not None:
        ancestor = db.session.get(Org, parent_id)
        while ancestor is not None:
            if ancestor.id == org.id:
                raise Invalid(messages.ORG_PARENT_CYCLE)
            ancestor = ancestor.parent
    return db.session.get(Org, parent_id)


def _approvals(org: Org, required: int | None) -> int | None:
    """`required` if the org's committee can give that many approvals; None means a majority.
    Raises Invalid below 1 or above the committee's size (once the org has a committee)."""
    if required is None:
        return None
    if required < 1:
        raise Invalid(messages.ORG_APPROVALS_TOO_FEW)
    size = committee_size(org) if org.id is not None else 0
    if size and required > size:
        raise Invalid(messages.ORG_APPROVALS_TOO_MANY.format(required=required, size=size))
    return required


def _audit(actor: HoldsRoles, action: str, org: Org, values: dict[str, Any]) -> None:
    """Record the change and commit; a name taken meanwhile is a Conflict."""
    db.session.flush()
    changed = {key: _jsonable(values[key]) for key in EDITABLE if key in values}
    db.session.add(AuditEvent(actor_id=actor.id, action=action, data={"org_id": org.id, **changed}))
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(messages.ORG_NAME_TAKEN.format(name=org.name)) from exc


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def members(org: Org) -> list[tuple[User, list[str]]]:
    """The org's people (active or not: their history stays) with their roles here, by name."""
    found: dict[int, tuple[User, list[str]]] = {}
    rows = db.session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org.id)
        .order_by(User.name, User.email, Membership.role)
    )
    for user, role in rows:
        found.setdefault(user.id, (user, []))[1].append(role)
    return list(found.values())


def member_of(org: Org, user_id: int) -> User:
    """The person holding a role in `org`; raises NotAllowed otherwise (no hint elsewhere)."""
    user = db.session.get(User, user_id)
    if user is None or not any(m.org_id == org.id for m in user.memberships):
        raise NotAllowed(messages.ORG_MEMBER_UNKNOWN)
    return user


def _roles(roles: list[str] | None) -> set[str]:
    """The roles asked for; raises Invalid for none or an unknown one."""
    wanted = set(roles or ())
    if not wanted or not wanted <= {r.value for r in Role}:
        raise Invalid(messages.ORG_ROLES_INVALID)
    return wanted


def _position(position: str | None) -> str | None:
    position = _text(position) or None
    if position is not None and len(position) > POSITION_MAX:
        raise Invalid(messages.MEMBER_POSITION_TOO_LONG.format(max=POSITION_MAX))
    return position


def add_member(
    actor: HoldsRoles,
    org: Org,
    email: str,
    name: str,
    position: str | None,
    roles: list[str],
) -> tuple[User, bool]:
    """Give the person at `email` the `roles` in `org` (administered by `actor`, checked by the
    caller): a new account without a password, invited to set one, or an existing account
    (told of its new roles). Audited as "member_added"; not committed. Returns the user and
    whether they were invited. Raises Invalid (bad email, name, position or roles) or Conflict
    (already a member of `org`)."""
    address = (email or "").strip().lower()
    if not EMAIL.fullmatch(address) or len(address) > EMAIL_MAX:
        raise Invalid(messages.MEMBER_EMAIL_INVALID.format(email=address))
    name = _text(name)
    if not name or len(name) > NAME_MAX:
        raise Invalid(messages.MEMBER_NAME_REQUIRED)
    position = _position(position)
    wanted = _roles(roles)
    user = db.session.scalar(select(User).where(User.email == address))
    if user is None:
        user = User(email=address, name=name, position=position)
        db.session.add(user)
    elif any(m.org_id == org.id for m in user.memberships):
        raise Conflict(messages.MEMBER_ALREADY.format(email=address, org=org.name))
    elif position and administers_account(actor, user):  # else the account keeps its own
        user.position = position
    user.memberships.extend(Membership(org_id=org.id, role=r) for r in sorted(wanted))
    db.session.flush()
    invited = user.password_hash is None
    if invited:
        new_invitation(user, org, actor)
    db.session.add(
        AuditEvent(
            actor_id=actor.id,
            action="member_added",
            data={
                "org_id": org.id,
                "user_id": user.id,
                "email": address,
                "roles": sorted(wanted),
                "invited": invited,
            },
        )  # fmt: skip
    )
    return user, invited


def tell_member(user: User, invited: bool) -> None:
    """After commit: email the invitation, or the roles the person now holds."""
    queue_account_mail(INVITATION if invited else ROLES_CHANGED, user.id)


def invite_member(
    actor: HoldsRoles, org: Org, email: str, name: str, position: str | None, roles: list[str]
) -> User:
    """add_member, committed, then the email (an invitation or the new roles)."""
    user, invited = add_member(actor, org, email, name, position, roles)
    db.session.commit()
    tell_member(user, invited)
    return user


@dataclass(frozen=True)
class RowCheck:
    """What importing one spreadsheet row does: the member it adds, or why it cannot."""

    row: SheetRow
    roles: list[str]
    error: str | None
    invited: bool = False


def import_members(actor: HoldsRoles, org: Org, rows: list[SheetRow], save: bool) -> list[RowCheck]:
    """Add every row's member to `org` (add_member), all or nothing: with `save` and no row in
    error, committed and then each one emailed; otherwise nothing is kept and the checks are
    returned (the preview). Raises RowsInvalid listing the rows in error when `save` is asked."""
    checks, first_row = [], {}
    for row in rows:
        roles: list[str] = []
        try:
            roles = parse_roles(row.roles)
            address = row.email.strip().lower()
            if address in first_row:
                first = first_row[address]
                raise Invalid(messages.SHEET_DUPLICATE_EMAIL.format(email=address, first=first))
            first_row.setdefault(address, row.row)
            _user, invited = add_member(actor, org, row.email, row.name, row.position, roles)
        except WorkflowError as exc:
            checks.append(RowCheck(row, roles, exc.message))
        else:
            checks.append(RowCheck(row, roles, None, invited))
    errors = [{"row": c.row.row, "message": c.error} for c in checks if c.error]
    if not save or errors:
        db.session.rollback()
        if save:
            raise RowsInvalid(messages.SHEET_ROWS_INVALID.format(count=len(errors)), errors)
        return checks
    added = [
        (db.session.scalar(select(User).where(User.email == c.row.email.strip().lower())), c)
        for c in checks
    ]
    db.session.commit()
    for user, check in added:
        tell_member(user, check.invited)
    return checks


def member_rows(org: Org) -> list[list[str]]:
    """The org's active members as the spreadsheet's columns (export)."""
    return [
        [user.name, user.email, user.position or "", role_words(roles)]
        for user, roles in members(org)
        if user.active
    ]


def resend_invitation(actor: HoldsRoles, org: Org, user: User) -> Invitation:
    """A new invitation link for a member of `org` who has not set a password yet (the old
    link stops working), emailed after commit; raises Invalid once they have one."""
    if user.password_hash is not None:
        raise Invalid(messages.INVITATION_ALREADY_ACCEPTED.format(name=user.name))
    invitation = new_invitation(user, org, actor)
    db.session.flush()
    _member_audit(actor, "invitation_resent", org, user)
    db.session.commit()
    tell_member(user, True)
    return invitation


def revoke_invitation(actor: HoldsRoles, org: Org, user: User) -> None:
    """The member's invitation link stops working (audited); raises Invalid if none is open."""
    invitation = latest_invitation(user)
    if invitation is None or not is_open(invitation):
        raise Invalid(messages.INVITATION_NONE_OPEN.format(name=user.name))
    _member_audit(actor, "invitation_revoked", org, user)
    revoke(invitation)


def _member_audit(actor: HoldsRoles, action: str, org: Org, user: User) -> None:
    db.session.add(AuditEvent(actor_id=actor.id, action=action,
                              data={"org_id": org.id, "user_id": user.id}))  # fmt: skip


def change_member(
    actor: HoldsRoles,
    org: Org,
    user: User,
    roles: list[str] | None,
    active: bool | None,
    position: str | None = None,
) -> None:
    """Set `user`'s roles in `org`, their position and/or (de)activate the account, audited as
    "member_changed"; new roles are emailed to them. Deactivating ends their sessions (history
    stays) and, like a new position (the account's, shown in each of their orgs), needs the
    actor to administer every org of theirs (NotAllowed); roles that leave the committee smaller
    than the approvals the org requires raise Invalid, as do unknown or no roles."""
    if position is not None and _position(position) != user.position:
        if not administers_account(actor, user):
            raise NotAllowed(messages.MEMBER_POSITION_ELSEWHERE)
        user.position = _position(position)
    if roles is not None:
        wanted = _roles(roles)
        for membership in [m for m in user.memberships if m.org_id == org.id]:
            if membership.role not in wanted:
                user.memberships.remove(membership)
        held = {m.role for m in user.memberships if m.org_id == org.id}
        user.memberships.extend(Membership(org_id=org.id, role=r) for r in sorted(wanted - held))
        db.session.flush()
        size = committee_size(org)
        if org.approvals_required and size < org.approvals_required:
            db.session.rollback()
            raise Invalid(
                messages.ORG_APPROVALS_TOO_MANY.format(required=org.approvals_required, size=size)
            )
    if active is not None and active != user.active:
        if not administers_account(actor, user):
            db.session.rollback()
            raise NotAllowed(messages.ORG_MEMBER_ELSEWHERE)
        user.active = active
    db.session.add(
        AuditEvent(
            actor_id=actor.id,
            action="member_changed",
            data={"org_id": org.id, "user_id": user.id, "roles": roles, "active": active},
        )
    )
    db.session.commit()
    if active is False:
        end_sessions(user.id)
    if roles is not None and user.active:
        queue_account_mail(ROLES_CHANGED, user.id)


def member_data(user: User, roles: list[str]) -> dict[str, Any]:
    """A member of an org as the API shows them."""
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "position": user.position,
        "roles": roles,
        "active": user.active,
        "invitation": _invitation_data(user),
    }


def _invitation_data(user: User) -> dict[str, Any] | None:
    invitation = latest_invitation(user)
    if invitation is None:
        return None
    return {
        "state": invitation_state(invitation),
        "sent_at": invitation.created_at.isoformat(),
        "expires_at": invitation.expires_at.isoformat(),
    }


def org_data(org: Org) -> dict[str, Any]:
    """An org as the API and the CLI show it (DESIGN §4b: id, name, code, parent_id; more)."""
    return {
        "id": org.id,
        "name": org.name,
        "code": org.code,
        "parent_id": org.parent_id,
        "place": org.place,
        "term_start": org.term_start.isoformat() if org.term_start else None,
        "approvals_required": org.approvals_required,
        "committee_size": committee_size(org),
        **{key: getattr(org, key) for key in INTERVALS},
        "signing_mode": org.signing_mode,
        "secretaries_add_recipients": org.secretaries_add_recipients,
        "closed": org.closed_at is not None,
    }
