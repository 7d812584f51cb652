"""The kinds of line in the Party layout: headings, "Căn cứ" lines, "Nơi nhận", signature.

Read by the structure parser (parse.py) and by the text writer (text_layout.py), so that a
document written back as text is read back the same.
"""

import re

SEPARATOR_RE = re.compile(r"^[-*_=~.·•–—\s]+$")

# Capital letters, Vietnamese ones included: a word glued to the next by a lost space
# ("Căn cứNghị quyết") still ends before the capital.
_CAPITALS = "".join(c for c in map(chr, range(0x41, 0x1EFA)) if c.isupper())
_WORD_END = rf"(?![^\W{_CAPITALS}])"

BASIS_RE = re.compile(rf"^(?:[-+•]\s*)?(?:Căn cứ|Xét|Thực hiện|Thi hành|Theo đề nghị){_WORD_END}")
# "Kính gửi:" and the addressees under it: not a basis, but like one it ends the header.
KINH_GUI_RE = re.compile(rf"^(?:[-+•]\s*)?Kính gửi{_WORD_END}")
# "Xét đề nghị của …" / "Theo đề nghị của …": the request closing the bases, not a basis itself.
REQUEST_RE = re.compile(rf"^(?:[-+•]\s*)?(?:Xét|Theo đề nghị){_WORD_END}")

BULLET_RE = re.compile(r"^[-+•–]\s*")

# "Nơi nhận", also as a scan reads it with the dot below lost ("Nơi nhân:").
NOI_NHAN_RE = re.compile(r"^Nơi\s+nh[ậâ]n\s*(?::\s*(?P<rest>.*))?$", re.IGNORECASE)

AUTHORITY_RE = re.compile(r"^(?:TM|T/M|T\.M|KT|K/T|K\.T|TL|T/L|T\.L|TUQ)(?:\.\s*|\s+)\S")

SIGN_TITLE_RE = re.compile(r"^(?:PHÓ\s+|TỔNG\s+)?BÍ\s+THƯ(?:\s+THƯỜNG\s+TRỰC)?$")

TITLE_END_PUNCTUATION = (".", ";", ":", "!", "?")
# A line ending with one of these is finished; the next line starts anew.
FINISHED_LINE = (*TITLE_END_PUNCTUATION, ",")

# What may follow "Phần thứ nhất" on its line: nothing, a colon, or the part's name in capitals.
_PART_NAME_START = rf"(?:\s*[.:]|\s+[{_CAPITALS}]|$)"

# Heading patterns and their rank: a heading nests under the nearest heading of lower rank.
_LETTER_RANK = 10

_HEADINGS = (
    # "PHẦN I", "Chương 2", "PHẦN THỨ NHẤT: …"; "Phần thứ nhất", "Phần mở đầu" alone or before
    # a colon or a name in capitals (not "Phần thứ hai của báo cáo …", a sentence)
    (re.compile(r"^(?:PHẦN|Phần|CHƯƠNG|Chương)\s+(?:[IVXLC]+|\d+|THỨ\s+\S+)\b"), -2),
    (re.compile(rf"^(?:PHẦN|Phần)\s+(?:thứ\s+\S+|MỞ ĐẦU|[Mm]ở đầu){_PART_NAME_START}"), -2),
    (re.compile(r"^[A-H](?:\s*[.:]\s+|\s+-\s*|-\s+)\S"), -1),  # "A. ", "A -MỤC ĐÍCH", "B - "
    (re.compile(r"^Điều\s+\d+\s*[.:]"), 0),
    (re.compile(r"^[IVX]+\s*[.-]\s*\S"), 0),
    # "1. ", "1.Tiêu đề", "1- Thủ đô", "1-Thủ đô"; not "57-NQ/TW" (a number carried over)
    (re.compile(r"^\d{1,2}(?:\s*\.\s*\D|\s*-\s+\S|-[A-ZĐ\u00c0-\u1ef8][a-zà-ỹ])"), 1),
    (re.compile(r"^Khoản\s+\d+"), 2),
    (re.compile(r"^[a-zđ]\)\s+\S"), _LETTER_RANK),
    (re.compile(r"^\*\s*\S.*:$"), _LETTER_RANK + 1),
)

# What every heading above starts with.
_HEADING_START_RE = re.compile(r"^(?:[IVXA-H\d*]|Điều|Khoản|PHẦN|Phần|CHƯƠNG|Chương|[a-zđ]\))")
# 1.1 … 1.1.1.1.1, "1.1- Về tuổi đời" (not "1.5-2 triệu", a range)
_DECIMAL_RE = re.compile(r"^\d{1,2}((?:\.\d{1,2}){1,4})(?:\.?\s+|\s*-\s*(?=\D))\S")


