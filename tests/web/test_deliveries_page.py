"""The secretary's delivery page: whom the final copy went to, live status, "Gửi lại"."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.models import AuditEvent, Delivery, DirectoryEntry, Group
from chibo_flow.models.delivery import DeliveryStatus
from chibo_flow.notifications.compose import compose_for
from tests.web.support import bring_to, flashes, page_text

SENT_AT = datetime(2026, 11, 25, 3, 4, tzinfo=UTC)  # 10:04 in Hà Nội


def rows(db, programme_id: int) -> dict[str, Delivery]:
    """The programme's final-copy emails by address, fresh from the database."""
    db.session.expire_all()
    query = select(Delivery).where(
        Delivery.programme_id == programme_id, Delivery.kind == "final_copy"
    )
    return {d.address: d for d in db.session.scalars(query)}


def fail(db, delivery: Delivery, reply: str = "Mailbox unavailable") -> None:
    """What the mailer leaves after the last attempt was refused."""
    delivery.status, delivery.attempts = DeliveryStatus.FAILED, 6
    delivery.last_reply_code, delivery.last_reply = 550, reply
    db.session.commit()


@pytest.fixture
def approved(world):
    """The seed, approved: one pending Delivery per address its lines reach."""
    return bring_to(world, "approved")


def test_the_page_lists_each_recipient_with_line_purpose_and_status(db, world, browser, approved):
    standing = rows(db, approved.id)["thuongtruc1@chibo.test"]
    standing.status, standing.attempts, standing.sent_at = DeliveryStatus.SENT, 1, SENT_AT
    standing.last_reply_code, standing.last_reply = 250, "OK queued"
    db.session.commit()

    page = browser(world.users["secretary"]).get(f"/programmes/{approved.id}/deliveries")

    assert page.status_code == 200
    shown = page_text(page)
    assert (
        "Phạm Văn Dũng <thuongtruc1@chibo.test> Thường trực ĐU (để báo cáo) Đã gửi tới máy chủ "
        "thư Chi tiết Số lần gửi: 1 Phản hồi của máy chủ thư: 250 OK queued 10:04 25/11/2026 "
        "Chưa mở Chưa xác nhận"
    ) in shown
    assert "Ngô Văn Phúc <phutrach@chibo.test> Lãnh đạo phụ trách chi bộ Chờ gửi" in shown
    assert "Đỗ Thị Lan <member@chibo.test> CB, đảng viên (để thực hiện) Chờ gửi" in shown
    total = len(rows(db, approved.id))
    assert f"Đã gửi 1/{total} thư; {total - 1} thư chờ hoặc đang gửi; 0 thư lỗi." in shown
    # Still sending: the page polls its JSON twin, and says so.
    assert "Trang tự cập nhật trong khi đang gửi." in shown
    assert 'src="/static/deliveries.js"' in page.get_data(as_text=True)
    assert re.search(r"<form [^>]*data-resend-all hidden>", page.get_data(as_text=True))


def test_the_json_the_page_polls_stops_being_active_when_nothing_is_left(
    db, world, browser, approved
):
    secretary = browser(world.users["secretary"])
    url = f"/programmes/{approved.id}/deliveries.json"

    pending = secretary.get(url).get_json()
    assert pending["active"] is True
    assert {item["status_label"] for item in pending["items"]} == {"Chờ gửi"}

    deliveries = list(rows(db, approved.id).values())
    for delivery in deliveries[1:]:
        delivery.status, delivery.sent_at = DeliveryStatus.SENT, SENT_AT
    fail(db, deliveries[0])

    done = secretary.get(url).get_json()
    assert done["active"] is False
    assert done["counts"] == {"pending": 0, "sending": 0, "sent": len(deliveries) - 1, "failed": 1}
    failed = next(item for item in done["items"] if item["id"] == deliveries[0].id)
    assert (failed["status_label"], failed["attempts"], failed["last_reply"]) == (
        "Địa chỉ không tồn tại (550)",
        6,
        "550 Mailbox unavailable",
    )
    assert next(i for i in done["items"] if i["id"] == deliveries[1].id)["time"] == (
        "10:04 25/11/2026"
    )
    assert "Trang tự cập nhật" not in page_text(
        secretary.get(f"/programmes/{approved.id}/deliveries")
    )


