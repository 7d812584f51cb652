"""Freezing the recipients at approval: an approval refers to snapshots of the directory's groups
as of then (chibo_flow.directory_versions); the final copy goes to exactly those people, whatever
the directory becomes afterwards, and to whom the directory reached at approval, not at submit."""

import re

import pytest
from sqlalchemy import event, func, select, update

from chibo_flow import directory
from chibo_flow.models import (
    Delivery,
    DirectoryEntry,
    DomainEvent,
    EventKind,
    Group,
    GroupSnapshot,
    Membership,
)
from chibo_flow.models.delivery import FINAL_COPY
from chibo_flow.models.users import Role
from chibo_flow.notifications.dispatcher import dispatch
from chibo_flow.orgs import change_member
from chibo_flow.workflow import apply_transition

DOC = """CHƯƠNG TRÌNH
HÀNH ĐỘNG NĂM 2026

I. Mục đích yêu cầu

Nội dung.

Nơi nhận:
- Thường trực Đảng ủy xã (b/c);
- Cán bộ, đảng viên chi bộ (để thực hiện);
- Lưu CB.

TM. CHI BỘ
BÍ THƯ

Vũ Thị Xuyên
"""
STANDING, MEMBERS = "Thường trực Đảng ủy xã", "Cán bộ, đảng viên chi bộ"


@pytest.fixture
def draft(app, db, make):
    """A chi bộ whose "Nơi nhận" reaches two fixed people and its members, and its draft; the
    approval's event is left for the test to dispatch (as a worker would, later)."""
    app.config["DISPATCH_INLINE_MAX"] = 0
    org = make.org(approvals=1)
    secretary = make.user(Role.SECRETARY, org, email="bithu@chibo.test", name="Vũ Thị Xuyên")
    committee = make.user(Role.COMMITTEE, org, email="chiuy@chibo.test", name="Lê Văn Cường")
    member = make.user(Role.MEMBER, org, email="dangvien@chibo.test", name="Đỗ Thị Mai")
    admin = make.user(Role.ADMIN, org, email="quantri@chibo.test", name="Quản trị")
    standing = Group(org_id=org.id, name=STANDING)
    standing.entries = [
        DirectoryEntry(org_id=org.id, name="Phạm Văn Dũng", email="tt1@xa.test"),
        DirectoryEntry(org_id=org.id, name="Hoàng Thị Hạnh", email="tt2@xa.test"),
    ]
    db.session.add_all([standing, Group(org_id=org.id, name=MEMBERS, members_of_org_id=org.id)])
    db.session.commit()
    programme = make.programme(org, secretary, DOC)
    return org, programme, secretary, committee, member, admin, standing


@pytest.fixture
def cell(draft):
    """The same chi bộ with its draft submitted."""
    org, programme, secretary, committee, member, admin, standing = draft
    apply_transition(programme, "submit", secretary, version=programme.version)
    return org, programme, committee, member, admin, standing


AS_SUBMITTED = {
    ("tt1@xa.test", "Phạm Văn Dũng", STANDING),
    ("tt2@xa.test", "Hoàng Thị Hạnh", STANDING),
    ("bithu@chibo.test", "Vũ Thị Xuyên", MEMBERS),
    ("chiuy@chibo.test", "Lê Văn Cường", MEMBERS),
    ("dangvien@chibo.test", "Đỗ Thị Mai", MEMBERS),
}


def approve(db, programme, committee) -> int:
    """Approve `programme`; the id of its approval event (not dispatched yet)."""
    apply_transition(programme, "approve", committee, version=programme.version)
    event_id = db.session.scalar(
        select(DomainEvent.id).where(
            DomainEvent.programme_id == programme.id, DomainEvent.kind == EventKind.APPROVED
        )
    )
    assert db.session.get(DomainEvent, event_id).dispatched_at is None
    return event_id


