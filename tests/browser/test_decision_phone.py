"""The decision record on a 390 px phone, in Debian's chromium: an approved programme's page
shows the reserved opinion and links to the record; the record fits the screen (the phone
layout check) and no word or date of its tables is broken across lines."""

import pytest

from chibo_flow.models.users import Role
from tests.browser.conftest import PHONE, SCREENSHOTS, check_phone_layout, log_in
from tests.review.test_decision import R3, two_rounds

pytestmark = pytest.mark.one_database  # see tests/conftest.py


def test_the_record_fits_a_390_px_phone(db, world, make, live_server, chromium):
    third = make.user(Role.COMMITTEE, world.org, email="committee3@chibo.test", name="Lê Văn Cường")
    programme = two_rounds(db, world, third)
    page = chromium.new_page(viewport=PHONE, device_scale_factor=2)

    page.goto(f"{live_server}/programmes/{programme.id}")
    log_in(page, world.users["committee2"])  # the member who reserved her opinion
    page.get_by_text(f"bảo lưu ý kiến: {R3}").wait_for()
    page.get_by_role("link", name="Biên bản tổng hợp ý kiến và kết quả biểu quyết").click()
    page.get_by_role("heading", name="Vòng duyệt 2").wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS.parent / "decision-390.png"), full_page=True)

    check_phone_layout(page, unbroken="table.stack td")
    download = page.get_by_role("link", name="Tải biên bản (PDF)")
    assert download.bounding_box()["height"] >= 44