def test_resend_one_failed_row_puts_it_back_to_pending_and_audits_it(db, world, browser, approved):
    deliveries = rows(db, approved.id)
    fail(db, deliveries["thuongtruc1@chibo.test"])
    fail(db, deliveries["phutrach@chibo.test"])
    secretary = browser(world.users["secretary"])

    page = secretary.get(f"/programmes/{approved.id}/deliveries")
    shown = page_text(page)
    assert (
        "Địa chỉ không tồn tại (550) Chi tiết Số lần gửi: 6 Phản hồi của máy chủ thư: 550 "
        "Mailbox unavailable"
    ) in shown
    assert "; 2 thư lỗi." in shown

    response = secretary.post(
        f"/programmes/{approved.id}/deliveries/resend",
        data={"delivery_id": deliveries["thuongtruc1@chibo.test"].id},
        follow_redirects=True,
    )

    assert messages.RESEND_QUEUED.format(count=1) in flashes(response, "success")
    after = rows(db, approved.id)
    resent = after["thuongtruc1@chibo.test"]
    assert (resent.status, resent.attempts) == (DeliveryStatus.PENDING, 0)
    assert after["phutrach@chibo.test"].status == DeliveryStatus.FAILED
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.programme_id == approved.id, AuditEvent.action == "resend"
        )
    )
    assert event.actor_id == world.users["secretary"].id
    assert event.data["addresses"] == ["thuongtruc1@chibo.test"]
    assert "Gửi lại thư lỗi" in page_text(secretary.get(f"/programmes/{approved.id}"))


def test_resend_all_failed_rows(db, world, browser, approved):
    deliveries = rows(db, approved.id)
    for address in ("thuongtruc1@chibo.test", "phutrach@chibo.test"):
        fail(db, deliveries[address])

    response = browser(world.users["secretary"]).post(
        f"/programmes/{approved.id}/deliveries/resend", follow_redirects=True
    )

    assert messages.RESEND_QUEUED.format(count=2) in flashes(response, "success")
    assert {d.status for d in rows(db, approved.id).values()} == {DeliveryStatus.PENDING}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "resend"))
    assert sorted(event.data["addresses"]) == ["phutrach@chibo.test", "thuongtruc1@chibo.test"]


def test_resend_with_nothing_failed_says_so(db, world, browser, approved):
    response = browser(world.users["secretary"]).post(
        f"/programmes/{approved.id}/deliveries/resend", follow_redirects=True
    )

    assert messages.DELIVERY_RESEND_NONE in flashes(response, "info")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "resend")) is None


@pytest.mark.parametrize(
    ("key", "page", "resend"),
    [
        ("committee", 200, 403),
        ("admin", 200, 403),
        ("member", 403, 403),
        ("outsider", 404, 404),
    ],
)
def test_only_the_secretary_resends(db, world, browser, approved, key, page, resend):
    failed = rows(db, approved.id)["phutrach@chibo.test"]
    fail(db, failed)
    client = browser(world.users[key])

    shown = client.get(f"/programmes/{approved.id}/deliveries")
    assert shown.status_code == page
    if page == 200:
        assert "Gửi lại" not in page_text(shown)
    response = client.post(
        f"/programmes/{approved.id}/deliveries/resend", data={"delivery_id": failed.id}
    )

    assert response.status_code == resend
    assert rows(db, approved.id)["phutrach@chibo.test"].status == DeliveryStatus.FAILED
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "resend")) is None


