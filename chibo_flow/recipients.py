"""Resolve "Nơi nhận" lines to people (or to the archive), Vietnamese-aware.

The one place that decides who a line such as "Thường trực ĐU (b/c)" reaches.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select

from chibo_flow.extensions import db
from chibo_flow.models import Alias, Group, Org
from chibo_flow.models.users import Membership, Role, User

ARCHIVE_PURPOSE = "luu"
# Roles that make someone one of an org's "cán bộ, đảng viên" (an admin may be IT staff).
PARTY_ROLES = (Role.SECRETARY, Role.COMMITTEE, Role.MEMBER)

# Party abbreviations, written as match keys (lower case, no diacritics).
ABBREVIATIONS: dict[str, str] = {
    "du": "dang uy",
    "cb": "chi bo",
    "dv": "dang vien",
    "tt": "thuong truc",
    "btv": "ban thuong vu",
    "ubkt": "uy ban kiem tra",
    "cu": "chi uy",
    "bch": "ban chap hanh",
}


@dataclass(frozen=True)
class Person:
    """Someone a line reaches: a display name and an email address."""

    name: str
    email: str


@dataclass
class LineResolution:
    """What one "Nơi nhận" line means: the archive, some groups' people, or nothing known."""

    label: str
    purpose: str
    groups: list[Group] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)

    @property
    def is_archive(self) -> bool:
        return self.purpose == ARCHIVE_PURPOSE

    @property
    def resolved(self) -> bool:
        return self.is_archive or bool(self.people)


def match_key(text: str) -> str:
    """A comparison key: NFC, case- and diacritics-insensitive, abbreviations expanded."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(ABBREVIATIONS.get(word, word) for word in words)


def group_members(group: Group) -> list[Person]:
    """The people a group reaches now: its fixed entries or the current members of an org."""
    if group.members_of_org_id is not None:
        users = db.session.scalars(
            select(User)
            .join(Membership)
            .where(
                Membership.org_id == group.members_of_org_id,
                Membership.role.in_(PARTY_ROLES),
                User.active,
            )
            .distinct()
            .order_by(User.name)
        )
        return [Person(u.name, u.email) for u in users]
    return [Person(e.name, e.email) for e in group.entries]


def find_groups(org: Org, label: str) -> list[Group]:
    """Groups of `org` whose name or learnt alias matches `label` as a whole, else part by part."""
    key = match_key(label)
    if not key:
        return []
    by_key: dict[str, Group] = {}
    for group in db.session.scalars(select(Group).where(Group.org_id == org.id)):
        by_key[match_key(group.name)] = group
    for alias in db.session.scalars(select(Alias).where(Alias.org_id == org.id)):
        by_key[alias.key] = alias.group
    if key in by_key:
        return [by_key[key]]
    parts = [match_key(p) for p in re.split(r",|;| và ", label) if p.strip()]
    if len(parts) > 1 and all(p in by_key for p in parts):
        return list(dict.fromkeys(by_key[p] for p in parts))
    return []


def resolve_line(org: Org, label: str, purpose: str) -> LineResolution:
    """Resolve one line; archive lines ("Lưu ...") reach nobody by email."""
    result = LineResolution(label=label, purpose=purpose)
    if result.is_archive:
        return result
    result.groups = find_groups(org, label)
    people: dict[str, Person] = {}
    for group in result.groups:
        for person in group_members(group):
            people.setdefault(person.email.lower(), person)
    result.people = list(people.values())
    return result


def resolve_recipients(org: Org, recipients: list[dict]) -> list[LineResolution]:
    """Resolve every "Nơi nhận" line of a ProgrammeDoc, in order."""
    return [resolve_line(org, r["label"], r["purpose"]) for r in recipients]


def learn_alias(org: Org, label: str, group: Group) -> Alias:
    """Remember that `org` writes `group` as `label` (used for the next programme too)."""
    key = match_key(label)
    alias = db.session.scalar(select(Alias).where(Alias.org_id == org.id, Alias.key == key))
    if alias is None:
        alias = Alias(org_id=org.id, key=key, label=label, group=group)
        db.session.add(alias)
    else:
        alias.group = group
    return alias
