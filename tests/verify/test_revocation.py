"""Revocation: a certificate that names where its CA publishes revocations signs PAdES B-LT
(the CA's CRL in the signature's own revision); the verify page and the API say plainly when
the CA has since revoked it ("chứng thư số đã bị thu hồi"), and a revoked certificate signs
nothing."""

import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pypdf
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from flask import Flask

from chibo_flow import messages
from chibo_flow.demo import DEMO_PASSWORD, ORG, PARENT_ORG
from chibo_flow.documents.certificates import (
    Issuer,
    SigningFiles,
    make_ca,
    make_crl,
    write_signing_files,
)
from chibo_flow.documents.final_copy import render_pdf
from chibo_flow.documents.signing import SigningNotConfigured, read_signatures, sign_pdf
from tests.conftest import log_in
from tests.verify.ocsp import Responder, ocsp_responder
from tests.verify.support import PUBLIC_URL, demo_user, issued_seed, loopback_server
from tests.verify.test_signatures import api_verify
from tests.verify.test_verify import GENUINE, page_text, upload
from tests.verify.tsa import timestamp_authority

pytestmark = pytest.mark.one_database  # see tests/conftest.py

PASSPHRASE = "mat-khau-chung-thu-thu-hoi"
CRL_NAME = "ca-thu-hoi-ca.crl"
MEMBER = "dangvien1@chibo.demo"  # a demo đảng viên: a password, no second factor
VALID = "Chữ ký số hợp lệ"
REVOKED = "chứng thư số đã bị thu hồi"


@dataclass(frozen=True)
class Revocable:
    """The app serving a copy signed by a certificate whose CA publishes a CRL."""

    app: Flask
    code: str
    pdf: bytes
    rendered: bytes
    ca: Issuer
    files: SigningFiles


@pytest.fixture(scope="module")
def issued(database_url, tmp_path_factory) -> Iterator[Revocable]:
    directory = tmp_path_factory.mktemp("ca-thu-hoi")
    ca = make_ca("CA có danh sách thu hồi", "Tổ chức chứng thực thử")
    files = write_signing_files(directory, ca, ORG, PARENT_ORG, PASSPHRASE, stem="ca-thu-hoi",
                                crl_url=f"{PUBLIC_URL}/xac-thuc/crl/{CRL_NAME}")  # fmt: skip
    signing = {"SIGNING_PKCS12_PATH": str(files.pkcs12), "SIGNING_PKCS12_PASSPHRASE": PASSPHRASE,
               "SIGNING_TRUST_ANCHORS": str(files.trust_anchor),
               "SIGNING_CRLS": str(files.crl)}  # fmt: skip
    with issued_seed(database_url, directory, signing) as (app, copy):
        rendered = render_pdf(copy.programme, copy.verify_code)
        yield Revocable(app, copy.verify_code, copy.pdf, rendered, ca, files)


@pytest.fixture
def revoked(issued) -> Iterator[None]:
    """The CA publishes a CRL revoking the signing certificate; the empty one again after."""
    crl: Path = issued.files.crl
    before = crl.read_bytes()
    crl.write_bytes(make_crl(issued.ca, [issued.files.serial]))
    yield
    crl.write_bytes(before)


def test_the_signature_carries_the_cas_crl_in_its_own_revision(issued):
    reader = pypdf.PdfReader(io.BytesIO(issued.pdf))
    dss = reader.trailer["/Root"]["/DSS"]
    embedded = [ref.get_object().get_data() for ref in dss["/CRLs"]]
    assert embedded == [issued.files.crl.read_bytes()]
    # One revision over the rendering: the CRL is covered by the signature.
    assert issued.pdf.startswith(issued.rendered)
    assert issued.pdf.count(b"%%EOF") == issued.rendered.count(b"%%EOF") + 1


def test_the_app_publishes_the_crl_where_the_certificate_names_it(issued):
    answer = issued.app.test_client().get(f"/xac-thuc/crl/{CRL_NAME}")
    assert answer.status_code == 200
    assert answer.mimetype == "application/pkix-crl"
    assert answer.data == issued.files.crl.read_bytes()

    unknown = issued.app.test_client().get("/xac-thuc/crl/khong-co.crl")
    assert unknown.status_code == 404
    assert messages.CRL_UNKNOWN in page_text(unknown)


