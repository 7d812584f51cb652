"""The verify page on a 390 px phone, in Debian's chromium: a visitor uploads the signed copy;
the page and its result fit the screen, every value has a box of at least 60 % of its width and
no word is broken across lines (the fingerprint wraps between its groups only)."""

import pytest

from chibo_flow.documents.final_copy import final_copy_for
from tests.browser.conftest import PHONE, SCREENSHOTS
from tests.verify.support import demo_programme

pytestmark = pytest.mark.one_database  # see tests/conftest.py

# Per value box: its width and whether any word of it was split across two lines.
MEASURE = """() => [...document.querySelectorAll('.verify-facts dd')].map(dd => {
  const words = [];
  const walker = document.createTreeWalker(dd, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (const match of node.textContent.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = [...range.getClientRects()].map(r => Math.round(r.top));
      words.push({word: match[0], lines: new Set(tops).size});
    }
  }
  return {text: dd.innerText, width: dd.getBoundingClientRect().width,
          broken: words.filter(w => w.lines > 1).map(w => w.word)};
})"""


@pytest.fixture
def issued(app, db):
    """The demo seed's signed final copy (made before Playwright's event loop starts: pyHanko's
    synchronous calls run their own)."""
    return final_copy_for(demo_programme("approved"))


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

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow} px of horizontal scroll"
    boxes = page.evaluate(MEASURE)
    assert len(boxes) >= 8  # the document's facts and the signature's
    narrow = [(box["text"], box["width"]) for box in boxes if box["width"] < 0.6 * PHONE["width"]]
    assert narrow == []
    broken = [(box["text"], box["broken"]) for box in boxes if box["broken"]]
    assert broken == []
