"""The members' spreadsheet on the org pages: previewed row by row with each error named,
nothing saved until confirmed, all or nothing; each new member invited once after the commit;
exported in the same columns."""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.models import Invitation, Membership, User
from chibo_flow.models.users import Role
from tests.member_sheets import as_csv, as_xlsx, members, with_three_bad_rows
from tests.support import wait_for
from tests.web.support import flashes, page_text


@pytest.fixture
def cell(make):
    parent = make.org(name="Đảng bộ xã Tiên Cường", code="ĐU", approvals=None)
    return make.org(name="Chi bộ Thôn Tây", code="TT", approvals=None, parent=parent)


@pytest.fixture
def admin(browser, make, cell):
    return browser(make.user(Role.ADMIN, cell, email="vanphong@chibo.test"))


def _upload(client, cell, data: bytes, name: str):
    return client.post(
        f"/admin/orgs/{cell.id}/import",
        data={"upload": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _people(db) -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.email.like("%@tiencuong.test")))


def test_a_file_with_three_bad_rows_saves_nothing_and_names_each_error(db, admin, cell):
    preview = _upload(admin, cell, as_xlsx(with_three_bad_rows(members())), "dang-vien.xlsx")

    assert preview.status_code == 422
    text = page_text(preview)
    assert "60 dòng, 3 dòng lỗi" in text
    assert "20 Đặng Văn Đức 17 dangvien03@tiencuong.test" in text
    assert messages.SHEET_DUPLICATE_EMAIL.format(email="dangvien03@tiencuong.test", first=6) in text
    assert messages.SHEET_ROLE_UNKNOWN.format(word="Thủ quỹ") in text
    assert messages.MEMBER_EMAIL_INVALID.format(email="dangvien49@tiencuong") in text
    assert "Lưu 60 đồng chí" not in text  # no way to save a file in error
    assert _people(db) == 0
    assert db.session.scalar(select(func.count(Invitation.id))) == 0


def test_the_corrected_file_adds_sixty_members_each_invited_once(
    db, admin, cell, smtp_server, celery_worker
):
    preview = _upload(admin, cell, as_xlsx(members()), "dang-vien.xlsx")
    assert preview.status_code == 200
    assert "Thêm mới, gửi thư mời" in page_text(preview)
    assert _people(db) == 0  # the preview saves nothing
    payload = preview.get_data(as_text=True).split('name="rows" value="')[1].split('"')[0]
    csrf = preview.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[-1]

    done = admin.post(f"/admin/orgs/{cell.id}/import/confirm",
                      data={"rows": payload, "csrf_token": csrf.split('"')[0]},
                      follow_redirects=True)  # fmt: skip

    assert flashes(done, "success") == [messages.SHEET_IMPORTED.format(count=60)]
    assert _people(db) == 60
    secretary = db.session.scalar(select(User).where(User.email == "dangvien01@tiencuong.test"))
    assert [m.role for m in secretary.memberships] == ["secretary"]
    sixth = db.session.scalar(select(User).where(User.email == "dangvien06@tiencuong.test"))
    assert sorted(m.role for m in sixth.memberships) == ["admin", "member"]
    committee = db.session.scalar(select(func.count(Membership.id)).where(
        Membership.org_id == cell.id, Membership.role == Role.COMMITTEE))  # fmt: skip
    assert committee == 3
    mails = wait_for(lambda: len(smtp_server.messages("invitation")) >= 60 and
                     smtp_server.messages("invitation"))  # fmt: skip
    addresses = sorted(m.envelope_to for m in mails)
    assert addresses == sorted(f"dangvien{n:02d}@tiencuong.test" for n in range(1, 61))

    again = admin.post(f"/admin/orgs/{cell.id}/import/confirm",
                       data={"rows": payload, "csrf_token": csrf.split('"')[0]},
                       follow_redirects=True)  # fmt: skip
    assert len(flashes(again, "danger")) == 60  # every one already a member: nothing twice
    assert _people(db) == 60
    assert len(smtp_server.messages("invitation")) == 60


def test_a_csv_from_excel_is_read_too(db, admin, cell):
    preview = _upload(admin, cell, as_csv(members(5)), "dang-vien.csv")
    assert preview.status_code == 200
    assert "Lưu 5 đồng chí và gửi thư mời" in page_text(preview)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", messages.SHEET_FILE_REQUIRED),
        (b"ten,thu\nA,B\n", messages.SHEET_COLUMNS_MISSING),
        (b"PK\x03\x04 not a workbook", messages.SHEET_UNREADABLE),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_plain_message(admin, cell, data, message):
    response = _upload(admin, cell, data, "" if not data else "tep.xlsx")
    assert response.status_code == 422
    assert flashes(response, "danger") == [message]


def test_a_tampered_preview_is_refused(db, admin, cell):
    preview = _upload(admin, cell, as_xlsx(members(2)), "dang-vien.xlsx")
    csrf = preview.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[-1]
    done = admin.post(f"/admin/orgs/{cell.id}/import/confirm",
                      data={"rows": "[]", "csrf_token": csrf.split('"')[0]},
                      follow_redirects=True)  # fmt: skip
    assert flashes(done, "danger") == [messages.SHEET_PREVIEW_EXPIRED]
    assert _people(db) == 0


def test_export_gives_the_same_columns_back(db, admin, cell, make):
    make.user(Role.COMMITTEE, cell, email="capuy@chibo.test", name="Trần Thị Bình")
    xlsx = admin.get(f"/admin/orgs/{cell.id}/members.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Họ tên", "Email", "Chức vụ", "Vai trò"]
    assert ["Trần Thị Bình", "capuy@chibo.test", None, "Cấp ủy viên"] in rows

    text = admin.get(f"/admin/orgs/{cell.id}/members.csv").get_data(as_text=True)
    assert text.startswith("\ufeffHọ tên,Email,Chức vụ,Vai trò")
    assert "Trần Thị Bình,capuy@chibo.test,,Cấp ủy viên" in text
