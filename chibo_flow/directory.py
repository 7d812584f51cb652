"""The directory that "Nơi nhận" lines resolve to: people, groups and aliases, per org.

Every change goes through these functions, whether it comes from the admin pages, the API, the
CLI or the programme page's picker; each is one transaction and raises the workflow's errors
(Invalid 422, Conflict 409, NotAllowed 403) with a Vietnamese message.
"""

import re
import unicodedata
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from chibo_flow import events, messages
from chibo_flow.extensions import db
from chibo_flow.models import (
    Alias,
    AuditEvent,
    Delivery,
    DirectoryEntry,
    DomainEvent,
    EventKind,
    Group,
    Org,
    Programme,
    RecipientRequest,
    User,
)
from chibo_flow.models._types import utcnow
from chibo_flow.models.users import Role
from chibo_flow.notifications.notice import Notice
from chibo_flow.recipients import (
    group_members,
    is_archive_line,
    learn_alias,
    match_key,
    resolve_line,
)
from chibo_flow.workflow_errors import Conflict, Invalid, NotAllowed

# Deliberately loose: one "@", no spaces or list separators, a dot in the domain.
EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+")
NAME_MAX = 200
REQUEST_NOTICE = "recipient_requested"  # the kind of the admins' email (templates/email/)


def _text(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


# --- who may manage which org's directory ---------------------------------------------------------


def require_admin(user: User, org: Org) -> None:
    """Raises NotAllowed unless `user` is an admin of `org`."""
    if not user.has_role(Role.ADMIN, org):
        raise NotAllowed(messages.FORBIDDEN)


def receiving_org_choices(org: Org) -> list[Org]:
    """Orgs of the system a group of `org` may stand for (its documents then enter their
    incoming registers, liên thông): the orgs above it and those directly under it."""
    above, parent = [], org.parent
    while parent is not None and parent not in above:
        above.append(parent)
        parent = parent.parent
    children = db.session.scalars(select(Org).where(Org.parent_id == org.id).order_by(Org.name))
    return [*above, *children]


def member_org_choices(org: Org) -> list[Org]:
    """Orgs whose members a group of `org` may reach as a whole: itself and its direct children."""
    children = db.session.scalars(select(Org).where(Org.parent_id == org.id).order_by(Org.name))
    return [org, *children]


# --- lookups ------------------------------------------------------------------------------------


def people(org: Org) -> list[DirectoryEntry]:
    """The org's people, by name."""
    return list(
        db.session.scalars(
            select(DirectoryEntry)
            .where(DirectoryEntry.org_id == org.id)
            .order_by(DirectoryEntry.name, DirectoryEntry.email)
        )
    )


def groups(org: Org) -> list[Group]:
    """The org's groups, by name."""
    return list(
        db.session.scalars(select(Group).where(Group.org_id == org.id).order_by(Group.name))
    )


def aliases(org: Org) -> list[Alias]:
    """The org's learnt aliases, by label."""
    return list(
        db.session.scalars(select(Alias).where(Alias.org_id == org.id).order_by(Alias.label))
    )


def person_by_email(org: Org, email: str) -> DirectoryEntry:
    """The org's person with `email`; raises Invalid if there is none."""
    address = email.strip().lower()
    entry = db.session.scalar(
        select(DirectoryEntry).where(
            DirectoryEntry.org_id == org.id, DirectoryEntry.email == address
        )
    )
    if entry is None:
        raise Invalid(messages.DIRECTORY_PERSON_UNKNOWN.format(org=org.name, email=address))
    return entry


def group_by_name(org: Org, name: str) -> Group:
    """The org's group called `name` (compared by match key); raises Invalid if there is none."""
    key = match_key(name)
    for group in groups(org):
        if match_key(group.name) == key:
            return group
    raise Invalid(messages.DIRECTORY_GROUP_UNKNOWN.format(org=org.name, name=_text(name)))


# --- changes ------------------------------------------------------------------------------------


def save_person(
    org: Org,
    name: str,
    email: str,
    position: str | None = None,
    entry: DirectoryEntry | None = None,
) -> DirectoryEntry:
    """Create a person (or update `entry`); raises Invalid (bad name/email) or Conflict (taken)."""
    name, address, position = _text(name), (email or "").strip().lower(), _text(position) or None
    if not name or len(name) > NAME_MAX:
        raise Invalid(messages.DIRECTORY_NAME_REQUIRED)
    if not EMAIL.fullmatch(address) or len(address) > 254:
        raise Invalid(messages.DIRECTORY_EMAIL_INVALID.format(email=address))
    taken = db.session.scalar(
        select(DirectoryEntry.id).where(
            DirectoryEntry.org_id == org.id, DirectoryEntry.email == address
        )
    )
    if taken is not None and (entry is None or taken != entry.id):
        raise Conflict(messages.DIRECTORY_EMAIL_TAKEN.format(email=address, org=org.name))
    if entry is None:
        entry = DirectoryEntry(org_id=org.id)
        db.session.add(entry)
    entry.name, entry.email, entry.position = name, address, position
    _commit(messages.DIRECTORY_EMAIL_TAKEN.format(email=address, org=org.name))
    return entry


def save_group(
    org: Org,
    name: str,
    members_of: Org | None = None,
    entries: list[DirectoryEntry] | None = None,
    group: Group | None = None,
    stands_for: Org | None = None,
) -> Group:
    """Create a group (or update `group`): fixed people, or every member of `members_of`;
    `stands_for`: the org of the system the group stands for (receiving_org_choices).

    Raises Invalid (no name, both kinds, an org that is not `org` or its child, people of
    another org, an org it may not stand for) or Conflict (a group of the same name, compared
    by match key).
    """
    name, entries = _text(name), entries or []
    if not name or len(name) > NAME_MAX:
        raise Invalid(messages.DIRECTORY_GROUP_NAME_REQUIRED)
    if members_of is not None and entries:
        raise Invalid(messages.DIRECTORY_GROUP_BOTH)
    if members_of is not None and members_of.id not in {o.id for o in member_org_choices(org)}:
        raise Invalid(messages.DIRECTORY_MEMBERS_OF_NOT_ALLOWED.format(org=org.name))
    if any(entry.org_id != org.id for entry in entries):
        raise Invalid(messages.BAD_REQUEST)
    if stands_for is not None and stands_for not in receiving_org_choices(org):
        raise Invalid(messages.DIRECTORY_STANDS_FOR_NOT_ALLOWED.format(org=org.name))
    _refuse_taken_group_name(org, name, group)
    if group is None:
        group = Group(org_id=org.id)
        db.session.add(group)
    group.name = name
    group.members_of_org_id = members_of.id if members_of is not None else None
    group.receiving_org_id = stands_for.id if stands_for is not None else None
    group.entries = list(entries)
    _commit(messages.DIRECTORY_GROUP_TAKEN.format(name=name))
    return group


def _refuse_taken_group_name(org: Org, name: str, group: Group | None = None) -> None:
    """Raises Conflict if another group of `org` has that name (compared by match key)."""
    key = match_key(name)
    for other in groups(org):
        if match_key(other.name) == key and (group is None or other.id != group.id):
            raise Conflict(messages.DIRECTORY_GROUP_TAKEN.format(name=other.name))


def save_alias(org: Org, label: str, group: Group) -> Alias:
    """Remember that `org` writes `group` as `label`; raises Invalid for an empty label."""
    label = _text(label)
    if not match_key(label) or len(label) > NAME_MAX:
        raise Invalid(messages.DIRECTORY_LABEL_REQUIRED)
    if group.org_id != org.id:
        raise Invalid(messages.BAD_REQUEST)
    alias = learn_alias(org, label, group)
    _commit(messages.BAD_REQUEST)
    return alias


def delete(row: DirectoryEntry | Group | Alias) -> None:
    """Delete a person (leaving their groups), a group (with its aliases) or an alias.

    Deliveries already written keep their addresses: they are a record, not a reference.
    """
    db.session.delete(row)
    db.session.commit()


def map_line(programme: Programme, label: str, group: Group, actor: User) -> Alias:
    """The picker: resolve the programme's line `label` to `group` now and for later programmes.

    Only the org's secretary may (NotAllowed); the line must be one of the programme's non-archive
    lines and the group the org's (Invalid). Audited as "map_recipient".
    """
    org = programme.org
    if not actor.has_role(Role.SECRETARY, org):
        raise NotAllowed(messages.FORBIDDEN)
    _require_line(programme, label)
    if group.org_id != org.id:
        raise Invalid(messages.BAD_REQUEST)
    alias = learn_alias(org, label, group)
    db.session.add(
        AuditEvent(
            programme_id=programme.id,
            actor_id=actor.id,
            action="map_recipient",
            to_state=programme.state,
            comment=f"{label} → {group.name}",
            data={"label": label, "group_id": group.id, "group": group.name},
        )
    )
    db.session.commit()
    return alias


def _require_line(programme: Programme, label: str) -> None:
    """Raises Invalid unless `label` is one of the programme's non-archive "Nơi nhận" lines."""
    lines = [r for r in programme.doc.get("recipients") or [] if r["label"] == label]
    if not lines or all(is_archive_line(r["label"], r["purpose"]) for r in lines):
        raise Invalid(messages.RECIPIENT_LINE_UNKNOWN.format(label=label))


# --- recipients met for the first time (the picker's "new recipient", the admin's requests) ------

# One address per line: "Họ tên <email>" or the email alone.
NAMED_ADDRESS = re.compile(r"(?P<name>.*?)\s*<(?P<email>[^<>]*)>")


def may_add_recipients(user: User, org: Org) -> bool:
    """True for the org's admin, and for its secretary when the org lets her add recipients."""
    return user.has_role(Role.ADMIN, org) or (
        org.secretaries_add_recipients and user.has_role(Role.SECRETARY, org)
    )


def parse_addresses(text: str, default_name: str) -> list[tuple[str, str]]:
    """The (name, email) of each non-empty line; a bare email takes `default_name`. Raises
    Invalid naming a bad address, or for no address at all."""
    found = []
    for line in (text or "").splitlines():
        line = _text(line)
        if not line:
            continue
        named = NAMED_ADDRESS.fullmatch(line)
        name, address = (named["name"], named["email"]) if named else ("", line)
        address = address.strip().lower()
        if not EMAIL.fullmatch(address) or len(address) > 254:
            raise Invalid(messages.DIRECTORY_EMAIL_INVALID.format(email=address))
        found.append((_text(name) or default_name, address))
    if not found:
        raise Invalid(messages.RECIPIENT_ADDRESSES_REQUIRED)
    return found


def add_for_line(programme: Programme, label: str, name: str, addresses: str, actor: User) -> Group:
    """A recipient the directory does not know yet: a group called `name` (a person is a group
    of one) with the people at `addresses` (existing entries of the org reused), learnt as the
    alias of the programme's line `label`. Allowed to may_add_recipients (NotAllowed); raises
    Invalid (bad line, name or address) or Conflict (a group of that name exists: pick it).
    The org's open requests for that line are done. Audited as "map_recipient"."""
    org = programme.org
    if not may_add_recipients(actor, org):
        raise NotAllowed(messages.RECIPIENT_ADD_NOT_ALLOWED)
    _require_line(programme, label)
    name = _text(name) or _text(label)
    if len(name) > NAME_MAX:
        raise Invalid(messages.DIRECTORY_GROUP_NAME_REQUIRED)
    people = parse_addresses(addresses, name)
    _refuse_taken_group_name(org, name)
    entries = []
    for person_name, address in people:
        known = db.session.scalar(
            select(DirectoryEntry).where(
                DirectoryEntry.org_id == org.id, DirectoryEntry.email == address
            )
        )
        entries.append(known or save_person(org, person_name, address))
    group = save_group(org, name, entries=entries)
    if actor.has_role(Role.SECRETARY, org):
        map_line(programme, label, group, actor)
    else:
        save_alias(org, label, group)
    key = match_key(label)
    for request in _undone_requests(org):
        if match_key(request.label) == key:
            request.done_at = utcnow()
    db.session.commit()
    return group


def request_recipient(programme: Programme, label: str, note: str | None, actor: User) -> None:
    """The secretary asks the org's admins to add the recipient of line `label` (once per line
    and programme while open; the dispatcher emails them); raises NotAllowed for anyone but
    the org's secretary."""
    org = programme.org
    if not actor.has_role(Role.SECRETARY, org):
        raise NotAllowed(messages.FORBIDDEN)
    _require_line(programme, label)
    pending = db.session.scalar(
        select(RecipientRequest.id).where(
            RecipientRequest.programme_id == programme.id,
            RecipientRequest.label == label,
            RecipientRequest.done_at.is_(None),
        )
    )
    recorded = []
    if pending is None:
        request = RecipientRequest(org_id=org.id, programme_id=programme.id, label=label,
                                   note=_text(note)[:500] or None,
                                   requested_by_id=actor.id)  # fmt: skip
        db.session.add(request)
        db.session.flush()
        admins = len(org.members_with_role(Role.ADMIN))
        event = events.record(programme, EventKind.RECIPIENT_REQUESTED, actor,
                              recipients=admins, request=request.id, label=label)  # fmt: skip
        recorded = events.pending([event])
    db.session.commit()
    events.announce(recorded)  # the dispatcher emails the org's admins


def notices_for(event: DomainEvent, programme: Programme | None = None) -> list[Notice]:
    """The email a secretary's request for a new recipient causes: to the org's admins, who
    answer it on the directory page (NOTICE_SOURCES)."""
    if event.kind != EventKind.RECIPIENT_REQUESTED or programme is None:
        return []
    return [Notice(REQUEST_NOTICE, "", programme.org.members_with_role(Role.ADMIN))]


def request_context(delivery: Delivery) -> dict[str, Any]:
    """What email/recipient_requested.* need besides a notice's common context: the request
    and the directory page that answers it."""
    event = db.session.get(DomainEvent, delivery.event_id)
    request = db.session.get(RecipientRequest, event.data["request"])
    public = current_app.config["PUBLIC_URL"]
    return {"request": request, "link": f"{public}/admin/directory/{request.org_id}"}


def _undone_requests(org: Org) -> list[RecipientRequest]:
    return list(
        db.session.scalars(
            select(RecipientRequest)
            .where(RecipientRequest.org_id == org.id, RecipientRequest.done_at.is_(None))
            .order_by(RecipientRequest.id)
        )
    )


def open_requests(org: Org) -> list[RecipientRequest]:
    """The org's requests not done yet whose line still reaches nobody (an alias or group added
    another way answers one too), oldest first."""
    return [r for r in _undone_requests(org) if not resolve_line(org, r.label, "none").resolved]


def _commit(conflict_message: str) -> None:
    """Commit; a unique constraint lost to a concurrent writer is a Conflict."""
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(conflict_message) from exc


# --- as data (API and `flask directory list --json`) ----------------------------------------------


def person_data(entry: DirectoryEntry) -> dict[str, Any]:
    """A person as the API and CLI show it."""
    return {
        "id": entry.id,
        "name": entry.name,
        "email": entry.email,
        "position": entry.position,
        "groups": [group.name for group in entry.groups],
    }


def group_data(group: Group) -> dict[str, Any]:
    """A group as the API and CLI show it, with whom it reaches now."""
    return {
        "id": group.id,
        "name": group.name,
        "members_of": group.members_of_org.name if group.members_of_org else None,
        "stands_for": group.receiving_org.name if group.receiving_org else None,
        "members": [{"name": p.name, "email": p.email} for p in group_members(group)],
        "aliases": [alias.label for alias in group.aliases],
    }


def alias_data(alias: Alias) -> dict[str, Any]:
    """An alias as the API and CLI show it."""
    return {"id": alias.id, "label": alias.label, "key": alias.key, "group": alias.group.name}


def directory_data(org: Org) -> dict[str, Any]:
    """The whole directory of `org`."""
    return {
        "org": org.name,
        "people": [person_data(e) for e in people(org)],
        "groups": [group_data(g) for g in groups(org)],
        "aliases": [alias_data(a) for a in aliases(org)],
    }
