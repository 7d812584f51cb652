"""A draft's độ mật and độ khẩn and its PDF preview on a 390 px phone, in Debian's chromium: the
secretary picks "Mật" and "Khẩn" on the new-draft form and changes them on the edit page, then
opens the preview while the worker lays it out (202, the page reloads itself) and after it
failed (503, "Thử lại"). Every page fits the screen, no word is split across lines, every
control is at least 44 px."""

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.documents.reading import MAX_UPLOAD_BYTES, TOO_LARGE_MESSAGE
from chibo_flow.models import DraftPreview, Programme
from chibo_flow.uploads import megabytes
from tests.browser.conftest import PHONE, SCREENSHOTS, check_phone_layout, log_in
from tests.support import ROOT, wait_for

pytestmark = pytest.mark.one_database  # see tests/conftest.py
REAL = ROOT / "tests" / "fixtures" / "real"


def _check_while_reloading(page: Page) -> None:
    """check_phone_layout(page, "main") on a page that reloads itself every few seconds: a
    measurement the reload interrupted is taken again on the reloaded page."""

    def measured() -> bool:
        try:
            check_phone_layout(page, "main")
        except PlaywrightError:  # "Execution context was destroyed": it reloaded meanwhile
            page.wait_for_load_state()
            return False
        return True

    wait_for(measured, timeout=60)


def test_the_marks_and_the_preview_pages_fit_a_390_px_phone(
    db, world, seed_text, live_server, chromium
):
    secretary = world.users["secretary"]
    page = chromium.new_page(viewport=PHONE, device_scale_factor=2)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server}/programmes/new")
    log_in(page, secretary)
    page.goto(f"{live_server}/programmes/new")
    check_phone_layout(page, "main")  # as it opens: the marks' "as stamped" choice readable
    page.get_by_label("Nội dung văn bản").fill(seed_text)
    page.get_by_label("Độ mật").select_option(label="Mật")
    page.get_by_label("Độ khẩn").select_option(label="Khẩn")
    page.screenshot(path=str(SCREENSHOTS.parent / "new-draft-marks-390.png"), full_page=True)
    check_phone_layout(page, "main")
    page.get_by_role("button", name="Tạo dự thảo").click()
    page.locator(".badge--mat").wait_for()
    assert page.locator(".badge--khan").inner_text() == "Khẩn"
    check_phone_layout(page, "main")
    programme = db.session.scalars(select(Programme).order_by(Programme.id.desc())).first()
    assert (programme.secrecy, programme.urgency) == ("mat", "khan")

    page.goto(f"{live_server}/programmes/{programme.id}/edit")
    page.get_by_label("Độ khẩn").select_option(label="Hỏa tốc")
    page.screenshot(path=str(SCREENSHOTS.parent / "edit-draft-marks-390.png"), full_page=True)
    check_phone_layout(page, "main")
    page.get_by_role("button", name="Lưu").click()
    page.locator(".badge--hoa_toc").wait_for()

    url = f"{live_server}/programmes/{programme.id}/ban-in.pdf"
    pending = page.goto(url)
    assert pending.status == 202  # no worker runs here: the preview stays pending
    page.get_by_text(messages.PREVIEW_PENDING).wait_for()
    page.screenshot(path=str(SCREENSHOTS.parent / "preview-pending-390.png"), full_page=True)
    _check_while_reloading(page)

    db.session.expire_all()
    row = db.session.scalar(select(DraftPreview).where(DraftPreview.programme_id == programme.id))
    row.status, row.error = "failed", messages.PREVIEW_TOO_SLOW  # as the worker records it
    db.session.commit()
    failed = page.goto(url)
    assert failed.status == 503
    page.get_by_text(messages.PREVIEW_TOO_SLOW).wait_for()
    page.screenshot(path=str(SCREENSHOTS.parent / "preview-failed-390.png"), full_page=True)
    check_phone_layout(page, "main")
    page.get_by_role("link", name="Thử lại").click()
    page.get_by_text(messages.PREVIEW_PENDING).wait_for()


@pytest.mark.parametrize(
    "file",
    [
        "derived-cong-van-2449-cv-du-ubnd-tinh-lao-cai-vntime.doc",  # Word 97, .VnTime
        "derived-ket-luan-07-kl-vptw-hoi-nghi-van-phong.pdf",  # a text PDF
    ],
)
def test_a_word_97_or_pdf_file_is_offered_and_read_from_the_phone(
    db, world, live_server, chromium, file
):
    """The phone's file picker shows what the importer reads, .doc and PDF files too: the field
    named only .docx and .txt and let the picker offer nothing else. The field's button and the
    chosen file's name are in Vietnamese, whatever language the browser speaks."""
    page = chromium.new_page(viewport=PHONE)
    page.goto(f"{live_server}/programmes/new")
    log_in(page, world.users["secretary"])
    page.goto(f"{live_server}/programmes/new")
    upload = page.get_by_label(
        messages.DOCUMENT_FILE_FIELD.format(limit=megabytes(MAX_UPLOAD_BYTES))
    )

    accepted = upload.get_attribute("accept").split(",")
    assert {".docx", ".doc", ".pdf", ".txt"} <= set(accepted), accepted
    # The field speaks Vietnamese, not the browser's "Choose File" / "No file chosen".
    field = page.locator(".file-field")
    expect(field).to_contain_text("Chọn tệp")
    expect(field).to_contain_text("Chưa chọn tệp nào")
    check_phone_layout(page, "main")
    upload.set_input_files(REAL / file)
    expect(field).to_contain_text(file)
    check_phone_layout(page, "main")
    page.get_by_role("button", name="Tạo dự thảo").click()
    page.locator(".badge--draft").wait_for()
    programme = db.session.scalars(select(Programme).order_by(Programme.id.desc())).first()
    assert page.url.endswith(f"/programmes/{programme.id}")
    assert programme.doc["sections"] and programme.doc["header"]["number"]


def test_a_file_too_large_to_read_is_refused_as_it_is_chosen(db, world, live_server, chromium,
                                                             tmp_path):  # fmt: skip
    """The new-draft form says how large a file it reads, and a larger one is refused in words
    under the field as it is chosen, nothing sent: a phone sent it all over its connection to
    be told afterwards (or, past the request limit, to get an error page instead of the form)."""
    big = tmp_path / "chuong-trinh.txt"
    big.write_bytes(b"CHUONG TRINH\n" * (MAX_UPLOAD_BYTES // 13 + 1))
    page = chromium.new_page(viewport=PHONE, base_url=live_server, locale="vi-VN")
    page.goto("/programmes/new")
    log_in(page, world.users["secretary"])
    page.goto("/programmes/new")
    before = db.session.scalar(select(func.count(Programme.id)))

    page.get_by_label(f"tối đa {megabytes(MAX_UPLOAD_BYTES)} MB").set_input_files(big)
    expect(page.get_by_text(TOO_LARGE_MESSAGE)).to_be_visible()
    check_phone_layout(page, "main")
    page.get_by_role("button", name="Tạo dự thảo").click()
    expect(page.get_by_text(TOO_LARGE_MESSAGE)).to_be_visible()
    assert page.url.endswith("/programmes/new")
    assert db.session.scalar(select(func.count(Programme.id))) == before