def test_the_published_crl_may_be_cached_as_the_public_list_it_is(issued):
    # The CA's signed list is the same for everyone: validators and the caches between them
    # may keep it a while instead of asking for every signature they check.
    fetched = issued.app.test_client().get(f"/xac-thuc/crl/{CRL_NAME}")
    assert fetched.headers["Cache-Control"] == "public, max-age=300"
    assert "Set-Cookie" not in fetched.headers
    # Fetched by a signed-in member's browser, it is that browser's to keep, no shared cache's:
    # the answer may carry the member's session cookie.
    member = issued.app.test_client()
    log_in(member, demo_user(MEMBER), password=DEMO_PASSWORD)
    assert member.get(f"/xac-thuc/crl/{CRL_NAME}").headers["Cache-Control"] == (
        "private, max-age=300"
    )
    # What is not a CRL we publish is no public material.
    unknown = issued.app.test_client().get("/xac-thuc/crl/khong-co.crl")
    assert unknown.headers["Cache-Control"] == "no-store"


def test_a_valid_certificate_is_reported_valid(issued):
    client = issued.app.test_client()
    body = api_verify(client, issued.pdf).get_json()
    assert body["genuine"] is True
    assert (body["signature"]["valid"], body["signature"]["trusted"]) == (True, True)
    assert body["signature"]["revoked"] is False

    text = page_text(upload(client, issued.code, issued.pdf))
    assert GENUINE in text and VALID in text
    assert "thu hồi" not in text
    assert "thu hồi" not in page_text(client.get(f"/xac-thuc/{issued.code}"))


def test_a_certificate_revoked_since_signing_is_reported_plainly(issued, revoked):
    client = issued.app.test_client()
    body = api_verify(client, issued.pdf).get_json()
    assert body["signature"]["revoked"] is True
    assert body["signature"]["trusted"] is False
    assert body["signature"]["valid"] is True, "the signed bytes are intact"
    assert body["genuine"] is True, "it is the approved document"

    text = page_text(upload(client, issued.code, issued.pdf))
    assert REVOKED in text
    assert VALID not in text
    assert "không xác thực được người ký" not in text


def test_the_page_of_the_printed_code_says_the_certificate_was_revoked(issued, revoked):
    """Someone holding only the paper copy types its code: the issued copy's signature is
    judged as it stands today."""
    page = page_text(issued.app.test_client().get(f"/xac-thuc/{issued.code}"))
    assert REVOKED in page


def test_a_revoked_certificate_signs_nothing(issued, revoked):
    with pytest.raises(SigningNotConfigured) as refused:
        sign_pdf(issued.rendered, ORG, issued.app.config)
    assert refused.value.message == messages.SIGNING_CERTIFICATE_NOT_VALID


@pytest.fixture
def crl_server(tmp_path) -> Iterator[tuple[str, Path, list[str]]]:
    """A CA's web server on loopback serving the files of a folder: its base URL, the folder
    and the paths it was asked for."""
    asked: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, format, *args) -> None:  # noqa: A002 (http.server's name)
            asked.append(self.path)

    with loopback_server(functools.partial(Handler, directory=str(tmp_path))) as base:
        yield base, tmp_path, asked


def test_a_crl_not_kept_here_is_fetched_where_the_certificate_says(issued, crl_server):
    base, directory, asked = crl_server
    ca = make_ca("CA công cộng", "Tổ chức chứng thực thử")
    files = write_signing_files(directory, ca, ORG, PARENT_ORG, PASSPHRASE, stem="cong-cong",
                                crl_url=f"{base}/cong-cong-ca.crl")  # fmt: skip
    config = {"SIGNING_PKCS12_PATH": str(files.pkcs12), "SIGNING_PKCS12_PASSPHRASE": PASSPHRASE,
              "SIGNING_TRUST_ANCHORS": [str(files.trust_anchor)]}  # fmt: skip

    signed = sign_pdf(issued.rendered, ORG, config)

    assert "/cong-cong-ca.crl" in [path.split("?")[0] for path in asked]
    dss = pypdf.PdfReader(io.BytesIO(signed)).trailer["/Root"]["/DSS"]
    assert [ref.get_object().get_data() for ref in dss["/CRLs"]] == [files.crl.read_bytes()]