def test_failures_show_on_the_secretarys_home_page(db, world, browser, approved):
    secretary = browser(world.users["secretary"])
    assert "Thư gửi lỗi" not in page_text(secretary.get("/"))

    fail(db, rows(db, approved.id)["phutrach@chibo.test"])

    home = secretary.get("/")
    shown = page_text(home)
    assert f"Thư gửi lỗi Chương trình số {approved.number}" in shown
    assert "— 1 thư gửi lỗi" in shown
    assert f'href="/programmes/{approved.id}/deliveries"' in home.get_data(as_text=True)
    assert "Thư gửi lỗi" not in page_text(browser(world.users["committee"]).get("/"))


def test_the_programme_page_links_to_the_delivery_page(world, browser, approved):
    page = browser(world.users["secretary"]).get(f"/programmes/{approved.id}")

    assert f'href="/programmes/{approved.id}/deliveries"' in page.get_data(as_text=True)
    assert "Theo dõi tình trạng gửi thư và gửi lại thư lỗi" in page_text(page)


def test_changing_the_directory_after_approval_does_not_change_the_deliveries(
    db, world, browser, approved
):
    secretary = browser(world.users["secretary"])
    before = page_text(secretary.get(f"/programmes/{approved.id}/deliveries"))
    addresses = set(rows(db, approved.id))
    assert "thuongtruc1@chibo.test" in addresses

    standing = db.session.scalar(select(Group).where(Group.name == "Thường trực Đảng ủy xã"))
    standing.entries = [DirectoryEntry(org_id=world.org.id, name="Người mới",
                                       email="moi@chibo.test")]  # fmt: skip
    db.session.delete(db.session.scalar(select(DirectoryEntry).where(
        DirectoryEntry.email == "phutrach@chibo.test")))  # fmt: skip
    db.session.commit()

    after = page_text(secretary.get(f"/programmes/{approved.id}/deliveries"))
    assert after == before
    assert set(rows(db, approved.id)) == addresses
    assert "moi@chibo.test" not in after
    # The programme page's "Nơi nhận" shows the recorded addresses too, not today's directory.
    page = page_text(secretary.get(f"/programmes/{approved.id}"))
    assert "Thường trực ĐU (để báo cáo) Gửi tới 1 người: Phạm Văn Dũng" in page
    assert "Lãnh đạo phụ trách chi bộ Gửi tới 1 người: Ngô Văn Phúc" in page
    assert "Người mới" not in page


def test_each_email_says_why_it_is_sent_by_the_lines_purpose(db, approved):
    deliveries = rows(db, approved.id)

    def text_of(address: str) -> str:
        message = compose_for(deliveries[address])
        return " ".join(message.get_body(preferencelist=("plain",)).get_content().split())

    title = f"số {approved.number}: {approved.title}"
    assert f"{title} (để báo cáo)." in text_of("thuongtruc1@chibo.test")
    assert f"{title} (để thực hiện)." in text_of("member@chibo.test")
    assert f"{title}." in text_of("phutrach@chibo.test")  # "Lãnh đạo phụ trách chi bộ": no purpose


