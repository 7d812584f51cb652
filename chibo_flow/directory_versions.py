"""The directory's versions: whom a group reaches now, its `people_version`, which goes up with
every change of whom it reaches (in the transaction that makes the change), and the snapshot of
whom it reaches at a version.

Whom a group reaches is decided by its entries and their names and addresses (group_entry,
DirectoryEntry), or, for a group of an org's members, by that org's memberships and its members'
names, addresses and whether they are active (Membership, User). A session listener sees every
change of these made through the ORM, which is how the directory, the org administration, the
account pages and the CLI write them, and bumps the version of each group concerned.
`current_snapshot` keeps one GroupSnapshot per version that is asked for (whom the group reached
at that version, in one row, never changed): submitting a programme takes them, approving it
refers to them (chibo_flow.recipients.freeze_recipients), so an approval writes and reads O(1)
rows however many people it reaches, and a later edit of the directory makes new versions
without changing what an approval froze. tests/recipients/test_frozen.py edits the directory in
each of these ways before and after approval.
"""

from dataclasses import dataclass

from sqlalchemy import Select, event, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state

from chibo_flow.extensions import db
from chibo_flow.models import DirectoryEntry, Group, GroupSnapshot, Membership, User
from chibo_flow.models.recipients import group_entries
from chibo_flow.models.users import Role

# Roles that make someone one of an org's "cán bộ, đảng viên" (an admin may be IT staff).
PARTY_ROLES = (Role.SECRETARY, Role.COMMITTEE, Role.MEMBER)

# The attributes of each kind of row that decide whom a group reaches.
_DECIDING = {
    Group: ("entries", "members_of_org_id"),
    DirectoryEntry: ("name", "email", "groups"),
    Membership: ("org_id", "role", "user_id"),
    User: ("name", "email", "active", "memberships"),
}


@dataclass(frozen=True)
class Person:
    """Someone a line reaches: a display name and an email address."""

    name: str
    email: str


def group_members(group: Group) -> list[Person]:
    """The people a group reaches now: its fixed entries or the current members of an org.

    Read as (name, email) columns, not objects: a group may hold thousands of people.
    """
    query = _members_query(group)
    query = query.distinct().order_by(query.selected_columns[0])  # by name
    return [Person(name, email) for name, email in db.session.execute(query)]


def reaches_anyone(group: Group) -> bool:
    """True if `group` reaches at least one person now (one EXISTS, not the whole list)."""
    return bool(db.session.scalar(select(_members_query(group).exists())))


def _members_query(group: Group) -> Select:
    """(name, email) of whom `group` reaches now, unordered (a person may be listed twice)."""
    if group.members_of_org_id is not None:
        return (
            select(User.name, User.email)
            .join(Membership)
            .where(
                Membership.org_id == group.members_of_org_id,
                Membership.role.in_(PARTY_ROLES),
                User.active,
            )
        )
    return (
        select(DirectoryEntry.name, DirectoryEntry.email)
        .join(group_entries, group_entries.c.entry_id == DirectoryEntry.id)
        .where(group_entries.c.group_id == group.id)
    )


def current_snapshot(group: Group) -> tuple[int, int]:
    """The (id, size) of the GroupSnapshot of whom `group` reaches at its current version
    taken now if there is none yet: once per version, the only
    step that reads the group's people. The group's row is share-locked until commit, so an edit
    of it waits and makes the next version."""
    version = db.session.scalar(
        select(Group.people_version).where(Group.id == group.id).with_for_update(read=True)
    )
    found = db.session.execute(
        select(GroupSnapshot.id, GroupSnapshot.size)
        .where(GroupSnapshot.group_id == group.id, GroupSnapshot.version == version)
        .order_by(GroupSnapshot.id.desc())
        .limit(1)
    ).first()
    if found is not None:
        return found.id, found.size
    people = group_members(group)
    snapshot = GroupSnapshot(group_id=group.id, version=version, size=len(people),
                             people=[[p.name, p.email] for p in people])  # fmt: skip
    db.session.add(snapshot)
    db.session.flush()
    return snapshot.id, snapshot.size


def _changed(row: object) -> bool:
    """True if one of the attributes of `row` that decide whom a group reaches has changed."""
    attrs = instance_state(row).attrs
    return any(attrs[name].history.has_changes() for name in _DECIDING[type(row)])


def _added_or_removed(row: object, collection: str) -> list:
    """The rows added to or removed from `row`'s `collection` in this flush (none if unloaded)."""
    history = instance_state(row).attrs[collection].history
    return [*history.added, *history.deleted]


def _membership_org(membership: Membership) -> int | None:
    if membership.org_id is not None:
        return membership.org_id
    return membership.org.id if membership.org is not None else None


@event.listens_for(Session, "before_flush")
def _bump_changed_groups(session: Session, flush_context, instances) -> None:
    """Raise the people_version of every group whose people this flush changes."""
    group_ids: set = set()  # ids, and None for a group this flush inserts
    entry_ids: set[int] = set()
    member_orgs: set = set()  # ids, and None (or NO_VALUE) for an unknown or new org
    user_ids: set[int] = set()
    deleted = set(session.deleted)
    for row in (*session.new, *session.dirty, *deleted):
        kind = type(row)
        if kind not in _DECIDING or not (row in deleted or _changed(row)):
            continue
        persistent = row not in session.new
        if kind is Group and persistent and row not in deleted:
            group_ids.add(row.id)
        elif kind is DirectoryEntry:
            if persistent:
                entry_ids.add(row.id)
            group_ids.update(group.id for group in _added_or_removed(row, "groups"))
        elif kind is Membership:
            member_orgs.add(_membership_org(row))
            member_orgs.add(instance_state(row).committed_state.get("org_id"))
        elif kind is User:
            if persistent:
                user_ids.add(row.id)
            member_orgs.update(_membership_org(m) for m in _added_or_removed(row, "memberships"))
    group_ids = {i for i in group_ids if isinstance(i, int)}
    member_orgs = {i for i in member_orgs if isinstance(i, int)}
    conditions = []
    if group_ids:
        conditions.append(Group.id.in_(group_ids))
    if entry_ids:
        entry_groups = select(group_entries.c.group_id).where(
            group_entries.c.entry_id.in_(entry_ids)
        )
        conditions.append(Group.id.in_(entry_groups))
    if member_orgs:
        conditions.append(Group.members_of_org_id.in_(member_orgs))
    if user_ids:
        user_orgs = select(Membership.org_id).where(Membership.user_id.in_(user_ids))
        conditions.append(Group.members_of_org_id.in_(user_orgs))
    if conditions:
        for group in session.scalars(select(Group).where(or_(*conditions))):
            group.people_version = Group.people_version + 1
