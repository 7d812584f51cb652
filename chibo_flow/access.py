"""Object-level access checks used by every view, API endpoint and command."""

from flask import abort
from sqlalchemy import ColumnElement, and_, or_, select

from chibo_flow.extensions import db
from chibo_flow.models import Delivery, IncomingEntry, Membership, Org, Programme, User
from chibo_flow.models.programmes import State
from chibo_flow.models.registers import RECEIVING_ROLES
from chibo_flow.models.users import Role
from chibo_flow.receipts.inbox import has_received

# Who reads an org's registers and, for a superior committee, its overview (DESIGN §4b).
REGISTER_ROLES = (Role.SECRETARY, Role.COMMITTEE)


def visible_org_ids(user: User) -> set[int]:
    """Orgs whose programmes `user` may see: every org they hold any role in."""
    return set(user.org_ids())


def administered_org_ids(user: User) -> set[int]:
    """Orgs an admin acts on: those where `user` holds the admin role and every org under them
    (DESIGN §4b); empty for everyone else."""
    children: dict[int, list[int]] = {}
    for org_id, parent_id in db.session.execute(select(Org.id, Org.parent_id)):
        children.setdefault(parent_id, []).append(org_id)
    found: set[int] = set()
    todo = list(user.org_ids(Role.ADMIN))
    while todo:
        org_id = todo.pop()
        if org_id not in found:
            found.add(org_id)
            todo.extend(children.get(org_id, ()))
    return found


def administers_account(admin: User, user: User) -> bool:
    """Whether `admin` administers every org `user` belongs to: what acting on the account
    itself needs (locking it, its second factor, its login sessions), beyond its roles in one
    org (an admin may add anyone to their own org)."""
    return set(user.org_ids()) <= administered_org_ids(admin)


def administered_deliveries(user: User) -> ColumnElement[bool]:
    """The condition on Delivery rows an admin sees (DESIGN §4b): those of the programmes of
    their orgs, and the account emails (no programme) to members of their orgs."""
    org_ids = administered_org_ids(user)
    members = select(User.email).join(Membership, Membership.user_id == User.id)
    return or_(
        Delivery.programme_id.in_(select(Programme.id).where(Programme.org_id.in_(org_ids))),
        and_(
            Delivery.programme_id.is_(None),
            Delivery.address.in_(members.where(Membership.org_id.in_(org_ids))),
        ),
    )


def get_incoming_entry(entry_id: int, user: User) -> IncomingEntry:
    """Load an incoming-register entry of an org `user` acts for (RECEIVING_ROLES: sees it,
    confirms receipt), or abort 404."""
    entry = db.session.get(IncomingEntry, entry_id)
    if entry is None or entry.org_id not in user.org_ids(*RECEIVING_ROLES):
        abort(404)
    return entry


def register_org_ids(user: User) -> set[int]:
    """Orgs whose registers and overview `user` reads: where they are secretary or committee,
    and those they administer (with the orgs under them)."""
    return set(user.org_ids(*REGISTER_ROLES)) | administered_org_ids(user)


def get_register_org(org_id: int, user: User) -> Org:
    """Load an org whose registers `user` may read, or abort 404."""
    org = db.session.get(Org, org_id)
    if org is None or org.id not in register_org_ids(user):
        abort(404)
    return org


def can_view(user: User, programme: Programme) -> bool:
    """Members of the org see approved programmes; secretaries and committee see all states."""
    if programme.org_id not in visible_org_ids(user):
        return False
    if programme.state == State.APPROVED:
        return True
    return (
        user.has_role(Role.SECRETARY, programme.org)
        or user.has_role(Role.COMMITTEE, programme.org)
        or user.has_role(Role.ADMIN, programme.org)
    )


def is_recipient_only(user: User, programme: Programme) -> bool:
    """Whether `user`, outside the programme's org, received it approved ("Văn bản đến": by
    email, or as secretary or committee of an org whose incoming register holds it)."""
    return (
        programme.org_id not in visible_org_ids(user)
        and programme.state == State.APPROVED
        and has_received(user, programme.id)
    )


def get_programme(programme_id: int, user: User, *, as_recipient: bool = False) -> Programme:
    """Load a programme the user may see, or abort 404 (no hint that it exists elsewhere).

    `as_recipient=True` is the one recipient rule, for the read-only views of an approved copy
    (the document, its PDF and DOCX, its receipt): it also lets in anyone, of any org, who
    received it ("Văn bản đến"); everything else of the programme stays its org's."""
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        abort(404)
    if not can_view(user, programme) and not (as_recipient and is_recipient_only(user, programme)):
        abort(404)
    return programme


def get_org_programme(programme_id: int, user: User) -> Programme:
    """Load a programme the user may see as a person of its org, or abort 404: what only the
    org reads (the committee's decision record), never a recipient elsewhere."""
    programme = get_programme(programme_id, user)
    if programme.org_id not in visible_org_ids(user):
        abort(404)
    return programme
