"""The final copy: the approved seed as PDF and DOCX in the Party format, checked from the files
themselves (real WeasyPrint, pypdf and python-docx), stored once and served by the API."""

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import docx
import pypdf
import pypdfium2
import pytest
import zxingcpp
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from fontTools.misc.timeTools import timestampSinceEpoch
from fontTools.ttLib import TTFont
from PIL import Image
from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.demo import ORG, PARENT_ORG
from chibo_flow.documents.final_copy import (
    final_copy_for,
    new_verify_code,
    render_docx,
    render_pdf,
    store_final_copy,
)
from chibo_flow.documents.reading import convert_with_office
from chibo_flow.documents.render import party_date
from chibo_flow.models import AuditEvent, Delivery, FinalCopy, Programme
from chibo_flow.notifications.tasks import send_deliveries
from chibo_flow.timefmt import local_date
from chibo_flow.workflow import apply_transition
from chibo_flow.workflow_errors import Invalid
from tests.conftest import api_token
from tests.support import assert_in_order
from tests.verify.support import (
    COMMITTEE_1,
    COMMITTEE_2,
    PUBLIC_URL,
    SECRETARY,
    demo_programme,
    demo_user,
    issued_seed,
)

pytestmark = pytest.mark.one_database  # see tests/conftest.py

MM = 72 / 25.4  # PDF points per millimetre
SECTION_HEADINGS = [
    "I. Mục đích yêu cầu",
    "II. Nhiệm vụ trọng tâm",
    "III. Một số chỉ tiêu cơ bản và giải pháp năm 2023",
]
RECIPIENT_LINES = [
    "- Thường trực ĐU (b/c);",
    "- Lãnh đạo phụ trách chi bộ;",
    "- CB, đảng viên (t/h);",
    "- Lưu. CB.",
]
TITLE = "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023"


@dataclass(frozen=True)
class Issued:
    """The seed's final copy as stored on approval, and the date line it should carry."""

    pdf: bytes
    docx: bytes
    sha256: str
    verify_code: str
    date_line: str
    rendered_at: datetime


@pytest.fixture(scope="module")
def issued(database_url, tmp_path_factory) -> Issued:
    """The demo seed approved through the workflow and its final copy rendered, once per module."""
    rendered_at = datetime.now(UTC)
    with issued_seed(database_url, tmp_path_factory.mktemp("issued")) as (_, copy):
        return Issued(
            pdf=copy.pdf,
            docx=copy.docx,
            sha256=copy.sha256,
            verify_code=copy.verify_code,
            date_line=f"Tiên Cường, {party_date(local_date(copy.programme.approved_at))}",
            rendered_at=rendered_at,
        )


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, pages in order, whitespace collapsed to single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def text_runs(page) -> list[tuple[float, float, str]]:
    """(x, y, text) of each piece of text on a page, in PDF points from the bottom-left corner."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            matrix = pypdf.mult(tm, cm)
            runs.append((matrix[4], matrix[5], text.strip()))

    page.extract_text(visitor_text=visit)
    return runs


def in_top_margin(page) -> list[str]:
    """Text printed above the top margin (20 mm): the page number, if any."""
    top = float(page.mediabox.height) - 20 * MM
    return [text for _, y, text in text_runs(page) if y > top]


# --- the PDF, from the file itself ------------------------------------------------------------


def test_pdf_has_every_mandatory_element_in_order_with_diacritics(issued):
    text = pdf_text(issued.pdf)

    expected = [
        PARENT_ORG.upper(),
        ORG.upper(),
        "Số 01-CTr/CB",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        issued.date_line,
        "CHƯƠNG TRÌNH",
        TITLE,
        *SECTION_HEADINGS,
        "Nơi nhận:",
        *RECIPIENT_LINES,
        "TM. CHI BỘ",
        "BÍ THƯ",
        "Vũ Thị Xuyên",
    ]
    assert_in_order(text, expected)
    assert "DỰ THẢO" not in text
    assert f"Mã xác thực: {issued.verify_code} — {PUBLIC_URL}/xac-thuc/{issued.verify_code}" in text


def test_every_page_carries_a_qr_code_of_the_verify_url(issued):
    """The printed copy: a phone reading the footer's QR code opens the verify page."""
    document = pypdfium2.PdfDocument(issued.pdf)
    for index in (0, len(document) - 1):
        image = document[index].render(scale=300 / 72).to_pil()  # printed at 300 dpi
        found = [code for code in zxingcpp.read_barcodes(image) if code.format.name == "QRCode"]
        assert [code.text for code in found] == [f"{PUBLIC_URL}/xac-thuc/{issued.verify_code}"]


def test_verification_codes_are_random_80_bit_values(issued):
    assert len(issued.verify_code) == 16  # 80 bits in base32
    assert issued.verify_code != new_verify_code() != new_verify_code()


