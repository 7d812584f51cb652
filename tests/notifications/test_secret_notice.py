"""A "mật" programme never leaves by email: its recipients get a notice (a Delivery row like any
other) without the document's text, its trích yếu or any attachment; through a real worker and
aiosmtpd."""

from sqlalchemy import select

from chibo_flow.demo import load_demo
from chibo_flow.models import Delivery, Programme
from chibo_flow.models.delivery import DeliveryStatus
from tests.notifications.test_end_to_end import EXPECTED, _bearer, _transition
from tests.support import wait_for

TITLE = "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023"


def test_mat_programme_recipients_get_a_notice_without_content(
    app, db, client, smtp_server, celery_worker
):
    load_demo()
    secretary = _bearer(db, "bithu@chibo.demo")
    programme_id = db.session.scalar(select(Programme.id))
    programme = client.get(f"/api/v1/programmes/{programme_id}", headers=secretary).get_json()
    marked = client.patch(
        f"/api/v1/programmes/{programme_id}",
        json={"secrecy": "mat", "version": programme["version"]},
        headers=secretary,
    )
    assert marked.get_json()["secrecy"] == "mat", marked.get_json()
    _transition(client, secretary, programme_id, "submit")
    _transition(client, _bearer(db, "capuy1@chibo.demo"), programme_id, "approve")
    _transition(client, _bearer(db, "capuy2@chibo.demo"), programme_id, "approve")

    received = wait_for(
        lambda: (
            len(smtp_server.messages("final_copy")) >= len(EXPECTED)
            and smtp_server.messages("final_copy")
        ),
        timeout=60,
    )

    assert sorted(m.envelope_to for m in received) == sorted(EXPECTED)
    doc_text = db.session.get(Programme, programme_id).doc
    body_words = [s["title"] for s in doc_text["sections"] if s.get("title")]
    for message in received:
        assert list(message.message.iter_attachments()) == []
        raw = message.message.as_string()
        whole = message.message.get_body(("plain",)).get_content()
        assert TITLE not in message.subject and TITLE.lower() not in whole.lower()
        assert not any(word in whole for word in body_words)
        assert "application/pdf" not in raw
        assert "01-CTr/CB" in message.subject and "01-CTr/CB" in whole
        assert "đăng nhập" in whole
    rows = db.session.scalars(select(Delivery).where(Delivery.kind == "final_copy")).all()
    assert {r.address for r in rows} == EXPECTED
    wait_for(
        lambda: (
            db.session.expire_all()
            or all(r.status == DeliveryStatus.SENT for r in db.session.scalars(select(Delivery)))
        )
    )
