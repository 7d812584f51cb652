"""Signing by the office's own tool: an org in the "external" mode gets its approved PDF unsigned,
signs it outside (here with a certificate of the tests' CA, standing in for the Ban Cơ yếu
Chính phủ root) and uploads it back; only the approved document under an intact, trusted
signature is accepted, and only then is the final copy ready for distribution."""

import io

import pytest
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.demo import DEMO_PASSWORD, ORG
from chibo_flow.documents.certificates import make_crl, write_signing_files
from chibo_flow.documents.final_copy import (
    final_copy_for,
    final_copy_ready,
    new_verify_code,
    render_pdf,
    stored_final_copy,
)
from chibo_flow.documents.signing import SigningNotConfigured, read_signatures, sign_pdf
from chibo_flow.models import AuditEvent, Org
from chibo_flow.models.users import SigningMode
from chibo_flow.workflow import apply_transition
from tests.conftest import api_token, log_in
from tests.support import suite_ca
from tests.verify.forgeries import signed_elsewhere, with_note, with_page_replaced
from tests.verify.support import COMMITTEE_1, COMMITTEE_2, SECRETARY, demo_programme, demo_user

pytestmark = pytest.mark.one_database  # see tests/conftest.py


@pytest.fixture
def approved(app, db):
    """The demo seed approved in an org that signs with its own tool; its unsigned final copy."""
    programme = demo_programme("review")
    programme.org.signing_mode = SigningMode.EXTERNAL
    db.session.commit()
    for email in (COMMITTEE_1, COMMITTEE_2):
        apply_transition(programme, "approve", demo_user(email), version=programme.version)
    return programme, final_copy_for(programme)


def upload(client, programme, data: bytes, email: str = SECRETARY):
    token = api_token(demo_user(email))
    return client.post(
        f"/api/v1/programmes/{programme.id}/signed.pdf",
        data={"file": (io.BytesIO(data), "da-ky.pdf")},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_the_approved_pdf_waits_unsigned_until_the_signed_copy_is_uploaded(app, db, client,
                                                                            approved):  # fmt: skip
    programme, copy = approved
    assert read_signatures(copy.pdf, app.config) == []
    assert final_copy_ready(programme) is False
    bearer = {"Authorization": f"Bearer {api_token(demo_user(SECRETARY))}"}
    downloaded = client.get(f"/api/v1/programmes/{programme.id}/final.pdf", headers=bearer)
    assert downloaded.data == copy.pdf

    signed = sign_pdf(downloaded.data, ORG, app.config)  # the văn thư's own signing tool
    answer = upload(client, programme, signed)

    assert answer.status_code == 200, answer.get_json()
    db.session.expire_all()
    stored = final_copy_for(programme)
    assert stored.pdf == signed and stored.signed_at is not None
    assert final_copy_ready(programme) is True
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "upload_signed_copy")
    )
    assert event.actor.email == SECRETARY and event.data["signer"] == ORG
    verified = client.post("/api/v1/verify", data={"file": (io.BytesIO(signed), "x.pdf")},
                           content_type="multipart/form-data").get_json()  # fmt: skip
    assert verified["genuine"] is True and verified["signature"]["trusted"] is True
    again = upload(client, programme, signed)
    assert again.status_code == 422
    assert again.get_json()["error"]["message"] == messages.SIGNED_COPY_ALREADY


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("other_content", messages.SIGNED_COPY_OTHER_CONTENT),
        ("changed_then_signed", messages.SIGNED_COPY_OTHER_CONTENT),
        ("untrusted", messages.SIGNED_COPY_UNTRUSTED),
        ("note_after_signing", messages.SIGNED_COPY_CHANGED_AFTER),
        ("unsigned", messages.SIGNED_COPY_UNSIGNED),
    ],
)
def test_a_wrong_signed_copy_is_refused_with_its_reason(app, db, client, approved, tmp_path,
                                                        make, message):  # fmt: skip
    programme, copy = approved
    files = {
        "other_content": lambda: sign_pdf(render_pdf(programme, new_verify_code()), ORG,
                                          app.config),
        "changed_then_signed": lambda: sign_pdf(with_page_replaced(copy.pdf), ORG, app.config),
        "untrusted": lambda: signed_elsewhere(copy.pdf, tmp_path, ORG),
        "note_after_signing": lambda: with_note(sign_pdf(copy.pdf, ORG, app.config)),
        "unsigned": lambda: copy.pdf,
    }  # fmt: skip

    answer = upload(client, programme, files[make]())

    assert answer.status_code == 422
    assert answer.get_json()["error"]["message"] == message
    db.session.expire_all()
    assert final_copy_for(programme).pdf == copy.pdf
    assert final_copy_ready(programme) is False


