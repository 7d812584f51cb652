"""Delivery through faults: scripted SMTP replies against a real worker and a real aiosmtpd."""

import pytest
from sqlalchemy import select

from chibo_flow.models import Delivery
from chibo_flow.models.delivery import DeliveryStatus
from chibo_flow.notifications.capture import MailboxHandler
from tests.conftest import SmtpServer
from tests.support import wait_for
from tests.verify.support import demo_programme


class ScriptedHandler(MailboxHandler):
    """Answers DATA for `address` with the scripted replies first, then stores normally."""

    def __init__(self, directory, address: str, replies: list[str]) -> None:
        super().__init__(directory)
        self.address = address
        self.replies = list(replies)

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.address in envelope.rcpt_tos and self.replies:
            return self.replies.pop(0)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp_server(request, mail_dir):
    """The test SMTP server with the reply script given by the test's `script` marker."""
    address, replies = request.node.get_closest_marker("script").args
    server = SmtpServer(mail_dir, ScriptedHandler(mail_dir, address, replies))
    server.controller.start()
    yield server
    server.controller.stop()


def _delivery(db, address: str, status: str) -> Delivery | None:
    db.session.expire_all()
    row = db.session.scalar(select(Delivery).where(Delivery.address == address))
    return row if row is not None and row.status == status else None


TRY_LATER = "451 4.3.0 Try again later"


@pytest.mark.script("phutrach@chibo.demo", [TRY_LATER, TRY_LATER])
def test_temporary_refusals_are_retried_until_delivered_once(db, smtp_server, celery_worker):
    demo_programme("approved")
    row = wait_for(lambda: _delivery(db, "phutrach@chibo.demo", DeliveryStatus.SENT), timeout=60)
    assert row.attempts == 3
    assert row.last_reply_code == 250
    received = [m for m in smtp_server.messages() if m.envelope_to == "phutrach@chibo.demo"]
    assert [m.message_id for m in received] == [row.message_id]


@pytest.mark.script("phutrach@chibo.demo", ["550 5.1.1 Mailbox does not exist"])
def test_permanent_refusal_fails_visibly_without_retry(db, smtp_server, celery_worker):
    demo_programme("approved")
    row = wait_for(lambda: _delivery(db, "phutrach@chibo.demo", DeliveryStatus.FAILED), timeout=60)
    assert row.attempts == 1
    assert row.last_reply_code == 550
    assert "Mailbox does not exist" in row.last_reply
    # Everyone else still gets their copy.
    wait_for(lambda: len(smtp_server.messages("final_copy")) == 8, timeout=60)
    assert "phutrach@chibo.demo" not in {m.envelope_to for m in smtp_server.messages()}
