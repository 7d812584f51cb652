"""Every kind of file a secretary brings is read to the same document, the conversion named."""

import codecs
import datetime
import re

import pytest

from chibo_flow import messages
from chibo_flow.documents import reading
from chibo_flow.documents.parse import DocumentError, parse_text, parse_upload
from chibo_flow.documents.programme_doc import Header, Recipient, Signature
from tests.documents.real_corpus import REAL
from tests.documents.samples import (
    NUMBERED,
    corrupt_doc,
    numbered_labels,
    office,
    programme_docx,
    scanned_pdf,
    to_tcvn3,
    uncompressed_pdf,
    with_date_picker,
)

HEADER = Header(
    superior_org="ĐẢNG BỘ XÃ TIÊN CƯỜNG",
    org="CHI BỘ TRƯỜNG MẦM NON TIÊN CƯỜNG",
    number="01-CTr/CB",
    place="Tiên Cường",
    date=datetime.date(2023, 1, 5),
)
FIRST = ("1. Mục đích", [("a) Nâng cao chất lượng sinh hoạt chi bộ", [])])
OUTLINE = [("I. MỤC ĐÍCH, YÊU CẦU", [FIRST, ("2. Yêu cầu", [])]), ("II. NHIỆM VỤ, GIẢI PHÁP", [])]


def _outline(sections):
    return [(s.heading, _outline(s.children)) for s in sections if s.heading]


def _notes(doc) -> list[str]:
    return [w.message for w in doc.warnings if w.part == "file"]


def _assert_programme(doc) -> None:
    assert doc.header == HEADER
    assert (doc.doc_type, doc.title) == ("CHƯƠNG TRÌNH", "Hành động năm 2023 của chi bộ")
    assert _outline(doc.sections) == OUTLINE
    assert doc.recipients == [Recipient("Đảng ủy xã", "bao_cao"), Recipient("Lưu CB", "luu")]
    assert doc.signature == Signature("TM. CHI BỘ", "BÍ THƯ", "Vũ Thị Xuyên")


# --- Word ---------------------------------------------------------------------------------------


def test_word_automatic_numbering_is_recovered_and_nests():
    data = programme_docx()
    assert len(numbered_labels(data)) == len(NUMBERED)  # the numbers are Word's, not typed
    doc = parse_upload(data, "chuong-trinh.docx")
    _assert_programme(doc)
    assert _notes(doc) == []


@pytest.mark.parametrize("suffix", ["docx", "doc"])
def test_a_header_column_in_a_floating_text_box_is_read_once(suffix):
    # "ĐẢNG CỘNG SẢN VIỆT NAM" and the date in a text box beside the left column's paragraphs:
    # Word keeps the box's text outside the paragraph's runs, twice (shape and VML copy); a
    # .doc saved by Word 97-2003 comes back from LibreOffice the same way.
    data = programme_docx(header_box=True)
    data = data if suffix == "docx" else office(data, "docx", "doc")
    doc = parse_upload(data, f"chuong-trinh.{suffix}")
    _assert_programme(doc)
    assert not [w for w in doc.warnings if w.part == "header"]


def test_a_date_typed_in_a_templates_date_picker_is_read():
    doc = parse_upload(with_date_picker(programme_docx()), "chuong-trinh.docx")
    _assert_programme(doc)


def test_vntime_runs_in_a_docx_are_converted_and_named():
    doc = parse_upload(programme_docx(font=".VnTime"), "chuong-trinh.docx")
    _assert_programme(doc)
    assert _notes(doc) == [messages.NOTE_FONT.format(fonts=".VnTime")]


def test_a_word_97_doc_is_converted_by_libreoffice():
    doc = parse_upload(office(programme_docx(), "docx", "doc"), "chuong-trinh.doc")
    _assert_programme(doc)
    assert _notes(doc) == [messages.NOTE_DOC_CONVERTED]


def test_a_doc_typed_in_vntime_is_converted_twice_and_says_so():
    doc = parse_upload(office(programme_docx(font=".VnTime"), "docx", "doc"), "cu.doc")
    _assert_programme(doc)
    assert _notes(doc) == [
        messages.NOTE_DOC_CONVERTED,
        messages.NOTE_FONT.format(fonts=".VnTime"),
    ]


