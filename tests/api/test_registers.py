"""API of the registers and the overview (DESIGN §4b): /registers/outgoing|incoming?org=&year=
as JSON, CSV or XLSX, confirming receipt for an org, /orgs/<id>/overview; open to the
secretary, committee and admin of that org, 404 for anyone else."""

import csv
import io

import openpyxl
import pytest
from sqlalchemy import select

from chibo_flow.models import Delivery, IncomingEntry
from chibo_flow.models._types import utcnow
from chibo_flow.timefmt import local_date
from chibo_flow.workflow import apply_transition
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import api_token
from tests.registers.support import DOC, build_lien


@pytest.fixture
def lien(make, db):
    return build_lien(make, db)


@pytest.fixture
def as_(client, lien):
    """ApiClient acting as one of the people of `lien`."""
    return lambda key: ApiClient(client, api_token(lien.people[key]))


def test_outgoing_register_items(lien, as_):
    first = lien.approve(0, "HÀNH ĐỘNG NĂM 2026")
    lien.approve(0, "KIỂM TRA NĂM 2026")
    year = local_date(first.approved_at).year
    response = as_("committee0").get(f"/registers/outgoing?org={lien.cells[0].id}&year={year}")
    assert response.status_code == 200, response.get_json()
    items = response.get_json()["items"]
    assert [item["number"] for item in items] == ["01-CTr/CB", "02-CTr/CB"]
    assert items[0] == {
        "number": "01-CTr/CB",
        "date": local_date(first.approved_at).isoformat(),
        "doc_type": "CHƯƠNG TRÌNH",
        "title": "HÀNH ĐỘNG NĂM 2026",
        "signer": "Vũ Thị Xuyên",
        "recipients": ["Thường trực ĐU (b/c)", "Chi ủy (để biết)", "Lưu CB"],
        "sent": 1,  # the Đảng bộ's register (the emails are still pending)
        "confirmed": 0,
        "programme_id": first.id,
    }
    empty = as_("committee0").get(f"/registers/outgoing?org={lien.cells[0].id}&year={year - 1}")
    assert empty.get_json() == {"items": []}


def test_incoming_register_and_confirming_for_the_org(lien, as_, db):
    first = lien.approve(0, "HÀNH ĐỘNG NĂM 2026")
    second = lien.approve(1, "HÀNH ĐỘNG THÔN ĐÔNG")
    response = as_("vanphong").get(f"/registers/incoming?org={lien.parent.id}")
    items = response.get_json()["items"]
    numbered = [(i["incoming_number"], i["programme_id"]) for i in items]
    assert numbered == [(1, first.id), (2, second.id)]
    item = items[0]
    assert (item["from_org"], item["from_org_id"]) == (lien.cells[0].name, lien.cells[0].id)
    assert (item["number"], item["title"], item["line"]) == ("01-CTr/CB", "HÀNH ĐỘNG NĂM 2026",
                                                             "Thường trực ĐU")  # fmt: skip
    assert item["received_at"].endswith("+00:00") and item["confirmed_at"] is None

    # Only the receiving org's secretary and committee confirm; the first confirmation stands.
    assert_error(as_("secretary0").post(f"/registers/incoming/{item['id']}/confirm"), 404,
                 "not_found")  # fmt: skip
    assert_error(as_("parent_member").post(f"/registers/incoming/{item['id']}/confirm"), 404,
                 "not_found")  # fmt: skip
    confirmed = as_("thuongtruc").post(f"/registers/incoming/{item['id']}/confirm")
    assert confirmed.status_code == 200
    assert confirmed.get_json()["confirmed_at"] is not None
    again = as_("vanphong").post(f"/registers/incoming/{item['id']}/confirm").get_json()
    assert again["confirmed_at"] == confirmed.get_json()["confirmed_at"]
    entry = db.session.get(IncomingEntry, item["id"])
    db.session.refresh(entry)
    assert entry.confirmed_by_id == lien.people["thuongtruc"].id

    outgoing = as_("secretary0").get(f"/registers/outgoing?org={lien.cells[0].id}").get_json()
    assert outgoing["items"][0]["confirmed"] == 1


