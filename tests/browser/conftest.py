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
