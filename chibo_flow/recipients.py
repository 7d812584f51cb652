"""Resolve "Nơi nhận" lines to people (or to the archive), Vietnamese-aware.

The one place that decides who a line such as "Thường trực ĐU (b/c)" reaches. Lines and group
names are compared by match key: NFC, case- and diacritics-insensitive, Party abbreviations
expanded ("ĐU" → "dang uy"). The purpose ("(b/c)") has already been split off by the parser.

Matching order, first rank with a match wins: a learnt alias (exact key) → a group name (exact
key) → a group whose name contains the line's words in order ("Thường trực ĐU" → "Thường trực
Đảng ủy xã") → a line naming several groups ("A, B" / "A; B" / "A và B"), each part resolved by
the ranks before. Two or more groups at the winning rank make the line ambiguous.
"""

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from sqlalchemy import select

from chibo_flow.directory_versions import (
    Person,
    current_snapshot,
    group_members,
    reaches_anyone,
)
from chibo_flow.documents.format import strip_diacritics
from chibo_flow.extensions import db
from chibo_flow.models import Alias, Group, GroupSnapshot, Org

ARCHIVE_PURPOSE = "luu"
ARCHIVE_WORD = "luu"  # "Lưu", "Lưu VP", "Lưu. CB." file a copy; nobody is mailed

# Party abbreviations → their expansions as match keys, the usual meaning first. A word is an
# abbreviation only when written without tone marks ("ĐU", "du"), so "dự" stays a word.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "du": ("dang uy",),
    "db": ("dang bo",),
    "cb": ("chi bo", "can bo"),  # "Lưu CB" (chi bộ) / "CB, ĐV" (cán bộ, đảng viên)
    "dv": ("dang vien",),
    "cu": ("cap uy", "chi uy"),
    "tt": ("thuong truc",),
    "btv": ("ban thuong vu",),
    "bch": ("ban chap hanh",),
    "ubkt": ("uy ban kiem tra",),
    "bt": ("bi thu",),
    "pbt": ("pho bi thu",),
    "ub": ("uy ban",),
    "ubnd": ("uy ban nhan dan",),
    "hdnd": ("hoi dong nhan dan",),
    "mttq": ("mat tran to quoc",),
    "vp": ("van phong",),
    "bgh": ("ban giam hieu",),
    "cd": ("cong doan",),
    "ccb": ("cuu chien binh",),
    "dtn": ("doan thanh nien",),
}
# A line with several ambiguous abbreviations has at most this many readings.
MAX_READINGS = 16
# How a line names several groups: "A, B", "A; B", "A và B", "A + B".
SEVERAL = re.compile(r"[,;+]|\s(?:và|va)\s", re.IGNORECASE)


class LineStatus(StrEnum):
    """What a line came to."""

    ARCHIVE = "archive"  # "Lưu ...": file a copy, no email
    RESOLVED = "resolved"  # one or more groups
    AMBIGUOUS = "ambiguous"  # several groups fit equally well: the secretary picks
    UNRESOLVED = "unresolved"  # nothing fits: the secretary picks


@dataclass
class LineResolution:
    """What one "Nơi nhận" line means: the archive, some groups' people, or nothing certain."""

    label: str
    purpose: str
    status: LineStatus = LineStatus.UNRESOLVED
    groups: list[Group] = field(default_factory=list)
    candidates: list[Group] = field(default_factory=list)  # for an ambiguous line

    @classmethod
    def recorded(cls, label: str, purpose: str, people: list[Person]) -> "LineResolution":
        """A line of an approved programme, with the people recorded at approval (its Delivery
        rows) rather than whom its groups reach in today's directory."""
        if is_archive_line(label, purpose):
            return cls(label=label, purpose=purpose, status=LineStatus.ARCHIVE)
        line = cls(label=label, purpose=purpose, status=LineStatus.RESOLVED)
        line.people, line.resolved = people, bool(people)  # the cached properties, given
        return line

    @cached_property
    def people(self) -> list[Person]:
        """Everyone the line's groups reach now, once per address (read when first asked)."""
        return _people(self.groups)

    @property
    def is_archive(self) -> bool:
        return self.status == LineStatus.ARCHIVE

    @property
    def receiving_org_ids(self) -> list[int]:
        """The orgs of the system this line reaches through groups standing for them."""
        return list(dict.fromkeys(g.receiving_org_id for g in self.groups if g.receiving_org_id))

    @cached_property
    def resolved(self) -> bool:
        """Archive, or groups that reach at least one address or an org of the system (an
        empty group blocks submit). Asks whether anyone is there, without reading everyone:
        submitting reads the people once, for the groups' snapshots."""
        return (
            self.is_archive
            or bool(self.receiving_org_ids)
            or any(reaches_anyone(group) for group in self.groups)
        )


