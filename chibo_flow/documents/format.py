"""The Party document format as data (Hướng dẫn 36-HD/VPTW; Quy định 399-QĐ/TW).

When the format guidance changes, this module changes; parser, numbering and renderer read it.
"""

import datetime
import unicodedata
from dataclasses import dataclass, replace

PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"

# Document type (as written on the document) → the abbreviation used in its số ký hiệu
# (Hướng dẫn 36-HD/VPTW lists the types and their codes; a few common non-listed types last).
DOC_TYPE_CODES: dict[str, str] = {
    "CHƯƠNG TRÌNH": "CTr",
    "KẾ HOẠCH": "KH",
    "NGHỊ QUYẾT": "NQ",
    "BÁO CÁO": "BC",
    "QUYẾT ĐỊNH": "QĐ",
    "CÔNG VĂN": "CV",
    "KẾT LUẬN": "KL",
    "HƯỚNG DẪN": "HD",
    "THÔNG BÁO": "TB",
    "TỜ TRÌNH": "TTr",
    "CHỈ THỊ": "CT",
    "QUY CHẾ": "QC",
    "QUY ĐỊNH": "QĐi",
    "THÔNG TRI": "TT",
    "ĐỀ ÁN": "ĐA",
    "BIÊN BẢN": "BB",
    "ĐIỀU LỆ": "ĐL",
    "LỜI KÊU GỌI": "LKG",
    "TUYÊN BỐ": "TBo",
    "THƯ": "Th",
    "KỊCH BẢN": "KB",
    "ĐỀ CƯƠNG": "ĐC",
    "DIỄN VĂN": "DV",
}
# A công văn prints no type name: its trích yếu "V/v ..." stands under its number.
CONG_VAN = "CÔNG VĂN"
# The code a number takes when the document type is unknown ("văn bản").
FALLBACK_TYPE_CODE = "VB"


# --- "Nơi nhận" --------------------------------------------------------------------------------

# Purpose code → (abbreviation written after a "Nơi nhận" line, Vietnamese phrase).
PURPOSES: dict[str, tuple[str | None, str]] = {
    "bao_cao": ("b/c", "để báo cáo"),
    "thuc_hien": ("t/h", "để thực hiện"),
    "phoi_hop": ("ph/h", "để phối hợp"),
    "de_biet": ("để biết", "để biết"),
    "luu": (None, "lưu hồ sơ"),
    "none": (None, ""),
}
# The spellings of a purpose found in the parentheses of a "Nơi nhận" line.
PURPOSE_SPELLINGS: dict[str, tuple[str, ...]] = {
    "bao_cao": ("b/c", "báo cáo", "để b/c", "để báo cáo"),
    "thuc_hien": ("t/h", "thực hiện", "để t/h", "để thực hiện"),
    "phoi_hop": ("ph/h", "phối hợp", "để ph/h", "để phối hợp"),
    "de_biet": ("để biết", "biết"),
}


def recipient_label(label: str, purpose: str) -> str:
    """A "Nơi nhận" line with its purpose as written: "Thường trực ĐU (b/c)"."""
    abbreviation = PURPOSES.get(purpose, (None, ""))[0]
    return f"{label} ({abbreviation})" if abbreviation else label


def recipient_line(label: str, purpose: str, last: bool) -> str:
    """One printed "Nơi nhận" line: "- Thường trực ĐU (b/c);", the last one ending in "."."""
    return f"- {recipient_label(label, purpose)}{'.' if last else ';'}"


# --- the date line ------------------------------------------------------------------------------


def party_date(value: datetime.date | None, blank: str) -> str:
    """The date as written, "ngày 05 tháng 3 năm 2026" (zero before days 1-9 and months 1, 2).

    `blank` fills the day, month and year of a date still to be set.
    """
    if value is None:
        return f"ngày{blank}tháng{blank}năm{blank}"
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def date_line(place: str | None, value: datetime.date | None, blank: str) -> str:
    """The date line under the Party's name: "Tiên Cường, ngày 05 tháng 01 năm 2023"."""
    when = party_date(value, blank)
    return f"{place}, {when}" if place else when


# --- comparing spellings ------------------------------------------------------------------------


def strip_diacritics(text: str) -> str:
    """`text` without its diacritics ("Đảng" → "Dang"), case and spaces kept."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-case `text` without diacritics or spaces, for comparing spellings ("Đ" → "d")."""
    return "".join(c for c in strip_diacritics(text.casefold()) if not c.isspace())


# "Số {seq:02d}-{type code}/{org code}", e.g. "01-CTr/CB"; shown after "Số ".
NUMBER_PATTERN = "{seq:02d}-{type_code}/{org_code}"
NUMBER_PREFIX = "Số "

# --- the printed page (PDF and DOCX of the final copy) ----------------------------------------


@dataclass(frozen=True)
class TextStyle:
    """How one element of the document is set: size and spacing in points, weight, slant, case."""

    size_pt: float
    bold: bool = False
    italic: bool = False
    caps: bool = False
    underline: bool = False
    align: str = "center"  # left | center | right | justify
    space_before_pt: float = 0
    space_after_pt: float = 0
    indent: bool = False  # first line indented by PAGE.first_line_indent_mm
    boxed: bool = False  # in a single-line frame, as the secrecy and urgency stamps are


@dataclass(frozen=True)
class PageLayout:
    """The paper, its margins and the typefaces."""

    size: str
    width_mm: float
    height_mm: float
    margin_top_mm: float
    margin_bottom_mm: float
    margin_left_mm: float
    margin_right_mm: float
    fonts: tuple[str, ...]  # CSS font-family list, first choice first
    docx_font: str  # the one name a .docx carries (LibreOffice maps it to Liberation Serif)
    line_height: float  # multiple of the font size
    first_line_indent_mm: float
    left_column: float  # share of the text width of the issuer and "Nơi nhận" columns
    number_first_page: bool  # page numbers sit at the top centre from page 2 on