# The number of a numbered item, and the text run on after it on the same line.
_ITEM_LABEL_RE = re.compile(
    r"^(?P<label>Điều\s+\d+\s*[.:]|Khoản\s+\d+\s*[.:]?|[IVX]+\s*[.-]|\d{1,2}(?:\.\d{1,2})*\s*[.-]"
    r"|[a-zđ]\))\s*(?P<rest>\S.*)$"
)
_RUN_IN_MIN_SENTENCE_WORDS = 6  # "1. Mục đích." is a heading; a sentence of six words is not
_RUN_IN_MIN_WORDS = 26  # past this, no heading: a paragraph wrapped before its full stop


def split_run_in(text: str) -> tuple[str, str] | None:
    """(number, paragraph) of a numbered item whose paragraph runs on after its number.

    A clerk reads "1. Kiểm tra, giám sát là chức năng lãnh đạo …." as item "1." and its
    paragraph; "1. Mục đích, yêu cầu" and "2. Về kết quả, Đại hội khẳng định:" are headings.
    The text reads as a paragraph when it is a sentence (ends in "." or ";", not in capitals)
    or too long for a heading.
    """
    match = _ITEM_LABEL_RE.match(text)
    if not match or is_upper(match["rest"]):
        return None
    rest, words = match["rest"], len(match["rest"].split())
    sentence = rest.endswith((".", ";")) and words >= _RUN_IN_MIN_SENTENCE_WORDS
    if sentence or words >= _RUN_IN_MIN_WORDS:
        return match["label"].strip(), rest
    return None


def is_upper(text: str) -> bool:
    """True for text with letters, all of them capitals."""
    return any(c.isalpha() for c in text) and text == text.upper()


def heading_rank(text: str) -> int | None:
    """Return the nesting rank of a heading line, or None when `text` is not a heading."""
    if not _HEADING_START_RE.match(text):
        return None  # most lines: one test instead of nine
    decimal = _DECIMAL_RE.match(text)
    if decimal:
        return 1 + decimal.group(1).count(".")
    for pattern, rank in _HEADINGS:
        if pattern.match(text):
            return rank
    return None


def is_end_marker(text: str) -> bool:
    """True for a line that starts the "Nơi nhận" / signature part."""
    return bool(NOI_NHAN_RE.match(text) or SIGN_TITLE_RE.match(text) or is_authority(text))


def is_authority(text: str) -> bool:
    """True for a signature authority line in capitals ("TM. CHI BỘ", "K/T TRƯỞNG BAN")."""
    return bool(AUTHORITY_RE.match(text)) and is_upper(text)


def starts_body(text: str) -> bool:
    """True for a heading, a "Căn cứ" or a "Kính gửi" line: the header part is over."""
    return bool(heading_rank(text) is not None or BASIS_RE.match(text) or KINH_GUI_RE.match(text))


def continues_title(text: str) -> bool:
    """True when `text`, right under the document type, is (part of) the trích yếu."""
    return not (
        SEPARATOR_RE.match(text)
        or starts_body(text)
        or is_end_marker(text)
        or text.endswith(TITLE_END_PUNCTUATION)
    )


def addressee_block(paragraphs: list[str]) -> list[list[str]]:
    """The "Kính gửi" block opening `paragraphs`, one list of lines per addressee ([] if the
    paragraphs do not open with "Kính gửi").

    A công văn, tờ trình or báo cáo names whom it is sent to under its trích yếu, before its
    body: "Kính gửi:" and one addressee a line ("- Ủy ban nhân dân tỉnh,"); an addressee broken
    over two lines ("- Các cơ quan … giúp việc" / "Đảng ủy Ủy ban nhân dân tỉnh,") is one. The
    block ends at a full stop, or at a heading, "Căn cứ" or "Thực hiện" line.
    """
    if not paragraphs or not KINH_GUI_RE.match(paragraphs[0]):
        return []
    block = [[paragraphs[0]]]
    for paragraph in paragraphs[1:]:
        last = block[-1][-1]
        if last.endswith(".") or (not BULLET_RE.match(paragraph) and starts_body(paragraph)):
            break
        if BULLET_RE.match(paragraph) or last.endswith(FINISHED_LINE):
            block.append([paragraph])  # "- Các chi bộ," / "Kính gửi:" + "Ban Tổ chức …"
        else:
            block[-1].append(paragraph)
    return block


def addressee_count(paragraphs: list[str]) -> int:
    """How many of a stored document's `paragraphs` the opening "Kính gửi" block takes (0 if
    none): a renderer prints them under the trích yếu, before the bases, as the document has
    them. Stored, each addressee is one paragraph (the parser joined its lines), so a paragraph
    the block would join to the one above it is the body's and ends the block."""
    count = 0
    for lines in addressee_block(paragraphs):
        count += 1
        if len(lines) > 1:
            break
    return count
