"""Sổ văn bản đi / đến per org: in order, filtered by year and term, as pages at phone width,
CSV and XLSX files read back cell by cell, and a print view."""

import csv
import io
from datetime import date, datetime, time

import openpyxl
import pytest
from sqlalchemy import select

from chibo_flow.models import Delivery, IncomingEntry
from chibo_flow.models.delivery import FINAL_COPY, DeliveryStatus
from chibo_flow.timefmt import local_date, local_time, to_local
from tests.web.support import page_text

OUTGOING_HEADER = ["Số TT", "Số, ký hiệu", "Ngày", "Loại văn bản", "Trích yếu", "Người ký",
                   "Nơi nhận", "Số bản đã gửi", "Số nơi đã xác nhận"]  # fmt: skip
INCOMING_HEADER = ["Số đến", "Ngày giờ đến", "Nơi gửi", "Số, ký hiệu", "Ngày văn bản",
                   "Loại văn bản", "Trích yếu", "Gửi tới (dòng Nơi nhận)",
                   "Xác nhận đã nhận"]  # fmt: skip
RECIPIENTS = "Thường trực ĐU (b/c); Chi ủy (để biết); Lưu CB"


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def issued(lien, approved, db):
    """Three documents of cell 0 (one mailed and confirmed) and one of cell 1, all approved."""
    titles = [(0, "HÀNH ĐỘNG NĂM 2026"), (1, "HÀNH ĐỘNG THÔN ĐÔNG"),
              (0, '=HYPERLINK("http://x")'), (0, "KIỂM TRA NĂM 2026")]  # fmt: skip
    programmes = [approved(cell, title) for cell, title in titles]
    first = programmes[0]
    db.session.execute(
        Delivery.__table__.update()
        .where(Delivery.programme_id == first.id, Delivery.kind == FINAL_COPY)
        .values(status=DeliveryStatus.SENT)
    )
    entry = db.session.scalar(select(IncomingEntry).where(IncomingEntry.programme_id == first.id))
    entry.confirmed_at, entry.confirmed_by_id = entry.received_at, lien.people["thuongtruc"].id
    db.session.commit()
    return programmes


def test_outgoing_register_lists_every_approved_document_in_order(lien, issued, login_as,
                                                                   client):  # fmt: skip
    login_as(lien.people["secretary0"])
    cell = lien.cells[0].id
    page = client.get(f"/so-van-ban/{cell}/di")
    assert page.status_code == 200
    text = page_text(page)
    assert text.index("01-CTr/CB") < text.index("02-CTr/CB") < text.index("03-CTr/CB")
    assert "HÀNH ĐỘNG THÔN ĐÔNG" not in text  # the other chi bộ's
    assert "Thường trực ĐU (b/c)" in text and "Vũ Thị Xuyên" in text

    rows = read_csv(client.get(f"/so-van-ban/{cell}/di.csv"))
    today = local_date(issued[0].approved_at).strftime("%d/%m/%Y")
    assert rows == [
        OUTGOING_HEADER,
        # 2 emails sent (Thường trực, Chi ủy) + the Đảng bộ's register; the Đảng bộ confirmed.
        ["1", "01-CTr/CB", today, "CHƯƠNG TRÌNH", "HÀNH ĐỘNG NĂM 2026", "Vũ Thị Xuyên",
         RECIPIENTS, "3", "1"],
        # A title that looks like a formula stays text.
        ["2", "02-CTr/CB", today, "CHƯƠNG TRÌNH", "'=HYPERLINK(\"http://x\")", "Vũ Thị Xuyên",
         RECIPIENTS, "1", "0"],
        ["3", "03-CTr/CB", today, "CHƯƠNG TRÌNH", "KIỂM TRA NĂM 2026", "Vũ Thị Xuyên",
         RECIPIENTS, "1", "0"],
    ]  # fmt: skip

    download = client.get(f"/so-van-ban/{cell}/di.xlsx")
    assert download.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "So-van-ban-di-CB-" in download.headers["Content-Disposition"]
    sheet = read_xlsx(download)
    workbook = openpyxl.load_workbook(io.BytesIO(download.data))
    day = local_date(issued[0].approved_at)
    assert sheet[0] == OUTGOING_HEADER
    # Spreadsheets keep dates as date-times at midnight, shown as DD/MM/YYYY.
    assert sheet[1] == [1, "01-CTr/CB", datetime.combine(day, time()), "CHƯƠNG TRÌNH",
                        "HÀNH ĐỘNG NĂM 2026", "Vũ Thị Xuyên", RECIPIENTS, 3, 1]  # fmt: skip
    assert workbook.active["C2"].number_format == "DD/MM/YYYY"
    assert [row[1] for row in sheet[1:]] == ["01-CTr/CB", "02-CTr/CB", "03-CTr/CB"]
    assert sheet[2][4] == '=HYPERLINK("http://x")'  # a text cell, not a formula
    assert workbook.active["E3"].data_type == "s"


