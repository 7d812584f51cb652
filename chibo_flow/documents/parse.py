"""Read a Party document into a ProgrammeDoc: the structure parser.

reading.py turns every kind of file into lines; this module reads those lines in the usual
Party layout: header block, document type and trích yếu, "Căn cứ" lines, numbered sections,
"Nơi nhận" and the signature. text_layout.py writes a ProgrammeDoc back in that layout so that
`parse_text(format_text(doc)) == doc` for every document the parser produces.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterator

from chibo_flow import messages
from chibo_flow.documents.format import (
    CONG_VAN,
    DOC_TYPE_CODES,
    PARTY_NAME,
    PURPOSE_SPELLINGS,
    REFUSED_SECRECY_MARKS,
    SECRECY_MARKS,
    URGENCY_MARKS,
    fold,
    strip_diacritics,
)
from chibo_flow.documents.lines import (
    BASIS_RE,
    BULLET_RE,
    FINISHED_LINE,
    KINH_GUI_RE,
    NOI_NHAN_RE,
    REQUEST_RE,
    SEPARATOR_RE,
    SIGN_TITLE_RE,
    TITLE_END_PUNCTUATION,
    addressee_block,
    continues_title,
    heading_rank,
    is_authority,
    is_end_marker,
    is_upper,
    split_run_in,
    starts_body,
)
from chibo_flow.documents.programme_doc import (
    Header,
    ProgrammeDoc,
    Recipient,
    Section,
    Signature,
    Warning,
)
from chibo_flow.documents.reading import DocumentError, Source, read_docx, read_markup, read_upload
from chibo_flow.documents.web_page import looks_like_html
from chibo_flow.security.limits import MAX_DOCUMENT_CHARS, MAX_SOURCE_CHARS, count_text

__all__ = ["DocumentError", "parse_docx", "parse_pasted", "parse_text", "parse_upload"]


# --- front-ends -------------------------------------------------------------------------------


def parse_upload(data: bytes, filename: str) -> ProgrammeDoc:
    """Parse an uploaded .docx, .doc, .pdf or text file, sniffing its kind; raises DocumentError."""
    return _parse_source(read_upload(data, filename))


def parse_docx(data: bytes) -> ProgrammeDoc:
    """Parse a .docx file (paragraphs and tables in body order); raises DocumentError."""
    return _parse_source(read_docx(data))


def parse_text(text: str) -> ProgrammeDoc:
    """Parse a document written as plain text; raises DocumentError when it is empty."""
    return _parse_lines(text.splitlines())


def parse_pasted(text: str) -> ProgrammeDoc:
    """Parse text typed or pasted in a form: the HTML source of a page pasted there is read as
    the page, as its file would be (read_markup); raises DocumentError."""
    if looks_like_html(text):
        return _parse_source(read_markup(text))
    return parse_text(text)


def _parse_source(source: Source) -> ProgrammeDoc:
    doc = _parse_lines(source.lines)
    notes = [Warning(part="file", line=1, text="", message=note) for note in source.notes]
    doc.warnings = notes + doc.warnings
    return doc


# --- the layout's vocabulary ------------------------------------------------------------------

# Longest first: "QUYẾT ĐỊNH" before "QUY", "THÔNG TRI" before "THƯ".
_DOC_TYPES_FOLDED = sorted(((fold(t), t) for t in DOC_TYPE_CODES), key=lambda f: -len(f[0]))
# A page's own title naming the document ("HƯỚNG DẪN SỐ 36-HD/VPTW") is not its type line.
_TYPE_THEN_NUMBER_RE = re.compile(r"^(?:SỐ|Số|số)\s*:?\s*\d")
# Columns: apart by a tab, a gap of spaces, or " | " (a table's cells exported as text).
_CELL_SPLIT_RE = re.compile(r"\t+| {3,}|\s+\|\s+")
# A số ký hiệu is a few words at most ("3-NQ/ĐU", "-CTr/TU", "367 - QĐ/TW"); not "số 3 năm
# 2025", nor a document cited by its number and date ("Quyết định số 35-QĐ/ĐU, ngày …").
_NUMBER_RE = re.compile(
    r"^(?:(?:" + "|".join(map(re.escape, DOC_TYPE_CODES)) + r")\s+)?(?:Số|SỐ|số)\s*:?\s*"
    r"(?P<number>(?=\S*[\d/-])(?=.*[/-])(?!.*\bngày\b)(?!.*,\s*\S)\S+(?:\s+\S+){0,2})$",
    re.IGNORECASE,
)
# What a copied page puts before the document: menus, breadcrumbs, dates of posting.
_RULER_TAIL_RE = re.compile(r"(?<=\S)\s+[-_=*]{3,}\s*$")
# A line that opens a signer's title ("PHÓ TRƯỞNG BAN", "BÍ THƯ"), not the end of the line above.
_SIGNER_TITLE_RE = re.compile(r"^(?:PHÓ|BÍ THƯ|TRƯỞNG|CHÁNH|CHỦ|Ủ[YỶ] VIÊN|UỶ VIÊN|THƯỜNG TRỰC)\b")
# Header lines broken over two lines: "Hà Nội, ngày 19" / "tháng 11 năm 2025", "Số:" /
# "216-QĐ/TW", "Hà" / "Nội, ngày ...".
_BROKEN_DATE_RE = re.compile(r",\s*ngày[\s\d.…]*(?:tháng[\s\d.…]*)?$")  # "…, ngày 25 tháng 07"
_DATE_TAIL_RE = re.compile(r"^[\d.…\s]*(?:tháng|năm)\b")  # "tháng 11 năm 2025", "năm 2016"
_NUMBER_LABEL_RE = re.compile(r"^(?:Số|SỐ)\s*:?$")
# "Số: 16 -" / "HD/BTCTW": a số ký hiệu wrapped after its hyphen, its code on the next line.
_NUMBER_OPEN_RE = re.compile(r"^(?:Số|SỐ)\s*:?\s*\d+\s*-$")
_NUMBER_CODE_RE = re.compile(r"^[A-ZĐ]+[a-z]*/[A-ZĐ]+$")
_PLACE_FRAGMENT_RE = re.compile(r"^[A-ZĐ\u00c0-\u1ef8][\w]*$")
_PLACE_DATE_TAIL_RE = re.compile(r"^\w+,\s*ngày\b")
# One org line holding both columns' bodies: "ĐẢNG BỘ X ĐẢNG ỦY Y" → superior, org; the two
# glued by a lost line break too ("ĐẢNG BỘ XÃ MỸ HƯNGCHI BỘ TRƯỜNG …"), when a body's name
# opens right after a capital (a name glued inside, "TRƯỜNGTHCS", is not split).
_SECOND_ORG_RE = re.compile(
    r"(?<!ỦY)(?<!UỶ)\s"  # not inside "ỦY BAN"
    r"(?=(?:ĐẢNG Ủ?[YỶ]|ĐẢNG UỶ|CHI BỘ|ĐẢNG BỘ|VĂN PHÒNG|BAN (?!CHẤP)|ỦY BAN KIỂM TRA)\b)"
    r"|(?<=[A-ZĐ\u00c0-\u1ef8])(?=(?:CHI BỘ|ĐẢNG Ủ?[YỶ]|ĐẢNG UỶ|ĐẢNG BỘ)\b)"
)
# A congress or conference on a line of its own: whose it is follows on the next line.
_CONGRESS_ONLY_RE = re.compile(r"^(?:ĐẠI HỘI|HỘI NGHỊ)$")
_ISSUER_OPENING_RE = re.compile(r"^(?:BAN|ĐẢNG|CHI|BỘ|TỈNH|HUYỆN|THƯỜNG|ỦY|UỶ|HỘI ĐỒNG)\b")
_GLUED_AUTHORITY_RE = re.compile(r"(?<=[.;,])\s*(?=(?:K/T|T/M|TM\.|KT\.|TL\.|T/L|Q\.)\s*[A-ZĐ])")
# "Số 2449     -CV/ĐU": the gap before the code is taken out before the line is split into
# columns, so the number stays one cell.
_SPACE_BEFORE_DASH_RE = re.compile(r"(?<=\d)\s+(?=-[A-ZĐ])")
# Blanks typed around the "/" or "-" of a số ký hiệu ("Số : 03 /BC - CBMN", "Số 10/ BCTK",
# "Số     - ĐA/TU"): a clerk writes it without them ("03/BC-CBMN", "10/BCTK", "-ĐA/TU").
_NUMBER_CELL_RE = re.compile(r"^(?P<label>(?:Số|SỐ|số)\s*:?)\s*(?P<rest>.*[/-].*)$")
_NUMBER_JOINT_RE = re.compile(r"\s*([/-])\s*")
# A Markdown heading's marks ("## ĐẢNG ỦY XÃ …"): a conversion artefact, not text.
_MARKDOWN_HEADING_RE = re.compile(r"^\s*#{1,6}\s+")
# "Điều l." / "Điều I.": a scan's letter l or I for the digit 1 of an article number.
_ARTICLE_ONE_OCR_RE = re.compile(r"^(\s*Điều\s+)[lI](?=\s*[.:])")
_UNDERLINE_RE = re.compile(r"(?<!_)__(?!_)")
# A part or chapter number on a line of its own ("Chương I", "PHẦN THỨ NHẤT", "Phần mở đầu"):
# its name stands on the next line.
_CHAPTER_ONLY_RE = re.compile(
    r"^(?:CHƯƠNG|Chương|PHẦN|Phần)\s+(?:[IVXLC]+|\d+|(?:THỨ|thứ)\s+\S+|MỞ ĐẦU|[Mm]ở đầu)\s*[.:]?$"
)
_MAX_PART_NAME_WORDS = 25  # as for a numbered heading: longer is a paragraph
# A web page's list marker printed before a heading's own number ("1. I.Đặc điểm tình hình:",
# "1. 1. Thuận lợi:", "* Khoản 11"): the page's, not the document's.
_PAGE_LIST_MARKER_RE = re.compile(
    r"^(?:\d{1,2}\.|\*)\s+(?=(?:[IVX]+|\d{1,2})\s*\.(?!\d)|(?:Điều|Khoản)\s+\d)"
)
# "**1.** Nâng cao ..." / "**Điều 1.** Ban hành ...": a bold number run into its paragraph.
_RUN_IN_RE = re.compile(
    r"^\*\*(?P<label>(?:Điều\s+\d+|[IVX]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])\s*[.):-]?)\*\*"
    r"\s*(?P<rest>[^*\s].*)$"
)
_PAGE_CHROME_RE = re.compile(
    r"»|›|>>|https?://|www\.|\bTrang (?:chủ|nhất)\b|Đăng nhập|Đăng ký|Tìm kiếm|Chia sẻ|"
    r"Lượt xem|In bài|Ngày (?:đăng|cập nhật)|Cập nhật|GMT|\d{1,2}:\d{2}|Tin tức|Bình luận",
    re.IGNORECASE,
)
_TABLE_PIPE_RE = re.compile(r"^\s*\|\s*$")
# A lead announcing the text a page carries: "… đăng toàn văn Nghị quyết Đại hội …", "toàn văn
# nội dung Nghị quyết.", "Nội dung chương trình hành động như sau:"; the document's name opens
# with a capital after "toàn văn".
_ANNOUNCED_TYPE_RE = re.compile(
    r"\btoàn văn(?:\s+nội dung)?\s+(?P<name>\w+(?:\s+\w+){1,2})"
    r"|\b(?i:nội dung)\s+(?P<as_follows>\w+(?:\s+\w+){1,3})\s+như sau\s*:\s*$"
)
# A page's words on the document it carries: its issue reported ("… đã ban hành Chỉ thị số 17
# …"), its text announced ("trích đăng nguyên văn", "giới thiệu toàn văn"); an image's caption.
_REPORTED_ISSUE_RE = re.compile(
    r"\bban hành\s+[A-ZĐ]\w*(?:\s+\w+){0,2}\s+số\b"
    r"|\b(?:đăng|giới thiệu)\s+(?:toàn|nguyên)\s+văn\b",
    re.IGNORECASE,
)
# A news headline naming a document by its issuer: "Nghị quyết của Ban Chấp hành …",
# "Chương trình hành động của Ban Thường vụ …", "Nghị quyết Đại hội đại biểu …".
_HEADLINE_ISSUER_RE = re.compile(
    r"^(?:hành động\s+)?của\b"
    r"|^(?:Ban|Bộ|Đảng|Đại hội|Hội nghị|Tỉnh|Thành|Huyện|Quận|Thị|Chi bộ|Ủy ban|Uỷ ban)\b"
)
_CAPTION_RE = re.compile(r"^(?:Hình|Ảnh)(?:\s+minh\s+họa)?\b[^.;]{0,60}$", re.IGNORECASE)
# "…; Căn cứ …": the next basis run on into the paragraph of the one above it.
_RUN_TOGETHER_BASIS_RE = re.compile(r"(?<=;)\s+(?=Căn cứ\b)")
# "Căn cứ" alone, the label over a list of the instruments the document rests on.
_BASIS_LABEL_RE = re.compile(r"^(?:[-+•]\s*)?(?P<label>Căn cứ)\s*:?$")
# The clause that opens a document's text names it: "… ban hành Kế hoạch … như sau:", or the
# act that is its type ("… hướng dẫn …", "… kết luận như sau:"); a cited "Hướng dẫn số …" is
# capitalised.
_AS_FOLLOWS_RE = re.compile(r"\bnhư sau\s*:\s*$")
_TYPES_BY_ACT = {
    "hướng dẫn": "HƯỚNG DẪN",
    "báo cáo": "BÁO CÁO",
    "kết luận": "KẾT LUẬN",
    "thông báo": "THÔNG BÁO",
}
_ISSUING_ACT_RE = re.compile(
    r"\b(?:ban hành|xây dựng)\s+(?P<name>[A-ZĐ]\w*(?:\s+\w+){1,2})"
    r"|\b(?P<act>" + "|".join(_TYPES_BY_ACT) + r")\b"
)
# The type code of a Party số ký hiệu ("06-CT/TW", "-CTr/ĐU") → the type it names.
_NUMBER_TYPE_CODE_RE = re.compile(r"-(?P<code>[A-ZĐ][A-ZĐa-z]*)/")
_TYPES_BY_CODE = {code: doc_type for doc_type, code in DOC_TYPE_CODES.items() if code != "QĐ"}
# "===== Trang 12 =====": the break a text export marks between two pages, a ruler each side.
_PAGE_BREAK_RE = re.compile(r"^\s*[=_*~-]{3,}\s*Trang\s+\d{1,4}\s*[=_*~-]{3,}\s*$", re.IGNORECASE)
# A header run together on one line: the date line ends at its year; the issuing bodies'
# "*" and "Số ..." stand apart; a trích yếu in lower case ends at the text's first basis or item.
_RUN_TOGETHER_DATE_RE = re.compile(r"^[^,]{1,60}?,\s*ngày[\s.…\d]*tháng[\s.…\d]*năm\s*\d{4}")
_RUN_TOGETHER_ISSUER_RE = re.compile(r"\s+(?=\*(?:\s|$))|(?<=\*)\s+|\s+(?=Số\b)")
_CUT_SHORT_RE = re.compile(r"\[(?:\.{1,3}|…)\]\s*$")  # a site's preview ends "…[...]"
_RUN_TOGETHER_TITLE_END_RE = re.compile(r"\s+(?=-\s?[A-ZĐ]|(?:Căn cứ|Thực hiện)\b)")
# Merged columns: the Party's name or a "<Place>, ngày" date inside a longer cell.
_PARTY_PLAIN = "DANG CONG SAN VIET NAM"
_NUMBER_THEN_DATE_RE = re.compile(
    r"^(?P<number>.*?\bsố\s*:?\s*\S*[\d/]\S*)\s+(?P<date>\S[^,]*,\s*ngày\b.*)$", re.IGNORECASE
)
# A month written in words ("tháng bốn năm 2018", "tháng Mười hai"), longest first.
_MONTH_WORDS = {
    "mười hai": 12, "mười một": 11, "mười": 10, "một": 1, "giêng": 1, "hai": 2, "ba": 3,
    "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "chạp": 12,
}  # fmt: skip
_DATE_RE = re.compile(
    r"^(?:(?P<place>[^,]+?)\s*,\s*)?ngày[\s.…]*(?P<day>\d{1,2})?[\s.…]*tháng[\s.…]*"
    r"(?P<month>\d{1,2}|(?:" + "|".join(_MONTH_WORDS) + r")(?=\s+năm))?[\s.…]*"
    r"năm[\s.…]*(?P<year>\d{4})?[\s.]*$",
    re.IGNORECASE,
)
# A date line typed without its comma and "ngày" ("Tân Quang 06 tháng 12 năm 2012"): the
# place, then a full day, month and year.
_UNMARKED_DATE_RE = re.compile(
    r"^(?P<place>[^\W\d][^,\d]*?)\s+(?=\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}\s*$)"
)
_MAX_PLACE_WORDS = 6
_NOT_IN_PLACE_RE = re.compile(r"[;:/“”\"()]")  # a sentence's or a code's, not a place's
# A draft's số ký hiệu ("Số      -KH/CB", "Số       /KH-CB" in the state style) and date
# ("ngày     tháng     năm 2023") leave blanks to fill in; each is one column, not several.
_NUMBER_GAP_RE = re.compile(r"^Số[ \t]*(:?)\s+(?=\d*\s*[-/])")
_DATE_SPAN_RE = re.compile(r"ngày[\s.…\d]*tháng[\s.…\d]*năm(?:[\s.…]*\d{4})?", re.IGNORECASE)
_VV_RE = re.compile(r"^(?:V/v|Về việc)\b", re.IGNORECASE)
_BRACKETED_RE = re.compile(r"^\(.*\)$")
_ORG_HINT_RE = re.compile(r"ĐẢNG|ỦY|UỶ|BỘ|BAN\b|VĂN PHÒNG|ĐẠI HỘI|HỘI ĐỒNG|ĐOÀN")
# Cheap test for a line that may hold one of the above (most lines do not).
_END_HINT_RE = re.compile(r"nh[ậâ]n|THƯ|[TK]/|\b(?:TM|TL|KT|TUQ|T\.M|T\.L|K\.T)\b", re.IGNORECASE)
_SIGNED_RE = re.compile(r"^[(\[]\s*(?:đã\s+)?ký\b[^)\]]*[)\]]$", re.IGNORECASE)
# "*Hà Nội, ngày 19 tháng 11 năm 2025 *": an emphasis closed after a stray space.
_SPACED_CLOSING_RE = re.compile(r"^(\*{1,2}[^\s*].*?)\s+(?=\*{1,2}$)")
_INLINE_EMPHASIS_RE = re.compile(r"(\*{1,2})(?=[^\s*])([^*]+?)(?<=[^\s*])\1")
_PURPOSE_RE = re.compile(r"^(?P<label>.*?)\s*\((?P<marker>[^()]*)\)[\s;,.]*$")
_LUU_RE = re.compile(r"^lưu\b", re.IGNORECASE)
# A trích yếu right under its type may open like a "Thực hiện ..." basis does.
_TITLE_OPENING_RE = re.compile(r"^(?:Thực hiện|THỰC HIỆN)\b(?!.*[.:;]$)")
_MAX_TITLE_LINES = 4
# The period a trích yếu ends with, on a line of its own ("Năm 2019", "Giai đoạn 2021 - 2025").
_TITLE_PERIOD_RE = re.compile(
    r"^(?:năm(?: học)?|nhiệm kỳ|giai đoạn)\s*:?\s*\d{4}(?:\s*[-–]\s*\d{4})?$", re.IGNORECASE
)
# A hard-wrapped text (a PDF's text layer): most of its lines are long, and a line that runs
# to nearly the common length was wrapped, not ended.
_LONG_LINE = 40
_MIN_WRAPPED_LINES = 20
_WRAPPED_SHARE = 0.85
_MAX_RULED_TITLE_LINES = 8  # a trích yếu closed by its ruler
_MAX_STRAY_HEADER_LINES = 3
_MAX_ANNEX_HEADER_LINES = 4  # issuing bodies, a "*", then "Số ..." or the Party's name
_MAX_LEAD_LINES = 8  # a page's title, date and lead above the text it carries
_MAX_BYLINE_LINES = 2  # an author's name and position under a page's lead
_MAX_BYLINE_WORDS = 10


_PURPOSE_MARKERS = {
    fold(spelling): code for code, spellings in PURPOSE_SPELLINGS.items() for spelling in spellings
}


def _strip_emphasis(text: str) -> str:
    """Remove Markdown bold/italic and heading marks (a conversion artefact), keeping a "*"
    list marker."""
    text = _MARKDOWN_HEADING_RE.sub("", text).strip()
    while "*" in text:
        stripped = _strip_emphasis_once(text)
        if stripped == text:
            return text
        text = stripped
    return text


def _strip_emphasis_once(text: str) -> str:
    if not text or SEPARATOR_RE.match(text):
        return text
    text = _INLINE_EMPHASIS_RE.sub(r"\2", _SPACED_CLOSING_RE.sub(r"\1", text))
    body = text.rstrip("*")
    trailing = len(text) - len(body)
    leading = len(body) - len(body.lstrip("*"))
    closes = trailing >= 2 or bool(trailing and leading)
    if closes and body and not body[-1].isspace() and body[-1] != "(":
        text = body
    else:
        trailing = 0
    rest = text[leading:]
    if leading >= 2:
        return "*" + rest if rest[:1].isspace() else rest
    if leading == 1 and trailing and rest[:1] and not rest[:1].isspace():
        return rest
    return text.strip()


def _ends_title(text: str) -> bool:
    """True for a trích yếu's last line closed by a full stop: in capitals, or opening in lower
    case (it carries on the trích yếu; a paragraph opens with a capital)."""
    opens_lower = text[:1].islower()
    return (is_upper(text) or opens_lower) and text.endswith(".") and not starts_body(text)


def _lists_title_subject(text: str) -> bool:
    """True for a trích yếu line in lower case closed by a ";": the first of the subjects it
    lists ("tổng kết công tác tuyên giáo năm 2020;" / "phương hướng, nhiệm vụ năm 2021"), the
    next line going on with the trích yếu (a paragraph opens with a capital)."""
    return text[:1].islower() and text.endswith(";") and not starts_body(text)


def _split_cells(line: str) -> list[str]:
    """Split a line into its columns (tab or 3+ spaces), without emphasis or heading marks.

    Columns merged on one line by a copy are split too: around the Party's name and before
    a "<Place>, ngày ..." date.
    """
    line = _MARKDOWN_HEADING_RE.sub("", line)
    line = _NUMBER_GAP_RE.sub(r"Số\1 ", _RULER_TAIL_RE.sub("", line.strip().strip("|")))
    line = _SPACE_BEFORE_DASH_RE.sub("", line)
    line = _DATE_SPAN_RE.sub(lambda m: " ".join(m.group().split()), line)
    cells = []
    for column in _CELL_SPLIT_RE.split(line):
        for part in _split_party_name(column):
            number_and_date = _NUMBER_THEN_DATE_RE.match(part)
            parts = number_and_date.groups() if number_and_date else (part,)
            cells += (_join_number_parts(_strip_emphasis(cell)) for cell in parts)
    return [cell for cell in cells if cell]


def _join_number_parts(cell: str) -> str:
    """A "Số ..." cell with the blanks around its số ký hiệu's "/" and "-" taken out, when
    what is left is a số ký hiệu; any other cell as it is."""
    match = _NUMBER_CELL_RE.match(cell)
    if not match:
        return cell
    joined = f"{match['label']} " + _NUMBER_JOINT_RE.sub(r"\1", match["rest"])
    return joined if _NUMBER_RE.match(joined) else cell


def _split_party_name(text: str) -> list[str]:
    """`text` split around the Party's name, read without diacritics ("ĐÁNG CỘNG SẢN" too)."""
    plain = "".join(strip_diacritics(char)[:1] or char for char in text).upper()
    start = plain.find(_PARTY_PLAIN)
    if start < 0:
        return [text]
    end = start + len(_PARTY_PLAIN)
    return [text[:start].strip(), PARTY_NAME, text[end:].strip()]