def test_the_page_says_who_opened_and_confirmed_with_counts_per_line(db, world, browser, approved):
    deliveries = rows(db, approved.id)
    for address in ("thuongtruc1@chibo.test", "member@chibo.test", "secretary@chibo.test"):
        delivery = deliveries[address]
        delivery.status, delivery.attempts, delivery.sent_at = DeliveryStatus.SENT, 1, SENT_AT
        delivery.last_reply_code, delivery.last_reply = 250, "OK: stored"
    deliveries["thuongtruc1@chibo.test"].opened_at = SENT_AT
    deliveries["thuongtruc1@chibo.test"].confirmed_at = SENT_AT
    deliveries["member@chibo.test"].opened_at = SENT_AT
    db.session.commit()
    members = sum(1 for d in deliveries.values() if d.line == "CB, đảng viên")

    secretary = browser(world.users["secretary"])
    shown = page_text(secretary.get(f"/programmes/{approved.id}/deliveries"))

    assert "Thường trực ĐU (để báo cáo) 1/1 1/1 1/1" in shown
    assert "Lãnh đạo phụ trách chi bộ 0/1 0/1 0/1" in shown
    assert f"CB, đảng viên (để thực hiện) 2/{members} 1/{members} 0/{members}" in shown
    assert (
        "Phạm Văn Dũng <thuongtruc1@chibo.test> Thường trực ĐU (để báo cáo) Đã gửi tới máy chủ "
        "thư Chi tiết Số lần gửi: 1 Phản hồi của máy chủ thư: 250 OK: stored 10:04 25/11/2026 "
        "10:04 25/11/2026 Đã xác nhận 10:04 25/11/2026"
    ) in shown
    assert "Đỗ Thị Lan <member@chibo.test> CB, đảng viên (để thực hiện) Đã gửi tới máy chủ" in shown
    # The raw reply is only in the details, never the status itself.
    assert "250 OK: stored" not in shown.replace("Phản hồi của máy chủ thư: 250 OK: stored", "")


@pytest.mark.parametrize(
    ("status", "code", "reply", "words"),
    [
        ("failed", 550, "5.1.1 No such user", "Địa chỉ không tồn tại (550)"),
        ("failed", 552, "Mailbox full", "Hộp thư người nhận đã đầy (552)"),
        ("failed", 521, "Not accepting mail", "Không gửi được (521)"),
        ("failed", None, "Không soạn được thư: x", "Không gửi được"),
        ("pending", 451, "Try again later", "Máy chủ thư tạm từ chối, sẽ gửi lại (451)"),
    ],
)
def test_statuses_are_in_peoples_words(db, world, browser, approved, status, code, reply, words):
    delivery = rows(db, approved.id)["phutrach@chibo.test"]
    delivery.status, delivery.attempts = status, 2
    delivery.last_reply_code, delivery.last_reply = code, reply
    db.session.commit()
    secretary = browser(world.users["secretary"])

    shown = page_text(secretary.get(f"/programmes/{approved.id}/deliveries"))

    raw = f"{code} {reply}" if code else reply
    expected = f"{words} Chi tiết Số lần gửi: 2 Phản hồi của máy chủ thư: {raw}"
    assert f"Lãnh đạo phụ trách chi bộ {expected}" in shown
    polled = secretary.get(f"/programmes/{approved.id}/deliveries.json").get_json()
    item = next(i for i in polled["items"] if i["id"] == delivery.id)
    assert (item["status_label"], item["last_reply"]) == (words, raw)


def test_the_secretary_revokes_one_personal_link(db, world, browser, approved, client):
    delivery = rows(db, approved.id)["phutrach@chibo.test"]
    text = compose_for(delivery).get_body(("plain",)).get_content()
    link = re.search(r"http://chibo\.test(/nhan/\S+)", text).group(1)
    assert client.get(link).status_code == 200
    secretary = browser(world.users["secretary"])

    # The committee sees the page but may not revoke; the secretary may.
    committee = browser(world.users["committee"])
    refused = committee.post(
        f"/programmes/{approved.id}/deliveries/revoke", data={"delivery_id": delivery.id}
    )
    assert refused.status_code == 403
    done = secretary.post(
        f"/programmes/{approved.id}/deliveries/revoke",
        data={"delivery_id": delivery.id},
        follow_redirects=True,
    )

    assert flashes(done, "success") == [
        messages.RECEIPT_LINK_REVOKED_DONE.format(address="phutrach@chibo.test")
    ]
    assert "Đã thu hồi đường dẫn" in page_text(done)
    assert client.get(link).status_code == 410
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "revoke_link"))
    assert event.actor_id == world.users["secretary"].id
    assert event.data["address"] == "phutrach@chibo.test"
    for bad in ({"delivery_id": 999999}, {}):
        response = secretary.post(f"/programmes/{approved.id}/deliveries/revoke", data=bad)
        assert response.status_code == 400
