"""Liên thông: an approved document whose "Nơi nhận" reaches an org of the system is entered in
that org's incoming register, numbered per org and year, exactly once; its secretary and
committee open it read-only and confirm receipt for the org."""

import threading
from functools import partial

import pytest
from sqlalchemy import select

from chibo_flow.models import DomainEvent, EventKind, Group, IncomingEntry
from chibo_flow.notifications.dispatcher import dispatch
from chibo_flow.timefmt import local_date
from chibo_flow.workflow import apply_transition
from tests.web.support import page_text
from tests.workflow.support import race


def register(db, org) -> list[IncomingEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(IncomingEntry)
            .where(IncomingEntry.org_id == org.id)
            .order_by(IncomingEntry.incoming_number)
        )
    )


def test_approval_enters_the_parent_register_with_its_own_numbers(lien, approved, db):
    first = approved(0, "HÀNH ĐỘNG NĂM 2026")
    second = approved(1, "HÀNH ĐỘNG NĂM 2026")
    third = approved(0, "KIỂM TRA, GIÁM SÁT NĂM 2026")

    entries = register(db, lien.parent)
    assert [(e.incoming_number, e.programme_id, e.from_org_id) for e in entries] == [
        (1, first.id, lien.cells[0].id),
        (2, second.id, lien.cells[1].id),
        (3, third.id, lien.cells[0].id),
    ]
    assert {(e.line, e.purpose) for e in entries} == {("Thường trực ĐU", "bao_cao")}
    year = local_date(entries[0].received_at).year
    assert {e.year for e in entries} == {year}
    assert all(e.confirmed_at is None for e in entries)
    # The senders keep no incoming entries of their own documents; nobody else got one.
    assert db.session.scalars(select(IncomingEntry.org_id).distinct()).all() == [lien.parent.id]


def test_dispatching_again_enters_nothing_twice(lien, approved, db):
    programme = approved(0, "HÀNH ĐỘNG NĂM 2026")
    event = db.session.scalar(
        select(DomainEvent).where(
            DomainEvent.programme_id == programme.id, DomainEvent.kind == EventKind.APPROVED
        )
    )
    event.dispatched_at = None  # as if the relay found it undispatched
    db.session.commit()
    dispatch(event.id)
    dispatch(event.id)
    assert [e.incoming_number for e in register(db, lien.parent)] == [1]


def test_a_line_to_a_group_that_stands_for_no_org_enters_no_register(lien, db, make):
    other = lien.unrelated
    voter = make.user("committee", other)
    programme = make.programme(
        other,
        lien.people["unrelated"],
        """CHƯƠNG TRÌNH
HÀNH ĐỘNG

I. Mục đích

Nội dung.

Nơi nhận:
- Lưu CB.

TM. CHI BỘ
BÍ THƯ

Lý Văn Khoa
""",
    )
    apply_transition(programme, "submit", lien.people["unrelated"], version=programme.version)
    apply_transition(programme, "approve", voter, version=programme.version)
    assert programme.state == "approved"
    assert db.session.scalars(select(IncomingEntry)).all() == []


@pytest.mark.parametrize("key", ["vanphong", "thuongtruc"])
def test_the_receiving_secretary_and_committee_open_it_read_only(lien, approved, login_as,
                                                                  client, key):  # fmt: skip
    programme = approved(0, "HÀNH ĐỘNG NĂM 2026")
    login_as(lien.people[key])
    page = client.get(f"/programmes/{programme.id}", follow_redirects=True)
    assert page.status_code == 200 and page.request.path == f"/van-ban-den/{programme.id}"
    text = page_text(page)
    assert "HÀNH ĐỘNG NĂM 2026" in text and "Số 01-CTr/CB" in text
    assert "số đến 1/" in text and f"Xác nhận {lien.parent.name} đã nhận" in text
    # Nothing of the sending org's review: no actions, opinions, history or deliveries.
    body = page.get_data(as_text=True)
    assert "/transition" not in body and "Lịch sử" not in text and "Tán thành" not in text
    pdf = client.get(f"/programmes/{programme.id}/ban-in.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/programmes/{programme.id}/ban-in.docx").status_code == 200
    # The review pages, the timeline and the history stay the sending org's.
    for path in ("review", "timeline", "history.csv", "deliveries"):
        assert client.get(f"/programmes/{programme.id}/{path}").status_code == 404, path


@pytest.mark.parametrize("key", ["parent_member", "unrelated", "secretary1"])
def test_others_still_get_404(lien, approved, login_as, client, key):
    programme = approved(0, "HÀNH ĐỘNG NĂM 2026")
    login_as(lien.people[key])
    assert client.get(f"/programmes/{programme.id}").status_code == 404
    assert client.get(f"/programmes/{programme.id}/ban-in.pdf").status_code == 404


def test_nothing_else_of_the_sending_org_is_visible(lien, approved, login_as, client, make):
    approved(0, "HÀNH ĐỘNG NĂM 2026")
    draft = make.programme(
        lien.cells[0],
        lien.people["secretary0"],
        """CHƯƠNG TRÌNH
DỰ THẢO KHÁC

I. Mục đích

Nội dung.

Nơi nhận:
- Thường trực ĐU (b/c);
- Lưu CB.

TM. CHI BỘ
BÍ THƯ

Vũ Thị Xuyên
""",
    )
    login_as(lien.people["vanphong"])
    assert client.get(f"/programmes/{draft.id}").status_code == 404