# --- PDF ----------------------------------------------------------------------------------------


def test_a_text_pdf_is_read_in_reading_order_with_its_columns():
    doc = parse_upload(office(programme_docx(), "docx", "pdf"), "chuong-trinh.pdf")
    _assert_programme(doc)
    assert _notes(doc) == [messages.NOTE_PDF]


def test_a_long_uncompressed_pdf_is_read_whole_in_reading_order():
    """Nine dense pages of the real documents' words (Vietnamese letters and punctuation; the
    PDF's fonts draw no emoji) come back as they were typed, none lost, doubled or moved; a line
    LibreOffice broke after a hyphen keeps it."""
    typed = [
        word
        for path in sorted(REAL.glob("file-*.txt"))
        for word in path.read_text(encoding="utf-8").split()
        if _LETTERS_AND_PUNCTUATION.match(word)
    ][:12_000]
    paragraphs = [" ".join(typed[i : i + 80]) for i in range(0, len(typed), 80)]
    source = reading.read_upload(uncompressed_pdf(paragraphs), "dai.pdf")
    assert any(line.endswith("-") for line in source.lines)
    assert _joined_at_hyphens(" ".join(source.lines)) == _joined_at_hyphens(" ".join(typed))
    assert source.notes == [messages.NOTE_PDF]


_LETTERS_AND_PUNCTUATION = re.compile(r"^[\w\u00C0-\u024F\u1EA0-\u1EFF.,;:!?()\"'/%+*&#=\[\]-]+$")


def _joined_at_hyphens(text: str) -> list[str]:
    """The words of `text`, a hyphen and what follows it as one (a line may break after it)."""
    return re.sub(r"-\s+", "-", text).split()


# --- plain text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encode", "note"),
    [
        (lambda t: t.encode("utf-16-le"), None),
        (lambda t: t.encode("utf-16-be"), None),
        (lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), None),
        (to_tcvn3, messages.NOTE_TCVN3),
    ],
    ids=["utf-16-le-no-bom", "utf-16-be-no-bom", "utf-16-bom", "tcvn3"],
)
def test_seed_text_in_any_encoding_reads_the_same(seed_text, encode, note):
    doc = parse_upload(encode(seed_text), "chuong-trinh.txt")
    assert doc == parse_text(seed_text)
    assert _notes(doc) == ([note] if note else [])


def test_vni_text_is_converted_and_named():
    vni = (
        "CHÖÔNG TRÌNH\n\nCoâng taùc cuûa chi boä naêm 2024\n\n"
        "I. NHIEÄM VUÏ\n\nÑaûng vieân thöïc hieän."
    )
    doc = parse_upload(vni.encode("cp1252"), "ct.txt")
    assert (doc.doc_type, doc.title) == ("CHƯƠNG TRÌNH", "Công tác của chi bộ năm 2024")
    assert doc.sections[0].heading == "I. NHIỆM VỤ"
    assert doc.sections[0].paragraphs == ["Đảng viên thực hiện."]
    assert _notes(doc) == [messages.NOTE_VNI]


def test_tcvn3_copied_into_a_unicode_file_is_converted_too(seed_text):
    data = to_tcvn3(seed_text).decode("cp1252").encode("utf-8")
    doc = parse_upload(data, "chuong-trinh.txt")
    assert doc == parse_text(seed_text)
    assert _notes(doc) == [messages.NOTE_TCVN3]


# --- what is not the document -----------------------------------------------------------------

PAGE = """Trang nhất » Tin tức » Văn bản
Đăng nhập | Tìm kiếm
Chi bộ Trường Mầm non Tiên Cường ban hành chương trình hành động
Ngày đăng: 06/01/2023 08:15
Chia sẻ

ĐẢNG BỘ XÃ TIÊN CƯỜNG   ĐẢNG CỘNG SẢN VIỆT NAM
CHI BỘ TRƯỜNG MẦM NON TIÊN CƯỜNG   Tiên Cường, ngày 05 tháng 01 năm 2023
Số 01-CTr/CB

CHƯƠNG TRÌNH
Hành động năm 2023 của chi bộ

I. MỤC ĐÍCH

Nâng cao chất lượng sinh hoạt chi bộ.
"""