def stale_crl(issuer: Issuer) -> bytes:
    """A CRL of `issuer` whose next update was due a week ago (nobody refreshed the file)."""
    now = datetime.now(UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now - timedelta(days=14))
        .next_update(now - timedelta(days=7))
    )
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def test_a_crl_kept_here_past_its_next_update_is_fetched_again(issued, crl_server):
    base, directory, asked = crl_server
    ca = make_ca("CA có tệp CRL cũ", "Tổ chức chứng thực thử")
    files = write_signing_files(directory, ca, ORG, PARENT_ORG, PASSPHRASE, stem="cu",
                                crl_url=f"{base}/cu-ca.crl")  # fmt: skip
    kept = directory / "kept" / "cu-ca.crl"
    kept.parent.mkdir()
    kept.write_bytes(stale_crl(ca))
    config = {"SIGNING_PKCS12_PATH": str(files.pkcs12), "SIGNING_PKCS12_PASSPHRASE": PASSPHRASE,
              "SIGNING_TRUST_ANCHORS": [str(files.trust_anchor)],
              "SIGNING_CRLS": [str(kept)]}  # fmt: skip

    signed = sign_pdf(issued.rendered, ORG, config)

    assert "/cu-ca.crl" in [path.split("?")[0] for path in asked]
    dss = pypdf.PdfReader(io.BytesIO(signed)).trailer["/Root"]["/DSS"]
    assert [ref.get_object().get_data() for ref in dss["/CRLs"]] == [files.crl.read_bytes()]


def test_with_a_timestamp_authority_the_signature_is_b_lt_and_dated_by_it(issued):
    """PAdES B-LT proper: the TSA's token dates the signature, the CRL is embedded."""
    stamped_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    with timestamp_authority(issued.ca, stamped_at) as tsa_url:
        config = {**issued.app.config, "SIGNING_TSA_URL": tsa_url}
        signed = sign_pdf(issued.rendered, ORG, config)

    (signature,) = read_signatures(signed, issued.app.config)
    assert (signature.valid, signature.trusted, signature.revoked) == (True, True, False)
    assert signature.signed_at == stamped_at, "the time is the TSA's, not the signer's clock"
    dss = pypdf.PdfReader(io.BytesIO(signed)).trailer["/Root"]["/DSS"]
    assert [ref.get_object().get_data() for ref in dss["/CRLs"]] == [issued.files.crl.read_bytes()]


# --- a CA that answers by OCSP (no CRL) --------------------------------------------------------


@pytest.fixture
def ocsp_signer(tmp_path) -> Iterator[tuple[Responder, SigningFiles, dict[str, str | list]]]:
    """A signing certificate whose CA names only its OCSP responder (as most public CAs'
    certificates do): the responder, the files and the signing settings."""
    ca = make_ca("CA trả lời OCSP", "Tổ chức chứng thực thử")
    with ocsp_responder(ca) as responder:
        files = write_signing_files(tmp_path, ca, ORG, PARENT_ORG, PASSPHRASE, stem="ocsp",
                                    ocsp_url=responder.url)  # fmt: skip
        config = {"SIGNING_PKCS12_PATH": str(files.pkcs12),
                  "SIGNING_PKCS12_PASSPHRASE": PASSPHRASE,
                  "SIGNING_TRUST_ANCHORS": [str(files.trust_anchor)]}  # fmt: skip
        yield responder, files, config


def test_a_certificate_checked_by_ocsp_signs_with_the_responders_answer(issued, ocsp_signer):
    responder, files, config = ocsp_signer

    signed = sign_pdf(issued.rendered, ORG, config)

    assert responder.asked == [files.serial]
    dss = pypdf.PdfReader(io.BytesIO(signed)).trailer["/Root"]["/DSS"]
    (embedded,) = [ref.get_object().get_data() for ref in dss["/OCSPs"]]
    answer = ocsp.load_der_ocsp_response(embedded)
    assert (answer.serial_number, answer.certificate_status) == (
        files.serial, ocsp.OCSPCertStatus.GOOD
    )  # fmt: skip
    (signature,) = read_signatures(signed, config)
    assert (signature.valid, signature.trusted, signature.revoked) == (True, True, False)


def test_a_certificate_the_responder_calls_revoked_signs_nothing(issued, ocsp_signer):
    responder, files, config = ocsp_signer
    responder.revoked.add(files.serial)

    with pytest.raises(SigningNotConfigured) as refused:
        sign_pdf(issued.rendered, ORG, config)
    assert refused.value.message == messages.SIGNING_CERTIFICATE_NOT_VALID
    assert responder.asked == [files.serial]
