"""ASVS V12 (files): an upload that inflates far beyond its size (a zip-bomb member list) is
refused by what it declares before it is inflated, with a Vietnamese reason, and stores
nothing."""

import io
import zipfile

import openpyxl
from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.models import User
from tests.api.conftest import assert_error


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