# --- match keys ---------------------------------------------------------------------------------


def _plain(word: str) -> str:
    """A word without diacritics ("đảng" → "dang")."""
    return strip_diacritics(word)


def _readings_of_word(word: str) -> tuple[str, ...]:
    """The match-key words one written word stands for (several for "CB")."""
    bare = word.replace("đ", "d")
    if bare.isascii() and bare in ABBREVIATIONS:
        return ABBREVIATIONS[bare]
    return (_plain(word),)


def match_keys(text: str) -> list[str]:
    """Every reading of `text` as a match key, the usual one first (empty list for no words)."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold())
    if not words:
        return []
    products = itertools.product(*(_readings_of_word(w) for w in words))
    return [" ".join(p) for p in itertools.islice(products, MAX_READINGS)]


def match_key(text: str) -> str:
    """The usual comparison key: NFC, case- and diacritics-insensitive, abbreviations expanded."""
    keys = match_keys(text)
    return keys[0] if keys else ""


def _contains_in_order(words: list[str], within: list[str]) -> bool:
    """True if every word of `words` appears in `within`, in the same order."""
    rest = iter(within)
    return all(word in rest for word in words)


def is_archive_line(label: str, purpose: str) -> bool:
    """A "Lưu ..." line: filed, not mailed."""
    return purpose == ARCHIVE_PURPOSE or match_key(label).split(" ", 1)[0] == ARCHIVE_WORD


# --- the directory of one org, loaded once per resolution ----------------------------------------


class DirectoryIndex:
    """An org's groups and learnt aliases with their match keys."""

    def __init__(self, org: Org) -> None:
        self.groups = list(
            db.session.scalars(select(Group).where(Group.org_id == org.id).order_by(Group.name))
        )
        self.group_keys = {group.id: match_keys(group.name) for group in self.groups}
        self.aliases: dict[str, Group] = {
            alias.key: alias.group
            for alias in db.session.scalars(select(Alias).where(Alias.org_id == org.id))
        }

    def by_alias(self, keys: list[str]) -> list[Group]:
        """Groups a learnt alias with one of `keys` points at."""
        return _unique(self.aliases[key] for key in keys if key in self.aliases)

    def by_name(self, keys: list[str]) -> list[Group]:
        """Groups whose name has one of `keys` as its key."""
        return [g for g in self.groups if set(keys) & set(self.group_keys[g.id])]

    def by_words(self, keys: list[str]) -> list[Group]:
        """Groups whose name contains all the words of one of `keys`, in order."""
        return [
            g
            for g in self.groups
            if any(
                _contains_in_order(key.split(), group_key.split())
                for key in keys
                for group_key in self.group_keys[g.id]
            )
        ]

    def match_whole(self, label: str) -> list[Group]:
        """The groups of the first rank (alias, name, words) that matches `label` as a whole."""
        keys = match_keys(label)
        if not keys:
            return []
        for rank in (self.by_alias, self.by_name, self.by_words):
            found = rank(keys)
            if found:
                return found
        return []


def _unique(groups: Iterable[Group]) -> list[Group]:
    return list({group.id: group for group in groups}.values())


def _people(groups: list[Group]) -> list[Person]:
    """Everyone the groups reach, once per address, in group order."""
    people: dict[str, Person] = {}
    for group in groups:
        for person in group_members(group):
            people.setdefault(person.email.strip().lower(), person)
    return list(people.values())