def test_a_recipient_org_reads_the_programme_and_its_files(lien, as_):
    programme = lien.approve(0, "HÀNH ĐỘNG NĂM 2026")
    reader = as_("thuongtruc")
    response = reader.get(f"/programmes/{programme.id}")
    assert response.status_code == 200
    assert response.get_json()["allowed_actions"] == []
    pdf = reader.get(f"/programmes/{programme.id}/final.pdf")
    assert pdf.status_code in (200, 404)  # 404 not_rendered until the worker renders it
    if pdf.status_code == 404:
        assert_error(pdf, 404, "not_rendered")
    # Its history and deliveries stay the sending org's.
    assert_error(reader.get(f"/programmes/{programme.id}/history"), 404, "not_found")
    assert_error(reader.get(f"/programmes/{programme.id}/deliveries"), 404, "not_found")
    assert_error(as_("parent_member").get(f"/programmes/{programme.id}"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", "", {"version": 1, "secrecy": "mat"}),
        ("post", "/transitions", {"action": "withdraw", "version": 1}),
    ],
    ids=["edit", "transition"],
)
def test_a_recipient_org_that_reads_the_programme_may_not_change_it(
    lien, as_, db, method, path, body
):
    """What the reader can GET is found: a change is refused as not allowed (403), not as a
    programme that does not exist (404)."""
    programme = lien.approve(0, "HÀNH ĐỘNG NĂM 2026")
    version = programme.version
    reader = as_("thuongtruc")
    assert reader.get(f"/programmes/{programme.id}").status_code == 200

    response = getattr(reader, method)(
        f"/programmes/{programme.id}{path}", json={**body, "version": version}
    )

    assert_error(response, 403, "forbidden")
    db.session.refresh(programme)
    assert (programme.state, programme.version, programme.secrecy) == (
        "approved", version, "thuong",
    )  # fmt: skip


