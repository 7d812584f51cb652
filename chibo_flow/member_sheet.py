"""The members' spreadsheet a Văn phòng keeps (.xlsx or .csv, columns họ tên, email, chức vụ,
vai trò): reading it into rows, the role words people write, and the same columns written back.

Reading never saves anything: chibo_flow.orgs.import_members checks and saves the rows.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

import openpyxl
from flask import Response
from openpyxl.utils.exceptions import InvalidFileException

from chibo_flow import messages
from chibo_flow.csv_export import csv_text, neutralised
from chibo_flow.models.users import ROLE_NAMES, Role
from chibo_flow.recipients import match_key
from chibo_flow.security.archives import is_zip_bomb
from chibo_flow.workflow_errors import Invalid

COLUMNS = ("Họ tên", "Email", "Chức vụ", "Vai trò")
MAX_ROWS = 5000
HEADING_WITHIN = 10  # rows searched for the heading (a title may come first)
# Rows of a sheet read at most, blank ones included: past them the file has too many rows
# whatever they hold, so the rest is never read.
MAX_SHEET_ROWS = 2 * MAX_ROWS
# How people head each column (compared by match key: case and diacritics do not matter).
HEADERS = {
    match_key(heading): field
    for field, headings in {
        "name": ("họ tên", "họ và tên", "tên"),
        "email": ("email", "e-mail", "thư điện tử", "địa chỉ email"),
        "position": ("chức vụ",),
        "roles": ("vai trò", "vai trò trong hệ thống"),
    }.items()
    for heading in headings
}
# The words people write for each role, in Vietnamese or as the API names them.
ROLE_WORDS = {
    match_key(word): role
    for role, words in {
        Role.SECRETARY: ("bí thư", "phó bí thư", "bí thư / phó bí thư", "secretary"),
        Role.COMMITTEE: ("cấp ủy viên", "cấp ủy", "ủy viên", "chi ủy viên", "committee"),
        Role.MEMBER: ("đảng viên", "member"),
        Role.ADMIN: ("quản trị", "quản trị viên", "admin"),
    }.items()
    for word in words
}
ROLE_SEPARATORS = re.compile(r"[,;+\n]| và ")


@dataclass(frozen=True)
class SheetRow:
    """One member as the file gives them; `row` is the spreadsheet's row number."""

    row: int
    name: str
    email: str
    position: str
    roles: str


def parse_roles(text: str) -> list[str]:
    """The roles a "vai trò" cell names ("Cấp ủy viên, quản trị"); an empty cell is đảng viên.
    Raises Invalid naming the word not understood."""
    roles = []
    for word in ROLE_SEPARATORS.split(text or ""):
        if not word.strip():
            continue
        role = ROLE_WORDS.get(match_key(word))
        if role is None:
            raise Invalid(messages.SHEET_ROLE_UNKNOWN.format(word=word.strip()))
        roles.append(role.value)
    return sorted(set(roles)) or [Role.MEMBER.value]


def role_words(roles: Iterable[str]) -> str:
    """Roles as the file writes them ("Cấp ủy viên, Quản trị"), which parse_roles reads back."""
    return ", ".join(ROLE_NAMES[role] for role in ROLE_NAMES if role in set(roles))


def read_sheet(data: bytes, filename: str) -> list[SheetRow]:
    """The members of an .xlsx or .csv file (its first sheet): the heading is the first row
    naming the name and email columns (a title above it and other columns, such as STT, are
    left out); raises Invalid for a file that cannot be read or has no such heading."""
    table = _xlsx_table(data) if data[:2] == b"PK" else _csv_table(data)
    table = [(number, cells) for number, cells in table if any(c.strip() for c in cells)]
    if not table:
        raise Invalid(messages.SHEET_EMPTY)
    found = next(
        ((at, _columns(heading)) for at, (_number, heading) in enumerate(table[:HEADING_WITHIN])
         if {"name", "email"} <= set(_columns(heading))),
        None,
    )  # fmt: skip
    if found is None:
        raise Invalid(messages.SHEET_COLUMNS_MISSING)
    heading_at, columns = found
    body = table[heading_at + 1 :]
    if len(body) > MAX_ROWS:
        raise Invalid(messages.SHEET_TOO_MANY_ROWS.format(max=MAX_ROWS))

    def cell(cells: list[str], field: str) -> str:
        at = columns.get(field)
        return cells[at].strip() if at is not None and at < len(cells) else ""

    return [
        SheetRow(
            number,
            cell(cells, "name"),
            cell(cells, "email"),
            cell(cells, "position"),
            cell(cells, "roles"),
        )  # fmt: skip
        for number, cells in body
    ]


def _columns(heading: list[str]) -> dict[str, int]:
    """Which field each heading cell names (the first of each)."""
    columns: dict[str, int] = {}
    for at, text in enumerate(heading):
        field = HEADERS.get(match_key(text))
        if field is not None:
            columns.setdefault(field, at)
    return columns


def _xlsx_table(data: bytes) -> list[tuple[int, list[str]]]:
    """The first sheet's rows; a zip bomb is refused before anything is inflated, and reading
    stops past MAX_SHEET_ROWS (Invalid)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            bomb = is_zip_bomb(archive)
        if bomb:
            raise Invalid(messages.SHEET_ZIP_BOMB)
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise Invalid(messages.SHEET_UNREADABLE) from exc
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        table = [
            (number, ["" if value is None else str(value) for value in values])
            for number, values in enumerate(islice(rows, MAX_SHEET_ROWS + 1), start=1)
        ]
    finally:
        workbook.close()
    if len(table) > MAX_SHEET_ROWS:
        raise Invalid(messages.SHEET_TOO_MANY_ROWS.format(max=MAX_ROWS))
    return table


def _csv_table(data: bytes) -> list[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Invalid(messages.SHEET_UNREADABLE)
    if "\x00" in text:
        raise Invalid(messages.SHEET_UNREADABLE)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise Invalid(messages.SHEET_UNREADABLE) from exc


def sheet_csv(rows: Iterable[Iterable[str]]) -> str:
    """The members as CSV (COLUMNS first), for a spreadsheet."""
    return csv_text([COLUMNS, *rows])


def sheet_xlsx(rows: Iterable[Iterable[str]]) -> bytes:
    """The members as an .xlsx workbook (COLUMNS first); no cell is read as a formula."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Đảng viên")
    for row in [COLUMNS, *rows]:
        sheet.append([neutralised(cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_download(rows: list[list[str]], extension: str, org_id: int) -> Response:
    """The members as a file to download: `extension` "xlsx", else CSV."""
    if extension == "xlsx":
        response = Response(sheet_xlsx(rows), mimetype=XLSX_TYPE)
    else:
        extension = "csv"
        response = Response(sheet_csv(rows), mimetype="text/csv")
        response.charset = "utf-8"
    name = f"dang-vien-to-chuc-{org_id}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
