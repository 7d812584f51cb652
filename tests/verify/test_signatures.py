"""Verification by signature: the issued copy is signed PAdES by the org and validates with
pyHanko; a note added later is reported as such, a changed byte or page is not genuine, and a
signature by an untrusted CA "không xác thực được người ký" — on the page and in the API."""

import io
from collections.abc import Iterator
from dataclasses import dataclass

import pypdf
import pytest
from flask import Flask

from chibo_flow import messages
from chibo_flow.demo import ORG
from chibo_flow.documents.final_copy import render_pdf
from chibo_flow.documents.signing import read_signatures
from chibo_flow.extensions import limiter
from chibo_flow.timefmt import local_date
from tests.verify.forgeries import (
    countersigned_elsewhere,
    signed_elsewhere,
    with_byte_flipped,
    with_note,
    with_page_replaced,
)
from tests.verify.support import issued_seed
from tests.verify.test_verify import GENUINE, NOT_GENUINE, page_text, upload

pytestmark = pytest.mark.one_database  # see tests/conftest.py

UNTRUSTED = "không xác thực được người ký"
NOTE_ADDED = "đã được thêm ghi chú sau khi ký"


@dataclass(frozen=True)
class Issued:
    """The app serving the seed's signed final copy, the copy, and its unsigned rendering."""

    app: Flask
    code: str
    pdf: bytes
    rendered: bytes
    programme: dict


@pytest.fixture(scope="module")
def issued(database_url, tmp_path_factory) -> Iterator[Issued]:
    with issued_seed(database_url, tmp_path_factory.mktemp("signed")) as (app, copy):
        programme = copy.programme
        facts = {"org": ORG, "number": "01-CTr/CB", "title": programme.title, "secrecy": "thuong",
                 "date": local_date(programme.approved_at).isoformat()}  # fmt: skip
        rendered = render_pdf(programme, copy.verify_code)
        yield Issued(app, copy.verify_code, copy.pdf, rendered, facts)


@pytest.fixture
def client(issued):
    return issued.app.test_client()


def api_verify(client, data: bytes):
    return client.post("/api/v1/verify", data={"file": (io.BytesIO(data), "ban.pdf")},
                       content_type="multipart/form-data")  # fmt: skip


