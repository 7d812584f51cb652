"""The final copy: an approved programme as PDF and DOCX in the Party format, issued once.

Both files come from the HTML fragment the web page shows (`render.render_document_html`): the
PDF is WeasyPrint's rendering of it with the print stylesheet generated from `format.py`, the
DOCX is built by walking the same fragment and setting each `party-doc__<element>` with the
same `format.STYLES`. The same programme and verification code always render to the same bytes.
On first use after approval the copy is issued once: a random verification code (printed in the
footer with a QR code of its verify URL), the PDF rendered and then signed PAdES by the org
(`signing.py`; an incremental update, so the signed file begins with the rendering), and the
signed file stored with its SHA-256. An org that signs with its own tool gets the rendering
stored unsigned until `accept_signed_copy` takes the signed file; `final_copy_ready` says when
the copy may be distributed.
"""

import base64
import hashlib
import importlib
import io
import os
import re
import secrets
import zipfile
from datetime import UTC, datetime
from types import ModuleType
from urllib.parse import quote

import docx
import lxml.html
import segno
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from chibo_flow import messages
from chibo_flow.documents.format import PAGE, STYLES, VERIFY_LINE, strip_diacritics
from chibo_flow.documents.print_css import css_declarations, css_string, font_family
from chibo_flow.documents.render import number_line, render_document_html
from chibo_flow.documents.signing import only_signed_since, read_signatures, sign_pdf
from chibo_flow.extensions import db
from chibo_flow.models import AuditEvent, FinalCopy, Programme, User
from chibo_flow.models._types import utcnow
from chibo_flow.models.programmes import State
from chibo_flow.models.users import SigningMode
from chibo_flow.workflow_errors import Invalid

VERIFY_CODE_BYTES = 10  # 80 random bits: 16 base32 characters
# The QR code of the verify URL in the footer of both files: a PNG of 5 pixels a module printed
# at 300 dpi (0.42 mm a module, ~15 mm wide). A PNG, not SVG: WeasyPrint parses and draws an
# SVG's path again on every page (~30 ms of CPU a page), an image it embeds once (benchmark in
# bench/README.md); and Word has no SVG before 2016.
QR_MODULE_PX = 5
QR_DPI = 300
# The public verification page (chibo_flow/verify) answers at this path, and the CRLs of
# SIGNING_CRLS are published under theirs (by file name).
VERIFY_PATH = "/xac-thuc/{code}"
CRL_PATH = "/xac-thuc/crl/{name}"
PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_TYPES = {"pdf": PDF_TYPE, "docx": DOCX_TYPE}
GENERATOR = "Chi bộ Flow"
FONT_TIMESTAMP = "0"  # the "modified" date of embedded font subsets: 1970-01-01
_STYLE_CLASS = "party-doc__"
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
BOXED_DOCX_BORDER = {"w:val": "single", "w:sz": "8", "w:space": "1", "w:color": "000000"}
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
_SLUG_MAX = 60


# --- identity: verification code, dates, names --------------------------------------------------


def new_verify_code() -> str:
    """A fresh public verification code: 80 random bits as 16 base32 characters."""
    return base64.b32encode(secrets.token_bytes(VERIFY_CODE_BYTES)).decode()


def verify_url(code: str) -> str:
    """The public address of a verification code's page."""
    return current_app.config["PUBLIC_URL"] + VERIFY_PATH.format(code=code)


def crl_url(name: str) -> str:
    """The public address at which the CRL file `name` of SIGNING_CRLS is published."""
    return current_app.config["PUBLIC_URL"] + CRL_PATH.format(name=quote(name))


def _issued_at(programme: Programme) -> datetime:
    """When the content was fixed (the approval, else the current revision): the files' date."""
    return programme.approved_at or programme.current_revision.created_at


def download_names(programme: Programme, extension: str) -> tuple[str, str]:
    """ASCII and Unicode file names: "01-CTr-CB-hanh-dong-cua….pdf", "01-CTr-CB-HÀNH ĐỘNG….pdf"."""
    number = (programme.number or "du-thao").replace("/", "-")
    words = re.findall(r"[a-z0-9]+", _ascii(programme.title).lower())
    slug = "-".join(words)[:_SLUG_MAX].rstrip("-")
    plain = "-".join(re.findall(r"[A-Za-z0-9]+", _ascii(number)))
    ascii_name = f"{plain}-{slug}.{extension}" if slug else f"{plain}.{extension}"
    title = _UNSAFE_FILENAME.sub(" ", programme.title).strip()
    return ascii_name, f"{number}-{title}.{extension}" if title else f"{number}.{extension}"


