"""The pages a person meets beyond the journeys, on a 390 px phone in Debian's chromium, each
with a little real data (long Vietnamese words, numbers and email addresses among it), as the
person who meets it: the registers (filtered, a few rows), Văn bản đến and one of its items,
the personal receipt link, the login page, the org administration (tree, members, invitation,
spreadsheet preview), the account, sessions and TOTP enrolment pages, the superior's overview of
its chi bộ and the home list. Each passes the
phone layout check (no sideways scroll, 44 px targets, 16 px text, nothing clipped) and no word
of its tables and lists is split across lines."""

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from chibo_flow.auth import totp
from chibo_flow.auth.invitations import invitation_url
from chibo_flow.documents.format import PAGE, REGISTER_STYLES
from chibo_flow.models import Delivery, IncomingEntry, User
from chibo_flow.models.delivery import FINAL_COPY
from chibo_flow.models.users import Role
from chibo_flow.orgs import add_member
from chibo_flow.receipts.links import receipt_token
from chibo_flow.timefmt import local_date
from chibo_flow.workflow import apply_transition
from tests.browser.conftest import PHONE, SCREENSHOTS, check_phone_layout, log_in
from tests.conftest import PASSWORD
from tests.member_sheets import as_xlsx, members
from tests.registers.support import DOC, Liên, build_lien

pytestmark = pytest.mark.one_database  # see tests/conftest.py

LONG_TITLE = "LÃNH ĐẠO, CHỈ ĐẠO THỰC HIỆN NGHỊ QUYẾT SỐ 57-NQ/TW VỀ ĐỘT PHÁ PHÁT TRIỂN"
LONG_EMAIL = "nguyen.thi.phuong.thao.chibo.truong.mamnon@tiencuong.hungha.thaibinh.gov.vn"
LONG_POSITION = "Phó Bí thư Chi bộ, Trưởng ban Công tác Mặt trận thôn Đông Hưng"
# Where each page's words must stay whole: its tables, lists and facts.
UNBROKEN = "main td, main th, .programme-item, .facts dd"


@dataclass
class Site:
    """The registers' Đảng bộ and chi bộ with their documents, an admin, an invited member."""

    lien: Liên
    admin: User
    newcomer: User
    programme_id: int  # approved, entered in the Đảng bộ's incoming register
    delivery_id: int  # its final copy to the Chi ủy, who has no account
    year: int


@pytest.fixture
def site(db, make, app) -> Site:
    """build_lien, with cell 0's documents approved (one with a long title), one in review and
    a draft, the parent's register entry of the first confirmed; an admin of the Đảng bộ and a
    member invited to cell 0 at a long office address."""
    lien = build_lien(make, db)
    first = lien.approve(0, "HÀNH ĐỘNG NĂM 2026")
    lien.approve(0, LONG_TITLE)
    lien.approve(1, "HÀNH ĐỘNG THÔN ĐÔNG NĂM 2026")
    secretary = lien.people["secretary0"]
    cell = lien.cells[0]
    review, _ = (
        make.programme(cell, secretary, DOC.format(org=cell.name.upper(), title=title,
                                                   signer=secretary.name))
        for title in ("KIỂM TRA, GIÁM SÁT NĂM 2026", "HỌC TẬP CHUYÊN ĐỀ NĂM 2026")
    )  # fmt: skip
    apply_transition(review, "submit", secretary, version=review.version)
    entry = db.session.scalar(select(IncomingEntry).where(IncomingEntry.programme_id == first.id))
    entry.confirmed_at, entry.confirmed_by_id = entry.received_at, lien.people["thuongtruc"].id
    admin = make.user(Role.ADMIN, lien.parent, name="Văn phòng Đảng ủy xã Tiên Cường")
    newcomer, _ = add_member(admin, cell, LONG_EMAIL, "Nguyễn Thị Phương Thảo", LONG_POSITION,
                             ["member", "committee"])  # fmt: skip
    db.session.commit()
    delivery = db.session.scalar(
        select(Delivery).where(
            Delivery.programme_id == first.id,
            Delivery.kind == FINAL_COPY,
            Delivery.address == "cu0@x.vn",
        )
    )
    for person in (*lien.people.values(), admin):
        totp.current_code(person)  # their authenticator set up before
    return Site(lien, admin, newcomer, first.id, delivery.id, local_date(entry.received_at).year)


def _preview_a_sheet(page: Page, site: Site, tmp_path) -> None:
    sheet = tmp_path / "danh-sach-dang-vien.xlsx"
    rows = members(6)
    rows[2][1], rows[2][2] = LONG_EMAIL.replace("nguyen", "tran"), LONG_POSITION
    sheet.write_bytes(as_xlsx(rows))
    page.get_by_label("Tệp Excel (.xlsx) hoặc CSV").set_input_files(str(sheet))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.get_by_text("Xem trước: 6 dòng")).to_be_visible()


