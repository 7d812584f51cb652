"""CSV files that people open in a spreadsheet (the history export, the registers).

A cell that starts with = + - @, a tab or a carriage return would be read by Excel or LibreOffice
as a formula (CSV injection: `=HYPERLINK(...)` in a comment runs when the secretary opens the
file); such a cell is written with a leading apostrophe, which the spreadsheet shows as text.
"""

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: object) -> str:
    """The cell as text a spreadsheet will not evaluate."""
    text = "" if cell is None else str(cell)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """The rows as CSV text starting with a BOM (Excel then reads it as UTF-8), every cell
    neutralised."""
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out).writerows([neutralised(cell) for cell in row] for row in rows)
    return out.getvalue()