def test_the_issued_copy_is_signed_pades_intact_and_trusted(client, issued):
    (signature,) = read_signatures(issued.pdf, issued.app.config)
    assert (signature.valid, signature.trusted, signature.changed_after_signing) == (
        True, True, False)  # fmt: skip
    assert signature.signer == ORG
    field = pypdf.PdfReader(io.BytesIO(issued.pdf)).get_fields()["ChuKySoCoQuan"]
    assert field["/V"]["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert issued.pdf.startswith(issued.rendered)

    answer = api_verify(client, issued.pdf)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["genuine"] is True
    assert body["programme"] == issued.programme
    assert {
        k: body["signature"][k] for k in ("valid", "trusted", "signer", "changed_after_signing")
    } == {"valid": True, "trusted": True, "signer": ORG, "changed_after_signing": False}
    assert body["signature"]["signed_at"]

    text = page_text(upload(client, issued.code, issued.pdf))
    assert GENUINE in text and NOT_GENUINE not in text
    assert ORG in text and UNTRUSTED not in text


def test_a_note_added_after_signing_is_reported_and_not_called_a_forgery(client, issued):
    annotated = with_note(issued.pdf)
    (signature,) = read_signatures(annotated, issued.app.config)
    assert signature.signed_revision == issued.pdf, "the signed revision is untouched"
    assert (signature.valid, signature.changed_after_signing, signature.annotations_only) == (
        True, True, True)  # fmt: skip

    body = api_verify(client, annotated).get_json()
    assert body["genuine"] is True
    assert body["signature"]["valid"] is True
    assert body["signature"]["changed_after_signing"] is True

    text = page_text(upload(client, issued.code, annotated))
    assert GENUINE in text and NOT_GENUINE not in text
    assert NOTE_ADDED in text


def test_a_byte_changed_in_the_signed_content_breaks_the_signature(client, issued):
    forged = with_byte_flipped(issued.pdf)

    (signature,) = read_signatures(forged, issued.app.config)
    assert signature.valid is False
    body = api_verify(client, forged).get_json()
    assert body["genuine"] is False
    assert body["signature"]["valid"] is False
    text = page_text(upload(client, issued.code, forged))
    assert NOT_GENUINE in text and GENUINE not in text
    assert "không còn nguyên vẹn" in text


def test_a_page_replaced_after_signing_is_not_genuine(client, issued):
    forged = with_page_replaced(issued.pdf)

    body = api_verify(client, forged).get_json()
    assert body["genuine"] is False
    assert body["signature"]["valid"] is True  # the signed revision itself is intact
    assert body["signature"]["changed_after_signing"] is True
    assert body["programme"] == issued.programme
    text = page_text(upload(client, issued.code, forged))
    assert NOT_GENUINE in text and "sửa nội dung sau khi ký" in text


def test_a_copy_signed_by_an_untrusted_ca_cannot_name_its_signer(client, issued, tmp_path):
    other = signed_elsewhere(issued.rendered, tmp_path, ORG)

    body = api_verify(client, other).get_json()
    assert body["genuine"] is False
    assert body["signature"]["valid"] is True
    assert body["signature"]["trusted"] is False
    assert body["programme"] == issued.programme, "found by the code printed in its footer"
    text = page_text(upload(client, issued.code, other))
    assert NOT_GENUINE in text
    assert UNTRUSTED in text


def test_a_copy_signed_again_elsewhere_is_judged_by_the_issued_signature(client, issued, tmp_path):
    """Only the signature the verdict rests on is validated: the one whose signed revision is
    the issued copy, not the latest (an untrusted one added by whoever received the copy)."""
    twice = countersigned_elsewhere(issued.pdf, tmp_path, "Người nhận")
    assert len(read_signatures(twice, issued.app.config)) == 2

    body = api_verify(client, twice).get_json()
    assert body["genuine"] is True
    assert body["programme"] == issued.programme
    assert {k: body["signature"][k] for k in ("valid", "trusted", "signer")} == {
        "valid": True, "trusted": True, "signer": ORG}  # fmt: skip
    assert body["signature"]["changed_after_signing"] is True
    text = page_text(upload(client, issued.code, twice))
    assert GENUINE in text and NOT_GENUINE not in text and UNTRUSTED not in text


def test_an_unsigned_file_is_compared_byte_for_byte(client, issued):
    body = api_verify(client, issued.rendered).get_json()

    assert body == {"genuine": False, "programme": issued.programme, "signature": None}
    assert NOT_GENUINE in page_text(upload(client, issued.code, issued.rendered))


def test_the_api_answers_422_for_a_file_that_is_not_a_pdf(client):
    answer = api_verify(client, b"khong phai pdf")

    assert answer.status_code == 422
    assert answer.get_json()["error"] == {"code": "invalid", "message": messages.VERIFY_NOT_PDF}


@pytest.fixture
def strict_limit(issued) -> Iterator[None]:
    """Three checks a minute, counted afresh (the budget is Flask-Limiter's, shared by the apps
    of this process)."""
    issued.app.config["VERIFY_RATE_LIMIT"] = "3/minute"
    limiter.reset()
    yield
    issued.app.config["VERIFY_RATE_LIMIT"] = "30/minute"
    limiter.reset()


def test_the_page_and_the_api_are_rate_limited(issued, strict_limit):
    visitor = issued.app.test_client()
    answers = [visitor.get(f"/xac-thuc/{issued.code}").status_code for _ in range(3)]
    assert answers == [200, 200, 200]

    page = visitor.get(f"/xac-thuc/{issued.code}")
    assert page.status_code == 429
    assert messages.VERIFY_RATE_LIMITED in page_text(page)
    api = api_verify(visitor, issued.pdf)
    assert api.status_code == 429
    assert api.get_json()["error"]["code"] == "rate_limited"


def test_the_visible_signature_sits_above_the_signers_name_covering_no_text(issued):
    reader = pypdf.PdfReader(io.BytesIO(issued.pdf))
    last = reader.pages[-1]
    (widget,) = [a.get_object() for a in last["/Annots"] if a.get_object()["/Subtype"] == "/Widget"]
    left, bottom, right, top = (float(v) for v in widget["/Rect"])
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x, y = pypdf.mult(tm, cm)[4:6]
            runs.append((x, y, size * tm[0], text.strip()))

    last.extract_text(visitor_text=visit)
    covered = [text for x, y, height, text in runs
               if left < x + 1 < right and bottom - height < y < top]  # fmt: skip
    assert covered == []
    name = next(y for _, y, _, text in runs if text == "Vũ Thị Xuyên")
    title = next(y for _, y, _, text in runs if text == "BÍ THƯ")
    assert name < bottom < top < title


@pytest.mark.parametrize("damage", ["empty", "first_half", "last_half", "garbage_appended"])
def test_a_damaged_file_gets_an_answer_never_an_error(client, issued, damage):
    pdf = issued.pdf
    data = {"empty": b"", "first_half": pdf[: len(pdf) // 2], "last_half": pdf[len(pdf) // 2 :],
            "garbage_appended": pdf + b"\x00garbage%%EOF"}[damage]  # fmt: skip

    answer = api_verify(client, data)
    page = upload(client, issued.code, data)

    assert answer.status_code in (200, 422), answer.get_data(as_text=True)[:300]
    assert answer.status_code == 422 or answer.get_json()["genuine"] is False
    assert page.status_code == 200
    assert GENUINE not in page_text(page)
