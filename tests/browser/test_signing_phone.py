"""Signing by the office's own tool on a 390 px phone, in Debian's chromium: the secretary of an
org that signs outside the system finds "Ký số bản chính thức" on the approved programme's page,
uploads the copy the văn thư signed and sees it accepted; then anyone checks that copy on the
verify page. Both pages fit the screen, no word is split across lines, every control is at
least 44 px."""

from pathlib import Path

import pytest

from chibo_flow import messages
from chibo_flow.demo import ORG
from chibo_flow.documents.final_copy import final_copy_for
from chibo_flow.documents.signing import sign_pdf
from chibo_flow.models.users import SigningMode
from chibo_flow.workflow import apply_transition
from tests.browser.conftest import (
    PHONE,
    SCREENSHOTS,
    check_phone_layout,
    log_in,
    off_the_browser_loop,
)
from tests.conftest import PASSWORD_HASH
from tests.verify.support import COMMITTEE_1, COMMITTEE_2, SECRETARY, demo_programme, demo_user

pytestmark = pytest.mark.one_database  # see tests/conftest.py


@pytest.fixture
def signed_elsewhere(app, db, tmp_path) -> tuple[int, str, Path]:
    """An approved programme of an org signing with its own tool, and the copy its văn thư
    signed."""
    programme = demo_programme("review")
    programme.org.signing_mode = SigningMode.EXTERNAL
    demo_user(SECRETARY).password_hash = PASSWORD_HASH
    db.session.commit()
    for email in (COMMITTEE_1, COMMITTEE_2):
        apply_transition(programme, "approve", demo_user(email), version=programme.version)
    copy = off_the_browser_loop(final_copy_for, programme)
    signed = tmp_path / "ban-da-ky.pdf"
    signed.write_bytes(off_the_browser_loop(sign_pdf, copy.pdf, ORG, app.config))
    return programme.id, copy.verify_code, signed


def test_the_signed_copy_is_uploaded_and_checked_on_a_phone(signed_elsewhere, app, live_server,
                                                              chromium):  # fmt: skip
    programme_id, code, signed = signed_elsewhere
    page = chromium.new_page(viewport=PHONE, device_scale_factor=2)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server}/programmes/{programme_id}")
    with app.app_context():
        log_in(page, demo_user(SECRETARY))
    page.goto(f"{live_server}/programmes/{programme_id}")
    page.get_by_role("heading", name="Ký số bản chính thức").wait_for()
    page.screenshot(path=str(SCREENSHOTS.parent / "signing-390.png"), full_page=True)
    check_phone_layout(page, unbroken="main")

    page.get_by_label("Tệp PDF đã ký số").set_input_files(str(signed))
    page.get_by_role("button", name="Tải lên bản đã ký số").click()
    page.get_by_text(messages.SIGNED_COPY_ACCEPTED).wait_for()
    check_phone_layout(page, unbroken="main")

    page.goto(f"{live_server}/xac-thuc/{code}")
    check_phone_layout(page, unbroken="main")
    page.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(signed))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    page.get_by_text("Chữ ký số hợp lệ").wait_for()
    page.screenshot(path=str(SCREENSHOTS.parent / "verify-signed-390.png"), full_page=True)
    check_phone_layout(page, unbroken="main")