PAGE = PageLayout(
    size="A4",
    width_mm=210,
    height_mm=297,
    margin_top_mm=20,
    margin_bottom_mm=20,
    margin_left_mm=30,
    margin_right_mm=15,
    fonts=("Liberation Serif", "Times New Roman", "Tinos", "serif"),
    docx_font="Times New Roman",
    line_height=1.2,
    first_line_indent_mm=12.7,
    left_column=0.45,
    number_first_page=False,
)

BODY = TextStyle(14, align="justify", space_after_pt=6, indent=True)

# Element of the document (the `party-doc__<name>` class of its HTML) → how it is set. When an
# element has several classes, the last one listed here wins ("heading--3" over "heading").
STYLES: dict[str, TextStyle] = {
    "superior": TextStyle(14, caps=True),
    "org": TextStyle(14, bold=True, caps=True),
    "star": TextStyle(14),
    "number": TextStyle(14),
    "party": TextStyle(15, bold=True, caps=True, underline=True),  # the rule under it
    "date": TextStyle(14, italic=True, space_before_pt=6),
    "draft-mark": TextStyle(14, bold=True, caps=True, space_before_pt=12),
    # The stamps (Hướng dẫn 36-HD/VPTW): capitals, upright, bold, 13-14 pt, in a single frame.
    "secrecy": TextStyle(14, bold=True, caps=True, space_before_pt=6, boxed=True),
    "urgency": TextStyle(14, bold=True, caps=True, space_before_pt=6, boxed=True),
    "type": TextStyle(16, bold=True, caps=True, space_before_pt=18),
    "title": TextStyle(14, bold=True),
    "rule": TextStyle(14, space_after_pt=12),
    "para": BODY,
    "heading": replace(BODY, bold=True),
    "heading--3": replace(BODY, bold=True, italic=True),
    "recipients-title": TextStyle(14, underline=True, align="left", space_before_pt=12),
    "recipient": TextStyle(12, align="left"),
    "authority": TextStyle(14, bold=True, caps=True, space_before_pt=12),
    "sign-title": TextStyle(14, bold=True, caps=True),
    "signer": TextStyle(14, bold=True, space_before_pt=72),  # room for the signature
    "page-number": TextStyle(14),
    "verify": TextStyle(8),
}

# The printed registers (sổ văn bản đi / đến, templates/registers/print.css): a table on A4
# landscape in the document's typefaces; its rows at 13 pt, the smaller of the format's text
# sizes (13-14 pt), so that seven columns keep readable lines. Element → how it is set.
REGISTER_MARGIN_MM = 12
REGISTER_STYLES: dict[str, TextStyle] = {
    "title": TextStyle(14, bold=True, caps=True, space_after_pt=3),
    "org": TextStyle(14, space_after_pt=12),
    "cell": TextStyle(13, align="left"),
}

# A draft in review is marked "DỰ THẢO LẦN n" (n = the review round); the approved copy carries
# the verification line as the footer of every page.
DRAFT_ROUND_SUFFIX = " LẦN {round}"
VERIFY_LINE = "Mã xác thực: {code} — {url}"

# --- độ mật and độ khẩn -------------------------------------------------------------------------

# Secrecy and urgency marks (Hướng dẫn 36-HD/VPTW): the stamp of the secrecy level sits under the
# số ký hiệu in the left column, the urgency stamp under it; a document of ordinary secrecy or
# urgency ("thuong") carries no mark. Code → the word stamped.
SECRECY_MARKS: dict[str, str | None] = {"thuong": None, "mat": "Mật"}
URGENCY_MARKS: dict[str, str | None] = {
    "thuong": None,
    "khan": "Khẩn",
    "thuong_khan": "Thượng khẩn",
    "hoa_toc": "Hỏa tốc",
}
MARK_NAMES = ("secrecy", "urgency")  # the Programme fields of the two marks
# Ordinary level; every other secrecy level needs the care of a "mật" document.
ORDINARY = "thuong"
SECRET = "mat"
# How each level is named in a form (the ordinary level prints nothing, but a form names it).
SECRECY_LABELS: dict[str, str] = {"thuong": "Thường", "mat": "Mật"}
URGENCY_LABELS: dict[str, str] = {"thuong": "Thường"} | {
    code: mark for code, mark in URGENCY_MARKS.items() if mark
}
# Higher levels that exist in the Party's rules but are not handled by this system (their stamps
# are still read from an imported file, so that such a document is refused).
REFUSED_SECRECY_MARKS: dict[str, str] = {"toi_mat": "Tối mật", "tuyet_mat": "Tuyệt mật"}
REFUSED_SECRECY = tuple(REFUSED_SECRECY_MARKS)
# Send order: the more urgent, the sooner (smaller first).
URGENCY_SEND_RANK: dict[str, int] = {"hoa_toc": 0, "thuong_khan": 1, "khan": 2, "thuong": 3}


def merged_marks(stamped: dict[str, str], chosen: dict[str, str | None]) -> dict[str, str]:
    """The `secrecy` / `urgency` to record for an imported document: what the person chose (not
    None), else the stamps read from the file (`ProgrammeDoc.marks`); a file stamped tối mật or
    tuyệt mật keeps that level whatever was chosen, so that it is refused."""
    marks = stamped | {name: code for name, code in chosen.items() if code is not None}
    if stamped.get("secrecy") in REFUSED_SECRECY:
        marks["secrecy"] = stamped["secrecy"]
    return marks