def test_pdf_is_a4_in_liberation_serif_with_a_30_mm_left_margin(issued):
    reader = pypdf.PdfReader(io.BytesIO(issued.pdf))

    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - 595) <= 1
        assert abs(float(page.mediabox.height) - 842) <= 1
        fonts = {
            str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()
        }
        assert fonts and all("+Liberation-Serif" in name for name in fonts), fonts
        left = min(x for x, _, _ in text_runs(page))
        assert abs(left - 30 * MM) <= 3, left
    assert reader.metadata.title == f"Chương trình Số 01-CTr/CB: {TITLE}"
    assert reader.metadata.author == ORG


def test_page_numbers_start_on_page_two(issued):
    pages = pypdf.PdfReader(io.BytesIO(issued.pdf)).pages

    assert in_top_margin(pages[0]) == []
    assert [in_top_margin(page) for page in pages[1:]] == [
        [str(number)] for number in range(2, len(pages) + 1)
    ]


def test_embedded_fonts_carry_no_clock_time(issued):
    """Reproducible bytes: no font subset is stamped with the time it was rendered."""
    stamps = set()
    for page in pypdf.PdfReader(io.BytesIO(issued.pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            data = descendant["/FontDescriptor"]["/FontFile2"].get_data()
            stamps.add(TTFont(io.BytesIO(data))["head"].modified)
    an_hour_before = (issued.rendered_at - timedelta(hours=1)).timestamp()
    assert stamps and max(stamps) < timestampSinceEpoch(an_hour_before)


# --- the DOCX ---------------------------------------------------------------------------------


def test_docx_has_the_party_layout(issued):
    document = docx.Document(io.BytesIO(issued.docx))
    section = document.sections[0]

    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"
    header, footer = document.tables
    issuer, national = header.rows[0].cells
    assert issuer.text.split("\n") == [PARENT_ORG.upper(), ORG.upper(), "*", "Số 01-CTr/CB"]
    assert national.text.split("\n") == ["ĐẢNG CỘNG SẢN VIỆT NAM", issued.date_line]
    for table in (header, footer):
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    body = next(p for p in document.paragraphs if p.text.startswith("Tăng cường mạnh mẽ"))
    assert body.runs[0].font.size == Pt(14)
    assert body.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    recipients, signature = footer.rows[0].cells
    assert [p.text for p in recipients.paragraphs] == ["Nơi nhận:", *RECIPIENT_LINES]
    assert {p.runs[0].font.size for p in recipients.paragraphs[1:]} == {Pt(12)}
    assert [p.text for p in signature.paragraphs] == ["TM. CHI BỘ", "BÍ THƯ", "Vũ Thị Xuyên"]
    assert section.different_first_page_header_footer
    assert section.header._element.xpath(".//w:fldSimple/@w:instr") == ["PAGE"]
    assert section.first_page_header.paragraphs[0].text == ""
    assert issued.verify_code in section.footer.paragraphs[0].text


def test_docx_footer_carries_the_qr_code_beside_the_verification_code(issued):
    """The printed .docx, like the PDF: a phone reading the footer's QR code opens the verify
    page, and the code is printed beside it, on the first page and on the others."""
    section = docx.Document(io.BytesIO(issued.docx)).sections[0]
    url = f"{PUBLIC_URL}/xac-thuc/{issued.verify_code}"
    for footer in (section.first_page_footer, section.footer):
        (paragraph,) = footer.paragraphs
        (blip,) = paragraph._p.xpath(".//a:blip/@r:embed")
        image = Image.open(io.BytesIO(footer.part.related_parts[blip].blob))
        found = [code.text for code in zxingcpp.read_barcodes(image)]
        assert found == [url]
        assert f"Mã xác thực: {issued.verify_code} — {url}" in paragraph.text
        (extent,) = paragraph._p.xpath(".//wp:extent/@cx")
        assert 10 <= int(extent) / 36000 <= 20  # a small code in the margin: 10-20 mm wide


def test_docx_keeps_noi_nhan_and_the_signer_on_one_page(issued):
    # LibreOffice, as a recipient opening the .docx would, lays the document out in pages.
    pdf = pypdf.PdfReader(io.BytesIO(convert_with_office(issued.docx, "docx", "pdf", 120)))
    pages = [page.extract_text() for page in pdf.pages]
    noi_nhan = [n for n, text in enumerate(pages) if "Nơi nhận" in text]
    signer = [n for n, text in enumerate(pages) if "Vũ Thị Xuyên" in text]
    assert len(pages) >= 2
    assert noi_nhan and noi_nhan == signer


def test_docx_archive_carries_the_approval_time_not_the_clock(issued):
    with zipfile.ZipFile(io.BytesIO(issued.docx)) as archive:
        stamps = {member.date_time for member in archive.infolist()}
    properties = docx.Document(io.BytesIO(issued.docx)).core_properties

    (stamp,) = stamps  # a zip stores times to the even second
    assert timedelta(0) <= properties.created - datetime(*stamp, tzinfo=UTC) < timedelta(seconds=2)
    assert properties.created == properties.modified
    assert properties.title == TITLE


# --- stored once, served by the API -----------------------------------------------------------


def _get(client, user, path: str):
    return client.get(path, headers={"Authorization": f"Bearer {api_token(user)}"})


def test_final_copy_is_rendered_once_and_served_as_issued(app, db, client):
    programme = demo_programme("review")
    secretary = demo_user(SECRETARY)
    pdf_path = f"/api/v1/programmes/{programme.id}/final.pdf"

    before = _get(client, secretary, pdf_path)
    assert before.status_code == 404
    assert before.get_json()["error"] == {"code": "not_rendered",
                                          "message": messages.API_NOT_RENDERED}  # fmt: skip
    with pytest.raises(Invalid):
        final_copy_for(programme)

    for email in (COMMITTEE_1, COMMITTEE_2):
        apply_transition(programme, "approve", demo_user(email), version=programme.version)
    copy = final_copy_for(programme)
    assert final_copy_for(programme).id == copy.id
    assert db.session.scalar(select(func.count(FinalCopy.id))) == 1
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "render_final_copy"))
    assert [(e.data, e.to_state) for e in events] == [({"sha256": copy.sha256}, "approved")]

    served = _get(client, demo_user("dangvien1@chibo.demo"), pdf_path)
    assert served.status_code == 200
    assert served.content_type == "application/pdf"
    assert served.data == copy.pdf
    assert hashlib.sha256(served.data).hexdigest() == copy.sha256
    assert served.headers["Content-Disposition"] == (
        'attachment; filename="01-CTr-CB-hanh-dong-cua-chi-bo-mam-non-nam-2023.pdf"; '
        "filename*=UTF-8''01-CTr-CB-H%C3%80NH%20%C4%90%E1%BB%98NG%20C%E1%BB%A6A%20CHI%20B%E1%BB%98"
        "%20M%E1%BA%A6M%20NON%20N%C4%82M%202023.pdf"
    )
    rendered = render_pdf(programme, copy.verify_code)
    assert rendered == render_pdf(programme, copy.verify_code), "rendering is reproducible"
    assert copy.pdf.startswith(rendered), "the issued copy is that rendering, then its signature"

    word = _get(client, secretary, f"/api/v1/programmes/{programme.id}/final.docx")
    assert word.status_code == 200
    assert word.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert word.data == copy.docx == render_docx(programme, copy.verify_code)
    assert (
        'filename="01-CTr-CB-hanh-dong-cua-chi-bo-mam-non-nam-2023.docx"'
        in (word.headers["Content-Disposition"])
    )


