"""Real-browser fixtures: the test's app served for real (werkzeug in a thread, same database)
and Debian's chromium driven by Playwright (never `playwright install`)."""

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from chibo_flow.models import User
from tests.conftest import PASSWORD, unused_code
from tests.support import ROOT, free_port
from tests.web.conftest import password_hash, third, world  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = ROOT / "test-output" / "review-journey"
# Form controls the accessibility tree lists; each needs a name.
CONTROL = re.compile(r"^\s*- (textbox|combobox|checkbox|radio|spinbutton|listbox)\b(?!\s+\")", re.M)


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app under test on a free port; its base URL."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def chromium() -> Iterator[Browser]:
    """Debian's chromium through Playwright."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shots(request) -> "Screenshots":
    """Numbered screenshots of the journey under test-output/review-journey/<test name>/
    (gitignored), one directory per journey."""
    directory = SCREENSHOTS / request.node.originalname.removeprefix("test_")
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.png"):
        old.unlink()
    return Screenshots(directory)


class Screenshots:
    """Saves full-page screenshots named in the order they were taken."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0

    def __call__(self, page: Page, name: str) -> Path:
        self.count += 1
        path = self.directory / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def log_in(page: Page, user: User) -> None:
    """Fill the login form the page shows (after a redirect to /login) and submit it, then the
    second factor: at a first login the enrolment page (the key shown under the QR code gives
    the first code; then the recovery codes page), else a code of the person's authenticator."""
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    enrol = page.get_by_role("heading", name="Đăng ký xác thực hai lớp")
    second_factor = page.get_by_role("heading", name="Xác thực hai lớp", exact=True)
    expect(enrol.or_(second_factor)).to_be_visible()
    if enrol.is_visible():
        secret = page.locator("code.secret").inner_text()
        page.get_by_label("Mã xác thực").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Xác nhận").click()
        page.get_by_role("link", name="Tôi đã cất giữ các mã, tiếp tục").click()
    else:
        page.get_by_label("Mã xác thực").fill(unused_code(user))
        page.get_by_role("button", name="Xác nhận").click()


# In the elements matching a selector: the words a line break splits (a word whose letters
# stand on more than one line), and the controls a finger cannot hit (buttons, fields, links
# standing alone; links inside a sentence are exempt, as in WCAG 2.5.8) under 44 px.
PHONE_LAYOUT = """(selector) => {
  const roots = [...document.querySelectorAll(selector)];
  const broken = [], small = [];
  for (const root of roots) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
    const controls = root.querySelectorAll(
      'button, input:not([type=hidden]), select, textarea, a, summary');
    for (const control of controls) {
      const inline = control.tagName === 'A' && control.closest('p, li, dd')
        && control.closest('p, li, dd').textContent.trim() !== control.textContent.trim();
      const box = control.getBoundingClientRect();
      if (!inline && box.width > 0 && (box.height < 44 || box.width < 44))
        small.push(`${control.tagName} “${(control.textContent || control.name).trim()}” `
                   + `${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return {broken, small,
          overflow: document.documentElement.scrollWidth - window.innerWidth};
}"""


def check_phone_layout(page: Page, selector: str) -> None:
    """The page does not scroll sideways at 390 px; in `selector`, no word is split across
    lines and every control is at least 44 px high and wide."""
    found = page.evaluate(PHONE_LAYOUT, selector)
    assert found["overflow"] <= 0, f"{found['overflow']} px of horizontal scroll"
    assert found["broken"] == [], "words split across lines"
    assert found["small"] == [], f"touch targets under 44 px: {found['small']}"
