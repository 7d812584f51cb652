"""Account emails (password reset, account locked) are Delivery rows like every other email:
the same dispatcher, worker, relay and log; the admin sees their members' rows but never reads
a reset link."""

import re

from sqlalchemy import select

from chibo_flow import events
from chibo_flow.auth.mail import ACCOUNT_LOCKED, PASSWORD_RESET, queue_account_mail
from chibo_flow.models import AuditEvent, Delivery, DomainEvent, EventKind
from chibo_flow.models.delivery import DeliveryStatus
from chibo_flow.notifications.dispatcher import dispatch
from chibo_flow.notifications.relay import due_deliveries, relay_pending, resend_failed
from chibo_flow.notifications.tasks import send_deliveries
from tests.support import wait_for
from tests.web.support import page_text


def _account_row(db, kind: str) -> Delivery:
    db.session.expire_all()
    return db.session.scalar(select(Delivery).where(Delivery.kind == kind))


def _dispatched_by_worker(db) -> None:
    """Expand every event not dispatched yet, as the worker (or the relay) would."""
    for event_id in db.session.scalars(
        select(DomainEvent.id).where(DomainEvent.dispatched_at.is_(None))
    ).all():
        dispatch(event_id)


def _sent(db, row: Delivery) -> None:
    assert send_deliveries([row.id]) == {"sent": 1}
    db.session.expire_all()


def test_a_reset_email_is_a_delivery_the_admin_sees_listed_but_cannot_read(
    db, client, world, browser, smtp_server
):
    member = world.users["member"]
    asked = client.post("/login/reset", data={"email": member.email}, follow_redirects=True)
    assert asked.status_code == 200
    assert _account_row(db, PASSWORD_RESET) is None, "the request looks no account up"
    _dispatched_by_worker(db)  # what the worker does with the request
    row = _account_row(db, PASSWORD_RESET)
    assert (row.programme_id, row.address, row.status) == (None, member.email, "pending")
    _sent(db, row)
    [mail] = smtp_server.messages(PASSWORD_RESET)
    assert mail.message_id == row.message_id
    assert "http://chibo.test/login/reset/" in mail.message.get_body(("plain",)).get_content()

    admin = browser(world.users["admin"])
    listed = page_text(admin.get("/admin/deliveries"))
    assert "Thư đặt lại mật khẩu" in listed and member.email in listed and "Tài khoản" in listed
    assert "Hộp thư thử (0)" in page_text(admin.get("/admin/mailbox"))
    assert admin.get(f"/admin/mailbox/{mail.key}").status_code == 404
    assert admin.get(f"/admin/mailbox/{mail.key}/html").status_code == 404
    # An admin of another org does not even see the row.
    outsider = browser(world.users["outsider"])
    assert member.email not in page_text(outsider.get("/admin/deliveries"))


def test_a_lock_email_is_readable_by_the_admin_of_its_owner_only(db, world, browser, smtp_server):
    member = world.users["member"]
    queue_account_mail(ACCOUNT_LOCKED, member.id)
    _sent(db, _account_row(db, ACCOUNT_LOCKED))
    [mail] = smtp_server.messages(ACCOUNT_LOCKED)

    listing = browser(world.users["admin"]).get("/admin/mailbox")
    assert "Hộp thư thử (1)" in page_text(listing)
    assert re.search(rf'href="/admin/mailbox/{mail.key}"', listing.text)
    outsider = browser(world.users["outsider"])
    assert "Hộp thư thử (0)" in page_text(outsider.get("/admin/mailbox"))
    assert outsider.get(f"/admin/mailbox/{mail.key}").status_code == 404


def test_an_account_email_whose_announcement_was_lost_is_sent_by_the_relay(db, world):
    # The event is committed but its process died before announcing it (nobody dispatched it).
    member = world.users["member"]
    events.record(None, EventKind.ACCOUNT_MAIL, mail=PASSWORD_RESET, user=member.id)
    db.session.commit()
    assert _account_row(db, PASSWORD_RESET) is None

    wait_for(lambda: relay_pending() or _account_row(db, PASSWORD_RESET) is not None)
    row = _account_row(db, PASSWORD_RESET)
    assert row.address == member.email
    # Once due, the relay queues the row again like any other (it joins no programme).
    wait_for(lambda: any(due.id == row.id for due in due_deliveries()))


def test_a_failed_account_email_is_resent_with_an_audit_row_without_programme(db, world):
    member, admin = world.users["member"], world.users["admin"]
    queue_account_mail(PASSWORD_RESET, member.id)
    row = _account_row(db, PASSWORD_RESET)
    row.status, row.attempts = DeliveryStatus.FAILED, 6
    db.session.commit()

    resent = resend_failed(actor=admin)
    assert (resent.count, resent.programmes, resent.queued) == (1, 0, 1)
    row = _account_row(db, PASSWORD_RESET)
    assert (row.status, row.attempts) == ("pending", 0)
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "resend"))
    assert (audit.programme_id, audit.actor_id, audit.to_state) == (None, admin.id, None)
    assert member.email in audit.comment


def test_a_deactivated_account_gets_no_email(db, world, smtp_server):
    member = world.users["member"]
    member.active = False
    db.session.commit()
    queue_account_mail(PASSWORD_RESET, member.id)
    assert _account_row(db, PASSWORD_RESET) is None
    assert smtp_server.messages() == []