def test_confirming_receipt_for_the_org(lien, approved, db, login_as, client):
    programme = approved(0, "HÀNH ĐỘNG NĂM 2026")
    (entry,) = register(db, lien.parent)
    login_as(lien.people["thuongtruc"])
    page = client.get(f"/programmes/{programme.id}", follow_redirects=True)
    assert f"Xác nhận {lien.parent.name} đã nhận" in page_text(page)
    done = client.post(f"/so-van-ban/den/{entry.id}/xac-nhan", follow_redirects=True)
    assert done.status_code == 200
    assert "Đã xác nhận Đảng bộ xã Tiên Cường đã nhận văn bản 01-CTr/CB." in page_text(done)
    (entry,) = register(db, lien.parent)
    assert entry.confirmed_by_id == lien.people["thuongtruc"].id
    confirmed_at = entry.confirmed_at
    assert confirmed_at is not None
    # A second press changes nothing; the page says it was confirmed already.
    again = client.post(f"/so-van-ban/den/{entry.id}/xac-nhan", follow_redirects=True)
    assert "đã được xác nhận đã nhận trước đó" in page_text(again)
    assert register(db, lien.parent)[0].confirmed_at == confirmed_at


@pytest.mark.parametrize("key", ["parent_member", "secretary0", "unrelated"])
def test_only_the_receiving_secretary_and_committee_confirm(lien, approved, db, login_as, client,
                                                            key):  # fmt: skip
    approved(0, "HÀNH ĐỘNG NĂM 2026")
    (entry,) = register(db, lien.parent)
    login_as(lien.people[key])
    assert client.post(f"/so-van-ban/den/{entry.id}/xac-nhan").status_code == 404
    assert register(db, lien.parent)[0].confirmed_at is None


# SQLite serialises writers, so only PostgreSQL can race two approvals for real.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_racing_approvals_get_consecutive_incoming_numbers(app, lien, db, make):
    """Two chi bộ approved at the same moment: both entries are written, numbered 1 and 2."""
    ids = []
    for cell in (0, 1):
        programme = lien.approve(cell, f"HÀNH ĐỘNG {cell}")
        ids.append(programme.id)
    # Forget what the approvals entered and dispatch both events again, at the same moment.
    events = db.session.scalars(
        select(DomainEvent).where(DomainEvent.kind == EventKind.APPROVED).order_by(DomainEvent.id)
    ).all()
    for entry in register(db, lien.parent):
        db.session.delete(entry)
    for event in events:
        event.dispatched_at = None
    db.session.commit()
    both_numbered = threading.Barrier(2, timeout=10)

    def hold_until_both_numbered(session, flush_context, instances) -> None:
        numbered = any(isinstance(o, IncomingEntry) for o in session.new)
        if numbered and not session.info.get("raced"):
            session.info["raced"] = True
            both_numbered.wait()

    errors = race(app, hold_until_both_numbered, *(partial(dispatch, e.id) for e in events))

    assert errors == []
    entries = register(db, lien.parent)
    assert sorted(e.incoming_number for e in entries) == [1, 2]
    assert sorted(e.programme_id for e in entries) == sorted(ids)


def test_the_admin_says_which_org_a_group_stands_for(lien, db, make, login_as, client):
    cell = lien.cells[0]
    login_as(make.user("admin", cell))
    group = db.session.scalar(
        select(Group).where(Group.org_id == cell.id, Group.name == "Thường trực Đảng ủy xã")
    )
    form = page_text(client.get(f"/admin/directory/{cell.id}/groups/{group.id}"))
    assert "Nhóm này là tổ chức trong hệ thống" in form
    assert f"{lien.parent.name}: vào sổ văn bản đến của tổ chức này" in form
    assert lien.unrelated.name not in form  # only the orgs above it or directly under it

    people = [str(entry.id) for entry in group.entries]
    client.post(f"/admin/directory/{cell.id}/groups/{group.id}",
                data={"name": group.name, "members_of": "0", "stands_for": "0",
                      "people": people})  # fmt: skip
    db.session.expire_all()
    assert group.receiving_org_id is None
    lien.approve(0, "HÀNH ĐỘNG NĂM 2026")
    assert register(db, lien.parent) == []  # emailed only

    unrelated = {"name": group.name, "members_of": "0", "stands_for": str(lien.unrelated.id),
                 "people": people}  # fmt: skip
    refused = client.post(f"/admin/directory/{cell.id}/groups/{group.id}", data=unrelated)
    assert refused.status_code == 422
    client.post(f"/admin/directory/{cell.id}/groups/{group.id}",
                data={"name": group.name, "members_of": "0", "stands_for": str(lien.parent.id),
                      "people": people})  # fmt: skip
    db.session.expire_all()
    assert group.receiving_org_id == lien.parent.id
    lien.approve(0, "KIỂM TRA NĂM 2026")
    assert [e.incoming_number for e in register(db, lien.parent)] == [1]
