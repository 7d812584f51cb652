"""The review journey in a real browser, against the app served for real with a real Celery
worker and SMTP server: the secretary imports and submits the seed; member 1 approves on a
phone; member 2 asks for changes to section II; the secretary edits and resubmits; member 2
sees what changed and approves; member 1 approves again; the emails arrive. Everyone logs in
with a TOTP second factor (the secretary enrols hers at her first login).

Every page on the way is checked on a 390 px wide screen (no horizontal scrolling), for form
controls without an accessible name, and that its main button is reachable with Tab; no page
breaks its Content-Security-Policy or logs a script error."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from chibo_flow import messages
from chibo_flow.auth import totp
from tests.browser.conftest import CONTROL, PHONE, log_in
from tests.support import SEED, wait_for

OLD_WORDS = "Đảm bảo 100% CBĐV trong chi bộ"
NEW_WORDS = "Đảm bảo 100% cán bộ, đảng viên trong chi bộ"
REASON = "Mục II cần viết đầy đủ “cán bộ, đảng viên” thay cho chữ viết tắt."
LINK = re.compile(r"http://chibo\.test(/review/\S+)")
# Names of the form controls a page has that no label or aria attribute names.
UNLABELLED = """() => [...document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea'
    )].filter(
    e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
         && !e.getAttribute('aria-labelledby')).map(e => e.name || e.id)"""


# The label of the focused control (a button's text, an input button's value).
FOCUSED = """() => { const e = document.activeElement;
    return (e.tagName === 'INPUT' ? e.value : e.textContent).trim(); }"""


def check_page(page: Page, main_button: str | None = None) -> None:
    """The page fits a phone, names every control, and Tab reaches its main button."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways ({width} px)"
    assert page.evaluate(UNLABELLED) == [], page.url
    assert CONTROL.findall(page.locator("body").aria_snapshot()) == [], page.url
    if main_button:
        page.locator("body").focus()
        for _ in range(80):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused == main_button:
                break
        else:
            raise AssertionError(f"Tab never reaches “{main_button}” on {page.url}")


def mail_to(smtp_server, kind: str, address: str, count: int = 1):
    """Wait for the `count`-th email of `kind` to `address`; its text part."""

    def arrived():
        found = [m for m in smtp_server.messages(kind) if m.envelope_to == address]
        return found if len(found) >= count else None

    message = wait_for(arrived, timeout=60)[0]  # newest first
    return message.message.get_body(preferencelist=("plain",)).get_content()


# Reports every CSP violation of the page to the console (injected by the browser driver, so
# the policy itself does not apply to it).
REPORT_CSP_VIOLATIONS = """document.addEventListener('securitypolicyviolation', e =>
    console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"""


CSP = re.compile(r"Content Security Policy|CSP violation")


