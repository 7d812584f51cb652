"""The spine, end to end on real parts: demo draft → submit → two approvals → every recipient's
inbox, through a real Celery worker process, a real aiosmtpd server and each broker."""

import hashlib

import pytest
from sqlalchemy import select

from chibo_flow.demo import load_demo
from chibo_flow.models import Delivery, FinalCopy, Programme, User
from chibo_flow.models.delivery import DeliveryStatus
from tests.conftest import api_token
from tests.support import REDIS_URL, wait_for

# Who the demo's "Nơi nhận" reaches: "Thường trực ĐU" → the two standing-committee members,
# "Lãnh đạo phụ trách chi bộ" → one address, "CB, đảng viên" → every party member of the chi bộ
# (secretary, three committee members, two đảng viên; not the IT admin). "Lưu CB" → nobody.
EXPECTED = {
    "thuongtruc1@chibo.demo",
    "thuongtruc2@chibo.demo",
    "phutrach@chibo.demo",
    "bithu@chibo.demo",
    "capuy1@chibo.demo",
    "capuy2@chibo.demo",
    "capuy3@chibo.demo",
    "dangvien1@chibo.demo",
    "dangvien2@chibo.demo",
}


@pytest.fixture(params=["sqlalchemy", "redis"])
def env(request, env):
    """Run the story once on the embedded SQLAlchemy broker and once on Redis."""
    if request.param == "redis":
        return {**env, "CELERY_BROKER_URL": REDIS_URL}
    return env


def _bearer(db, email: str) -> dict[str, str]:
    user = db.session.scalar(select(User).where(User.email == email))
    return {"Authorization": f"Bearer {api_token(user)}"}


def _transition(client, headers, programme_id: int, action: str, **extra) -> dict:
    current = client.get(f"/api/v1/programmes/{programme_id}", headers=headers).get_json()
    response = client.post(
        f"/api/v1/programmes/{programme_id}/transitions",
        json={"action": action, "version": current["version"], **extra},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_approved_programme_reaches_every_recipient_once(
    app, db, client, smtp_server, celery_worker
):
    load_demo()
    secretary = _bearer(db, "bithu@chibo.demo")
    programme_id = db.session.scalar(select(Programme.id))

    assert _transition(client, secretary, programme_id, "submit")["state"] == "review"
    first = _transition(client, _bearer(db, "capuy1@chibo.demo"), programme_id, "approve")
    assert first["state"] == "review"
    assert first["approvals"] == {"required": 2, "received": 1}
    approved = _transition(client, _bearer(db, "capuy2@chibo.demo"), programme_id, "approve")
    assert approved["state"] == "approved"
    assert approved["number"] == "01-CTr/CB"

    def all_sent():
        db.session.expire_all()
        rows = db.session.scalars(select(Delivery).where(Delivery.kind == "final_copy")).all()
        return rows if rows and all(r.status == DeliveryStatus.SENT for r in rows) else None

    rows = wait_for(all_sent, timeout=60)
    assert {r.address for r in rows} == EXPECTED
    assert all(r.attempts == 1 and r.last_reply_code == 250 for r in rows)

    received = wait_for(
        lambda: (
            len(smtp_server.messages("final_copy")) >= len(EXPECTED)
            and smtp_server.messages("final_copy")
        )
    )
    envelope = sorted(m.envelope_to for m in received)
    assert envelope == sorted(EXPECTED), "each address exactly once, none for 'Lưu'"
    by_address = {m.envelope_to: m for m in received}
    final_copy = db.session.scalar(select(FinalCopy))
    for row in rows:
        message = by_address[row.address]
        assert message.message_id == row.message_id
        (attachment,) = message.message.iter_attachments()
        assert attachment.get_content_type() == "application/pdf"
        assert hashlib.sha256(attachment.get_content()).hexdigest() == final_copy.sha256
        assert "01-CTr/CB" in message.subject
        assert "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023" in message.subject
        assert message.message["Auto-Submitted"] == "auto-generated"

    history = client.get(f"/api/v1/programmes/{programme_id}/history", headers=secretary)
    steps = [(h["action"], h["from_state"], h["to_state"]) for h in history.get_json()["items"]]
    assert steps == [
        ("create", None, "draft"),
        ("submit", "draft", "review"),
        ("approve", "review", "review"),
        ("approve", "review", "approved"),
        ("render_final_copy", None, "approved"),
    ]
    deliveries = client.get(f"/api/v1/programmes/{programme_id}/deliveries", headers=secretary)
    assert {d["address"]: d["status"] for d in deliveries.get_json()["items"]} == {
        address: "sent" for address in EXPECTED
    }