def _match_doc_type(text: str) -> tuple[str, str] | None:
    """(document type, rest of the line) when `text` opens with a type name in capitals.

    Letters are compared without diacritics or spaces, so copy and OCR damage ("K ÉT LUẬN",
    "HƯỚNGDẪN") and a title glued to the type ("KỊCH BẢNCHƯƠNG TRÌNH") are read.
    """
    folded = fold(text)
    for folded_type, doc_type in _DOC_TYPES_FOLDED:
        if not folded.startswith(folded_type):
            continue
        count = end = 0
        while end < len(text) and count < len(folded_type):
            count += len(fold(text[end]))
            end += 1
        head, rest = text[:end], text[end:].strip()
        glued = end < len(text) and text[end].isalpha()
        if not is_upper(head) or (glued and " " not in doc_type):
            continue
        if _TYPE_THEN_NUMBER_RE.match(rest):
            return None
        return doc_type, rest
    return None


def _join_continuations(paragraphs: list[str]) -> list[str]:
    """Join a paragraph starting in lower case to an unfinished one before it (page breaks)."""
    groups: list[list[str]] = []
    for paragraph in paragraphs:
        if groups and _continues(groups[-1][-1], paragraph):
            groups[-1].append(paragraph)
        else:
            groups.append([paragraph])
    return [" ".join(group) for group in groups]


