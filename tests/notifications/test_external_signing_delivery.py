"""Signing by the office's own tool, end to end on real parts: an org in the "external" signing
mode approves; no final copy leaves (not from the approval, not from the relay) until the
secretary uploads the copy the văn thư signed; then every recipient gets it once, with the signed
PDF attached."""

import hashlib
import io
import time

from sqlalchemy import select

from chibo_flow.demo import ORG, load_demo
from chibo_flow.documents.signing import sign_pdf
from chibo_flow.models import Delivery, FinalCopy, Org, Programme, User
from chibo_flow.models.delivery import FINAL_COPY, DeliveryStatus
from chibo_flow.models.users import SigningMode
from chibo_flow.notifications.relay import relay_pending
from tests.conftest import api_token
from tests.support import wait_for


def _bearer(db, email: str) -> dict[str, str]:
    user = db.session.scalar(select(User).where(User.email == email))
    return {"Authorization": f"Bearer {api_token(user)}"}


def _act(client, headers, programme_id: int, action: str) -> dict:
    current = client.get(f"/api/v1/programmes/{programme_id}", headers=headers).get_json()
    response = client.post(f"/api/v1/programmes/{programme_id}/transitions",
                           json={"action": action, "version": current["version"]},
                           headers=headers)  # fmt: skip
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_distribution_waits_for_the_signed_copy(app, db, client, smtp_server, celery_worker):
    load_demo()
    db.session.scalar(select(Org).where(Org.name == ORG)).signing_mode = SigningMode.EXTERNAL
    db.session.commit()
    secretary = _bearer(db, "bithu@chibo.demo")
    programme_id = db.session.scalar(select(Programme.id))
    _act(client, secretary, programme_id, "submit")
    _act(client, _bearer(db, "capuy1@chibo.demo"), programme_id, "approve")
    assert _act(client, _bearer(db, "capuy2@chibo.demo"), programme_id, "approve")["state"] == (
        "approved"
    )

    def rendered():
        db.session.expire_all()
        return db.session.scalar(select(FinalCopy))

    unsigned = wait_for(rendered, timeout=60)
    app.config["RELAY_INTERVAL_S"] = 0  # the relay treats every pending row as overdue
    relay_pending()
    time.sleep(2)  # a wrongly queued email would reach the capture server by now
    assert smtp_server.messages("final_copy") == []
    rows = db.session.scalars(select(Delivery).where(Delivery.kind == FINAL_COPY)).all()
    assert rows and all(row.status == DeliveryStatus.PENDING for row in rows)

    downloaded = client.get(f"/api/v1/programmes/{programme_id}/final.pdf", headers=secretary)
    assert downloaded.data == unsigned.pdf
    signed = sign_pdf(downloaded.data, ORG, app.config)  # the văn thư's own tool
    answer = client.post(f"/api/v1/programmes/{programme_id}/signed.pdf",
                         data={"file": (io.BytesIO(signed), "da-ky.pdf")},
                         content_type="multipart/form-data", headers=secretary)  # fmt: skip
    assert answer.status_code == 200, answer.get_json()

    received = wait_for(
        lambda: (
            len(smtp_server.messages("final_copy")) >= len(rows)
            and smtp_server.messages("final_copy")
        ),
        timeout=60,
    )
    assert sorted(m.envelope_to for m in received) == sorted(row.address for row in rows)
    for message in received:
        (attachment,) = message.message.iter_attachments()
        assert (
            hashlib.sha256(attachment.get_content()).hexdigest()
            == hashlib.sha256(signed).hexdigest()
        )