def test_a_copy_signed_by_a_revoked_certificate_is_refused(app, db, client, approved, tmp_path,
                                                           monkeypatch):  # fmt: skip
    """The văn thư's certificate (issued by the trusted root, naming its CRL) was revoked after
    it signed: the CRL the deployment keeps says so, and the copy is not issued."""
    programme, copy = approved
    crl_url = "http://chibo.test/xac-thuc/crl/van-thu-ca.crl"
    files = write_signing_files(tmp_path, suite_ca(), ORG, ORG, "mat-khau", stem="van-thu",
                                crl_url=crl_url)  # fmt: skip
    monkeypatch.setitem(app.config, "SIGNING_CRLS", [str(files.crl)])
    token = {"SIGNING_PKCS12_PATH": str(files.pkcs12), "SIGNING_PKCS12_PASSPHRASE": "mat-khau"}
    signed = sign_pdf(copy.pdf, ORG, {**app.config, **token})
    files.crl.write_bytes(make_crl(suite_ca(), [files.serial]))

    answer = upload(client, programme, signed)

    assert answer.status_code == 422
    assert answer.get_json()["error"]["message"] == messages.SIGNED_COPY_REVOKED
    assert final_copy_ready(programme) is False


def test_only_a_secretary_of_the_org_may_upload(app, db, client, approved):
    programme, copy = approved
    signed = sign_pdf(copy.pdf, ORG, app.config)

    answer = upload(client, programme, signed, email=COMMITTEE_1)

    assert answer.status_code == 403
    assert final_copy_ready(programme) is False


def test_an_org_signed_by_the_system_needs_no_upload(app, db, client):
    programme = demo_programme("approved")
    copy = final_copy_for(programme)
    assert db.session.scalar(select(Org.signing_mode).where(Org.id == programme.org_id)) == "system"
    assert copy.signed_at is not None and final_copy_ready(programme) is True

    answer = upload(client, programme, copy.pdf)

    assert answer.status_code == 422
    assert answer.get_json()["error"]["message"] == messages.SIGNED_COPY_NOT_EXPECTED


def test_without_a_signing_certificate_no_copy_is_issued(app, db, client, monkeypatch):
    """Production without signing settings: the copy is refused with the reason, not issued
    unsigned, and the download says why (503) instead of failing."""
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PATH", "")
    programme = demo_programme("approved")

    with pytest.raises(SigningNotConfigured):
        final_copy_for(programme)
    assert stored_final_copy(programme.id) is None
    log_in(client, demo_user(SECRETARY), password=DEMO_PASSWORD)
    web = client.get(f"/programmes/{programme.id}/ban-in.pdf")
    assert web.status_code == 503
    assert messages.SIGNING_NOT_CONFIGURED in web.get_data(as_text=True)


def test_the_secretary_uploads_the_signed_copy_from_the_programme_page(app, db, client,
                                                                       approved):  # fmt: skip
    programme, copy = approved
    log_in(client, demo_user(SECRETARY), password=DEMO_PASSWORD)
    page = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert "Ký số bản chính thức" in page and f"/programmes/{programme.id}/ban-da-ky" in page

    def post(data: bytes) -> str:
        answer = client.post(f"/programmes/{programme.id}/ban-da-ky",
                             data={"upload": (io.BytesIO(data), "da-ky.pdf")},
                             content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
        assert answer.status_code == 200
        return answer.get_data(as_text=True)

    refused = post(copy.pdf)  # the unsigned PDF as it was downloaded
    assert messages.SIGNED_COPY_UNSIGNED in refused
    db.session.expire_all()
    assert final_copy_ready(programme) is False

    accepted = post(sign_pdf(copy.pdf, ORG, app.config))
    assert messages.SIGNED_COPY_ACCEPTED in accepted
    assert "Ký số bản chính thức" not in accepted  # nothing left to upload
    db.session.expire_all()
    assert final_copy_ready(programme) is True


def test_only_a_secretary_of_an_external_org_sees_or_uses_the_upload(app, db, client, approved):
    programme, copy = approved
    log_in(client, demo_user(COMMITTEE_1), password=DEMO_PASSWORD)
    assert "Ký số bản chính thức" not in client.get(f"/programmes/{programme.id}").text
    signed = sign_pdf(copy.pdf, ORG, app.config)
    answer = client.post(f"/programmes/{programme.id}/ban-da-ky",
                         data={"upload": (io.BytesIO(signed), "x.pdf")},
                         content_type="multipart/form-data")  # fmt: skip
    assert answer.status_code == 403
    db.session.expire_all()
    assert final_copy_ready(programme) is False