def content_disposition(programme: Programme, extension: str) -> str:
    """An `attachment` Content-Disposition with an ASCII filename and the UTF-8 filename*."""
    ascii_name, name = download_names(programme, extension)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_response(programme: Programme, extension: str, data: bytes) -> Response:
    """`data` (the programme as PDF or DOCX) as a download, never kept by shared caches."""
    response = Response(data, content_type=MEDIA_TYPES[extension])
    response.headers["Content-Disposition"] = content_disposition(programme, extension)
    response.headers["Cache-Control"] = "private, max-age=0"
    return response


def _ascii(text: str) -> str:
    return "".join(c for c in strip_diacritics(text) if c.isascii())


def _footer(programme: Programme, code: str | None) -> str:
    """The verification line of an approved copy ("" for drafts and copies without a code)."""
    if programme.state != State.APPROVED or not code:
        return ""
    return VERIFY_LINE.format(code=code, url=verify_url(code))


def _verify_qr(code: str) -> segno.QRCode:
    """The QR code that opens the code's verify page."""
    return segno.make(verify_url(code), error="m", micro=False)


def verify_qr_png(code: str) -> bytes:
    """The QR code that opens the code's verify page as a PNG of QR_DPI pixels an inch."""
    buffer = io.BytesIO()
    _verify_qr(code).save(buffer, kind="png", scale=QR_MODULE_PX, border=1, dpi=QR_DPI)
    return buffer.getvalue()


def verify_qr_uri(code: str) -> str:
    """The same PNG as a data: URI (the print stylesheet's footer)."""
    return "data:image/png;base64," + base64.b64encode(verify_qr_png(code)).decode()


# --- PDF ---------------------------------------------------------------------------------------


def load_pdf_renderer() -> ModuleType:
    """WeasyPrint, imported on first use: loading Pango takes ~0.5 s, which only the processes
    that make PDFs pay (a Celery worker at its start, see chibo_flow.celery_app)."""
    # Without HarfBuzz-subset, WeasyPrint subsets fonts with fontTools, which stamps each
    # embedded font with the clock unless SOURCE_DATE_EPOCH is set (reproducible-builds.org).
    os.environ.setdefault("SOURCE_DATE_EPOCH", FONT_TIMESTAMP)
    return importlib.import_module("weasyprint")


def warm_up_pdf_renderer() -> None:
    """Render a line in each face of the document fonts, so that a process's first final copy
    does not also pay for loading them (~60 ms)."""
    weasyprint = load_pdf_renderer()
    faces = "Chi bộ <b>đảng viên</b> <i>Nơi nhận</i> <b><i>trích yếu</i></b>"
    weasyprint.HTML(string=f"<p style='font-family: {font_family()}'>{faces}</p>").write_pdf()


def render_pdf(programme: Programme, verify_code: str | None = None) -> bytes:
    """The programme as a PDF: the web page's HTML, the print stylesheet, fixed metadata; an
    approved copy's footer carries `verify_code` and its QR code. Reproducible byte for byte."""
    return party_pdf(
        render_document_html(programme),
        title=f"{programme.doc_type.capitalize()} {number_line(programme)}: {programme.title}",
        author=programme.org.name,
        issued=_issued_at(programme),
        footer=_footer(programme, verify_code),
        verify_code=verify_code,
    )


def party_pdf(
    document: Markup,
    *,
    title: str,
    author: str,
    issued: datetime,
    footer: str = "",
    verify_code: str | None = None,
) -> bytes:
    """A Party-format HTML fragment (render.render_party_html) as a PDF with the print
    stylesheet and metadata fixed to `issued`; with a `footer` (the verification line of
    `verify_code`) on every page. The same input gives the same bytes."""
    weasyprint = load_pdf_renderer()
    html = render_template(
        "documents/print.html",
        document=document,
        title=title,
        author=author,
        generator=GENERATOR,
        issued=issued.astimezone(UTC).isoformat(timespec="seconds"),
    )
    return weasyprint.HTML(string=html).write_pdf(
        stylesheets=[weasyprint.CSS(string=_print_stylesheet(footer, verify_code))],
        pdf_identifier=True,
    )


def _print_stylesheet(footer: str, verify_code: str | None) -> str:
    """The print CSS, generated from format.PAGE and format.STYLES, with the footer if any."""
    return render_template(
        "documents/print.css",
        page=PAGE,
        fonts=font_family(),
        left_percent=round(PAGE.left_column * 100, 2),
        rules={name: css_declarations(style) for name, style in STYLES.items()},
        footer=css_string(footer) if footer else "",
        qr=css_string(verify_qr_uri(verify_code)) if footer and verify_code else "",
        qr_dpi=QR_DPI,
    )


# --- DOCX --------------------------------------------------------------------------------------