# Page: who meets it (a key of the registers' people, "admin", or None: nobody logged in), its
# path, what it shows once loaded, and what the person does there first (or None).
PAGES = {
    "so-van-ban-di": ("secretary0", lambda s: f"/so-van-ban/{s.lien.cells[0].id}/di?nam={s.year}",
                      LONG_TITLE, None),
    "so-van-ban-den": ("vanphong", lambda s: f"/so-van-ban/{s.lien.parent.id}/den",
                       "HÀNH ĐỘNG THÔN ĐÔNG NĂM 2026", None),
    "van-ban-den": ("thuongtruc", lambda s: "/van-ban-den", LONG_TITLE, None),
    "van-ban-den-item": ("thuongtruc", lambda s: f"/van-ban-den/{s.programme_id}",
                         "Xác nhận đã nhận", None),
    "dang-nhap": (None, lambda s: "/login", "Quên mật khẩu?", None),
    "nhan": (None, lambda s: f"/nhan/{receipt_token(s.delivery_id)}", "Hồi báo", None),
    "to-chuc": ("admin", lambda s: "/admin/orgs/", "Chi bộ Thôn Đông", None),
    "them-chi-bo": ("admin", lambda s: "/admin/orgs/new", "Ký số bản chính thức", None),
    "dang-vien": ("admin", lambda s: f"/admin/orgs/{s.lien.cells[0].id}/members", LONG_EMAIL,
                  None),
    "moi": (None, lambda s: invitation_url(s.newcomer).removeprefix("http://chibo.test"),
            "Chào đồng chí Nguyễn Thị Phương Thảo", None),
    "nhap-tu-tep": ("admin", lambda s: f"/admin/orgs/{s.lien.cells[0].id}/import",
                    "Nhập đảng viên", _preview_a_sheet),
    "phien-dang-nhap": ("secretary0", lambda s: "/account/sessions", "Phiên này", None),
    "tai-khoan": ("secretary0", lambda s: "/account/", "Mã xác thực hiện tại", None),
    "tong-hop": ("thuongtruc", lambda s: f"/so-van-ban/{s.lien.parent.id}/tong-hop?nam={s.year}",
                 "Loại văn bản", None),
    "trang-chu": ("secretary0", lambda s: "/", "KIỂM TRA, GIÁM SÁT NĂM 2026", None),
    # A refusal speaks to the person as every page does ("đồng chí"), not "bạn".
    "loi-403": ("secretary0", lambda s: "/admin/", "Đồng chí không có quyền thực hiện", None),
}  # fmt: skip


@pytest.mark.parametrize("name", PAGES)
def test_the_page_fits_a_390_px_phone(site, live_server, chromium, tmp_path, name):
    key, path, shows, action = PAGES[name]
    page = chromium.new_page(viewport=PHONE, base_url=live_server, locale="vi-VN")
    page.goto(path(site))
    if key is not None:
        log_in(page, site.admin if key == "admin" else site.lien.people[key])
    expect(page.get_by_text(shows).first).to_be_visible()
    if action:
        action(page, site, tmp_path)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS.parent / f"{name}-390.png"), full_page=True)
    check_phone_layout(page, unbroken=UNBROKEN)


def test_the_header_folds_its_links_behind_one_button_on_a_phone(site, live_server, chromium):
    """The admin has the most links in the header: on a phone they wait behind "Trình đơn" so
    the page starts near the top; tapping it shows them all (each a 44 px target) and one leads
    on. On a wide screen every link stays in view and there is no button."""
    page = chromium.new_page(viewport=PHONE, base_url=live_server, locale="vi-VN")
    page.goto("/")
    log_in(page, site.admin)
    menu = page.get_by_role("button", name="Trình đơn")
    directory = page.get_by_role("link", name="Danh bạ nơi nhận")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(directory).to_be_hidden()
    assert page.locator(".site-header").bounding_box()["height"] <= 80
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS.parent / "header-folded-390.png"))
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS.parent / "header-open-390.png"))
    check_phone_layout(page, unbroken=".site-nav")
    directory.click()
    expect(page.get_by_role("heading", name="Danh bạ nơi nhận")).to_be_visible()

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(menu).to_be_hidden()
    expect(directory).to_be_visible()
    page.goto("/admin/deliveries")
    page.screenshot(path=str(SCREENSHOTS.parent / "deliveries-1280.png"), full_page=True)


