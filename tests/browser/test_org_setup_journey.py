"""From an empty install, in a real browser on a phone: the Đảng ủy's admin (created on the
server with the CLI) creates a chi bộ, imports its members from the Văn phòng's spreadsheet, and
a member accepts the emailed invitation, sets a password and logs in."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from chibo_flow.models import Org, User
from tests.browser.conftest import PHONE, check_phone_layout, log_in
from tests.browser.test_review_journey import CSP, REPORT_CSP_VIOLATIONS
from tests.conftest import PASSWORD
from tests.member_sheets import as_xlsx, members
from tests.support import flask_cli, wait_for

pytestmark = pytest.mark.one_database  # see tests/conftest.py

PARENT = "Đảng bộ xã Tiên Cường"
CELL = "Chi bộ Thôn Tây"
MEMBER_PASSWORD = "hoa sen nở trong đầm"


def _cli(env, *args, stdin=None) -> None:
    result = flask_cli(env, *args, stdin=stdin)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_empty_install_becomes_a_working_chi_bo(
    db, env, live_server, chromium, smtp_server, celery_worker, tmp_path
):
    _cli(env, "orgs", "create", PARENT, "--code", "ĐU", "--place", "Tiên Cường")
    _cli(env, "users", "create", "vanphong@tiencuong.test", "--name", "Văn phòng Đảng ủy",
         "--role", "admin", "--org", PARENT, "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    admin = db.session.scalar(select(User).where(User.email == "vanphong@tiencuong.test"))
    errors: list[str] = []
    context = chromium.new_context(viewport=PHONE, base_url=live_server, locale="vi-VN")
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if CSP.search(m.text) else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto("/admin/orgs/")
    log_in(page, admin)
    page.goto("/admin/orgs/")
    page.get_by_role("link", name="Thêm chi bộ trực thuộc").click()
    page.get_by_label("Tên tổ chức").fill(CELL)
    page.get_by_label("Ký hiệu trong số văn bản").fill("TT")
    page.get_by_label("Địa danh ở dòng ngày tháng").fill("Tiên Cường")
    page.get_by_label("Ngày bắt đầu nhiệm kỳ").fill("2025-10-01")
    expect(page.get_by_text("Cấp ủy hiện có 0 đồng chí")).to_be_visible()
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text(f"Đã tạo {CELL}.")).to_be_visible()

    page.locator(".org-tree__item", has_text=CELL).get_by_role("link", name="Đảng viên").click()
    page.get_by_role("link", name="Nhập từ tệp Excel/CSV").click()
    sheet = tmp_path / "danh-sach-dang-vien.xlsx"
    sheet.write_bytes(as_xlsx(members(12)))
    page.get_by_label("Tệp Excel (.xlsx) hoặc CSV").set_input_files(str(sheet))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.get_by_text("Xem trước: 12 dòng")).to_be_visible()
    page.get_by_role("button", name="Lưu 12 đồng chí và gửi thư mời").click()
    expect(page.get_by_text("Đã thêm 12 đồng chí")).to_be_visible()
    expect(page.get_by_role("heading", name="Danh sách (12)")).to_be_visible()
    check_phone_layout(page)

    cell = db.session.scalar(select(Org).where(Org.name == CELL))
    assert cell.parent.name == PARENT and cell.place == "Tiên Cường"
    mails = wait_for(lambda: [m for m in smtp_server.messages("invitation")
                              if m.envelope_to == "dangvien08@tiencuong.test"])  # fmt: skip
    text = mails[0].message.get_body(("plain",)).get_content()
    link = next(w for w in text.split() if w.startswith("http://chibo.test/moi/"))

    member = chromium.new_context(viewport=PHONE, base_url=live_server, locale="vi-VN")
    phone = member.new_page()
    phone.goto(link.removeprefix("http://chibo.test"))
    expect(phone.get_by_role("heading", name="Chào đồng chí")).to_be_visible()
    phone.get_by_label("Mật khẩu mới", exact=True).fill(MEMBER_PASSWORD)
    phone.get_by_label("Nhập lại mật khẩu mới").fill(MEMBER_PASSWORD)
    phone.get_by_role("button", name="Đặt mật khẩu").click()
    expect(phone.get_by_text("Đã đặt mật khẩu. Chào mừng")).to_be_visible()
    phone.get_by_role("button", name="Trình đơn").click()  # the header's links, folded
    phone.get_by_role("button", name="Đăng xuất").click()
    phone.get_by_label("Email").fill("dangvien08@tiencuong.test")
    phone.get_by_label("Mật khẩu").fill(MEMBER_PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    expect(phone.get_by_role("button", name="Trình đơn")).to_be_visible()
    assert errors == []
    member.close()
    context.close()
