"""The secretary's delivery page in Debian's chromium, on a 390 px phone and on a desktop: it
passes the phone layout check and no word, date or address is broken mid-word (addresses wrap
after "@" or before a dot only)."""

import pytest
from sqlalchemy import select

from chibo_flow.models import Delivery, DirectoryEntry
from chibo_flow.models._types import utcnow
from chibo_flow.models.delivery import DeliveryStatus
from tests.browser.conftest import PHONE, SCREENSHOTS, check_phone_layout, log_in
from tests.web.support import bring_to

pytestmark = pytest.mark.one_database  # see tests/conftest.py

LONG_ADDRESS = "van.phong.dang.uy.xa.tien.cuong@tiencuong.hungha.thaibinh.gov.vn"


@pytest.fixture
def sent(db, world):
    """The seed approved, the leader at a long office address, every copy sent, one opened."""
    entry = db.session.scalar(
        select(DirectoryEntry).where(DirectoryEntry.email == "phutrach@chibo.test")
    )
    entry.email = LONG_ADDRESS
    db.session.commit()
    programme = bring_to(world, "approved")
    now = utcnow()
    for delivery in db.session.scalars(select(Delivery).where(Delivery.kind == "final_copy")):
        delivery.status, delivery.attempts, delivery.sent_at = DeliveryStatus.SENT, 1, now
        delivery.last_reply_code, delivery.last_reply = 250, "2.0.0 OK: queued as 4Zx9Qk1mYpz"
        delivery.opened_at = now if delivery.address == LONG_ADDRESS else None
    db.session.commit()
    return programme


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["390", "1280"])
def test_the_delivery_page_fits_without_breaking_words(
    world, sent, live_server, chromium, viewport
):
    page = chromium.new_page(viewport=viewport)
    page.goto(f"{live_server}/programmes/{sent.id}/deliveries")
    log_in(page, world.users["secretary"])
    page.goto(f"{live_server}/programmes/{sent.id}/deliveries")
    page.get_by_role("heading", name="Từng người nhận").wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS.parent / f"deliveries-{viewport['width']}.png"), full_page=True
    )

    check_phone_layout(page, unbroken="table.stack td")
    assert page.get_by_text("Đã gửi tới máy chủ thư").first.is_visible()
    raw = page.get_by_text("2.0.0 OK: queued as 4Zx9Qk1mYpz").first
    assert not raw.is_visible(), "the raw reply waits in the details"
    page.get_by_text("Chi tiết").first.click()
    assert raw.is_visible()
    check_phone_layout(page, unbroken="table.stack td")


def test_the_programme_page_keeps_the_mail_servers_replies_in_the_details(
    world, sent, live_server, chromium
):
    """The approved programme's own page lists its emails too, for the committee reading it on a
    phone: the status in words, the mail server's raw English reply ("250 2.0.0 OK: …") and the
    number of tries behind "Chi tiết", as on the delivery page, not two more rows per person."""
    page = chromium.new_page(viewport=PHONE)
    page.goto(f"{live_server}/programmes/{sent.id}")
    log_in(page, world.users["committee"])
    page.goto(f"{live_server}/programmes/{sent.id}")
    section = page.get_by_role("region", name="Gửi thư tới nơi nhận")
    section.wait_for()

    raw = section.get_by_text("2.0.0 OK: queued as 4Zx9Qk1mYpz").first
    assert section.get_by_text("Đã gửi").first.is_visible()
    assert not raw.is_visible(), "the raw reply waits in the details"
    check_phone_layout(page, unbroken="table.stack td")
    section.get_by_text("Chi tiết").first.click()
    assert raw.is_visible()
