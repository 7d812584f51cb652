"""Real-browser fixtures: the test's app served for real (werkzeug in a thread, same database)
and Debian's chromium driven by Playwright (never `playwright install`)."""

import contextvars
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from chibo_flow.models import User
from tests.conftest import PASSWORD, unused_code
from tests.support import ROOT, free_port
from tests.web.conftest import third, world  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
T = TypeVar("T")
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


@pytest.fixture(scope="package")
def _chromium() -> Iterator[Browser]:
    """One browser for the tests of this package (Playwright's driver takes seconds to start);
    it stops with them, so that the event loop it runs in this thread is gone for the rest of
    the suite."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def chromium(_chromium) -> Iterator[Browser]:
    """Debian's chromium through Playwright; the pages a test opens close after it."""
    yield _chromium
    for context in _chromium.contexts:
        context.close()


def off_the_browser_loop(function: Callable[..., T], *args) -> T:
    """`function(*args)` in a thread of its own, in the test's app context: pyHanko's
    synchronous calls start an event loop, which they cannot in the thread Playwright's loop
    runs in."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(contextvars.copy_context().run, function, *args).result()


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


# What a person on a phone cannot read or hit, measured in the page: horizontal scroll; tap
# targets under 44 x 44 px (buttons, fields, summaries, links standing alone; a link inside a
# sentence is exempt, as in WCAG 2.5.8; a checkbox or radio button counts with its label, which
# ticks it too, a field to type in by itself; subpixel rounding, 43.99 px, is 44); visible text,
# and the text typed into a field, under 16 px; content clipped by its box or
# standing out of the screen; a date or time on two lines; and, in the elements matching
# `unbroken`, a word whose letters stand on more than one line (a line may end after a hyphen,
# as in print: "57-" / "NQ/TW"; a technical string the page marks .break may break anywhere); a
# select's chosen option cut off (unless written out in full under it, static/select-echo.js).
PHONE_LAYOUT = """(unbroken) => {
  const width = window.innerWidth;
  const shown = e => e.checkVisibility({visibilityProperty: true})
    && e.getBoundingClientRect().right > 0;  // not a skip link or table head put off-screen
  const hidden = e => e.getBoundingClientRect().width <= 1;  // .visually-hidden
  const name = e => `${e.tagName} “${(e.textContent || e.value || e.name || '').trim()
    .slice(0, 40)}”`;
  const small = [], tiny = [], clipped = [], times = [], broken = [];
  for (const e of document.body.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    if (!shown(e) || hidden(e)) continue;
    const sentence = e.tagName === 'A' && e.parentElement.closest('p, li, dd, td')
      && e.parentElement.closest('p, li, dd, td').textContent.trim() !== e.textContent.trim();
    if (sentence) continue;
    let {left, top, right, bottom} = e.getBoundingClientRect();
    const ticked = e.matches('input[type=checkbox], input[type=radio]');
    for (const label of (ticked && e.labels) || []) {
      const r = label.getBoundingClientRect();
      if (r.width === 0) continue;
      left = Math.min(left, r.left); top = Math.min(top, r.top);
      right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom);
    }
    if (right - left < 43.5 || bottom - top < 43.5)
      small.push(`${name(e)} ${Math.round(right - left)}×${Math.round(bottom - top)}`);
    const typed = e.matches('input:not([type=checkbox]):not([type=radio]), select, textarea');
    const size = parseFloat(getComputedStyle(e).fontSize);
    if (typed && size < 15.5) tiny.push(`${Math.round(size * 10) / 10} px: ${name(e)}`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!node.textContent.trim() || !shown(parent) || hidden(parent)
        || parent.closest('script, style, option')) continue;
    const size = parseFloat(getComputedStyle(parent).fontSize);
    if (size < 15.5) tiny.push(`${Math.round(size * 10) / 10} px: ${node.textContent.trim()
      .slice(0, 40)}`);
    if (unbroken && parent.closest(unbroken) && !parent.closest('.break')) {
      for (const match of node.textContent.matchAll(/[^\\s-]*-|[^\\s-]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  for (const e of document.body.querySelectorAll('*')) {
    if (!shown(e) || hidden(e) || e.matches('input, select, textarea, option, iframe')) continue;
    const box = e.getBoundingClientRect(), style = getComputedStyle(e);
    const boxed = style.overflowX !== 'visible' || style.overflowY !== 'visible';
    if (box.right > width + 1 || box.left < -1
        || (boxed && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)))
      clipped.push(`${e.tagName}.${e.className} ${Math.round(box.left)}–${Math.round(box.right)}`);
  }
  // A select shows its chosen option on one line: what does not fit is cut off unread.
  const measure = document.createElement('canvas').getContext('2d');
  for (const e of document.body.querySelectorAll('select')) {
    const option = e.options[e.selectedIndex];
    if (!shown(e) || hidden(e) || !option) continue;
    const style = getComputedStyle(e);
    measure.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
      - 20;  // the drop-down arrow
    const echo = e.nextElementSibling;  // the whole choice written out under it
    const echoed = echo && echo.matches('.select-echo') && shown(echo)
      && echo.textContent === option.text;
    if (measure.measureText(option.text).width > room && !echoed)
      clipped.push(`SELECT “${option.text.slice(0, 40)}”`);
  }
  for (const t of document.querySelectorAll('time'))
    if (shown(t) && t.getClientRects().length > 1) times.push(t.textContent);
  return {overflow: document.documentElement.scrollWidth - width,
          small, tiny, clipped, times, broken};
}"""


def check_phone_layout(page: Page, unbroken: str | None = None) -> None:
    """The page as a person on a phone meets it: no horizontal scroll, every tap target at
    least 44 x 44 px, no text under 16 px, nothing clipped or off the screen, no date or time
    on two lines; in the elements matching `unbroken` (a CSS selector), no word split across
    lines. A control just revealed (a <details> opened) may be measured before its style
    applies: the layout gets up to 3 s to settle (the page's CSP allows no wait_for_function)."""
    page.wait_for_load_state("load")  # the style sheets applied
    for _ in range(30):
        found = page.evaluate(PHONE_LAYOUT, unbroken)
        if found["overflow"] <= 0 and not any(found[key] for key in FAULTS):
            return
        page.wait_for_timeout(100)
    faults = [f"{found['overflow']} px of horizontal scroll"] if found["overflow"] > 0 else []
    faults += [f"{fault}: {found[key]}" for key, fault in FAULTS.items() if found[key]]
    assert faults == [], f"{page.url}: " + "; ".join(faults)


FAULTS = {
    "small": "tap targets under 44 × 44 px",
    "tiny": "text under 16 px",
    "clipped": "clipped or off the screen",
    "times": "dates or times on two lines",
    "broken": "words split across lines",
}