def test_downloads(lien, as_):
    lien.approve(0, "=cmd|' /C calc'!A0")
    api = as_("secretary0")
    org = lien.cells[0].id
    response = api.get(f"/registers/outgoing?org={org}&format=csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][1:2] == ["01-CTr/CB"] and rows[1][4] == "'=cmd|' /C calc'!A0"
    response = api.get(f"/registers/outgoing?org={org}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet["B2"].value == "01-CTr/CB"
    assert (sheet["E2"].value, sheet["E2"].data_type) == ("=cmd|' /C calc'!A0", "s")
    incoming = as_("vanphong").get(f"/registers/incoming?org={lien.parent.id}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(incoming.data)).active
    assert (sheet["A2"].value, sheet["D2"].value) == (1, "01-CTr/CB")


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("", 422, "invalid"),
        ("?org=abc", 422, "invalid"),
        ("?org={cell}&year=20266", 422, "invalid"),
        ("?org={cell}&format=pdf", 422, "invalid"),
        ("?org={cell}&term=2010-01-01", 422, "invalid"),
        ("?org=999999", 404, "not_found"),
        ("?org={unrelated}", 404, "not_found"),
    ],
)
def test_bad_requests_answer_json_errors(lien, as_, query, status, code):
    path = query.format(cell=lien.cells[0].id, unrelated=lien.unrelated.id)
    for kind in ("outgoing", "incoming"):
        error = assert_error(as_("secretary0").get(f"/registers/{kind}{path}"), status, code)
        assert error["message"]


@pytest.mark.parametrize(("key", "status"), [("secretary0", 200), ("committee0", 200),
                                             ("vanphong", 404), ("unrelated", 404)])  # fmt: skip
def test_who_reads_the_registers(lien, as_, key, status):
    response = as_(key).get(f"/registers/outgoing?org={lien.cells[0].id}")
    assert response.status_code == status


def test_overview_of_the_superior_committee(lien, as_, make, db):
    approved = lien.approve(0, "HÀNH ĐỘNG NĂM 2026")
    make.programme(
        lien.cells[1],
        lien.people["secretary1"],
        """CHƯƠNG TRÌNH
HÀNH ĐỘNG THÔN ĐÔNG

I. Mục đích

Nội dung.

Nơi nhận:
- Lưu CB.

TM. CHI BỘ
BÍ THƯ

Vũ Thị Xuyên
""",
    )
    quiet = make.org("Chi bộ Thôn Nam", code="CB", parent=lien.parent)
    year = local_date(approved.approved_at).year
    response = as_("thuongtruc").get(
        f"/orgs/{lien.parent.id}/overview?doc_type=chương trình&year={year}"
    )
    assert response.status_code == 200, response.get_json()
    items = {item["org_id"]: item for item in response.get_json()["items"]}
    assert set(items) == {lien.cells[0].id, lien.cells[1].id, quiet.id}  # directly under it
    assert items[lien.cells[0].id] == {
        "org": lien.cells[0].name,
        "org_id": lien.cells[0].id,
        "state": "approved",
        "programme_id": approved.id,
        "number": "01-CTr/CB",
        "date": local_date(approved.approved_at).isoformat(),
    }
    draft = items[lien.cells[1].id]
    assert (draft["state"], draft["number"]) == ("draft", None)
    assert draft["programme_id"] is not None and draft["date"].startswith(str(year))
    assert items[quiet.id] == {
        "org": quiet.name,
        "org_id": quiet.id,
        "state": "none",
        "programme_id": None,
        "number": None,
        "date": None,
    }
    last_year = as_("thuongtruc").get(f"/orgs/{lien.parent.id}/overview?year={year - 1}")
    assert {item["state"] for item in last_year.get_json()["items"]} == {"none"}
    assert_error(as_("secretary0").get(f"/orgs/{lien.parent.id}/overview?year={year}"), 404,
                 "not_found")  # fmt: skip
    # Without a year, this year's (local time), as the overview page shows it (DESIGN §4b).
    this_year = as_("thuongtruc").get(f"/orgs/{lien.parent.id}/overview")
    assert this_year.status_code == 200, this_year.get_json()
    assert year == local_date(utcnow()).year
    assert this_year.get_json() == response.get_json()
    assert_error(as_("thuongtruc").get(f"/orgs/{lien.parent.id}/overview?year=hai"), 422,
                 "invalid")  # fmt: skip
    assert db.session.scalar(select(IncomingEntry.id)) is not None


def test_a_group_standing_for_an_org_without_addresses_still_delivers_through_the_register(
    lien, as_, make, db
):
    """An admin maps a line to the Đảng bộ itself: no email, but the register entry."""
    cell = lien.cells[0]
    lien.people["admin0"] = make.user("admin", cell)
    admin = as_("admin0")
    group = {"org": cell.name, "name": "Văn phòng Đảng ủy xã", "stands_for": lien.parent.name}
    created = admin.post("/directory/groups", json=group)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["stands_for"] == lien.parent.name
    group = {"org": cell.name, "name": "Chi bộ bên cạnh", "stands_for": lien.unrelated.name}
    refused = admin.post("/directory/groups", json=group)
    error = assert_error(refused, 422, "invalid")
    assert "tổ chức cấp trên hoặc tổ chức trực thuộc" in error["message"]

    secretary, voter = lien.people["secretary0"], lien.people["committee0"]
    text = DOC.format(org=cell.name.upper(), title="BÁO CÁO", signer=secretary.name)
    text = text.replace("- Thường trực ĐU (b/c);", "- Văn phòng Đảng ủy xã (b/c);")
    programme = make.programme(cell, secretary, text)
    apply_transition(programme, "submit", secretary, version=programme.version)
    apply_transition(programme, "approve", voter, version=programme.version)
    entry = db.session.scalar(
        select(IncomingEntry).where(IncomingEntry.programme_id == programme.id)
    )
    assert (entry.org_id, entry.line, entry.purpose) == (lien.parent.id, "Văn phòng Đảng ủy xã",
                                                         "bao_cao")  # fmt: skip
    mailed = db.session.scalars(select(Delivery.line).where(
        Delivery.programme_id == programme.id, Delivery.kind == "final_copy")).all()  # fmt: skip
    assert set(mailed) == {"Chi ủy"}