def test_a_web_page_around_the_document_is_left_out_and_named_in_one_warning():
    doc = parse_text(PAGE)
    assert doc.header == HEADER
    assert (doc.doc_type, doc.title) == ("CHƯƠNG TRÌNH", "Hành động năm 2023 của chi bộ")
    assert [s.heading for s in doc.sections] == ["I. MỤC ĐÍCH"]
    left_out = [w for w in doc.warnings if w.message == messages.WARN_NOT_DOCUMENT.format(count=5)]
    assert len(left_out) == 1
    assert left_out[0].line == 1
    assert left_out[0].text.split("\n") == PAGE.split("\n")[:5]


@pytest.mark.parametrize(
    "header",
    [
        "ĐẢNG BỘ XÃ TIÊN CƯỜNG CHI BỘ TRƯỜNG MẦM NON TIÊN CƯỜNG ĐẢNG CỘNG SẢN VIỆT NAM\n"
        "Số 01-CTr/CB Tiên Cường, ngày 05 tháng 01 năm 2023",
        "ĐẢNG BỘ XÃ TIÊN CƯỜNG\n-----\nCHI BỘ TRƯỜNG MẦM NON TIÊN CƯỜNG\n*\n**ĐẢNG CỘNG SẢN\n"
        "VIỆT NAM**\n---------------\nSố:\n01-CTr/CB\n*Tiên Cường, ngày 05\ntháng 01 năm 2023*",
    ],
    ids=["merged-columns", "broken-lines"],
)
def test_header_columns_merged_or_broken_by_a_copy(header):
    doc = parse_text(f"{header}\n\nCHƯƠNG TRÌNH\nHành động năm 2023 của chi bộ\n\nI. MỤC ĐÍCH\n")
    assert doc.header == HEADER


@pytest.mark.parametrize(
    ("line", "doc_type", "title"),
    [
        ("K ÉT LUẬN", "KẾT LUẬN", None),
        ("HƯỚNGDẪN", "HƯỚNG DẪN", None),
        ("KỊCH BẢNCHƯƠNG TRÌNH ĐẠI HỘI", "KỊCH BẢN", "CHƯƠNG TRÌNH ĐẠI HỘI"),
        ("QUY ĐỊNH (BỔ SUNG)", "QUY ĐỊNH", "(BỔ SUNG)"),
        ("CHỈ THỊ", "CHỈ THỊ", None),
        ("THÔNG TRI", "THÔNG TRI", None),
    ],
)
def test_type_lines_damaged_or_glued(line, doc_type, title):
    doc = parse_text(f"ĐẢNG BỘ XÃ TIÊN CƯỜNG\nSố 01/CB\n\n{line}\n\nI. MỤC ĐÍCH\n")
    assert (doc.doc_type, doc.title) == (doc_type, title)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (scanned_pdf, "quet.pdf", messages.FILE_PDF_SCANNED),
        (corrupt_doc, "hong.doc", messages.FILE_DOC_UNREADABLE),
        (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8, "hong.pdf", messages.FILE_PDF_UNREADABLE),
    ],
    ids=["scanned-pdf", "corrupt-doc", "corrupt-pdf"],
)
def test_unreadable_files_get_their_message(data, filename, message):
    with pytest.raises(DocumentError) as error:
        parse_upload(data(), filename)
    assert error.value.message == message


def test_a_conversion_that_overruns_is_stopped_with_its_message(monkeypatch):
    monkeypatch.setattr(reading, "DOC_CONVERSION_TIMEOUT_S", 0.05)
    with pytest.raises(DocumentError) as error:
        parse_upload(office(programme_docx(), "docx", "doc"), "cham.doc")
    assert error.value.message == messages.FILE_CONVERSION_TIMEOUT


def test_a_pdf_over_the_page_limit_is_refused(monkeypatch):
    pdf = office(programme_docx(), "docx", "pdf")
    monkeypatch.setattr(reading, "MAX_PDF_PAGES", 0)
    with pytest.raises(DocumentError) as error:
        parse_upload(pdf, "dai.pdf")
    assert error.value.message == messages.FILE_PDF_TOO_LONG.format(limit=0)