def test_incoming_register_of_the_parent(lien, issued, login_as, client, db):
    login_as(lien.people["vanphong"])
    parent = lien.parent.id
    page = page_text(client.get(f"/so-van-ban/{parent}/den"))
    assert page.index("Chi bộ Trường Mầm non") < page.index("Chi bộ Thôn Đông")
    assert "Đã xác nhận" in page and page.count("Xác nhận đã nhận") == 1 + 3  # heading + 3 forms

    rows = read_csv(client.get(f"/so-van-ban/{parent}/den.csv"))
    assert rows[0] == INCOMING_HEADER
    assert [row[0] for row in rows[1:]] == ["1", "2", "3", "4"]
    assert [row[3] for row in rows[1:]] == ["01-CTr/CB", "01-CTr/CB", "02-CTr/CB", "03-CTr/CB"]
    assert [row[2] for row in rows[1:]] == [lien.cells[0].name, lien.cells[1].name,
                                           lien.cells[0].name, lien.cells[0].name]  # fmt: skip
    first = issued[0]
    entry = db.session.scalar(select(IncomingEntry).where(IncomingEntry.programme_id == first.id))
    assert rows[1][1] == local_time(entry.received_at)  # "14:05 02/12/2026", local time
    assert rows[1][4] == local_date(first.approved_at).strftime("%d/%m/%Y")
    assert rows[1][6] == "HÀNH ĐỘNG NĂM 2026" and rows[1][7] == "Thường trực ĐU"
    assert rows[1][8] and rows[2][8] == ""  # confirmed, then not yet

    sheet = read_xlsx(client.get(f"/so-van-ban/{parent}/den.xlsx"))
    assert sheet[0] == INCOMING_HEADER
    assert [row[0] for row in sheet[1:]] == [1, 2, 3, 4]
    assert sheet[1][3] == "01-CTr/CB"
    assert sheet[1][4] == datetime.combine(local_date(first.approved_at), time())
    assert sheet[1][1] == to_local(entry.received_at).replace(tzinfo=None, microsecond=0)


def test_year_and_term_filters(lien, issued, login_as, client, db):
    old = issued[3]
    old.approved_at = old.approved_at.replace(year=2020)
    old.term_start = date(2019, 1, 1)  # issued in the previous term
    db.session.commit()
    login_as(lien.people["secretary0"])
    cell = lien.cells[0].id
    this_year = local_date(issued[0].approved_at).year

    def numbers(query: str) -> list[str]:
        return [row[1] for row in read_csv(client.get(f"/so-van-ban/{cell}/di.csv?{query}"))[1:]]

    assert numbers("") == ["01-CTr/CB", "02-CTr/CB"]  # this year by default
    assert numbers("nam=2020") == ["03-CTr/CB"]
    assert numbers("nam=tat-ca") == ["03-CTr/CB", "01-CTr/CB", "02-CTr/CB"]
    assert numbers("nhiem_ky=2019-01-01") == ["03-CTr/CB"]
    assert numbers("nhiem_ky=2022-01-01") == ["01-CTr/CB", "02-CTr/CB"]
    assert numbers(f"nam={this_year + 1}") == []
    page = page_text(client.get(f"/so-van-ban/{cell}/di?nhiem_ky=2019-01-01"))
    assert "Nhiệm kỳ bắt đầu 01/01/2019" in page
    # Bad filters answer a plain message, never a 500.
    bad = client.get(f"/so-van-ban/{cell}/di?nhiem_ky=2018-05-05")
    assert bad.status_code == 422
    assert "Không có nhiệm kỳ bắt đầu ngày 05/05/2018" in page_text(bad)
    bad = client.get(f"/so-van-ban/{cell}/di?nam=hai-nghin")
    assert bad.status_code == 422 and "Năm phải là một số" in page_text(bad)
    assert client.get(f"/so-van-ban/{cell}/di?nhiem_ky=abc").status_code == 422


def test_print_view(lien, issued, login_as, client):
    login_as(lien.people["committee0"])
    page = client.get(f"/so-van-ban/{lien.cells[0].id}/di/ban-in")
    assert page.status_code == 200
    text = page_text(page)
    assert "SỔ VĂN BẢN ĐI" in text and lien.cells[0].name in text
    assert text.index("01-CTr/CB") < text.index("03-CTr/CB")
    assert "site-nav" not in page.get_data(as_text=True)  # the page prints alone
    assert "/so-van-ban/ban-in.css" in page.get_data(as_text=True)
    css = client.get("/so-van-ban/ban-in.css")
    assert css.mimetype == "text/css" and "landscape" in css.get_data(as_text=True)


def test_pages_fit_a_phone(lien, issued, login_as, client):
    """The tables stack into labelled rows below 48em (style.css table.stack), long words wrap."""
    login_as(lien.people["vanphong"])
    for kind in ("di", "den"):
        body = client.get(f"/so-van-ban/{lien.parent.id}/{kind}").get_data(as_text=True)
        assert 'name="viewport" content="width=device-width' in body
        if kind == "den":
            assert '<table class="stack register' in body
            assert 'data-label="Số đến"' in body and 'data-label="Trích yếu"' in body
    css = client.get("/static/registers.css")
    assert "overflow-wrap: anywhere" in css.get_data(as_text=True)
    css.close()


@pytest.mark.parametrize(("key", "org", "status"), [
    ("secretary0", "cell0", 200), ("committee0", "cell0", 200), ("vanphong", "parent", 200),
    ("thuongtruc", "parent", 200), ("parent_member", "parent", 404), ("unrelated", "cell0", 404),
    ("secretary1", "cell0", 404), ("vanphong", "cell0", 404),
])  # fmt: skip
def test_who_reads_a_register(lien, login_as, client, key, org, status):
    org_id = lien.parent.id if org == "parent" else lien.cells[0].id
    login_as(lien.people[key])
    for path in ("di", "den", "di.csv", "den.xlsx", "di/ban-in"):
        assert client.get(f"/so-van-ban/{org_id}/{path}").status_code == status, path


def test_the_admin_of_an_org_above_reads_it(lien, login_as, client, make):
    admin = make.user("admin", lien.parent)
    login_as(admin)
    assert client.get(f"/so-van-ban/{lien.cells[1].id}/di").status_code == 200
    index = page_text(client.get("/so-van-ban/"))
    assert lien.parent.name in index and lien.cells[1].name in index