def render_docx(programme: Programme, verify_code: str | None = None) -> bytes:
    """The programme as a .docx laid out like the PDF, the same bytes on every render."""
    fragment = lxml.html.fragment_fromstring(str(render_document_html(programme)))
    document = docx.Document()
    footer = _footer(programme, verify_code)
    _page_setup(document, footer, verify_qr_png(verify_code) if footer else None)
    for element in fragment:
        if element.tag == "table":
            _two_columns(document, element)
        else:
            for name, text in _blocks(element):
                _paragraph(document.add_paragraph(), name, text)
    issued = _issued_at(programme).astimezone(UTC).replace(tzinfo=None)
    properties = document.core_properties
    properties.title = programme.title
    properties.author = programme.org.name
    properties.last_modified_by = GENERATOR
    properties.revision = 1
    properties.created = properties.modified = properties.last_printed = issued
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue(), issued)


def _blocks(element) -> list[tuple[str, str]]:
    """(style name, text) of each paragraph-like element in `element`, in document order."""
    blocks = []
    for node in element.iter("p", "h2"):
        names = [c[len(_STYLE_CLASS) :] for c in node.get("class", "").split()]
        styled = [name for name in names if name in STYLES]
        if styled:
            blocks.append((styled[-1], node.text_content()))
    return blocks


def _paragraph(paragraph: Paragraph, name: str, text: str) -> None:
    style = STYLES[name]
    run = paragraph.add_run(text.upper() if style.caps else text)
    run.font.size = Pt(style.size_pt)
    run.font.bold = style.bold
    run.font.italic = style.italic
    run.font.underline = style.underline
    if style.boxed:
        border = OxmlElement("w:bdr")  # a border around the run's text (Word's character frame)
        for attribute, value in BOXED_DOCX_BORDER.items():
            border.set(qn(attribute), value)
        run._r.get_or_add_rPr().append(border)
    layout = paragraph.paragraph_format
    layout.alignment = _ALIGN[style.align]
    layout.space_before = Pt(style.space_before_pt)
    layout.space_after = Pt(style.space_after_pt)
    layout.line_spacing = PAGE.line_height
    layout.first_line_indent = Mm(PAGE.first_line_indent_mm) if style.indent else None


def _two_columns(document, element) -> None:
    """A borderless one-row table: issuer | national heading, or Nơi nhận | signature."""
    text_width = PAGE.width_mm - PAGE.margin_left_mm - PAGE.margin_right_mm
    widths = (text_width * PAGE.left_column, text_width * (1 - PAGE.left_column))
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    _no_borders(table)
    # The row never breaks across pages: "Nơi nhận" and the signer's name stay together.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, source, width in zip(table.rows[0].cells, element.iter("td"), widths, strict=True):
        cell.width = Mm(width)
        _fill(cell, _blocks(source))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)


def _fill(cell: _Cell, blocks: list[tuple[str, str]]) -> None:
    for index, (name, text) in enumerate(blocks):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        _paragraph(paragraph, name, text)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "nil")
        borders.append(line)
    table._tbl.tblPr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
        "w:tblDescription", "w:tblPrChange",
    )  # fmt: skip


def _page_setup(document, footer: str, qr_png: bytes | None) -> None:
    """A4 and the margins, the typeface, page numbers from page 2, the verification footer
    with its QR code before the line, as in the PDF."""
    normal = document.styles["Normal"]
    normal.font.name = PAGE.docx_font
    normal.font.size = Pt(STYLES["para"].size_pt)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), PAGE.docx_font)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE.width_mm), Mm(PAGE.height_mm)
    section.top_margin, section.bottom_margin = Mm(PAGE.margin_top_mm), Mm(PAGE.margin_bottom_mm)
    section.left_margin, section.right_margin = Mm(PAGE.margin_left_mm), Mm(PAGE.margin_right_mm)
    section.different_first_page_header_footer = not PAGE.number_first_page
    section.first_page_header.is_linked_to_previous = False
    number = section.header.paragraphs[0]
    _paragraph(number, "page-number", "1")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    field.append(number.runs[0]._r)
    number._p.append(field)
    if footer:
        for part in (section.footer, section.first_page_footer):
            paragraph = part.paragraphs[0]
            if qr_png is not None:
                paragraph.add_run().add_picture(io.BytesIO(qr_png))  # sized by the PNG's dpi
            _paragraph(paragraph, "verify", "  " + footer)


def stamp_docx(data: bytes, text: str) -> bytes:
    """The .docx `data` with `text` (whose copy this is) as the first line of every page's
    header, set like the verification line."""
    document = docx.Document(io.BytesIO(data))
    for section in document.sections:
        for header in (section.header, section.first_page_header):
            _paragraph(header.paragraphs[0].insert_paragraph_before(), "verify", text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _fixed_zip(data: bytes, when: datetime) -> bytes:
    """The .docx archive again, each member stamped `when` (python-docx stamps the clock)."""
    stamp = when.timetuple()[:6]
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member))
    return output.getvalue()