def test_a_copy_stored_meanwhile_by_another_worker_wins(app, db):
    programme = demo_programme("approved")

    def copy(pdf: bytes, code: str) -> FinalCopy:
        return FinalCopy(programme_id=programme.id, revision_id=programme.current_revision_id,
                         pdf=pdf, docx=b"docx", sha256=hashlib.sha256(pdf).hexdigest(),
                         verify_code=code)  # fmt: skip

    first = store_final_copy(copy(b"%PDF first", "AAAAAAAAAA"))
    second = store_final_copy(copy(b"%PDF second", "BBBBBBBBBB"))

    assert second.id == first.id
    assert second.sha256 == hashlib.sha256(b"%PDF first").hexdigest()
    assert db.session.scalar(select(func.count(FinalCopy.id))) == 1
    count = select(func.count(AuditEvent.id)).where(AuditEvent.action == "render_final_copy")
    assert db.session.scalar(count) == 1


def test_a_draft_in_review_is_marked_with_its_round_and_has_no_number(app, db):
    programme = demo_programme("review")
    # One disapproval no longer returns the draft: the secretary withdraws it to revise.
    apply_transition(programme, "request_changes", demo_user(COMMITTEE_1),
                     version=programme.version, comment="Bổ sung chỉ tiêu.")  # fmt: skip
    apply_transition(programme, "withdraw", demo_user(SECRETARY), version=programme.version)
    apply_transition(programme, "submit", demo_user(SECRETARY), version=programme.version)

    text = pdf_text(render_pdf(programme))
    paragraphs = [p.text for p in docx.Document(io.BytesIO(render_docx(programme))).paragraphs]

    assert "DỰ THẢO LẦN 2" in text
    assert "DỰ THẢO LẦN 2" in paragraphs
    assert "01-CTr" not in text
    assert "Mã xác thực" not in text
    assert db.session.get(Programme, programme.id).number is None


# --- the email --------------------------------------------------------------------------------


def test_a_delivery_queued_by_the_relay_renders_the_copy_and_attaches_it(app, db, smtp_server):
    """The broker lost render_final_copy: sending the row (as the relay would) renders it."""
    programme = demo_programme("approved")
    delivery = db.session.scalar(select(Delivery).where(Delivery.address == "phutrach@chibo.demo"))
    assert db.session.scalar(select(func.count(FinalCopy.id))) == 0

    assert send_deliveries([delivery.id]) == {"sent": 1}

    stored = db.session.scalar(select(FinalCopy).where(FinalCopy.programme_id == programme.id))
    (message,) = smtp_server.messages()
    assert message.envelope_to == "phutrach@chibo.demo"
    (attachment,) = message.message.iter_attachments()
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "01-CTr-CB-hanh-dong-cua-chi-bo-mam-non-nam-2023.pdf"
    assert hashlib.sha256(attachment.get_content()).hexdigest() == stored.sha256
