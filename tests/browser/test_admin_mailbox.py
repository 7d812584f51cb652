"""The admin's test mailbox in a real browser, under the site's Content-Security-Policy: a
captured email's HTML part shows inside its sandboxed frame, and nothing breaks the policy."""

import smtplib
from email.message import EmailMessage

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, log_in
from tests.browser.test_review_journey import CSP, REPORT_CSP_VIOLATIONS

pytestmark = pytest.mark.one_database  # see tests/conftest.py


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_captured_email_shows_in_its_frame(world, live_server, chromium, smtp_server):
    mail = EmailMessage()
    mail["Subject"] = "Thư thử cho quản trị viên"
    mail["From"] = "no-reply@chibo.test"
    mail["To"] = world.users["secretary"].email
    mail.set_content("Kính gửi đồng chí bí thư.")
    mail.add_alternative('<p style="color: #a00">Kính gửi <strong>đồng chí bí thư</strong>.</p>',
                         subtype="html")  # fmt: skip
    with smtplib.SMTP("127.0.0.1", smtp_server.port) as smtp:
        smtp.send_message(mail)
    errors: list[str] = []
    context = chromium.new_context(viewport=PHONE, base_url=live_server, locale="vi-VN")
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if CSP.search(m.text) else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto("/admin/mailbox")
    log_in(page, world.users["admin"])
    page.get_by_role("link", name="Thư thử cho quản trị viên").click()

    frame = page.frame_locator("iframe.mail-frame")
    expect(frame.get_by_text("đồng chí bí thư")).to_be_visible()
    assert errors == []
    context.close()