# --- the stored copy ---------------------------------------------------------------------------


def stored_final_copy(programme_id: int) -> FinalCopy | None:
    """The final copy issued for a programme, if it has been rendered."""
    return db.session.scalar(select(FinalCopy).where(FinalCopy.programme_id == programme_id))


def final_copy_by_code(code: str) -> FinalCopy | None:
    """The final copy with this verification code (any letter case), if any."""
    return db.session.scalar(select(FinalCopy).where(FinalCopy.verify_code == code.strip().upper()))


def final_copy_for(programme: Programme) -> FinalCopy:
    """The stored final copy, rendered (and signed, unless the org signs with its own tool) and
    stored on first use; raises Invalid unless approved, SigningNotConfigured when the system
    must sign and has no certificate."""
    if programme.state != State.APPROVED:
        raise Invalid(messages.FINAL_COPY_NOT_APPROVED)
    stored = stored_final_copy(programme.id)
    if stored is not None:
        return stored
    code = new_verify_code()
    pdf = render_pdf(programme, code)
    signed_at = None
    if programme.org.signing_mode == SigningMode.SYSTEM:
        pdf = sign_pdf(pdf, programme.org.name, current_app.config)
        signed_at = utcnow()
    copy = FinalCopy(
        programme_id=programme.id,
        revision_id=programme.current_revision_id,
        pdf=pdf,
        docx=render_docx(programme, code),
        sha256=hashlib.sha256(pdf).hexdigest(),
        verify_code=code,
        signed_at=signed_at,
    )
    return store_final_copy(copy)


def final_copy_ready(programme: Programme) -> bool:
    """Whether the final copy may be distributed: issued, and signed when the org signs with its
    own tool (until the signed copy is uploaded, distribution waits). The dispatcher's gate."""
    copy = stored_final_copy(programme.id)
    if copy is None:
        return False
    return programme.org.signing_mode != SigningMode.EXTERNAL or copy.signed_at is not None


def accept_signed_copy(copy: FinalCopy, data: bytes, actor: User) -> FinalCopy:
    """Store the copy an office signed with its own tool (external signing) as the issued PDF;
    raises Invalid with the reason unless it is the approved PDF, unchanged, under an intact
    signature that covers it, by an unrevoked certificate chaining to SIGNING_TRUST_ANCHORS."""
    if copy.programme.org.signing_mode != SigningMode.EXTERNAL:
        raise Invalid(messages.SIGNED_COPY_NOT_EXPECTED)
    if copy.signed_at is not None:
        raise Invalid(messages.SIGNED_COPY_ALREADY)
    signatures = read_signatures(data, current_app.config)
    if not signatures:
        raise Invalid(messages.SIGNED_COPY_UNSIGNED)
    covering = [s for s in signatures if only_signed_since(s.signed_revision, copy.pdf)]
    if not covering:
        raise Invalid(messages.SIGNED_COPY_OTHER_CONTENT)
    signature = covering[0]
    if not signature.valid:
        raise Invalid(messages.SIGNED_COPY_BROKEN)
    if signature.changed_after_signing:
        raise Invalid(messages.SIGNED_COPY_CHANGED_AFTER)
    if signature.revoked:
        raise Invalid(messages.SIGNED_COPY_REVOKED)
    if not signature.trusted:
        raise Invalid(messages.SIGNED_COPY_UNTRUSTED)
    approved_sha256 = copy.sha256
    copy.pdf = data
    copy.sha256 = hashlib.sha256(data).hexdigest()
    copy.signed_at = signature.signed_at or utcnow()
    db.session.add(
        AuditEvent(
            programme_id=copy.programme_id,
            actor_id=actor.id,
            action="upload_signed_copy",
            to_state=State.APPROVED,
            data={
                "sha256": copy.sha256,
                "approved_sha256": approved_sha256,
                "signer": signature.signer,
            },
        )  # fmt: skip
    )
    db.session.commit()
    return copy


def store_final_copy(copy: FinalCopy) -> FinalCopy:
    """Insert `copy` with its audit row; when another worker stored one first, return theirs."""
    programme_id = copy.programme_id
    db.session.add(copy)
    db.session.add(
        AuditEvent(
            programme_id=programme_id,
            action="render_final_copy",
            to_state=State.APPROVED,
            data={"sha256": copy.sha256},
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        stored = stored_final_copy(programme_id)
        if stored is None:
            raise
        return stored
    return copy
