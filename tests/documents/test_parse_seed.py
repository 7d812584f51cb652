"""The seed programme (Chi bộ Mầm non Tiên Cường, 2023) as text, in every encoding, and as .docx."""

import codecs
import dataclasses
import datetime
import io
import re
import unicodedata
from pathlib import Path

import docx
import pytest

from chibo_flow import messages
from chibo_flow.documents.parse import parse_docx, parse_text, parse_upload
from chibo_flow.documents.programme_doc import Header, ProgrammeDoc, Recipient, Signature
from chibo_flow.documents.text_layout import format_text

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXT = (ROOT.parent / "shared" / "seed" / "chuong-trinh-hanh-dong-2023.txt").read_text(
    encoding="utf-8"
)

BASES = [
    "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
    "Căn cứ Nghị quyết Đại hội chi bộ mầm non nhiệm kỳ 2022-2025, Chương trình công tác toàn "
    "khóa nhiệm kỳ 2022-2025. Chi bộ trường Mầm non Tiên Cường xây dựng chương trình hành động "
    "năm 2023 như sau:",
]
RECIPIENTS = [
    Recipient("Thường trực ĐU", "bao_cao"),
    Recipient("Lãnh đạo phụ trách chi bộ", "none"),
    Recipient("CB, đảng viên", "thuc_hien"),
    Recipient("Lưu. CB", "luu"),
]
SIGNATURE = Signature(on_behalf="TM. CHI BỘ", title="BÍ THƯ", name="Vũ Thị Xuyên")


def _outline(sections) -> list:
    """Headings as nested (heading, [children]) pairs."""
    return [(s.heading, _outline(s.children)) for s in sections]


@pytest.fixture(scope="module")
def seed() -> ProgrammeDoc:
    return parse_text(SEED_TEXT)


def test_seed_header_type_and_title(seed):
    assert seed.header == Header()
    assert seed.header.party == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert seed.doc_type == "CHƯƠNG TRÌNH"
    assert seed.title == "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023"


def test_seed_bases_are_kept_verbatim(seed):
    assert seed.bases == BASES


def test_seed_section_outline(seed):
    assert _outline(seed.sections) == [
        ("I. Mục đích yêu cầu", []),
        (
            "II. Nhiệm vụ trọng tâm",
            [
                ("1. Công tác chính trị tư tưởng", []),
                ("2. Về việc lãnh đạo thực hiện nhiệm vụ chuyên môn", []),
                (
                    "3. Hoạt động của các đoàn thể",
                    [("* Công đoàn nhà trường:", []), ("* Chi đoàn thanh niên:", [])],
                ),
                ("4. Công tác xây dựng Đảng", []),
            ],
        ),
        (
            "III. Một số chỉ tiêu cơ bản và giải pháp năm 2023",
            [("1. Một số chỉ tiêu cơ bản", []), ("2. Giải pháp:", [])],
        ),
    ]


def test_seed_paragraphs(seed):
    purpose, tasks, targets = seed.sections
    assert len(purpose.paragraphs) == 3
    assert purpose.paragraphs[0].startswith("Tăng cường mạnh mẽ công tác lãnh đạo")
    assert tasks.paragraphs == []
    assert [len(c.paragraphs) for c in tasks.children] == [2, 2, 0, 6]
    union, youth = tasks.children[2].children
    assert union.paragraphs[0].startswith("Đảm bảo 100% cán bộ, đoàn viên công đoàn")
    assert youth.paragraphs[0].endswith("Phấn đấu xây dựng tổ chức Chi đoàn vững mạnh xuất sắc.")
    # list items keep their "-" marker, exactly as written
    indicators, solutions = targets.children
    assert len(indicators.paragraphs) == 6
    assert (
        indicators.paragraphs[2] == "- Phân đấu bồi dưỡng, giới thiệu 02 đoàn viên ưu tú cho Đảng."
    )
    assert len(solutions.paragraphs) == 7
    assert all(p.startswith("- ") for p in indicators.paragraphs + solutions.paragraphs)


def test_seed_paragraph_split_by_a_page_break_is_joined(seed):
    paragraphs = seed.sections[1].children[1].paragraphs
    assert len(paragraphs) == 2
    assert "tích cực tham mưu với các cấp lãnh đạo quan tâm đầu tư cơ sở vật chất" in paragraphs[1]
    assert paragraphs[1].endswith("Phấn đấu đạt danh hiệu Tập thể Lao động Xuất sắc.")


def test_seed_recipients_signature_and_no_warnings(seed):
    assert seed.recipients == RECIPIENTS
    assert seed.signature == SIGNATURE
    assert seed.warnings == []


