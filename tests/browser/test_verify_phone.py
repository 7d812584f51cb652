"""The verify page on a 390 px phone, in Debian's chromium: a visitor uploads the signed copy;
the page and its result fit the screen (the phone layout check), every value has a box of at
least 60 % of its width and no word is broken across lines (the fingerprint wraps between its
groups only)."""

import pytest

from chibo_flow.documents.final_copy import final_copy_for
from tests.browser.conftest import (
    PHONE,
    SCREENSHOTS,
    check_phone_layout,
    off_the_browser_loop,
)
from tests.verify.support import demo_programme

pytestmark = pytest.mark.one_database  # see tests/conftest.py

# Per value box: its text and width.
MEASURE = """() => [...document.querySelectorAll('.verify-facts dd')].map(dd => ({
  text: dd.innerText, width: dd.getBoundingClientRect().width}))"""


@pytest.fixture
def issued(app, db):
    """The demo seed's signed final copy."""
    return off_the_browser_loop(final_copy_for, demo_programme("approved"))


def test_the_verify_page_and_its_result_fit_a_390_px_phone(issued, live_server, chromium,
                                                           tmp_path):  # fmt: skip
    copy = issued
    signed = tmp_path / "ban-chinh.pdf"
    signed.write_bytes(copy.pdf)
    page = chromium.new_page(viewport=PHONE, device_scale_factor=2)

    page.goto(f"{live_server}/xac-thuc/{copy.verify_code}")
    page.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(signed))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    page.get_by_text("Đúng bản chính.").wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS.parent / "verify-390.png"), full_page=True)

    check_phone_layout(page, unbroken=".verify-facts dd")
    boxes = page.evaluate(MEASURE)
    assert len(boxes) >= 8  # the document's facts and the signature's
    narrow = [(box["text"], box["width"]) for box in boxes if box["width"] < 0.6 * PHONE["width"]]
    assert narrow == []