def _resolve(directory: DirectoryIndex, label: str, purpose: str) -> LineResolution:
    result = LineResolution(label=label, purpose=purpose)
    if is_archive_line(label, purpose):
        result.status = LineStatus.ARCHIVE
        return result
    found = directory.match_whole(label)
    parts = [p for p in SEVERAL.split(label) if match_key(p)]
    if len(found) == 1:
        return _reaching(result, found)
    if found:
        result.status, result.candidates = LineStatus.AMBIGUOUS, found
    elif len(parts) > 1:
        per_part = [directory.match_whole(part) for part in parts]
        if all(len(groups) == 1 for groups in per_part):
            return _reaching(result, _unique(groups[0] for groups in per_part))
        if all(per_part):
            result.status = LineStatus.AMBIGUOUS
        result.candidates = _unique(g for groups in per_part if len(groups) > 1 for g in groups)
    return result


def _reaching(result: LineResolution, groups: list[Group]) -> LineResolution:
    result.status, result.groups = LineStatus.RESOLVED, groups
    return result


def resolve_line(org: Org, label: str, purpose: str) -> LineResolution:
    """Resolve one line; archive lines ("Lưu ...") reach nobody by email."""
    return _resolve(DirectoryIndex(org), label, purpose)


def resolve_recipients(org: Org, recipients: list[dict]) -> list[LineResolution]:
    """Resolve every "Nơi nhận" line of a ProgrammeDoc, in order."""
    directory = DirectoryIndex(org)
    return [_resolve(directory, r["label"], r["purpose"]) for r in recipients]


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


# --- freezing: whom an approval reaches, as of approval -----------------------------------------


def take_snapshots(lines: list[LineResolution]) -> None:
    """Make sure the groups `lines` reach have a snapshot of their current version (on submit,
    so that approving, unless the directory changed meanwhile, only refers to them)."""
    for line in lines:
        for group in line.groups:
            current_snapshot(group)


@dataclass(frozen=True)
class FrozenRecipients:
    """Who a programme's final copy goes to, as of one moment, in a few values whatever the
    number of people: its non-archive lines, the snapshot of each group they reach (in line
    order, each once) and each other org of the system reached, once (its incoming register,
    liên thông). `frozen_people` expands it."""

    lines: list[tuple[str, str]]  # (label, purpose)
    groups: list[tuple[int, int]]  # (GroupSnapshot id, index into lines)
    orgs: list[tuple[int, int]]  # (receiving org id, index into lines)
    size: int  # the people of the snapshots (an address in two groups counts twice)


def freeze_recipients(org: Org, recipients: list[dict]) -> FrozenRecipients:
    """Resolve the "Nơi nhận" lines now and fix the result by referring to the snapshots of the
    groups as they are now: later directory changes do not alter it. An org reached by several
    lines counts once; the sending org is never its own recipient."""
    lines: list[tuple[str, str]] = []
    groups: list[tuple[int, int]] = []
    orgs: list[tuple[int, int]] = []
    size = 0
    seen: set[int] = set()
    seen_orgs = {org.id}
    for line in resolve_recipients(org, recipients):
        if line.is_archive:
            continue
        index = len(lines)
        lines.append((line.label, line.purpose))
        for group in line.groups:
            snapshot_id, people = current_snapshot(group)
            if snapshot_id not in seen:
                seen.add(snapshot_id)
                groups.append((snapshot_id, index))
                size += people
        for org_id in line.receiving_org_ids:
            if org_id not in seen_orgs:
                seen_orgs.add(org_id)
                orgs.append((org_id, index))
    return FrozenRecipients(lines, groups, orgs, size)


def frozen_people(frozen: dict[str, Any]) -> list[tuple[str, str, int]]:
    """The people an approval's frozen recipients (FrozenRecipients as stored in its event)
    reach: (address, name, index into lines), each address once, lower-cased, under the first
    line that reaches it."""
    if "people" in frozen:  # recorded before group snapshots: the people themselves
        return [tuple(person) for person in frozen["people"]]
    ids = [snapshot_id for snapshot_id, _ in frozen["groups"]]
    snapshots = dict(
        db.session.execute(
            select(GroupSnapshot.id, GroupSnapshot.people).where(GroupSnapshot.id.in_(ids))
        ).all()
    )
    people: list[tuple[str, str, int]] = []
    seen: set[str] = set()
    for snapshot_id, index in frozen["groups"]:
        for name, email in snapshots[snapshot_id]:
            address = email.strip().lower()
            if address not in seen:
                seen.add(address)
                people.append((address, name, index))
    return people