def test_seed_text_has_no_markdown_left(seed):
    text = format_text(seed)
    assert "**" not in text
    assert "* Công đoàn nhà trường:" in text


def _cp1258(text: str) -> bytes:
    """Encode like Windows does for Vietnamese: base letter (or â/ê/ô/ơ/ư/ă) + a tone mark."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
        for index, mark in enumerate(marks):
            rest = marks[:index] + marks[index + 1 :]
            try:
                out += (unicodedata.normalize("NFC", base + mark) + "".join(rest)).encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),
        lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: unicodedata.normalize("NFD", t).encode("utf-8"),
        _cp1258,
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "crlf", "nfd", "windows-1258"],
)
def test_seed_upload_in_any_encoding_parses_the_same(seed, encode):
    doc = parse_upload(encode(SEED_TEXT), "chuong-trinh.txt")
    assert doc == seed
    legacy = encode is _cp1258
    assert [w.message for w in doc.warnings] == ([messages.NOTE_CP1258] if legacy else [])


def test_windows_1258_text_comes_out_precomposed():
    data = _cp1258("Nghị quyết")
    assert not unicodedata.is_normalized("NFC", data.decode("cp1258"))  # "i" + combining dot
    assert parse_upload(data, "a.txt").sections[0].paragraphs == ["Nghị quyết"]


# --- the seed as a .docx in the usual two-column layout ----------------------------------------

HEADER_LEFT = ["ĐẢNG BỘ XÃ TIÊN CƯỜNG", "CHI BỘ TRƯỜNG MẦM NON TIÊN CƯỜNG", "*", "Số 01-CTr/CB"]
HEADER_RIGHT = ["ĐẢNG CỘNG SẢN VIỆT NAM", "Tiên Cường, ngày 05 tháng 01 năm 2023"]


def _fill_cell(cell, lines: list[str]) -> None:
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def _add_word_paragraph(document, line: str) -> None:
    """Add a seed line as Word would hold it: bold/italic runs instead of Markdown stars."""
    paragraph = document.add_paragraph()
    marker = re.fullmatch(r"\*\* (.*)\*", line)
    if marker:
        paragraph.add_run("* ")
        paragraph.add_run(marker[1]).italic = True
    else:
        paragraph.add_run(line.strip("*")).bold = line.startswith("**") or line.endswith("**")


def _seed_docx() -> bytes:
    lines = SEED_TEXT.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip())
    end = lines.index("Nơi nhận:")
    signature_start = next(i for i, line in enumerate(lines) if "TM. CHI BỘ" in line)
    document = docx.Document()
    left, right = document.add_table(rows=1, cols=2).rows[0].cells
    _fill_cell(left, HEADER_LEFT)
    _fill_cell(right, HEADER_RIGHT)
    for line in lines[start:end]:
        if line.strip():
            _add_word_paragraph(document, line)
    left, right = document.add_table(rows=1, cols=2).rows[0].cells
    _fill_cell(left, [line for line in lines[end:signature_start] if line.strip()])
    _fill_cell(right, ["TM. CHI BỘ", "BÍ THƯ", "", "", "Vũ Thị Xuyên"])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_seed_docx_with_header_and_signature_tables(seed):
    doc = parse_docx(_seed_docx())
    assert doc.header == Header(
        superior_org="ĐẢNG BỘ XÃ TIÊN CƯỜNG",
        org="CHI BỘ TRƯỜNG MẦM NON TIÊN CƯỜNG",
        number="01-CTr/CB",
        place="Tiên Cường",
        date=datetime.date(2023, 1, 5),
    )
    assert doc == dataclasses.replace(seed, header=doc.header)
    assert doc.warnings == []
    assert parse_text(format_text(doc)) == doc


@pytest.mark.parametrize("filename", ["chuong-trinh.txt", "chuong-trinh.doc", "chuong-trinh"])
def test_seed_docx_upload_is_sniffed_by_content(seed, filename):
    doc = parse_upload(_seed_docx(), filename)
    assert doc.sections == seed.sections
    assert doc.recipients == RECIPIENTS


def test_docx_line_breaks_inside_a_paragraph_are_lines():
    document = docx.Document()
    document.add_paragraph("CHƯƠNG TRÌNH\nHÀNH ĐỘNG NĂM 2023")
    document.add_paragraph("I. Mục đích yêu cầu")
    document.add_paragraph("Nâng cao chất lượng sinh hoạt chi bộ.")
    out = io.BytesIO()
    document.save(out)
    doc = parse_docx(out.getvalue())
    assert (doc.doc_type, doc.title) == ("CHƯƠNG TRÌNH", "HÀNH ĐỘNG NĂM 2023")
    assert doc.sections[0].paragraphs == ["Nâng cao chất lượng sinh hoạt chi bộ."]
