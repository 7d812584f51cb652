"""Object-level access checks used by every view, API endpoint and command."""

from flask import abort
from sqlalchemy import select

from chibo_flow.extensions import db
from chibo_flow.models import Org, Programme, User
from chibo_flow.models.programmes import State
from chibo_flow.models.users import Role
from chibo_flow.receipts.inbox import has_received


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
    """Whether `user`, outside the programme's org, received it approved ("Văn bản đến")."""
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
