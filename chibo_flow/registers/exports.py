"""The registers as tables people download: CSV (chibo_flow.csv_export, formula-safe) and XLSX
(openpyxl), with the same columns as the pages."""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from chibo_flow.csv_export import csv_text
from chibo_flow.documents.format import strip_diacritics
from chibo_flow.models import IncomingEntry, Org
from chibo_flow.registers.outgoing import OutgoingRow
from chibo_flow.timefmt import to_local

Cell = str | int | date | datetime | None

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "%d/%m/%Y"
TIME_FORMAT = "%H:%M %d/%m/%Y"
XLSX_FORMATS = {date: "DD/MM/YYYY", datetime: "HH:MM DD/MM/YYYY"}
CONTENT_TYPES = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}

OUTGOING_HEADER = ["Số TT", "Số, ký hiệu", "Ngày", "Loại văn bản", "Trích yếu", "Người ký",
                   "Nơi nhận", "Số bản đã gửi", "Số nơi đã xác nhận"]  # fmt: skip
INCOMING_HEADER = ["Số đến", "Ngày giờ đến", "Nơi gửi", "Số, ký hiệu", "Ngày văn bản",
                   "Loại văn bản", "Trích yếu", "Gửi tới (dòng Nơi nhận)",
                   "Xác nhận đã nhận"]  # fmt: skip


@dataclass(frozen=True)
class Table:
    """A register as a sheet: its name, column headings and rows of typed cells."""

    name: str
    header: list[str]
    rows: list[list[Cell]]


def outgoing_table(rows: Sequence[OutgoingRow]) -> Table:
    """The outgoing register as a table, numbered in order."""
    return Table("Sổ văn bản đi", OUTGOING_HEADER, [
        [index, row.number, row.date, row.doc_type, row.title, row.signer,
         "; ".join(row.recipients), row.sent, row.confirmed]
        for index, row in enumerate(rows, start=1)
    ])  # fmt: skip


def incoming_table(entries: Sequence[IncomingEntry]) -> Table:
    """The incoming register as a table: the org's own numbers, received times in local time."""
    return Table("Sổ văn bản đến", INCOMING_HEADER, [
        [entry.incoming_number, _local(entry.received_at), entry.from_org.name,
         entry.programme.number, _local(entry.programme.approved_at).date(),
         entry.programme.doc_type, entry.programme.title, entry.line,
         _local(entry.confirmed_at) if entry.confirmed_at else None]
        for entry in entries
    ])  # fmt: skip


def _local(value: datetime) -> datetime:
    """A UTC timestamp as a naive local wall-clock time to the second (spreadsheets have no
    time zones)."""
    return to_local(value).replace(tzinfo=None, microsecond=0)


def _text(cell: Cell) -> str | int | None:
    if isinstance(cell, datetime):
        return cell.strftime(TIME_FORMAT)
    if isinstance(cell, date):
        return cell.strftime(DATE_FORMAT)
    return cell


def text_rows(table: Table) -> list[list[str | int | None]]:
    """The table's rows with dates and times written as people read them (CSV, print view)."""
    return [[_text(cell) for cell in row] for row in table.rows]


def table_csv(table: Table) -> str:
    """The table as CSV (BOM, formula-like cells kept as text)."""
    return csv_text([table.header, *text_rows(table)])


def table_xlsx(table: Table) -> bytes:
    """The table as an XLSX workbook of one sheet: bold headings, dates as dates, every text
    cell stored as text (a title starting with "=" is never a formula)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.name)
    sheet.freeze_panes = "A2"
    heading = []
    for title in table.header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        heading.append(cell)
    sheet.append(heading)
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value: Cell) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would take "=..." for a formula
    elif isinstance(value, datetime | date):
        cell.number_format = XLSX_FORMATS[type(value)]
    return cell


def download_response(org: Org, table: Table, extension: str, year: int | None) -> Response:
    """The table as a `csv` or `xlsx` attachment named after the register, org and year
    ("So-van-ban-di-CB-2026.xlsx"; the Vietnamese name as filename*)."""
    data = table_csv(table) if extension == "csv" else table_xlsx(table)
    response = Response(data, content_type=CONTENT_TYPES[extension])
    name = f"{table.name} {org.code} {year or 'tất cả'}.{extension}"
    ascii_name = "-".join(c for c in strip_diacritics(name).split() if c.isascii())
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response.headers["Cache-Control"] = "private, max-age=0"
    return response
