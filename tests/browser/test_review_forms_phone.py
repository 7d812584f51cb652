"""The review page's two forms on a 390 px phone keep what a committee member typed when the
server refuses it: the reason of a "Không tán thành" sent after the draft moved on (the
secretary withdrew and resubmitted it meanwhile) comes back in its box, the section still
chosen, the form open and in view, beside the message that says why; nothing is saved. A
comment box stops at the length the server accepts."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.auth import totp
from chibo_flow.models import Comment
from chibo_flow.review.threads import add_thread
from chibo_flow.security.limits import MAX_COMMENT_CHARS
from chibo_flow.workflow import apply_transition
from tests.browser.conftest import PHONE, check_phone_layout, log_in

pytestmark = pytest.mark.one_database  # see tests/conftest.py

SECTION = "II. Nhiệm vụ trọng tâm"
REASON = "Mục II cần nêu rõ chỉ tiêu kết nạp đảng viên mới và thời hạn hoàn thành từng việc."


def test_a_refused_reason_and_comment_come_back_in_their_boxes(db, world, live_server, chromium):
    secretary, member = world.users["secretary"], world.users["committee"]
    for person in (secretary, member):
        totp.current_code(person)
    programme = world.programme
    apply_transition(programme, "submit", secretary, version=programme.version)
    page = chromium.new_page(viewport=PHONE, base_url=live_server, locale="vi-VN")
    page.goto(f"/programmes/{programme.id}/review")
    log_in(page, member)

    page.locator("#khong-tan-thanh > summary").click()
    page.get_by_label("Ý kiến về mục", exact=True).select_option(label=SECTION)
    page.get_by_label("Lý do không tán thành (bắt buộc)").fill(REASON)
    # Meanwhile the secretary takes the draft back and submits it again: the page is stale.
    apply_transition(programme, "withdraw", secretary, version=programme.version)
    apply_transition(programme, "submit", secretary, version=programme.version)
    page.get_by_role("button", name="Gửi ý kiến không tán thành").click()

    expect(page.get_by_text("Chương trình đã được người khác thay đổi")).to_be_in_viewport()
    reason = page.get_by_label("Lý do không tán thành (bắt buộc)")
    expect(reason).to_have_value(REASON)
    expect(reason).to_be_in_viewport()
    assert _chosen(page, "Ý kiến về mục") == SECTION
    check_phone_layout(page)

    # A comment box takes no more than the server accepts: a long paste stops at the limit
    # (a longer one is refused, its text kept in its box: tests/security/test_v2_input.py).
    page.get_by_label("Nội dung góp ý").fill("Đề nghị bổ sung. " * (MAX_COMMENT_CHARS // 16 + 1))
    typed = page.get_by_label("Nội dung góp ý").input_value()
    assert len(typed) == MAX_COMMENT_CHARS
    saved = select(func.count(Comment.id)).where(Comment.programme_id == programme.id)
    assert db.session.scalar(saved) == 0


def _chosen(page: Page, label: str) -> str:
    """The text of the option chosen in the select labelled `label`."""
    return page.get_by_label(label, exact=True).evaluate("s => s.options[s.selectedIndex].text")


def test_a_reply_as_long_as_its_box_takes_is_taken_with_its_line_breaks(
    db, world, live_server, chromium
):
    """A reply of as many characters as its box lets one type, in lines, is taken: a form sends
    each line break as two characters (CR LF), and the server counted them so, refusing as
    "quá dài" a text its box had just accepted."""
    secretary, member = world.users["secretary"], world.users["committee"]
    totp.current_code(member)
    programme = world.programme
    apply_transition(programme, "submit", secretary, version=programme.version)
    thread = add_thread(programme, secretary, "Xin ý kiến các đồng chí về mục II.", None)
    page = chromium.new_page(viewport=PHONE, base_url=live_server, locale="vi-VN")
    page.goto(f"/programmes/{programme.id}/review")
    log_in(page, member)

    page.locator(f"#y-kien-{thread.id} .thread__reply > summary").click()
    box = page.get_by_label(f"Trả lời ý kiến của {secretary.name}")
    box.fill(("Đề nghị bổ sung chỉ tiêu.\n" * MAX_COMMENT_CHARS)[:MAX_COMMENT_CHARS])
    assert len(box.input_value()) == MAX_COMMENT_CHARS
    check_phone_layout(page)
    page.get_by_role("button", name="Gửi trả lời").click()

    expect(page.get_by_text(messages.REVIEW_REPLY_ADDED)).to_be_visible()
    reply = db.session.scalar(select(Comment).where(Comment.parent_id == thread.id))
    assert reply is not None and reply.body.count("\n") > 150 and "\r" not in reply.body