def final_copies(db, programme) -> dict[tuple[str, str, str], int]:
    """The final copy's rows of `programme`: (address, name, line) → row id."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(Delivery).where(Delivery.programme_id == programme.id, Delivery.kind == FINAL_COPY)
    )
    return {(row.address, row.name, row.line): row.id for row in rows}


def edit_everything(db, org, member, admin, standing) -> None:
    """Change whom both groups reach in every way the directory and the org allow."""
    tt1 = db.session.scalar(select(DirectoryEntry).where(DirectoryEntry.email == "tt1@xa.test"))
    directory.save_person(org, "Phạm Văn Dũng", "dung.moi@xa.test", entry=tt1)  # new address
    newcomer = directory.save_person(org, "Trịnh Văn Hùng", "moi@xa.test")
    directory.save_group(org, STANDING, entries=[tt1, newcomer], group=standing)  # tt2 out
    change_member(admin, org, member, roles=None, active=False)  # no longer receives
    member_two = db.session.scalar(
        select(Membership).where(Membership.org_id == org.id, Membership.role == Role.COMMITTEE)
    ).user
    member_two.name = "Lê Văn Cường (đổi tên)"
    db.session.add(Membership(user=admin, org=org, role=Role.MEMBER))  # a new member
    db.session.commit()


def test_directory_edits_after_approval_change_nobody_who_receives(cell, db):
    org, programme, committee, member, admin, standing = cell
    event_id = approve(db, programme, committee)

    edit_everything(db, org, member, admin, standing)
    directory.delete(standing)  # even the group itself
    dispatch(event_id)

    rows = final_copies(db, programme)
    assert set(rows) == AS_SUBMITTED  # "Lưu CB." mailed to nobody
    # The delivery page's count per line is that of these rows.
    assert sorted(line for _, _, line in rows) == [MEMBERS] * 3 + [STANDING] * 2


def test_the_approval_freezes_the_directory_as_of_approval_not_of_submit(cell, db):
    org, programme, committee, member, admin, standing = cell
    edit_everything(db, org, member, admin, standing)  # during the review
    dispatch(approve(db, programme, committee))

    assert set(final_copies(db, programme)) == {
        ("dung.moi@xa.test", "Phạm Văn Dũng", STANDING),
        ("moi@xa.test", "Trịnh Văn Hùng", STANDING),
        ("bithu@chibo.test", "Vũ Thị Xuyên", MEMBERS),
        ("chiuy@chibo.test", "Lê Văn Cường (đổi tên)", MEMBERS),
        ("quantri@chibo.test", "Quản trị", MEMBERS),
    }


def test_an_address_in_two_groups_is_mailed_once_under_its_first_line(cell, db):
    org, programme, committee, member, admin, standing = cell
    again = directory.save_person(org, "Vũ Thị Xuyên", "BiThu@chibo.test")
    tt1 = db.session.scalar(select(DirectoryEntry).where(DirectoryEntry.email == "tt1@xa.test"))
    directory.save_group(org, STANDING, entries=[tt1, again], group=standing)
    dispatch(approve(db, programme, committee))

    rows = final_copies(db, programme)
    assert [key for key in rows if key[0] == "bithu@chibo.test"] == [
        ("bithu@chibo.test", "Vũ Thị Xuyên", STANDING)
    ]
    assert len(rows) == 4


def test_approving_writes_no_row_per_person_and_dispatching_again_no_second_row(cell, db):
    org, programme, committee, member, admin, standing = cell
    snapshots = db.session.scalar(select(func.count(GroupSnapshot.id)))
    assert snapshots == 2  # taken on submit, one per group
    event_id = approve(db, programme, committee)
    assert db.session.scalar(select(func.count(GroupSnapshot.id))) == snapshots
    event = db.session.get(DomainEvent, event_id)
    assert "people" not in event.data and len(event.data["groups"]) == 2
    assert final_copies(db, programme) == {}  # none before dispatch

    dispatch(event_id)
    first = final_copies(db, programme)
    assert set(first) == AS_SUBMITTED
    assert dispatch(event_id) == 0
    db.session.execute(
        update(DomainEvent).where(DomainEvent.id == event_id).values(dispatched_at=None)
    )
    db.session.commit()
    edit_everything(db, org, member, admin, standing)  # and the directory changed meanwhile
    dispatch(event_id)  # the relay, after a crash that lost the mark
    assert final_copies(db, programme) == first


# The statement that reads a group's people (names and addresses), on SQLite and PostgreSQL.
WHOM_A_GROUP_REACHES = re.compile(
    r'SELECT (?:DISTINCT )?"?(directory_entry|user)"?\.name, "?\1"?\.email'
)


def test_submitting_reads_whom_each_group_reaches_once(draft, db):
    org, programme, secretary, *_ = draft
    read_lists: list[str] = []

    def note(conn, cursor, statement, *args) -> None:
        if WHOM_A_GROUP_REACHES.match(statement):
            read_lists.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        apply_transition(programme, "submit", secretary, version=programme.version)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)

    # Once per group, for its snapshot: whether a line reaches anyone is asked, not read.
    assert len(read_lists) == 2
    assert db.session.scalar(select(func.count()).select_from(GroupSnapshot)) == 2
