"""Files from the programme page: a PDF preview of the draft, the final copy once approved."""

import hashlib
import io

from pypdf import PdfReader
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.documents.preview import render_preview
from chibo_flow.models import FinalCopy
from tests.web.support import bring_to, page_text


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_draft_in_review_previews_as_a_numberless_draft_pdf(db, world, browser):
    programme = bring_to(world, "review")
    committee = browser(world.users["committee"])
    page = committee.get(f"/programmes/{programme.id}")
    assert "Xem trước bản in (PDF dự thảo)" in page.get_data(as_text=True)
    assert "DỰ THẢO LẦN 1" in page.get_data(as_text=True), "the page shows the same mark"

    waiting = committee.get(f"/programmes/{programme.id}/ban-in.pdf")
    assert waiting.status_code == 202, "laid out by the worker, not in the request"
    assert messages.PREVIEW_PENDING in page_text(waiting)
    assert '<meta http-equiv="refresh"' in waiting.get_data(as_text=True)
    render_preview(programme.id)  # what the worker runs
    db.session.expire_all()  # as a new request's session would see it

    response = committee.get(f"/programmes/{programme.id}/ban-in.pdf")
    assert response.status_code == 200
    assert response.content_type == "application/pdf"
    text = _pdf_text(response.data)
    assert "DỰ THẢO LẦN 1" in text
    assert "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023" in text
    assert "01-CTr/CB" not in text
    assert db.session.scalar(select(FinalCopy)) is None, "a preview is not the final copy"
    assert committee.get(f"/programmes/{programme.id}/ban-in.docx").status_code == 404


def test_member_downloads_the_final_copy_that_was_issued(db, world, browser):
    programme = bring_to(world, "approved")
    member = browser(world.users["member"])
    pdf = member.get(f"/programmes/{programme.id}/ban-in.pdf")
    assert pdf.status_code == 200
    assert "01-CTr-CB" in pdf.headers["Content-Disposition"]
    stored = db.session.scalar(select(FinalCopy))
    assert hashlib.sha256(pdf.data).hexdigest() == stored.sha256
    assert "Số 01-CTr/CB" in _pdf_text(pdf.data)

    docx = member.get(f"/programmes/{programme.id}/ban-in.docx")
    assert docx.status_code == 200
    assert docx.data == stored.docx


def test_other_orgs_cannot_download(world, browser):
    programme = bring_to(world, "approved")
    assert (
        browser(world.users["outsider"]).get(f"/programmes/{programme.id}/ban-in.pdf").status_code
        == 404
    )
