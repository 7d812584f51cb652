"""Admin pages: the test mailbox and the delivery status, for admins only."""

import re
import smtplib
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.models import Delivery
from chibo_flow.notifications.tasks import send_deliveries
from chibo_flow.workflow import apply_transition
from tests.web.support import bring_to, page_text

ADMIN_PAGES = ("/admin/", "/admin/mailbox", "/admin/mailbox/x", "/admin/mailbox/x/html",
               "/admin/deliveries")  # fmt: skip


@pytest.mark.parametrize("who", ["secretary", "committee", "member"])
def test_admin_pages_are_forbidden_to_others(world, browser, who):
    client = browser(world.users[who])
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 403, path
        assert messages.FORBIDDEN in page_text(response)


def test_admin_pages_ask_anonymous_visitors_to_log_in(client):
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login")


def _send_all(db) -> None:
    """Run the real send task over every final-copy delivery (real SMTP into the capture
    mailbox)."""
    final_copies = select(Delivery.id).where(Delivery.kind == "final_copy").order_by(Delivery.id)
    ids = db.session.scalars(final_copies).all()
    assert send_deliveries(ids) == {"sent": len(ids)}
    db.session.expire_all()


def test_mailbox_lists_the_final_copies_and_shows_one(db, world, browser, smtp_server):
    programme = bring_to(world, "approved")
    _send_all(db)
    admin = browser(world.users["admin"])

    listing = admin.get("/admin/mailbox")
    assert listing.status_code == 200
    text = page_text(listing)
    assert "Hộp thư thử (6)" in text
    subject = f"[{world.org.name}] Chương trình số 01-CTr/CB: {programme.title}"
    assert text.count(subject) == 6
    delivery = db.session.scalar(
        select(Delivery).where(Delivery.address == "thuongtruc1@chibo.test")
    )
    assert delivery.message_id in text
    row = re.search(r"<tr>(?:(?!</tr>).)*thuongtruc1@chibo\.test.*?</tr>", listing.text, re.S)
    key = re.search(r'href="/admin/mailbox/([^"]+)"', row.group(0)).group(1)

    message = admin.get(f"/admin/mailbox/{key}")
    assert message.status_code == 200
    shown = page_text(message)
    assert "Phạm Văn Dũng <thuongtruc1@chibo.test>" in shown
    assert "Kính gửi: đồng chí Phạm Văn Dũng" in shown
    assert "(để báo cáo)" in shown and "“Thường trực ĐU”" in shown
    assert "http://chibo.test/nhan/" in shown
    frame = re.search(r"<iframe [^>]*>", message.text).group(0)
    assert " sandbox " in frame and f'src="/admin/mailbox/{key}/html"' in frame

    part = admin.get(f"/admin/mailbox/{key}/html")
    assert part.status_code == 200
    assert part.headers["Content-Security-Policy"].startswith("sandbox;")
    assert "Kính gửi: <strong>đồng chí Phạm Văn Dũng</strong>" in part.text
    assert "Vũ Thị Xuyên" in part.text  # the document itself, down to the signature

    assert admin.get("/admin/mailbox/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert admin.get("/admin/mailbox/20990101T000000000000-deadbeef").status_code == 404


def test_mailbox_escapes_the_text_part(world, browser, smtp_server):
    mail = EmailMessage()
    mail["Subject"] = "Thư có <script>"
    mail["From"] = "a@chibo.test"
    mail["To"] = world.users["secretary"].email  # the admin sees the mail of their org's people
    mail.set_content("<script>alert('x')</script> đảng viên")
    mail.add_alternative("<p onclick=\"alert('x')\">Xin chào</p>", subtype="html")
    with smtplib.SMTP("127.0.0.1", smtp_server.port) as smtp:
        smtp.send_message(mail)
    key = smtp_server.messages()[0].key
    admin = browser(world.users["admin"])

    listing = admin.get("/admin/mailbox").text
    assert "Thư có &lt;script&gt;" in listing
    page = admin.get(f"/admin/mailbox/{key}").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; đảng viên" in page
    part = admin.get(f"/admin/mailbox/{key}/html")
    assert part.headers["Content-Security-Policy"].startswith("sandbox;")
    assert part.text.strip() == "<p onclick=\"alert('x')\">Xin chào</p>"


def test_deliveries_page_lists_every_row_and_filters_by_programme(db, world, browser, make,
                                                                  seed_text):  # fmt: skip
    first = bring_to(world, "approved")
    second = make.programme(world.org, world.users["secretary"], seed_text)
    apply_transition(second, "submit", world.users["secretary"], version=second.version)
    for key in ("committee", "committee2"):
        apply_transition(second, "approve", world.users[key], version=second.version)
    db.session.expire_all()
    row = db.session.scalar(select(Delivery).where(Delivery.programme_id == first.id).limit(1))
    assert send_deliveries([row.id]) == {"sent": 1}
    admin = browser(world.users["admin"])

    everything = admin.get("/admin/deliveries")
    assert everything.status_code == 200
    # Per programme: 6 final copies, 2 review requests, 3 approval notices (one log for all).
    assert everything.text.count('<tr class="delivery ') == 22
    text = page_text(everything)
    assert "Chờ gửi 21" in text and "Đã gửi 1" in text
    assert "Thư đề nghị duyệt" in text and "Thư báo đã thông qua" in text
    assert "01-CTr/CB" in text and "02-CTr/CB" in text

    only_second = admin.get(f"/admin/deliveries?programme={second.id}")
    assert only_second.text.count('<tr class="delivery ') == 11
    assert "01-CTr/CB" not in page_text(only_second)

    sent = admin.get(f"/admin/deliveries?programme={first.id}&status=sent")
    assert sent.text.count('<tr class="delivery delivery--sent">') == 1
    assert "250" in page_text(sent)
