"""The review journeys on phones, in a real browser against the app served for real, with a
committee of three that needs two approvals (the majority rule):

1. with a real Celery worker and SMTP server: the secretary imports and submits the seed;
   member 1 approves (confirming which draft), member 2 disapproves with a reason on section
   II (the round stays open), member 3 approves: approved, member 2's dissent still shown; the
   emails arrive;
2. members 1 and 2 disapprove: the draft returns; the secretary sees both reasons at the top of
   her draft and on her list, revises beside them, marks them resolved with the new draft and
   resubmits; both see what changed and approve.

Everyone logs in with a TOTP second factor (in journey 1 the secretary enrols hers at her first
login). Every page on the way passes the phone layout check at 390 px (tests.browser.conftest:
no horizontal scrolling, 44 px touch targets, 16 px text, nothing clipped), has no form control
without an accessible name, and its main button is reachable with Tab; no page breaks its
Content-Security-Policy or logs a script error. Screenshots of each step are saved under
test-output/review-journey/."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from chibo_flow import messages
from chibo_flow.auth import totp
from chibo_flow.documents.reading import MAX_UPLOAD_BYTES
from chibo_flow.security.limits import MAX_COMMENT_CHARS
from chibo_flow.uploads import megabytes
from chibo_flow.workflow import apply_transition
from tests.browser.conftest import CONTROL, PHONE, check_phone_layout, log_in
from tests.support import SEED, wait_for
from tests.web.support import bring_to

pytestmark = pytest.mark.one_database  # see tests/conftest.py

OLD_WORDS = "Đảm bảo 100% CBĐV trong chi bộ"
NEW_WORDS = "Đảm bảo 100% cán bộ, đảng viên trong chi bộ"
REASON = "Mục II cần viết đầy đủ “cán bộ, đảng viên” thay cho chữ viết tắt."
REASON_2 = "Đề nghị nêu rõ thời hạn hoàn thành từng nhiệm vụ."
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
    """The page passes the phone layout check, names every control, and Tab reaches its main
    button."""
    check_phone_layout(page)
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


def approve(page: Page, revision: int) -> None:
    """Press "Tán thành", check the confirmation names the draft, and confirm."""
    page.locator("#tan-thanh > summary").click()
    expect(page.get_by_text(f"Đồng chí tán thành Dự thảo lần {revision} của")).to_be_visible()
    page.get_by_role("button", name=f"Xác nhận tán thành Dự thảo lần {revision}").click()


def disapprove(page: Page, reason: str, section: str | None = None) -> None:
    """Open "Không tán thành", choose the section, give the reason; the page is checked before
    sending."""
    page.locator("#khong-tan-thanh > summary").click()
    if section:
        page.get_by_label("Ý kiến về mục", exact=True).select_option(label=section)
    page.get_by_label("Lý do không tán thành (bắt buộc)").fill(reason)
    check_page(page, "Gửi ý kiến không tán thành")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_one_dissent_of_three_the_majority_approves(
    db, world, third, live_server, chromium, smtp_server, celery_worker, shots
):
    errors: list[str] = []
    # The committee members have set up their authenticator app before; the secretary logs in
    # for the first time and enrols hers (QR code, first code, recovery codes).
    members = [world.users["committee"], world.users["committee2"], third]
    for member in members:
        totp.current_code(member)

    # The secretary imports the seed file and submits it.
    secretary = phone(chromium, live_server, errors)
    secretary.goto("/programmes/new")
    log_in(secretary, world.users["secretary"])
    expect(secretary.get_by_role("heading", name="Soạn dự thảo mới")).to_be_visible()
    check_page(secretary, "Tạo dự thảo")
    upload = secretary.get_by_label(
        messages.DOCUMENT_FILE_FIELD.format(limit=megabytes(MAX_UPLOAD_BYTES))
    )
    upload.set_input_files(SEED)
    secretary.get_by_role("button", name="Tạo dự thảo").click()
    expect(secretary.get_by_text("Đã tạo dự thảo mới.")).to_be_visible()
    programme_path = re.search(r"/programmes/\d+$", secretary.url).group(0)
    expect(secretary.get_by_text("Dự thảo lần 1", exact=True)).to_be_visible()
    check_page(secretary, "Trình duyệt")
    shots(secretary, "secretary-imported")
    secretary.get_by_role("button", name="Trình duyệt").click()
    expect(secretary.get_by_text("Đã trình cấp ủy duyệt.")).to_be_visible()
    expect(secretary.get_by_text("Hạn cho ý kiến:").first).to_be_visible()
    shots(secretary, "secretary-submitted")

    # Member 1 follows the emailed link on a phone, logs in, approves and confirms.
    link = LINK.search(mail_to(smtp_server, "review_request", "committee@chibo.test")).group(1)
    member1 = phone(chromium, live_server, errors)
    member1.goto(link)
    log_in(member1, members[0])
    assert member1.url.endswith(f"{programme_path}/review")
    expect(member1.get_by_text("0/2 ý kiến tán thành · còn cần 2")).to_be_visible()
    expect(member1.get_by_text("Thông qua khi 2/3 cấp ủy viên tán thành")).to_be_visible()
    check_page(member1, "Tán thành")
    shots(member1, "member1-review")
    approve(member1, 1)
    expect(member1.get_by_text(messages.ACTION_DONE["approve"])).to_be_visible()
    expect(member1.get_by_text("Đồng chí đã tán thành Dự thảo lần 1 lúc")).to_be_visible()
    expect(member1.get_by_role("button", name="Rút lại ý kiến")).to_be_visible()
    check_page(member1, "Rút lại ý kiến")
    shots(member1, "member1-approved-undo-offered")

    # Member 2 disapproves with a reason on section II: the round stays open.
    link = LINK.search(mail_to(smtp_server, "review_request", "committee2@chibo.test")).group(1)
    member2 = phone(chromium, live_server, errors)
    member2.goto(link)
    log_in(member2, members[1])
    disapprove(member2, REASON, "II. Nhiệm vụ trọng tâm")
    shots(member2, "member2-disapproves")
    member2.get_by_role("button", name="Gửi ý kiến không tán thành").click()
    expect(member2.get_by_text(messages.ACTION_DONE["request_changes"])).to_be_visible()
    expect(
        member2.get_by_text("1/2 ý kiến tán thành · còn cần 1 · 1 không tán thành")
    ).to_be_visible()
    assert REASON in mail_to(smtp_server, "changes_requested", "secretary@chibo.test")

    # Member 3 approves: two of three, the programme passes and gets its number.
    link = LINK.search(mail_to(smtp_server, "review_request", "capuy3@chibo.test")).group(1)
    member3 = phone(chromium, live_server, errors)
    member3.goto(link)
    log_in(member3, third)
    expect(member3.get_by_text("Trần Thị Bình — không tán thành lúc")).to_be_visible()
    check_page(member3, "Tán thành")
    approve(member3, 1)
    expect(member3.get_by_text(messages.PROGRAMME_APPROVED)).to_be_visible()
    expect(member3.get_by_text("Số 01-CTr/CB")).to_be_visible()
    shots(member3, "member3-approves")

    # The approved programme still shows member 2's dissent and its reason.
    member3.goto(programme_path)
    expect(member3.get_by_text("Số 01-CTr/CB").first).to_be_visible()
    expect(member3.get_by_text("2/2 ý kiến tán thành · 1 không tán thành")).to_be_visible()
    expect(member3.get_by_text("Trần Thị Bình — không tán thành lúc")).to_be_visible()
    expect(member3.locator(".comment__body", has_text=REASON)).to_be_visible()
    # The document's paragraphs are not justified on a phone (no wide gaps between words).
    paragraph = member3.locator(".party-doc__para").first
    assert paragraph.evaluate("p => getComputedStyle(p).textAlign") in ("left", "start")
    check_page(member3)
    shots(member3, "approved-programme")

    # The final copy reaches every recipient; the secretary is told it passed.
    final = wait_for(lambda: len(smtp_server.messages("final_copy")) >= 7, timeout=90)
    assert final
    recipients = sorted(m.envelope_to for m in smtp_server.messages("final_copy"))
    assert recipients == sorted(
        [
            "capuy3@chibo.test",
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


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_two_dissents_return_the_draft_then_both_approve_the_revision(
    db, world, third, live_server, chromium, shots
):
    errors: list[str] = []
    people = [world.users[key] for key in ("secretary", "committee", "committee2")] + [third]
    for person in people:
        totp.current_code(person)
    programme = world.programme
    programme_path = f"/programmes/{programme.id}"
    apply_transition(programme, "submit", people[0], version=programme.version)

    # The secretary gives the committee one more day (the form offers it).
    secretary = phone(chromium, live_server, errors)
    secretary.goto(programme_path)
    log_in(secretary, people[0])
    secretary.get_by_role("link", name="Gia hạn hoặc ghi biểu quyết tại cuộc họp").click()
    expect(secretary.get_by_label("Hạn cho ý kiến mới")).not_to_have_value("")
    check_page(secretary, "Gia hạn")
    shots(secretary, "secretary-round-actions")
    secretary.get_by_role("button", name="Gia hạn", exact=True).click()
    expect(secretary.get_by_text(messages.ACTION_DONE["extend_deadline"])).to_be_visible()

    # Members 1 and 2 disapprove: approvals can no longer reach 2 of 3, the draft returns.
    member1 = phone(chromium, live_server, errors)
    member1.goto(f"{programme_path}/review")
    log_in(member1, people[1])
    disapprove(member1, REASON, "II. Nhiệm vụ trọng tâm")
    member1.get_by_role("button", name="Gửi ý kiến không tán thành").click()
    expect(
        member1.get_by_text("0/2 ý kiến tán thành · còn cần 2 · 1 không tán thành")
    ).to_be_visible()
    member2 = phone(chromium, live_server, errors)
    member2.goto(f"{programme_path}/review")
    log_in(member2, people[2])
    disapprove(member2, REASON_2)
    shots(member2, "member2-disapproves")
    member2.get_by_role("button", name="Gửi ý kiến không tán thành").click()
    expect(member2.get_by_text("văn bản đã trở về dự thảo để bí thư chỉnh sửa")).to_be_visible()
    shots(member2, "returned")

    # The secretary's list counts both; her draft shows both reasons at the top.
    secretary.goto("/")
    points = secretary.get_by_role("link", name="2 ý kiến cần xử lý")
    expect(points).to_be_visible()
    check_page(secretary)
    shots(secretary, "secretary-list-counts")
    points.click()
    reasons = [
        secretary.locator(".open-points .comment__body", has_text=r) for r in (REASON, REASON_2)
    ]
    actions = secretary.get_by_role("heading", name="Thao tác")
    for reason in reasons:
        expect(reason).to_be_visible()
        assert reason.bounding_box()["y"] < actions.bounding_box()["y"]
    check_page(secretary, "Sửa dự thảo")
    shots(secretary, "secretary-sees-both-reasons")

    # She revises beside them, marks both resolved with the new draft and resubmits.
    secretary.get_by_role("link", name="Sửa dự thảo").click()
    expect(
        secretary.locator(".editor-layout__points .comment__body", has_text=REASON)
    ).to_be_visible()
    text = secretary.get_by_label("Nội dung văn bản")
    text.fill(text.input_value().replace(OLD_WORDS, NEW_WORDS))
    check_page(secretary, "Lưu")
    shots(secretary, "secretary-edits-beside-the-points")
    secretary.get_by_role("button", name="Lưu").click()
    expect(secretary.get_by_text("Đã lưu dự thảo.")).to_be_visible()
    for _ in range(2):
        secretary.get_by_role("button", name="Đã giải quyết ở Dự thảo lần 2").first.click()
        expect(
            secretary.get_by_text(messages.REVIEW_THREAD_RESOLVED.format(revision=2))
        ).to_be_visible()
    expect(secretary.get_by_text("Ý kiến góp ý chưa giải quyết")).to_have_count(0)
    secretary.get_by_role("button", name="Trình duyệt").click()
    expect(secretary.get_by_text("Đã trình cấp ủy duyệt.")).to_be_visible()
    shots(secretary, "secretary-resubmitted")

    # Both see what changed since the draft they disapproved, and approve it.
    for number, member in enumerate((member1, member2), start=1):
        member.goto(f"{programme_path}/review")
        expect(member.get_by_text("Những thay đổi kể từ Dự thảo lần 1", exact=True)).to_be_visible()
        changes = member.locator("article.change").first
        expect(changes.locator("del")).to_have_text("CBĐV")
        expect(changes.locator("ins")).to_have_text("cán bộ, đảng viên")
        expect(member.get_by_text("Đã giải quyết ở Dự thảo lần 2").first).to_be_visible()
        check_page(member, "Tán thành")
        member.locator("#tan-thanh > summary").click()
        expect(
            member.locator(".confirm__body").get_by_text(
                "II. Nhiệm vụ trọng tâm › 1. Công tác chính trị tư tưởng"
            )
        ).to_be_visible()
        shots(member, f"member{number}-confirms-revision")
        member.get_by_role("button", name="Xác nhận tán thành Dự thảo lần 2").click()
    expect(member2.get_by_text(messages.PROGRAMME_APPROVED)).to_be_visible()
    expect(member2.get_by_text("Số 01-CTr/CB")).to_be_visible()
    shots(member2, "approved")
    assert errors == []


def test_a_comment_too_long_is_stopped_while_typing_not_lost_on_sending(
    db, world, live_server, chromium
):
    """A comment, a reason or a reply holds at most MAX_COMMENT_CHARS: the box takes no more
    (pasting a longer text keeps its first 5,000 characters) and what was typed is sent and
    kept. The server refused a longer one with a flash and the text typed on a phone was gone."""
    programme = bring_to(world, "review")
    page = chromium.new_page(viewport=PHONE)
    page.goto(f"{live_server}/programmes/{programme.id}/review")
    log_in(page, world.users["committee"])
    page.goto(f"{live_server}/programmes/{programme.id}/review")
    for box in ("Nội dung góp ý", "Lý do không tán thành (bắt buộc)"):
        assert page.get_by_label(box).get_attribute("maxlength") == str(MAX_COMMENT_CHARS)

    body = page.get_by_label("Nội dung góp ý")
    body.focus()
    page.keyboard.insert_text("Đề nghị bổ sung. " * 400)  # 6,800 characters pasted
    assert len(body.input_value()) == MAX_COMMENT_CHARS
    page.get_by_role("button", name="Gửi góp ý").click()
    expect(page.get_by_text(messages.REVIEW_COMMENT_ADDED)).to_be_visible()
    reply = page.locator("textarea[name=body]").first
    assert reply.get_attribute("maxlength") == str(MAX_COMMENT_CHARS)


def test_a_long_section_chosen_for_a_comment_is_written_out_on_a_phone(
    db, world, live_server, chromium
):
    """The link "Góp ý mục này" opens the comment form on that section: its select shows the
    choice on one line, which a section's path does not fit at 390 px, so the whole of it is
    written out under the select (and again when another is chosen)."""
    programme = bring_to(world, "review")
    page = chromium.new_page(viewport=PHONE)
    page.goto(f"{live_server}/programmes/{programme.id}/review")
    log_in(page, world.users["committee"])
    page.goto(f"{live_server}/programmes/{programme.id}/review")
    page.get_by_role("link", name=re.compile(r"Góp ý mục này \(II\. .*› 2\.")).click()

    anchor = page.get_by_label("Góp ý về mục")
    chosen = anchor.evaluate("e => e.options[e.selectedIndex].text")
    assert chosen.startswith("II.") and len(chosen) > 40, chosen
    expect(page.locator(".select-echo", has_text=chosen)).to_be_visible()
    check_phone_layout(page, "main")
    anchor.select_option(label="Toàn văn")
    expect(page.locator(".select-echo", has_text=chosen)).to_be_hidden()
