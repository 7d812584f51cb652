"""ASVS V12 (files): an upload that inflates far beyond its size, a "PDF bomb" draft or a
zip-bomb member list, is refused by what it declares before it is inflated, with a Vietnamese
reason, and stores nothing."""

import io
import zipfile
import zlib

import openpyxl
from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.documents.reading import MAX_PDF_INFLATED_BYTES, read_pdf
from chibo_flow.models import Programme, User
from tests.api.conftest import assert_error


def pdf_with_content(content: bytes) -> bytes:
    """A one-page PDF whose page content is `content`, deflated."""
    stream = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref


def xlsx_with_sheet_xml(sheet_xml: bytes) -> bytes:
    """A workbook saved by openpyxl whose first sheet is `sheet_xml`."""
    workbook = openpyxl.Workbook()
    saved = io.BytesIO()
    workbook.save(saved)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(saved) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            archive.writestr(member.filename, data)
    return out.getvalue()


def _programmes(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Programme))


def test_a_pdf_whose_page_inflates_past_the_limit_is_refused(db, world, client, token):
    bomb = pdf_with_content(b" " * (2 * MAX_PDF_INFLATED_BYTES))
    assert len(bomb) < 100_000
    before = _programmes(db)

    response = client.post(
        "/api/v1/programmes/import",
        data={"file": (io.BytesIO(bomb), "chuong-trinh.pdf")},
        headers=token(world.users["secretary"]),
    )

    assert assert_error(response, 422, "invalid")["message"] == messages.FILE_PDF_BOMB
    assert _programmes(db) == before


def test_a_pdf_within_the_limit_is_read_as_usual():
    page = b"BT /F1 12 Tf 72 720 Td (KE HOACH) Tj ET\n" + b" " * (MAX_PDF_INFLATED_BYTES // 2)
    pdf = pdf_with_content(page).replace(
        b"/MediaBox [0 0 595 842]",
        b"/MediaBox [0 0 595 842] /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 "
        b"/BaseFont /Helvetica >> >> >>",
    )

    assert read_pdf(pdf).lines == ["KE HOACH"]


def test_a_zip_bomb_member_list_is_refused_before_it_is_read(db, world, client, token):
    row = b'<row><c t="inlineStr"><is><t>a</t></is></c></row>'
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>' + row * 200_000 + b"</sheetData></worksheet>"
    )
    bomb = xlsx_with_sheet_xml(sheet)
    assert len(bomb) < len(sheet) // 200
    people = db.session.scalar(select(func.count()).select_from(User))

    response = client.post(
        f"/api/v1/orgs/{world.org.id}/members/import",
        data={"file": (io.BytesIO(bomb), "dang-vien.xlsx")},
        headers=token(world.users["admin"]),
    )

    assert assert_error(response, 422, "invalid")["message"] == messages.SHEET_ZIP_BOMB
    assert db.session.scalar(select(func.count()).select_from(User)) == people