def phone(chromium: Browser, base_url: str, errors: list[str]) -> Page:
    """A new phone-sized browser session (its own cookies); the CSP violations and uncaught
    script errors of its pages are added to `errors`."""
    context = chromium.new_context(viewport=PHONE, base_url=base_url, locale="vi-VN")
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.on(
        "console", lambda m: errors.append(f"{page.url}: {m.text}") if CSP.search(m.text) else None
    )
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    return page


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_review_on_a_phone_from_submission_to_approval(
    db, world, live_server, chromium, smtp_server, celery_worker, shots
):
    errors: list[str] = []
    # The committee members have set up their authenticator app before; the secretary logs in
    # for the first time and enrols hers (QR code, first code, recovery codes).
    for key in ("committee", "committee2"):
        totp.current_code(world.users[key])

    # The secretary imports the seed file and submits it.
    secretary = phone(chromium, live_server, errors)
    secretary.goto("/programmes/new")
    log_in(secretary, world.users["secretary"])
    expect(secretary.get_by_role("heading", name="Soạn dự thảo mới")).to_be_visible()
    check_page(secretary, "Tạo dự thảo")
    secretary.get_by_label("Hoặc tải lên tệp văn bản (.docx, .txt)").set_input_files(SEED)
    secretary.get_by_role("button", name="Tạo dự thảo").click()
    expect(secretary.get_by_text("Đã tạo dự thảo mới.")).to_be_visible()
    programme_path = re.search(r"/programmes/\d+$", secretary.url).group(0)
    check_page(secretary, "Trình duyệt")
    shots(secretary, "secretary-imported")
    secretary.get_by_role("button", name="Trình duyệt").click()
    expect(secretary.get_by_text("Đã trình cấp ủy duyệt.")).to_be_visible()
    shots(secretary, "secretary-submitted")

    # Member 1 follows the emailed link on a phone, logs in and approves.
    link = LINK.search(mail_to(smtp_server, "review_request", "committee@chibo.test")).group(1)
    member1 = phone(chromium, live_server, errors)
    member1.goto(link)
    log_in(member1, world.users["committee"])
    assert member1.url.endswith(f"{programme_path}/review")
    expect(member1.get_by_text("0/2 ý kiến đồng ý · còn cần 2 ý kiến đồng ý")).to_be_visible()
    check_page(member1, "Đồng ý thông qua")
    shots(member1, "member1-review")
    member1.get_by_role("button", name="Đồng ý thông qua").click()
    expect(member1.get_by_text(messages.ACTION_DONE["approve"])).to_be_visible()
    expect(member1.get_by_text("Nguyễn Văn An — đồng ý lúc")).to_be_visible()
    shots(member1, "member1-approved")

    # Member 2 asks for changes to section II, with a reason.
    link = LINK.search(mail_to(smtp_server, "review_request", "committee2@chibo.test")).group(1)
    member2 = phone(chromium, live_server, errors)
    member2.goto(link)
    log_in(member2, world.users["committee2"])
    member2.get_by_text("Yêu cầu chỉnh sửa", exact=True).click()
    member2.get_by_label("Ý kiến về mục", exact=True).select_option(label="II. Nhiệm vụ trọng tâm")
    member2.get_by_label("Lý do yêu cầu chỉnh sửa (bắt buộc)").fill(REASON)
    check_page(member2, "Gửi yêu cầu chỉnh sửa")
    shots(member2, "member2-requests-changes")
    member2.get_by_role("button", name="Gửi yêu cầu chỉnh sửa").click()
    expect(member2.get_by_text(messages.ACTION_DONE["request_changes"])).to_be_visible()
    assert REASON in mail_to(smtp_server, "changes_requested", "secretary@chibo.test")

    # The secretary sees the open thread, edits section II and resubmits.
    secretary.goto(programme_path)
    expect(secretary.get_by_text("Ý kiến góp ý chưa giải quyết (1)")).to_be_visible()
    expect(secretary.locator(".comment__body", has_text=REASON)).to_be_visible()
    shots(secretary, "secretary-sees-request")
    secretary.get_by_role("link", name="Sửa dự thảo").click()
    text = secretary.get_by_label("Nội dung văn bản")
    assert OLD_WORDS in text.input_value()
    text.fill(text.input_value().replace(OLD_WORDS, NEW_WORDS))
    check_page(secretary, "Lưu")
    secretary.get_by_role("button", name="Lưu").click()
    expect(secretary.get_by_text("Đã lưu dự thảo.")).to_be_visible()
    secretary.get_by_role("button", name="Trình duyệt").click()
    expect(secretary.get_by_text("Đã trình cấp ủy duyệt.")).to_be_visible()
    shots(secretary, "secretary-resubmitted")

    # Member 2 is told what changed, sees the word diff, resolves the thread and approves.
    summary = mail_to(smtp_server, "resubmitted", "committee2@chibo.test")
    assert "1. Công tác chính trị tư tưởng: có sửa đổi (thêm 4 từ, bỏ 1 từ)" in summary
    member2.goto(LINK.search(summary).group(1))
    changes = member2.locator("#changes-title + p + ul + article")
    expect(changes.locator("del")).to_have_text("CBĐV")
    expect(changes.locator("ins")).to_have_text("cán bộ, đảng viên")
    expect(member2.get_by_text("0/2 ý kiến đồng ý · còn cần 2 ý kiến đồng ý")).to_be_visible()
    check_page(member2, "Đồng ý thông qua")
    shots(member2, "member2-sees-diff")
    member2.get_by_role("button", name="Đánh dấu đã giải quyết").click()
    expect(member2.get_by_text("Đã đánh dấu ý kiến là đã giải quyết.")).to_be_visible()
    member2.get_by_role("button", name="Đồng ý thông qua").click()
    expect(member2.get_by_text("1/2 ý kiến đồng ý · còn cần 1 ý kiến đồng ý")).to_be_visible()

    # Member 1 approves again: the programme passes and gets its number.
    assert "thêm 4 từ" in mail_to(smtp_server, "resubmitted", "committee@chibo.test")
    member1.goto(f"{programme_path}/review")
    member1.get_by_role("button", name="Đồng ý thông qua").click()
    expect(
        member1.get_by_text("Chương trình đã được thông qua và gửi tới nơi nhận.")
    ).to_be_visible()
    expect(member1.get_by_text("Số 01-CTr/CB")).to_be_visible()
    shots(member1, "member1-approved-again")
    member1.goto(programme_path)
    expect(member1.get_by_text("Số 01-CTr/CB").first).to_be_visible()
    check_page(member1)
    shots(member1, "approved-programme")

    # The final copy reaches every recipient; the secretary is told it passed.
    final = wait_for(lambda: len(smtp_server.messages("final_copy")) >= 6, timeout=90)
    assert final
    recipients = sorted(m.envelope_to for m in smtp_server.messages("final_copy"))
    assert recipients == sorted(
        [
            "committee2@chibo.test",
            "committee@chibo.test",
            "member@chibo.test",
            "phutrach@chibo.test",
            "secretary@chibo.test",
            "thuongtruc1@chibo.test",
        ]
    )
    assert "số 01-CTr/CB" in mail_to(smtp_server, "approved_notice", "secretary@chibo.test")
    secretary.goto(f"{programme_path}/deliveries")  # the page that polls with a script
    expect(secretary.get_by_text("thuongtruc1@chibo.test")).to_be_visible()
    secretary.wait_for_timeout(3500)  # one poll of deliveries.js
    secretary.goto("/")
    check_page(secretary)
    shots(secretary, "secretary-list")
    assert errors == []