def test_the_totp_enrolment_fits_a_390_px_phone(make, live_server, chromium):
    """A secretary's first login: the enrolment page (QR code, the key written out)."""
    secretary = make.user(Role.SECRETARY, make.org(), email=LONG_EMAIL, name="Vũ Thị Xuyên")
    page = chromium.new_page(viewport=PHONE, base_url=live_server, locale="vi-VN")
    page.goto("/")
    page.get_by_label("Email").fill(secretary.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Đăng ký xác thực hai lớp")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS.parent / "dang-ky-xac-thuc-390.png"), full_page=True)
    check_phone_layout(page)


def test_each_confirmation_on_a_received_document_says_whose_receipt_it_is(
    site, live_server, chromium
):
    """A Thường trực receives the chi bộ's document twice over: for the Đảng bộ's incoming
    register and in person (Hồi báo). Each of the two buttons says whose receipt it confirms
    (two alike, "Xác nhận đã nhận", left the person guessing which was which)."""
    page = chromium.new_page(viewport=PHONE, base_url=live_server, locale="vi-VN")
    page.goto("/van-ban-den")
    log_in(page, site.lien.people["thuongtruc"])
    page.get_by_role("link", name=LONG_TITLE).click()

    buttons = page.locator("main button").all_inner_texts()
    for_org = f"Xác nhận {site.lien.parent.name} đã nhận"
    assert set(buttons) == {for_org, "Xác nhận đã nhận"}, buttons  # the personal one twice
    check_phone_layout(page, unbroken=UNBROKEN)
    page.get_by_role("button", name=for_org).click()
    expect(page.get_by_text(f"Đã xác nhận {site.lien.parent.name} đã nhận")).to_be_visible()
    expect(page.get_by_role("button", name="Xác nhận đã nhận", exact=True)).to_be_visible()


def test_the_receipt_can_be_confirmed_where_the_reading_ends(site, live_server, chromium):
    """The personal link shows the whole document, on a phone often several screens long (the
    seed's: over 5,000 px): "Xác nhận đã nhận" waits under it too, where the person finishes
    reading, not only above it."""
    page = chromium.new_page(viewport=PHONE, base_url=live_server, locale="vi-VN")
    page.goto(f"/nhan/{receipt_token(site.delivery_id)}")
    document = page.locator("article.document").bounding_box()

    confirm = page.get_by_role("button", name="Xác nhận đã nhận")
    below = [box for box in (b.bounding_box() for b in confirm.all()) if box["y"] > document["y"]]
    assert below and below[0]["y"] - (document["y"] + document["height"]) < 200, below
    check_phone_layout(page, unbroken=UNBROKEN)
    confirm.last.click()
    expect(page.get_by_text("Đã xác nhận nhận văn bản lúc")).to_be_visible()
    expect(confirm).to_have_count(0)


def test_a_wrong_second_factor_code_leaves_the_field_empty_for_the_next(
    site, live_server, chromium
):
    """After a code the server refused (mistyped, or its 30 seconds over), the field is empty
    and ready for the next code: it kept the six wrong digits, to be deleted one by one on a
    phone's keypad first."""
    person = site.lien.people["committee0"]
    page = chromium.new_page(viewport=PHONE, base_url=live_server, locale="vi-VN")
    page.goto("/login")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Mã xác thực").fill("000000")
    page.get_by_role("button", name="Xác nhận").click()

    expect(page.get_by_text("Mã xác thực không đúng")).to_be_visible()
    expect(page.get_by_label("Mã xác thực")).to_have_value("")
    expect(page.get_by_label("Mã xác thực")).to_be_focused()
    check_phone_layout(page)


def test_the_register_prints_in_the_sizes_of_the_party_format(site, live_server, chromium):
    """The print view of a register sets its text in the document's typeface at the sizes the
    Party's format gives a register (format.REGISTER_STYLES, within the 13-14 pt it sets for
    text); its rows printed at 11 pt (14.7 px) of a number of its own."""
    page = chromium.new_page(base_url=live_server, locale="vi-VN")
    page.goto(f"/so-van-ban/{site.lien.cells[0].id}/di/ban-in?nam={site.year}")
    log_in(page, site.lien.people["secretary0"])
    expect(page.get_by_text(LONG_TITLE)).to_be_visible()
    page.emulate_media(media="print")

    for selector, style in (("td", "cell"), ("th", "cell"), ("h1", "title"),
                            (".register-print__org", "org")):  # fmt: skip
        size_pt = REGISTER_STYLES[style].size_pt
        assert 13 <= size_pt <= 14
        found = page.locator(selector).evaluate_all(
            "els => els.map(e => [getComputedStyle(e).fontSize, getComputedStyle(e).fontFamily])"
        )
        assert found and {size for size, _ in found} == {f"{size_pt * 4 / 3:g}px"}, selector
        assert {family.split(",")[0].strip('"') for _, family in found} == {PAGE.fonts[0]}
