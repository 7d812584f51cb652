"""The secretary records a meeting's vote on a 390 px phone with the minutes scanned or
photographed: a file as large as the form says it may be is taken; a larger one is refused on
the form in words, before it is sent over the phone's connection, nothing recorded."""

from datetime import datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.auth import totp
from chibo_flow.models import MeetingVote
from chibo_flow.uploads import MAX_MINUTES_BYTES, megabytes
from tests.browser.conftest import PHONE, check_phone_layout, log_in
from tests.web.support import bring_to

pytestmark = pytest.mark.one_database  # see tests/conftest.py

LABEL = f"Biên bản cuộc họp (PDF, Word hoặc ảnh, tối đa {megabytes(MAX_MINUTES_BYTES)} MB)"


def _scan(tmp_path, size: int):
    """A PDF of `size` bytes, as a phone's scan of the minutes is."""
    path = tmp_path / "bien-ban-hop.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"0" * (size - 9))
    return path


def _meeting_form(page, world, size: int, tmp_path):
    programme = bring_to(world, "review")
    totp.current_code(world.users["secretary"])
    page.goto(f"/programmes/{programme.id}/vong-duyet")
    log_in(page, world.users["secretary"])
    page.get_by_label("Số cấp ủy viên có mặt").fill("3")
    page.get_by_label("Số phiếu tán thành").fill("2")
    page.get_by_label("Số phiếu không tán thành").fill("1")
    page.get_by_label(LABEL).set_input_files(str(_scan(tmp_path, size)))
    page.get_by_role("button", name="Ghi kết quả biểu quyết").click()


def test_minutes_of_the_size_the_form_promises_are_taken(
    db, world, third, live_server, chromium, tmp_path
):
    page = chromium.new_page(viewport=PHONE, base_url=live_server, locale="vi-VN")
    _meeting_form(page, world, MAX_MINUTES_BYTES - 1024, tmp_path)
    expect(page.get_by_text(messages.PROGRAMME_APPROVED)).to_be_visible()
    assert db.session.scalar(select(func.count()).select_from(MeetingVote)) == 1


def test_larger_minutes_are_refused_in_words_on_the_form(
    db, world, third, live_server, chromium, tmp_path
):
    page = chromium.new_page(viewport=PHONE, base_url=live_server, locale="vi-VN")
    _meeting_form(page, world, MAX_MINUTES_BYTES + 3 * 1024 * 1024, tmp_path)
    too_large = messages.MEETING_MINUTES_TOO_LARGE.format(limit=megabytes(MAX_MINUTES_BYTES))
    expect(page.get_by_text(too_large)).to_be_visible()
    expect(page.get_by_role("button", name="Ghi kết quả biểu quyết")).to_be_visible()
    check_phone_layout(page)
    assert db.session.scalar(select(func.count()).select_from(MeetingVote)) == 0


DAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def test_the_days_chosen_are_written_out_the_vietnamese_way(db, world, live_server, chromium):
    """A phone set to English draws a date field as "12/10/2026, 09:57 AM", which a secretary
    reads as 12 October when it is 10 December: under each field the day chosen is written
    "Thứ Năm, 10/12/2026 lúc 09:57", and again when she picks another."""
    programme = bring_to(world, "review")
    totp.current_code(world.users["secretary"])
    page = chromium.new_page(viewport=PHONE, base_url=live_server, locale="en-US")
    page.goto(f"/programmes/{programme.id}/vong-duyet")
    log_in(page, world.users["secretary"])

    deadline = page.get_by_label("Hạn cho ý kiến mới")
    when = datetime.strptime(deadline.input_value(), "%Y-%m-%dT%H:%M")
    expect(page.locator("#deadline + .date-echo")).to_have_text(
        f"{DAYS[when.weekday()]}, {when:%d/%m/%Y} lúc {when:%H:%M}"
    )
    page.get_by_label("Ngày họp").fill("2026-03-01")
    expect(page.locator("#held_on + .date-echo")).to_have_text("Chủ nhật, 01/03/2026")
    check_phone_layout(page)
