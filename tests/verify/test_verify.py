"""The public verification page /xac-thuc/<code>: what was issued, and whether a PDF is it."""

import io
import re
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask

from chibo_flow import messages
from chibo_flow.documents.render import party_date
from chibo_flow.documents.signing import MAX_SIGNATURES, read_signatures
from chibo_flow.timefmt import local_date
from chibo_flow.verify.check import check_copy
from tests.verify.forgeries import page_of_text_runs, with_signature_repeated
from tests.verify.support import issued_seed

pytestmark = pytest.mark.one_database  # see tests/conftest.py

GENUINE = "Đúng bản chính"
NOT_GENUINE = "Không khớp bản chính"


def page_text(response) -> str:
    """The visible text of a page, tags removed and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


@dataclass(frozen=True)
class Site:
    """The app serving one issued final copy, and what its verification page should show."""

    app: Flask
    code: str
    pdf: bytes
    sha256: str
    facts: tuple[str, ...]


@pytest.fixture(scope="module")
def site(database_url, tmp_path_factory) -> Iterator[Site]:
    """The demo seed approved and its final copy rendered, once for this module."""
    with issued_seed(database_url, tmp_path_factory.mktemp("verify")) as (app, copy):
        programme = copy.programme
        facts = (
            programme.org.name,
            "Số 01-CTr/CB",
            party_date(local_date(programme.approved_at)),
            "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023",
            # the fingerprint, in groups of 8 hex digits (it wraps between groups on a phone)
            " ".join(copy.sha256[i : i + 8] for i in range(0, 64, 8)),
        )
        yield Site(app, copy.verify_code, copy.pdf, copy.sha256, facts)


@pytest.fixture
def client(site):
    """A fresh visitor (no login) of the site."""
    return site.app.test_client()


def upload(client, code: str, data: bytes, **extra):
    """Post a file to the verification page, as the browser form does."""
    return client.post(
        f"/xac-thuc/{code}",
        data={"file": (io.BytesIO(data), "ban-chinh.pdf"), **extra},
        content_type="multipart/form-data",
    )


def test_page_shows_what_was_issued_without_login(client, site):
    response = client.get(f"/xac-thuc/{site.code}")

    assert response.status_code == 200
    text = page_text(response)
    assert [fact for fact in site.facts if fact not in text] == []
    assert GENUINE not in text and NOT_GENUINE not in text
    assert client.get(f"/xac-thuc/{site.code.lower()}").status_code == 200


def test_the_issued_pdf_is_genuine_and_a_changed_one_is_not(client, site):
    genuine = upload(client, site.code, site.pdf)
    assert genuine.status_code == 200
    assert GENUINE in page_text(genuine)
    assert NOT_GENUINE not in page_text(genuine)

    changed = bytearray(site.pdf)
    changed[len(changed) // 2] ^= 0x01
    forged = upload(client, site.code, bytes(changed))
    assert forged.status_code == 200
    assert NOT_GENUINE in page_text(forged)
    assert GENUINE not in page_text(forged)


def test_posting_without_a_file_asks_for_one(client, site):
    response = client.post(f"/xac-thuc/{site.code}", data={})

    assert response.status_code == 200
    assert messages.VERIFY_FILE_REQUIRED in page_text(response)


@pytest.fixture
def csrf(site) -> Iterator[None]:
    """CSRF protection switched on, as in production (the test configuration turns it off)."""
    site.app.config["WTF_CSRF_ENABLED"] = True
    yield
    site.app.config["WTF_CSRF_ENABLED"] = False


def test_the_upload_form_is_protected_against_csrf(client, site, csrf):
    forged = upload(client, site.code, site.pdf)
    assert forged.status_code == 400
    assert messages.CSRF_FAILED in page_text(forged)

    form = client.get(f"/xac-thuc/{site.code}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    genuine = upload(client, site.code, site.pdf, csrf_token=token)
    assert GENUINE in page_text(genuine)


def test_an_unknown_code_is_a_vietnamese_404_page(client):
    response = client.get("/xac-thuc/KHONGCOMA2")

    assert response.status_code == 404
    assert response.content_type.startswith("text/html")
    assert messages.VERIFY_UNKNOWN_CODE in page_text(response)


def test_a_pdf_naming_more_signatures_than_a_copy_carries_is_not_checked(client, site):
    """Each signature is validated (its certificate chain, its digest over the whole file): a
    100 KB file naming one signature 300 times took 11 s of the public endpoint's time."""
    crowded = with_signature_repeated(site.pdf, MAX_SIGNATURES)

    response = client.post(
        "/api/v1/verify",
        data={"file": (io.BytesIO(crowded), "ban-chinh.pdf")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == messages.VERIFY_NOT_PDF
    assert len(read_signatures(with_signature_repeated(site.pdf, 2), site.app.config)) == 3


def test_the_printed_code_is_looked_for_in_little_memory_whatever_the_page_holds(site):
    """An unsigned upload's last page is read for the code printed in its footer: a 15 KB PDF
    whose page inflates to 10 MB took 16 s and 440 MB of the public endpoint."""
    crowded = page_of_text_runs(300_000)  # 2 MB of content
    assert len(crowded) < 20_000

    with site.app.app_context():
        tracemalloc.start()
        try:
            verdict = check_copy(crowded)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    assert verdict.readable and not verdict.genuine and verdict.final_copy is None
    assert peak < 20 * 1024 * 1024