def _continues(previous: str, paragraph: str) -> bool:
    """True when `paragraph` carries on `previous` (a line break inside a sentence)."""
    opens = paragraph[:1].islower() or (paragraph[:1].isdigit() and heading_rank(paragraph) is None)
    return opens and not previous.endswith(FINISHED_LINE)


# --- the parser -------------------------------------------------------------------------------


def _entry_punctuated(cell: str) -> bool:
    """True for a line punctuated as a "Nơi nhận" entry is: holding a ";" or ending in ",".
    A signer's title or name never is, so such a line is not read into the signature."""
    return ";" in cell or cell.rstrip().endswith(",")


def _split_glued_authority(line: str) -> str:
    """ "- Lưu HCTĐKT.K/T TRƯỞNG BAN": the signature's column glued to the text before it."""
    return _GLUED_AUTHORITY_RE.sub("\t", line)


def _repair_lines(lines: list[str]) -> list[str]:
    """Undo what copying did to the lines: one logical line broken over several.

    Repaired: "Điều l." that a scan read for "Điều 1.". Joined: a bold or underlined run
    opened on a line and closed on a later one ("**K/T TRƯỞNG" / "BAN**"); the Party's name
    over two lines; a heading or signature line continued on the next line in lower case
    ("I. Về" / "phân cấp quản lý cán bộ"); a chapter or heading number and its name
    ("Chương I" / "QUY ĐỊNH CHUNG", "I." / "MỤC ĐÍCH, YÊU CẦU"); a số ký hiệu wrapped after
    its hyphen ("Số: 16 -" / "HD/BTCTW"); two rows of a table whose cells wrapped.
    """
    out: list[str] = []
    index = 0
    full_line = _full_line_length(lines)
    while index < len(lines):
        line = _ARTICLE_ONE_OCR_RE.sub(r"\g<1>1", lines[index])
        line = _split_glued_authority(_UNDERLINE_RE.sub("", line))
        index += 1
        if _chapter_title_below_blank(line, lines[index : index + 2]):
            index += 1  # "Chương I" / "" / "QUY ĐỊNH CHUNG": the title is joined below
        while index < len(lines) and (joined := _join_columns(line, lines[index])):
            line = joined
            index += 1
        last = line
        while (
            index < len(lines)
            and lines[index].strip()
            and (
                _continues_on_next(line, lines[index])
                or _item_wraps_on(line, last, lines[index], full_line)
            )
        ):
            last = lines[index]
            following = _MARKDOWN_HEADING_RE.sub("", _UNDERLINE_RE.sub("", last))
            line = f"{line.rstrip()} {following.strip()}"
            index += 1
        out += _split_run_together_header(line)
    return out


def _split_run_together_header(line: str) -> list[str]:
    """A whole header a copy ran together on one line, as its lines; any other line as it is.

    That is issuing bodies (with their "*" and "Số ..."), the Party's name, a date line and a
    type line in capitals ("ĐẢNG BỘ … ĐẢNG ỦY … * Số 09 -KH/ĐU ĐẢNG CỘNG SẢN VIỆT NAM La Bằng,
    ngày 24 tháng 11 năm 2020 KẾ HOẠCH kiểm điểm …"). The trích yếu in capitals ends before
    the first word that is not; one in lower case before a "-" item, "Căn cứ" or "Thực hiện".
    A blank line closes it, the text the line goes on with following. A site's preview cut
    short ("… KẾ HOẠCH kiểm điểm … đối[...]") above the text is not split: it is no header.
    """
    parts = [] if _CUT_SHORT_RE.search(line) else _split_party_name(line)
    dated = len(parts) == 3 and _RUN_TOGETHER_DATE_RE.match(parts[2])
    after_date = parts[2][dated.end() :].strip() if dated else ""
    if not dated or not _match_date(dated.group()) or not (typed := _match_doc_type(after_date)):
        return [line]
    issuers = [cell for cell in _RUN_TOGETHER_ISSUER_RE.split(parts[0]) if cell]
    if not issuers or _header_kind(issuers[0], True) != "org":
        return [line]
    type_line = after_date[: len(after_date) - len(typed[1])].strip()
    words = typed[1].split()
    if words and is_upper(words[0]):
        count = next((i for i, word in enumerate(words) if word != word.upper()), len(words))
        title, rest = " ".join(words[:count]), " ".join(words[count:])
    else:
        title, rest = [*_RUN_TOGETHER_TITLE_END_RE.split(typed[1], maxsplit=1), ""][:2]
    head = [*issuers, PARTY_NAME, dated.group().strip(), type_line, title.strip()]
    return [*head, "", rest.strip()] if rest.strip() else head


