"""Reminders to confirm receipt, with time advanced: a final copy "để thực hiện" still not
confirmed after the org's interval is reminded once per interval (running beat again in the same
interval sends nothing), never after confirmation, never for lines sent "để báo cáo" or without
a purpose; each reminder carries the person's own link."""

import re
from datetime import timedelta

from sqlalchemy import select

from chibo_flow import events
from chibo_flow.models import Delivery, Programme
from chibo_flow.models._types import utcnow
from chibo_flow.models.delivery import DeliveryStatus
from chibo_flow.notifications.compose import compose_for
from chibo_flow.receipts.confirm import confirmed_by_link
from chibo_flow.receipts.reminders import remind_receipts
from tests.verify.support import demo_programme

TO_ACT = {"bithu@chibo.demo", "capuy1@chibo.demo", "capuy2@chibo.demo", "capuy3@chibo.demo",
          "dangvien1@chibo.demo", "dangvien2@chibo.demo"}  # "CB, đảng viên (t/h)"  # fmt: skip


def _sent(db) -> tuple[Programme, object]:
    """The demo approved, every final copy accepted by the mail server now; the org reminds
    every 3 days."""
    programme = demo_programme("approved")
    programme.org.receipt_reminder_days = 3
    sent_at = utcnow()
    for row in db.session.scalars(select(Delivery).where(Delivery.kind == "final_copy")):
        row.status, row.attempts, row.sent_at = DeliveryStatus.SENT, 1, sent_at
    db.session.commit()
    return programme, sent_at


def _run_beat(now) -> int:
    """What the beat task does at `now`: record, then announce to the dispatcher."""
    recorded = remind_receipts(now)
    events.announce(recorded)
    return len(recorded)


def _reminders(db) -> dict[tuple[str, int], Delivery]:
    """Reminder rows by (address, interval)."""
    db.session.expire_all()
    rows = db.session.scalars(select(Delivery).where(Delivery.kind == "receipt_reminder"))
    return {(row.address, int(row.notice_key.partition("-i")[2])): row for row in rows}


def _row(db, address: str) -> Delivery:
    return db.session.scalar(
        select(Delivery).where(Delivery.kind == "final_copy", Delivery.address == address)
    )


def test_reminded_once_per_interval_and_never_after_confirmation(db, app, client):
    _, sent_at = _sent(db)
    day = timedelta(days=1)

    assert _run_beat(sent_at + 2 * day) == 0, "within the first interval: nothing"
    assert _reminders(db) == {}

    assert _run_beat(sent_at + 3 * day + timedelta(hours=1)) == 1
    first = _reminders(db)
    assert set(first) == {(address, 1) for address in TO_ACT}
    # Beat runs again within the same interval: nothing new.
    assert _run_beat(sent_at + 3 * day + timedelta(hours=5)) == 0
    assert _reminders(db).keys() == first.keys()

    confirmed_by_link(_row(db, "dangvien1@chibo.demo"))
    assert _run_beat(sent_at + 6 * day + timedelta(minutes=1)) == 1
    second = {key for key in _reminders(db) if key[1] == 2}
    assert second == {(address, 2) for address in TO_ACT - {"dangvien1@chibo.demo"}}

    for address in TO_ACT:
        confirmed_by_link(_row(db, address))
    assert _run_beat(sent_at + 30 * day) == 0, "everyone confirmed: no more reminders"
    assert len(_reminders(db)) == len(first) + len(second)


def test_a_reminder_carries_the_persons_own_link(db, app, client):
    _, sent_at = _sent(db)
    _run_beat(sent_at + timedelta(days=3, hours=1))
    reminder = _reminders(db)[("dangvien2@chibo.demo", 1)]
    assert reminder.status == DeliveryStatus.PENDING, "queued like every email"

    message = compose_for(reminder)

    assert message["Subject"] == (
        "[Chi bộ Trường Mầm non Tiên Cường] Nhắc xác nhận đã nhận văn bản số 01-CTr/CB"
    )
    text = " ".join(message.get_body(("plain",)).get_content().split())
    assert text.startswith("Kính gửi: đồng chí Bùi Văn Minh ")
    assert "để thực hiện" in text and "Đã 3 ngày" in text
    (link,) = re.findall(r"http://chibo\.test(/nhan/\S+)", text)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    db.session.expire_all()
    assert _row(db, "dangvien2@chibo.demo").confirmed_at is not None
    assert _row(db, "dangvien1@chibo.demo").confirmed_at is None
    assert list(message.iter_attachments()) == []