def _full_line_length(lines: list[str]) -> int:
    """The length a hard-wrapped text's lines run to (the median of its long lines), or 0
    when too few lines are long for the text to be hard-wrapped."""
    lengths = sorted(len(line.strip()) for line in lines if len(line.strip()) >= _LONG_LINE)
    return lengths[len(lengths) // 2] if len(lengths) >= _MIN_WRAPPED_LINES else 0


def _item_wraps_on(item: str, last: str, following: str, full_line: int) -> bool:
    """True when a numbered item's last line ran to the full width of a hard-wrapped text
    with no closing punctuation, so the next line, even opening in capitals ("1. Cụ thể hoá
    … nhiệm vụ" / "Nghị quyết Đại hội …"), carries on the same sentence."""
    plain, next_plain = _strip_emphasis(last.strip()), _strip_emphasis(following.strip())
    return (
        full_line > 0
        and heading_rank(_strip_emphasis(item.strip())) is not None
        and len(plain) >= _WRAPPED_SHARE * full_line
        and not plain.endswith(TITLE_END_PUNCTUATION)
        and "\t" not in item
        and not (
            starts_body(next_plain)
            or BULLET_RE.match(next_plain)
            or is_end_marker(next_plain)
            or is_upper(next_plain)
        )
    )


def _join_columns(line: str, following: str) -> str | None:
    """Two rows of two columns where each column of the lower row carries on the upper one
    (a PDF's table cell wrapped: "CHI BỘ TRƯỜNG MẦM NON TIÊN | ..., năm" / "CƯỜNG | 2023")."""
    upper, lower = line.split("\t"), following.split("\t")
    if len(upper) != 2 or len(lower) != 2:
        return None
    pairs = list(zip(upper, lower, strict=True))
    if all(_cell_goes_on(top.strip(), bottom.strip()) for top, bottom in pairs):
        return "\t".join(f"{top.rstrip()} {bottom.strip()}" for top, bottom in pairs)
    return None


def _cell_goes_on(top: str, bottom: str) -> bool:
    if not top or not bottom or top.endswith(TITLE_END_PUNCTUATION):
        return False
    if bottom[:1].islower() or bottom[:1].isdigit():
        return True
    return is_upper(top) and is_upper(bottom) and not _ISSUER_OPENING_RE.match(bottom)


def _chapter_title_below_blank(line: str, below: list[str]) -> bool:
    if len(below) < 2 or below[0].strip() or not _CHAPTER_ONLY_RE.match(_strip_emphasis(line)):
        return False
    return _names_part(_strip_emphasis(below[1].strip()))


def _names_part(text: str) -> bool:
    """True for the name of a part or chapter printed under its number ("PHẦN THỨ NHẤT" /
    "Đánh giá kết quả …", "Chương I" / "QUY ĐỊNH CHUNG"): a heading's words, not a paragraph
    (a sentence, or longer than a heading runs) nor a heading or basis of its own."""
    if starts_body(text) or not any(char.isalpha() for char in text):
        return False
    sentence = text.endswith((".", ";")) or len(text.split()) > _MAX_PART_NAME_WORDS
    return is_upper(text) or not sentence


def _is_heading_number(text: str) -> bool:
    """True for a heading's number on a line of its own ("I.", "II-", "1."): its name stands
    on the next line, as a table cell or a web page wraps it ("I." / "MỤC ĐÍCH, YÊU CẦU")."""
    return " " not in text and heading_rank(text) is None and heading_rank(f"{text} X") is not None


def _continues_on_next(line: str, following: str) -> bool:
    text, next_text = line.strip(), following.strip()
    plain, next_plain = _strip_emphasis(text), _strip_emphasis(next_text)
    if line.count("**") % 2 and "**" in following and len(next_text) < 200:
        return not (_SIGNER_TITLE_RE.match(next_plain) or is_end_marker(next_plain))
    if " ".join(f"{plain} {next_plain}".split()) == PARTY_NAME:
        return True
    if (_CHAPTER_ONLY_RE.match(plain) or _is_heading_number(plain)) and _names_part(next_plain):
        return True
    if _BROKEN_DATE_RE.search(plain) and _DATE_TAIL_RE.match(next_plain):
        return True
    if _NUMBER_LABEL_RE.match(plain) and re.match(r"^[\d\s.…_]*-", next_plain):
        return True
    if _NUMBER_OPEN_RE.match(plain) and _NUMBER_CODE_RE.match(next_plain):
        return True
    if _PLACE_FRAGMENT_RE.match(plain) and _PLACE_DATE_TAIL_RE.match(next_plain):
        return True
    opens_heading = heading_rank(plain) is not None or is_authority(plain)
    unclosed = plain.count("(") > plain.count(")")  # "1- Điều 1 (Khoản" / "2): Tuổi đời …"
    return (
        opens_heading
        and (next_plain[:1].islower() or unclosed)
        and not starts_body(next_plain)
        and not plain.endswith(TITLE_END_PUNCTUATION)
        and "\t" not in line
    )


def _parse_lines(raw_lines: list[str]) -> ProgrammeDoc:
    lines = [
        _TABLE_PIPE_RE.sub("", unicodedata.normalize("NFC", line))
        .replace("\ufeff", "")
        .replace("\u200b", "")
        .replace("\u00a0", " ")
        .rstrip()
        for line in raw_lines
    ]
    if not any(line.strip() for line in lines):
        raise DocumentError(messages.FILE_EMPTY)
    if (length := sum(map(len, lines))) > MAX_SOURCE_CHARS:
        raise DocumentError(
            messages.DOCUMENT_TOO_LONG.format(
                limit=count_text(MAX_DOCUMENT_CHARS), count=count_text(length)
            )
        )
    lines = _repair_lines(lines)
    marks = _take_stamps(lines)
    doc = _Parser(lines).parse()
    doc.marks = marks
    return doc


# A stamp's word without diacritics or spaces → (mark, code): "thuongkhan" → ("urgency", ...).
_STAMPS: dict[str, tuple[str, str]] = {
    fold(word): (mark, code)
    for mark, words in (
        ("secrecy", SECRECY_MARKS | REFUSED_SECRECY_MARKS),
        ("urgency", URGENCY_MARKS),
    )
    for code, word in words.items()
    if word
}
_STAMP_FRAME = "[](){}|*_ "  # a stamp's frame as typed or copied: "[MẬT]", "**KHẨN**"
_MAX_STAMP_LINES = 30  # stamps stand in the header, above the document type


def _take_stamps(lines: list[str]) -> dict[str, str]:
    """The secrecy and urgency stamps of the header ("MẬT", "THƯỢNG KHẨN", in capitals, each a
    cell of its own above the document type), blanked from `lines`; {"secrecy": "mat", ...}."""
    marks: dict[str, str] = {}
    for index, line in enumerate(lines[:_MAX_STAMP_LINES]):
        cells = _split_cells(line)
        if any(_match_doc_type(cell) for cell in cells if fold(cell) not in _STAMPS):
            break
        for cell in cells:
            word = cell.strip(_STAMP_FRAME)
            stamp = _STAMPS.get(fold(word)) if word and is_upper(word) else None
            if stamp:
                marks.setdefault(*stamp)
                left = lines[index].replace(word, " " * len(word), 1).rstrip()
                lines[index] = "" if not left.strip(_STAMP_FRAME) else left
    return marks


class _Parser:
    """Reads the lines in order: header, document type and title, body, Nơi nhận, signature."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.header = Header()
        self.doc_type: str | None = None
        self.title_parts: list[str] = []
        self.title_line = 0  # where a trích yếu read with the header ("V/v …") starts
        self.warnings: list[Warning] = []
        self.header_strays: list[str] = []
        self.preamble: list[str] = []
        self.top: list[Section] = []
        self.stack: list[tuple[int, Section]] = []
        self.first_body_line: int | None = None
        self.recipients: list[Recipient] = []
        self.signature = Signature()
        # End part state: "Nơi nhận" seen (and whether after the signature), signature progress.
        self.recipients_open = False
        self.recipients_after_signature = False
        self.sign_state: str | None = None  # None, "title", "name", "done"
        self.sign_last_line = 0
        self.recipient_unfinished = ""  # the last "Nơi nhận" entry, while it may go on
        self.bulleted_recipients = False  # the "Nơi nhận" entries open with "-"
        self.page_breaks: list[int] = []  # 1-based lines where a text export marked a new page

    def warn(self, part: str, line: int, text: str, message: str) -> None:
        self.warnings.append(Warning(part=part, line=line, text=text, message=message))

    # -- driver --

    def parse(self) -> ProgrammeDoc:
        doc_type_at = self.find_doc_type()
        if doc_type_at is None and (announced := self.find_announced_type()):
            self.doc_type, lead_end = announced
            self.leave_out_page_lines(lead_end, every_line=True)
        elif doc_type_at is None and (heading := self.find_page_heading()):
            heading_at, self.doc_type, title = heading
            self.leave_out_page_lines(heading_at, every_line=True)
            self.lines[heading_at] = ""
            self.title_parts = [title]
        header_start = self.find_header_start(doc_type_at)
        self.leave_out_page_lines(header_start)
        self.leave_out_page_breaks()
        if doc_type_at is None:
            body_start = self.read_header(len(self.lines), strict=True, start=header_start)
        else:
            self.read_header(doc_type_at, strict=False)
            body_start = self.read_title(doc_type_at)
        annex_start = self.find_annex(body_start)
        end_start = self.find_end(body_start, annex_start)
        for index in range(body_start, len(self.lines)):
            line = self.lines[index]
            if not line.strip():
                continue
            if index >= annex_start:
                self.read_annex_line(index + 1, _strip_emphasis(line))
                continue
            run_in = _RUN_IN_RE.match(line.strip()) if index < end_start else None
            rank = heading_rank(f"{run_in['label']} x") if run_in else None
            if run_in and rank is not None:
                self.open_section(rank, run_in["label"])
                self.read_paragraph(index + 1, _strip_emphasis(run_in["rest"]))
            elif index < end_start:
                self.read_body_text(index + 1, _strip_emphasis(line))
            else:
                for cell in _split_cells(line):
                    self.read_end_cell(index + 1, cell)
        return self.build()

    def find_doc_type(self) -> int | None:
        """Index of the document-type line: the first after a header line, else the first.

        Looked for above the body (the first heading or "Căn cứ" line after a header line ends
        the search; one above the header is a web page's digest, not the body).
        """
        first = None
        after_header = False
        for index, line in enumerate(self.lines):
            text = _strip_emphasis(line)
            if not text:
                continue
            if _match_doc_type(text):
                if after_header:
                    return index
                first = index if first is None else first
            elif _is_header_anchor(line):
                after_header = True
            elif starts_body(text) and after_header:
                break
        return first

    def lead_lines(self) -> Iterator[tuple[int, str, str]]:
        """(index, line, text without emphasis) of the page's first _MAX_LEAD_LINES lines that
        hold text: where a site prints its title, posting line and lead above a document."""
        read = 0
        for index, line in enumerate(self.lines):
            text = _strip_emphasis(line)
            if not text:
                continue
            read += 1
            if read > _MAX_LEAD_LINES:
                return
            yield index, line, text

    def find_announced_type(self) -> tuple[str, int] | None:
        """(type, index after the line) of a lead that announces the document's text with no
        type line to read ("… trân trọng giới thiệu toàn văn nội dung Nghị quyết.", "Nội dung
        Chỉ thị như sau:"): a news page or portal carrying it. The last such line among the
        page's first lines, above the header and the body's first heading, is taken; None when
        there is none (a body sentence citing a text is not a lead)."""
        announced = None
        for index, line, text in self.lead_lines():
            if _is_header_anchor(line) or heading_rank(text) is not None:
                break
            doc_type = _announced_type(text)
            if doc_type:
                announced = (doc_type, index + 1)
        return announced

    def find_page_heading(self) -> tuple[int, str, str] | None:
        """(index, type, trích yếu) of the heading a page prints a document under when it has
        no header or type line: the type and the trích yếu in sentence case on one line
        ("Quy định đánh giá chất lượng sinh hoạt chi bộ", "Hướng dẫn tuyên truyền kỷ niệm …").
        The last such line among the page's first lines is taken (a site may print its title
        twice, above its posting line and lead). None where a header line stands there (the
        type line is then below it) or for a news headline naming the issuer ("Nghị quyết của
        Ban Chấp hành Đảng bộ tỉnh …", "Nghị quyết Đại hội đại biểu …")."""
        found = None
        for index, line, text in self.lead_lines():
            if starts_body(text):
                break
            kinds = {_header_kind(cell, True) for cell in _split_cells(line)}
            if kinds - {None, "separator"}:
                return None  # a header: its type line stands below it
            named = _sentence_case_type(text)
            if named:
                found = (index, *named)
        return found

    def find_header_start(self, doc_type_at: int | None) -> int:
        """Index of the header's first line: lines above it are not part of the document."""
        limit = len(self.lines) if doc_type_at is None else doc_type_at
        anchor = next((i for i in range(limit) if _is_header_anchor(self.lines[i])), doc_type_at)
        if anchor is None:
            return 0
        start = anchor
        while start > 0 and (
            _may_open_header(self.lines[start - 1]) or self.continues_org(start - 1)
        ):
            start -= 1
        return start

    def continues_org(self, index: int) -> bool:
        """True for a capitals line that ends an issuing body begun on the line above it
        ("BAN CHẤP HÀNH" / "TRUNG ƯƠNG")."""
        text = _strip_emphasis(self.lines[index])
        above = next((line for line in reversed(self.lines[:index]) if line.strip()), "")
        return (
            is_upper(text)
            and not text.endswith(FINISHED_LINE)
            and _header_kind(_strip_emphasis(above), True) == "org"
        )

    def leave_out_page_lines(self, start: int, every_line: bool = False) -> None:
        """Blank the lines above the document (site menus, article lead), named in a warning.

        A few lines above the header that do not look like a web page's (a secretary's own
        note, "Bản dự thảo lần 2") are kept as the opening paragraph instead, unless
        `every_line` is left out (above a lead's line announcing the text).
        """
        above = [(i, line.strip()) for i, line in enumerate(self.lines[:start]) if line.strip()]
        if every_line or len(above) > _MAX_STRAY_HEADER_LINES:
            left_out = above
        else:
            left_out = [(i, line) for i, line in above if _is_page_line(line)]
        if not left_out:
            return
        for index, _ in left_out:
            self.lines[index] = ""
        text = "\n".join(line for _, line in left_out)
        message = messages.WARN_NOT_DOCUMENT.format(count=len(left_out))
        self.warn("header", left_out[0][0] + 1, text, message)

    def leave_out_page_breaks(self) -> None:
        """Blank the page breaks a text export marks ("===== Trang 12 ====="), named in one warning;
        where they were is kept, as the signature's block ends at one (`on_later_page`)."""
        breaks = [index for index, line in enumerate(self.lines) if _PAGE_BREAK_RE.match(line)]
        if not breaks:
            return
        self.page_breaks = [index + 1 for index in breaks]
        text = "\n".join(self.lines[index].strip() for index in breaks)
        for index in breaks:
            self.lines[index] = ""
        self.warn("body", breaks[0] + 1, text, messages.WARN_PAGE_BREAKS.format(count=len(breaks)))

    def find_annex(self, body_start: int) -> int:
        """Index of the line where a document annexed under this one begins (len(lines) if none).

        That is a header opening again below a "Nơi nhận" or signature line: issuing-body lines
        then a "Số ..." line or the Party's name (the draft a tờ trình submits, a copy's "Sao
        lục" note). What follows is that document's: its headings, "Nơi nhận" and signature are
        not this one's.
        """
        ended = False
        for index in range(body_start, len(self.lines)):
            line = self.lines[index]
            cells = _split_cells(line) if _END_HINT_RE.search(line) else []
            if any(is_end_marker(cell) for cell in cells):
                ended = True
            elif ended and _opens_header(self.lines, index):
                return index
        return len(self.lines)

    def find_end(self, body_start: int, annex_start: int) -> int:
        """Index of the line where "Nơi nhận" / the signature begin (`annex_start` if nowhere).

        That is the first such line after the body's last heading: a "TM. ..." or "BÍ THƯ"
        line with numbered sections below it is body text. Headings below the last "Nơi nhận"
        (an appendix, a numbered list of recipients) do not count.
        """
        markers: list[int] = []
        headings: list[int] = []
        last_noi_nhan = annex_start
        for index in range(body_start, annex_start):
            line = self.lines[index]
            cells = _split_cells(line) if _END_HINT_RE.search(line) else []
            if any(is_end_marker(cell) for cell in cells):
                markers.append(index)
                if any(NOI_NHAN_RE.match(cell) for cell in cells):
                    last_noi_nhan = index
            elif heading_rank(_strip_emphasis(line)) is not None:
                headings.append(index)
        last_heading = max((h for h in headings if h < last_noi_nhan), default=-1)
        after = [m for m in markers if m > last_heading]
        return (after or markers or [annex_start])[0]

    # -- header --

    def read_header(self, end: int, strict: bool, start: int = 0) -> int:
        """Read header lines before `end`; with `strict`, stop at the first non-header line.

        The lines kept above `start`, where the header begins (a lead paragraph that is not
        a web page's), are stray header lines: with no type line below the header they would
        otherwise end it before its first line. Returns the index where the body starts.
        """
        for index in range(start):
            if text := self.lines[index].strip():
                self.warn("header", index + 1, text, messages.WARN_HEADER_LINE)
                self.header_strays.append(text)
        org_lines: list[tuple[int, str]] = []
        in_vv = under_number = False
        for index in range(start, end):
            number = index + 1
            cells = _split_cells(self.lines[index])
            if not cells:
                in_vv = in_vv and self.title_goes_on(index)  # a web page's paragraph a line
                continue
            kinds = [_header_kind(cell, strict) for cell in cells]
            goes_on = kinds[0] is None or cells[0][:1].islower()  # "số 104-CTr/TU ..." too
            if in_vv and len(cells) == 1 and goes_on and continues_title(cells[0]):
                self.title_parts.append(cells[0])
                continue
            in_vv = False
            if strict and under_number and len(cells) == 1 and _opens_letter_title(cells[0]):
                self.title_parts.append(cells[0])  # a công văn's trích yếu under its number
                in_vv, under_number = True, False
                continue
            under_number = "number" in kinds and self.header.number is None
            if strict and None in kinds:
                end = index
                break
            for cell, kind in zip(cells, kinds, strict=True):
                if kind == "org":
                    org_lines.append((number, cell))
                elif kind == "vv" and not self.title_parts:
                    self.title_parts.append(cell)  # a trích yếu under the number (read_title)
                    self.title_line = number
                    in_vv = True
                elif kind in ("number", "date") and not self.header_field_set(kind):
                    self.read_header_field(number, cell, kind)
                elif kind == "misplaced":
                    self.warn("header", number, cell, messages.WARN_MISPLACED_END)
                elif kind not in ("party", "separator"):
                    self.warn("header", number, cell, messages.WARN_HEADER_LINE)
                    self.header_strays.append(cell)
        self.read_orgs(org_lines)
        return end

    def header_field_set(self, kind: str) -> bool:
        if kind == "number":
            return self.header.number is not None
        return self.header.place is not None or self.header.date is not None

    def read_header_field(self, number: int, cell: str, kind: str) -> None:
        if kind == "number":
            self.header.number = _NUMBER_RE.match(cell)["number"].strip()
            return
        match = _match_date(cell)
        self.header.place = match["place"]
        month = match["month"] and str(_MONTH_WORDS.get(match["month"].lower(), match["month"]))
        parts = [match["day"], month, match["year"]]
        if not any(parts):
            return
        try:
            day, month, year = (int(p) for p in parts if p)
            self.header.date = datetime.date(year, month, day)
        except ValueError:
            self.warn("header", number, cell, messages.WARN_DATE)

    def read_orgs(self, org_lines: list[tuple[int, str]]) -> None:
        """Read the issuing body (and the body above it) from its lines in capitals.

        A line that names no body ("MỤC LỤC VĂN BẢN", a page's heading) cannot open the name:
        at the top it is kept as a stray header line; under a name it ends that name.
        """
        while org_lines and not _ORG_HINT_RE.search(org_lines[0][1]):
            number, text = org_lines.pop(0)
            self.warn("header", number, text, messages.WARN_HEADER_LINE)
            self.header_strays.append(text)
        if not org_lines:
            return
        if len(org_lines) == 1:
            number, text = org_lines[0]
            parts = _SECOND_ORG_RE.split(text, maxsplit=1)
            org_lines = [(number, part) for part in parts if part]
        *superior, (_, org) = _join_org_fragments(org_lines)
        self.header.org = org
        if superior:
            self.header.superior_org = " ".join(text for _, text in superior)
        if len(superior) > 1:
            self.warn("header", superior[1][0], superior[1][1], messages.WARN_ORG_LINES)

    # -- document type and title --

    def read_title(self, doc_type_at: int) -> int:
        """Read the document-type line and the trích yếu lines under it; returns the body start.

        A "V/v …" under the number (read with the header) is the trích yếu when none stands
        under the type line; else it is kept as a stray header line.
        """
        under_number, self.title_parts = self.title_parts, []
        body_start = self.read_type_and_title(doc_type_at)
        if not self.title_parts:
            self.title_parts = under_number
            return body_start
        for text in under_number:
            self.warn("header", self.title_line, text, messages.WARN_HEADER_LINE)
            self.header_strays.append(text)
        return body_start

    def read_type_and_title(self, doc_type_at: int) -> int:
        """Read the type line and the trích yếu under it; returns the body start."""
        self.doc_type, rest = _match_doc_type(_strip_emphasis(self.lines[doc_type_at]))
        if rest:
            self.title_parts.append(rest)
        index = doc_type_at + 1
        if not rest:  # the trích yếu may stand a blank line or two below the type
            while index < len(self.lines) and index - doc_type_at <= 3:
                if self.lines[index].strip():
                    break
                index += 1
        first = index
        ruled = _ruled_title_length(self.lines, first)
        while index < len(self.lines) and index - first < (ruled or _MAX_TITLE_LINES):
            text = _strip_emphasis(self.lines[index])
            if not text and (ruled or (self.title_parts and self.title_goes_on(index))):
                index += 1
                continue
            opens = index == first and not rest and _TITLE_OPENING_RE.match(text)
            listed = _lists_title_subject(text)
            if not text or not (opens or listed or continues_title(text) or _ends_title(text)):
                break
            if self.repeats_type(text):
                break  # a web page's title printed again: the trích yếu is not repeated
            self.title_parts.append(text)
            index += 1
            if text.endswith(TITLE_END_PUNCTUATION) and not listed:
                break
        return index if index > first else doc_type_at + 1

    def title_goes_on(self, blank: int) -> bool:
        """True when the trích yếu resumes below the blank line `blank`: in lower case, with a
        number that opens no heading ("Gửi Đề cương tuyên truyền kỷ niệm" / "190 năm thành
        lập …"), in capitals under capitals, or with its period ("Năm 2019"): a web page prints
        each of its lines as a paragraph."""
        following = next((line for line in self.lines[blank + 1 : blank + 3] if line.strip()), "")
        text = _strip_emphasis(following)
        last = self.title_parts[-1]
        if not text or last.endswith(TITLE_END_PUNCTUATION) or starts_body(text):
            return False
        if self.repeats_type(text):
            return False
        in_capitals = is_upper(last) and is_upper(text) and not _ISSUER_OPENING_RE.match(text)
        return (
            text[:1].islower()
            or text[:1].isdigit()  # starts_body above: no heading's number
            or (in_capitals and not SEPARATOR_RE.match(text))
            or bool(_TITLE_PERIOD_RE.match(text))
        )

    def repeats_type(self, text: str) -> bool:
        """True for a line opening with the document's own type again ("HƯỚNG DẪN TUYÊN TRUYỀN
        …" under "HƯỚNG DẪN TUYÊN TRUYỀN …"): a page printing its title twice, not the trích
        yếu, which never names its own type ("KẾT LUẬN CỦA THƯỜNG TRỰC" under "THÔNG BÁO" does)."""
        named = _match_doc_type(text)
        return bool(named) and named[0] == self.doc_type

    # -- body --

    def read_body_text(self, number: int, text: str) -> None:
        if SEPARATOR_RE.match(text):
            return
        listed = _PAGE_LIST_MARKER_RE.match(text)
        if listed:
            self.warn("body", number, listed.group().strip(), messages.WARN_PAGE_LIST_MARKER)
            text = text[listed.end() :]
        rank = heading_rank(text)
        if rank is None:
            self.read_paragraph(number, text)
            return
        run_in = split_run_in(text)
        self.open_section(rank, run_in[0] if run_in else text)
        if run_in:
            self.read_paragraph(number, run_in[1])

    def open_section(self, rank: int, heading: str) -> None:
        """Start a section under the last open one of a lower rank."""
        section = Section(heading=heading)
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        (self.stack[-1][1].children if self.stack else self.top).append(section)
        self.stack.append((rank, section))

    def read_paragraph(self, number: int, text: str) -> None:
        target = self.stack[-1][1].paragraphs if self.stack else self.preamble
        target.append(text)
        if self.first_body_line is None:
            self.first_body_line = number

    # -- Nơi nhận and signature --

    def read_end_cell(self, number: int, cell: str) -> None:
        """Route one cell of the end part to the recipients, the signature or the body."""
        if _SIGNED_RE.match(cell):
            return  # "(Đã ký)" only says the original was signed
        noi_nhan = NOI_NHAN_RE.match(cell)
        if noi_nhan:
            self.recipients_open = True
            self.recipients_after_signature = self.sign_state == "done"
            rest = noi_nhan["rest"] or ""
            if is_authority(rest):
                # "Nơi nhận: T/M BỘ CHÍNH TRỊ": a scan lost the gap between the two columns
                self.read_authority(number, rest)
            else:
                self.read_inline_recipients(number, rest)
        elif self.sign_state == "done" and (is_authority(cell) or SIGN_TITLE_RE.match(cell)):
            self.warn("signature", number, cell, messages.WARN_EXTRA_SIGNATURE)
        elif is_authority(cell):
            self.read_authority(number, cell)
        elif self.sign_state is None and SIGN_TITLE_RE.match(cell):
            self.signature.title = cell
            self.sign_state = "name"
        elif (
            self.recipients_open
            and self.recipient_unfinished
            and (
                cell[:1].islower()
                or (
                    (self.sign_state == "done" or _entry_punctuated(cell))
                    and self.recipient_goes_on(cell)
                )
            )
        ):
            # the rest of an entry broken over two lines; once the signature is read, in any case
            # (the name printed between an entry's two halves: "- Các đồng chí lãnh đạo" /
            # "Lê Khánh Toàn" / "Văn phòng Trung ương Đảng,"); before, when it is punctuated as an
            # entry is ("- Các đồng chí Uỷ viên" / "Ban Chấp hành Trung ương Đảng;" under a
            # "T/M BỘ CHÍNH TRỊ" whose title and name are still to come)
            self.read_recipient(number, cell)
        elif (
            self.recipients_open
            and not self.archived()
            and (
                BULLET_RE.match(cell) or self.sign_state is None or self.recipients_after_signature
            )
        ):
            self.read_recipient(number, cell)
        elif (
            self.sign_state in ("title", "name")
            and not BULLET_RE.match(cell)
            and not self.on_later_page(number)
        ):
            self.read_signature_line(number, cell)
        elif self.sign_state is None and not self.recipients_open:
            self.read_body_text(number, cell)  # body text left of a "Nơi nhận" / signature cell
        else:
            self.warn("signature", number, cell, messages.WARN_AFTER_SIGNATURE)
            self.recipients_open = False  # what follows (an annexed text) lists no recipients
            self.read_body_text(number, cell)

    def read_annex_line(self, number: int, text: str) -> None:
        """Keep a line of an annexed document as a paragraph: it opens no section."""
        self.warn("signature", number, text, messages.WARN_AFTER_SIGNATURE)
        if not SEPARATOR_RE.match(text):
            self.read_paragraph(number, text)

    def on_later_page(self, number: int) -> bool:
        """True when a page break stands between the signature's last line and line `number`:
        a signer's title and name are printed on the page of the authority, so a line after the
        break (a scan's noise, an appendix's heading) is not one of them."""
        return any(self.sign_last_line < page_break < number for page_break in self.page_breaks)

    def archived(self) -> bool:
        """True once the "Lưu ..." line, the last of "Nơi nhận", has been read."""
        return (
            bool(self.recipients)
            and self.recipients[-1].purpose == "luu"
            and (not self.recipient_unfinished or self.recipient_unfinished.rstrip().endswith(","))
        )

    def read_authority(self, number: int, cell: str) -> None:
        if self.sign_state is None:
            self.signature.on_behalf = cell
            self.sign_state = "title"
        elif self.sign_state == "title" and number == self.sign_last_line + 1:
            self.signature.on_behalf = f"{self.signature.on_behalf}\n{cell}"
        else:
            self.warn("signature", number, cell, messages.WARN_EXTRA_SIGNATURE)
        self.sign_last_line = number

    def read_signature_line(self, number: int, cell: str) -> None:
        # The title stands right under the authority (a PDF may put one blank line between);
        # the name stands lower, below the room left for the signature.
        between = self.lines[self.sign_last_line : number - 1]
        adjacent = len(between) <= 1 and not any(line.strip() for line in between)
        if self.sign_state == "title" and (
            (adjacent and is_upper(cell)) or SIGN_TITLE_RE.match(cell)
        ):
            self.signature.title = cell
            self.sign_state = "name"
            self.sign_last_line = number
            return
        self.signature.name = cell
        self.sign_state = "done"

    def read_inline_recipients(self, number: int, rest: str) -> None:
        separator = ";" if ";" in rest else ","
        for item in rest.split(separator):
            if item.strip():
                self.read_recipient(number, item.strip())
                self.recipient_unfinished = ""  # items on one line end at their separator

    def recipient_goes_on(self, item: str) -> bool:
        """True when `item`, with no "-" of its own, carries on the entry above: that one is
        open, or ends in a comma and `item` starts in lower case ("…, thành ủy," / "đảng ủy …")
        or the entries open with "-" ("- Đ/c … – UVTV," / "Trưởng Ban Tổ chức Tỉnh uỷ,")."""
        if BULLET_RE.match(item) or not self.recipient_unfinished or not self.recipients:
            return False
        after_comma = self.recipient_unfinished.rstrip().endswith(",")
        return not after_comma or item.strip()[:1].islower() or self.bulleted_recipients

    def read_recipient(self, number: int, item: str) -> None:
        if not self.recipients:
            self.bulleted_recipients = bool(BULLET_RE.match(item))
        if self.recipient_goes_on(item):
            item = f"{self.recipient_unfinished} {item.strip()}"  # one entry over two lines
            self.recipients.pop()
        self.recipient_unfinished = "" if item.rstrip().endswith((";", ".")) else item
        text = BULLET_RE.sub("", item, count=1)
        full = text.rstrip(" \t;,.")
        if not full:
            return
        match = _PURPOSE_RE.match(text)
        if match:
            purpose = _PURPOSE_MARKERS.get(fold(match["marker"]))
            label = match["label"].rstrip(" \t;,.")
            if purpose is None or not label:
                self.warn("recipients", number, item, messages.WARN_RECIPIENT)
                purpose, label = "none", full
        else:
            purpose, label = ("luu" if _LUU_RE.match(full) else "none"), full
        self.recipients.append(Recipient(label=label, purpose=purpose))

    # -- result --

    def build(self) -> ProgrammeDoc:
        preamble = _join_basis_lines(_spread_basis_label(self.preamble))
        preamble = _join_continuations(_split_run_together_bases(preamble))
        block = addressee_block(preamble)
        addressees = [" ".join(lines) for lines in block]
        preamble = preamble[sum(map(len, block)) :]
        run = _bases_run(preamble)
        page, run = (0, run) if run else _bases_below_byline(preamble)
        headings = preamble[:page]  # a page's lead and its author's byline (kept, below them)
        # a line in capitals above the bases that names no body is a heading, not an authority
        headings += [p for p in preamble[page:run] if is_upper(p) and not _ORG_HINT_RE.search(p)]
        # and a web page's lines above the text it carries are the page's (kept, below them)
        headings += [
            p for p in preamble[page:run] if _reports_document(p) and not BASIS_RE.match(p)
        ]
        bases = [p for p in preamble[page:run] if p not in headings]
        intro = _join_continuations(self.header_strays + addressees + headings + preamble[run:])
        if bases and intro and _continues(bases[-1], intro[0]):
            bases[-1] = f"{bases[-1]} {intro.pop(0)}"
        _join_section_paragraphs(self.top)
        title = " ".join(self.title_parts) or None
        first_line = next(i for i, line in enumerate(self.lines, 1) if line.strip())
        if self.doc_type is None and title is None:
            self.doc_type = _type_of_number(self.header.number) or _self_named_type(bases + intro)
        if self.doc_type is None and title is None:
            self.warn("title", first_line, "", messages.WARN_NO_DOC_TYPE)
        is_cong_van = self.doc_type is None and title is not None
        if is_cong_van:
            self.doc_type = CONG_VAN
        if not self.top and not is_cong_van:
            self.warn("body", self.first_body_line or first_line, "", messages.WARN_NO_SECTIONS)
        sections = ([Section(heading="", paragraphs=intro)] if intro else []) + self.top
        return ProgrammeDoc(
            header=self.header,
            doc_type=self.doc_type,
            title=title,
            bases=bases,
            sections=sections,
            recipients=self.recipients,
            signature=self.signature,
            warnings=sorted(self.warnings, key=lambda w: w.line),
        )


def _sentence_case_type(text: str) -> tuple[str, str] | None:
    """(type, trích yếu) of a heading line naming a document in sentence case ("Kế hoạch Thực
    hiện Cuộc vận động …"): the type's first letter alone in capitals, a trích yếu after it that
    is no sentence and names no issuer. None for any other line."""
    named = _match_doc_type(text.upper())
    if not named or ":" in text or _PAGE_CHROME_RE.search(text):
        return None
    doc_type, upper_rest = named
    rest = text[len(text) - len(upper_rest) :] if upper_rest else ""
    head = text[: len(text) - len(upper_rest)].strip()
    if not head[:1].isupper() or any(char.isupper() for char in head[1:]):
        return None
    if not rest or rest.endswith(FINISHED_LINE) or len(rest.split()) > _MAX_PART_NAME_WORDS:
        return None
    if _HEADLINE_ISSUER_RE.match(rest):
        return None
    return doc_type, rest


def _announced_type(text: str) -> str | None:
    """The type a lead's line announces the document by (see _ANNOUNCED_TYPE_RE), or None."""
    for match in _ANNOUNCED_TYPE_RE.finditer(text):
        name = match["name"] if match["name"] and match["name"][:1].isupper() else None
        named = _match_doc_type((name or match["as_follows"] or "").upper())
        if named:
            return named[0]
    return None


def _self_named_type(paragraphs: list[str]) -> str | None:
    """The type a document with no type line names itself by in the clause closing its
    opening paragraph ("…, Đảng ủy Khối xây dựng Kế hoạch tổ chức đại hội … như sau:", "Ban
    Tuyên giáo Trung ương hướng dẫn tuyên truyền … như sau:"): the last of its clauses (after
    its last ";"), the issuing act's verb nearest its end. None when no paragraph closes so."""
    closing = next((p for p in paragraphs if _AS_FOLLOWS_RE.search(p)), None)
    if closing is None:
        return None
    acts = list(_ISSUING_ACT_RE.finditer(closing.rsplit(";", 1)[-1]))
    if not acts:
        return None
    act = acts[-1]
    if act["name"]:
        named = _match_doc_type(act["name"].upper())
        return named[0] if named else None
    return _TYPES_BY_ACT[act["act"]]


def _type_of_number(number: str | None) -> str | None:
    """The document type a số ký hiệu's code names ("06-CT/TW": CHỈ THỊ), read when no type
    line stands under the header (a page cut after it). "QĐ" names none: it is printed for a
    quyết định and a quy định alike ("97-QĐ/TW" is a Quy định)."""
    code = _NUMBER_TYPE_CODE_RE.search(number or "")
    return _TYPES_BY_CODE.get(code["code"]) if code else None


def _join_org_fragments(org_lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join an issuing body's name broken over lines: a single word ("BỘ" / "CHÍNH TRỊ") or a
    congress naming no body ("ĐẠI HỘI" / "CHI BỘ …") goes on to the next line, and a line that
    names no body of its own closes the line above: a term ("LẦN THỨ XI", "NHIỆM KỲ 2020 -
    2025") or the wrapped end of a name ("BAN CHẤP HÀNH" / "TRUNG ƯƠNG")."""
    joined: list[tuple[int, str]] = []
    for number, text in org_lines:
        above = joined[-1][1] if joined else ""
        if joined and (
            len(above.split()) == 1
            or _CONGRESS_ONLY_RE.match(above)
            or not _ORG_HINT_RE.search(text)
        ):
            joined[-1] = (joined[-1][0], f"{joined[-1][1]} {text}")
        else:
            joined.append((number, text))
    return joined


def _is_header_anchor(line: str) -> bool:
    """True for a line holding the Party's name, a "Số ..." number or a date line, unless it
    is a site's preview cut short ("…[...]"), which stands above the text it shows."""
    return not _CUT_SHORT_RE.search(line) and any(
        _header_kind(cell, False) in ("party", "number", "date") for cell in _split_cells(line)
    )


def _is_page_line(line: str) -> bool:
    """True for a web page's line above a document: a menu, a date of posting, or the page's
    title naming the document by its type ("BÁO CÁO TỔNG KẾT …"), whose own type line stands
    below its header."""
    return bool(_PAGE_CHROME_RE.search(line) or _match_doc_type(_strip_emphasis(line)))


def _opens_header(lines: list[str], index: int) -> bool:
    """True when line `index` names an issuing body and the lines after it, with no other text
    between, reach a "Số ..." line or the Party's name: a header begins there."""
    if _header_kind(_strip_emphasis(lines[index]), True) != "org":
        return False
    for line in lines[index + 1 : index + 1 + _MAX_ANNEX_HEADER_LINES]:
        cells = _split_cells(_strip_emphasis(line))
        if any(_header_kind(cell, False) in ("number", "party") for cell in cells):
            return True
        if not _may_open_header(_strip_emphasis(line)):
            return False
    return False


def _may_open_header(line: str) -> bool:
    """True for a line that may stand above a header anchor: blank, ruler or issuing body."""
    cells = _split_cells(line)
    return all(_header_kind(cell, True) in ("org", "separator", "party") for cell in cells)


def _opens_letter_title(text: str) -> bool:
    """True for a line in sentence case that may open a công văn's trích yếu ("Tham mưu triển
    khai thực hiện", "Mời dự Hội nghị …"): printed under the số ký hiệu when no type line is."""
    return (
        _header_kind(text, True) is None
        and text[:1].isupper()
        and not is_upper(text)
        and continues_title(text)
    )


def _ruled_title_length(lines: list[str], first: int) -> int | None:
    """Number of lines from `first` down to the ruler ("-----") under the trích yếu, when one
    closes it within _MAX_RULED_TITLE_LINES lines of title, in any case; blank lines between
    them do not count (a web page prints each line as a paragraph). Else None."""
    title_lines = 0
    for offset, line in enumerate(lines[first : first + 2 * _MAX_RULED_TITLE_LINES + 1]):
        text = _strip_emphasis(line)
        if SEPARATOR_RE.match(text):
            return offset if title_lines else None
        if not text:
            continue
        if title_lines == _MAX_RULED_TITLE_LINES or not continues_title(text):
            return None
        title_lines += 1
    return None


def _header_kind(cell: str, strict: bool) -> str | None:
    """Classify a header cell: party, org, number, date, vv, separator, misplaced or None.

    "misplaced" is a "Nơi nhận" or signature line, which cannot stand above the document type.
    """
    if SEPARATOR_RE.match(cell):
        return "separator"
    if fold(cell) == fold(PARTY_NAME):
        return "party"
    if _NUMBER_RE.match(cell):
        return "number"
    if _match_date(cell):
        return "date"
    if _VV_RE.match(cell):
        return "vv"
    if is_end_marker(cell) or _SIGNED_RE.match(cell):
        return "misplaced"
    if (
        starts_body(cell)
        or not is_upper(cell)
        or _match_doc_type(cell)
        or _BRACKETED_RE.match(cell)
    ):
        return None  # a type name or a mark ("(DỰ THẢO)"), never an issuing body's name
    if strict and not _ORG_HINT_RE.search(cell):
        return None
    return "org"


def _match_date(cell: str) -> re.Match[str] | None:
    """The place-and-date line's match, its "ngày" and comma left out or not.

    Its place is a place name ("Hà Nội", "Thành phố Hồ Chí Minh"): a sentence ending in a
    date ("…; căn cứ Hướng dẫn số 115-HD/BTGTW, ngày 08 tháng 01 năm", a basis wrapped
    before its year) is no date line.
    """
    match = _DATE_RE.match(_UNMARKED_DATE_RE.sub(r"\g<place>, ngày ", cell, count=1))
    place = match and match["place"]
    if place and (len(place.split()) > _MAX_PLACE_WORDS or _NOT_IN_PLACE_RE.search(place)):
        return None
    return match


def _bases_run(preamble: list[str]) -> int:
    """Length of the leading run of "Căn cứ" / "Thực hiện" paragraphs.

    The run may open with upper-case lines: the authority a quyết định is issued by
    ("CHI ỦY CHI BỘ ...") stands above its "Căn cứ" lines (a heading naming no body above
    them, "ĐỊNH HƯỚNG TUYÊN TRUYỀN …", is left out of the bases by `build`). The request
    that closes the bases ("Xét đề nghị của …") is not one of them: the body opens with it;
    nor is a "Kính gửi" line.
    """
    start = 0
    while start < len(preamble) and is_upper(preamble[start]):
        start += 1
    page = start
    while page < len(preamble) and _reports_document(preamble[page]):
        page += 1
    if page < len(preamble) and BASIS_RE.match(preamble[page]):
        start = page  # a web page's posting line, lead and captions above the text it carries
    end = _bases_end(preamble, start)
    return end if end > start else 0


def _bases_end(preamble: list[str], start: int) -> int:
    """Index after the "Căn cứ" / "Thực hiện" paragraphs from `start` on (the request that
    closes the bases, "Xét đề nghị của …", is not one of them)."""
    end = start
    while (
        end < len(preamble)
        and BASIS_RE.match(preamble[end])
        and not REQUEST_RE.match(preamble[end])
    ):
        end += 1
    return end


def _bases_below_byline(preamble: list[str]) -> tuple[int, int]:
    """(start, end) of the bases under a web page's lead announcing the text it carries ("…
    trân trọng giới thiệu toàn văn nội dung này.") when its author's name and position stand
    between them, a byline of one or two short lines ("Lương Hải Sinh" / "Bí thư Đảng ủy");
    (0, 0) when no such lead is among the first lines or no basis follows it and its byline."""
    leads = [
        i
        for i, p in enumerate(preamble[:_MAX_LEAD_LINES])
        if _REPORTED_ISSUE_RE.search(p) and not BASIS_RE.match(p)  # a basis may cite an issue
    ]
    if not leads:
        return 0, 0
    start = leads[-1] + 1
    for _ in range(_MAX_BYLINE_LINES):
        if start < len(preamble) and _is_byline(preamble[start]):
            start += 1
    end = _bases_end(preamble, start)
    return (start, end) if end > start else (0, 0)


def _is_byline(paragraph: str) -> bool:
    """True for a short line that is no sentence, basis or heading: a name or a position."""
    return (
        len(paragraph.split()) <= _MAX_BYLINE_WORDS
        and not paragraph.endswith(FINISHED_LINE)
        and not starts_body(paragraph)
        and not is_upper(paragraph)
    )


def _spread_basis_label(paragraphs: list[str]) -> list[str]:
    """A "Căn cứ" printed alone as the label of a list ("Căn cứ" / "- Chỉ thị số 45-CT/TW …;" /
    "- Nghị định số 145/2013/NĐ-CP …;"): each listed instrument is a basis, read as a clerk
    writes it, "Căn cứ Chỉ thị số 45-CT/TW …;". The list runs over the lines under the label that
    open with a dash or end as a list's item does (";" or ","), a line in lower case carrying on
    the item above; the clause closing it ("… như sau:") is the body's."""
    out: list[str] = []
    index = 0
    while index < len(paragraphs):
        label = _BASIS_LABEL_RE.match(paragraphs[index])
        index += 1
        if not label:
            out.append(paragraphs[index - 1])
            continue
        items: list[str] = []
        while index < len(paragraphs) and (
            _lists_basis(paragraphs[index]) or (items and paragraphs[index][:1].islower())
        ):
            item = BULLET_RE.sub("", paragraphs[index], count=1)
            if paragraphs[index][:1].islower() and not BULLET_RE.match(paragraphs[index]):
                items[-1] = f"{items[-1]} {item}" if items else item
            else:
                items.append(item)
            index += 1
        out += [f"{label['label']} {item}" for item in items] or [paragraphs[index - 1]]
    return out


def _lists_basis(paragraph: str) -> bool:
    """True for an item of a list under a "Căn cứ" label: dashed, or closed as an item is."""
    if BASIS_RE.match(paragraph) or heading_rank(paragraph) is not None:
        return False  # a basis of its own, or the body
    return bool(BULLET_RE.match(paragraph)) or paragraph.rstrip().endswith((";", ","))


def _reports_document(paragraph: str) -> bool:
    """True for a web page's line above the text it carries: a posting date or menu, an image's
    caption, or a lead reporting the document ("Ngày 08-01-2020, Ban Tuyên giáo Trung ương ban
    hành Hướng dẫn số 118-HD/BTGTW … BBT trích đăng nguyên văn Hướng dẫn.")."""
    return bool(
        _PAGE_CHROME_RE.search(paragraph)
        or _CAPTION_RE.match(paragraph)
        or _REPORTED_ISSUE_RE.search(paragraph)
    )


def _join_basis_lines(paragraphs: list[str]) -> list[str]:
    """Join the lines of a "Căn cứ ..." broken before its end (";" or ","), whatever their case.

    A "Căn cứ" naming several documents goes on after a ";" ("Căn cứ Quy định số 753 …;" /
    "Quyết định số 1076 …;") up to the next "Căn cứ". A "Kính gửi" line is not joined to:
    `addressee_block` reads its addressees.
    """
    groups: list[list[str]] = []
    for index, paragraph in enumerate(paragraphs):
        last = groups[-1] if groups else None
        structural = _is_structural(paragraph)
        tail = last[-1] if last else ""
        open_end = not tail.endswith(FINISHED_LINE) and not structural
        after_comma = tail.endswith(",") and paragraph[:1].islower()
        opens_basis = last and BASIS_RE.match(last[0])
        listed = (
            opens_basis
            and tail.endswith(";")
            and not structural
            and _basis_follows(paragraphs, index)
        )
        if opens_basis and (open_end or after_comma or listed):
            last.append(paragraph)
        else:
            groups.append([paragraph])
    return [" ".join(group) for group in groups]


def _split_run_together_bases(paragraphs: list[str]) -> list[str]:
    """Split a basis paragraph where a page ran its bases together ("Căn cứ Điều lệ Đảng; Căn cứ
    Kết luận số 18-KL/TW …; Căn cứ …"): each "Căn cứ" opening anew after a ";" is a basis of its
    own, as on the printed page. A "căn cứ" in lower case carries on the sentence ("Thực hiện
    Chỉ thị số 35-CT/TW; căn cứ Hướng dẫn …" is one basis)."""
    out: list[str] = []
    for paragraph in paragraphs:
        if BASIS_RE.match(paragraph):
            out += _RUN_TOGETHER_BASIS_RE.split(paragraph)
        else:
            out.append(paragraph)
    return out


def _is_structural(paragraph: str) -> bool:
    """True for a paragraph that cannot carry on a "Căn cứ" above it: a basis, "Kính gửi",
    bullet, heading or a line in capitals."""
    return bool(
        BASIS_RE.match(paragraph)
        or KINH_GUI_RE.match(paragraph)
        or BULLET_RE.match(paragraph)
        or is_upper(paragraph)
        or heading_rank(paragraph) is not None
    )


def _basis_follows(paragraphs: list[str], index: int) -> bool:
    """True when the first structural paragraph after `index` is a "Căn cứ", "Thực hiện" or
    "Xét đề nghị" line."""
    following = next((p for p in paragraphs[index + 1 :] if _is_structural(p)), "")
    return bool(BASIS_RE.match(following))


def _join_section_paragraphs(sections: list[Section]) -> None:
    for section in sections:
        section.paragraphs = _join_continuations(section.paragraphs)
        _join_section_paragraphs(section.children)
