"""What the edit form shows (format_text) and what the API stores (to_dict) read back unchanged."""

import datetime
import json
from pathlib import Path

import pytest

from chibo_flow import messages
from chibo_flow.documents.parse import parse_text
from chibo_flow.documents.programme_doc import (
    PURPOSES,
    Header,
    ProgrammeDoc,
    Recipient,
    Section,
    Signature,
)
from chibo_flow.documents.render import render_party_html
from chibo_flow.documents.text_layout import format_text
from tests.documents.real_corpus import REAL
from tests.support import assert_in_order

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "documents"
SEED = ROOT.parent / "shared" / "seed" / "chuong-trinh-hanh-dong-2023.txt"

# Layouts that stress the text form beyond the fixtures.
EDGE_TEXTS = {
    "title-ending-in-a-full-stop": "KẾ HOẠCH TỔ CHỨC HỘI NGHỊ.\n\n1. Nội dung\n\nHọp chi bộ.\n",
    "title-looking-like-a-basis": "THÔNG BÁO Căn cứ kết luận\n\nI. A\n\nB.\n",
    "stray-line-after-bases": (
        "ghi chú của người soạn\nKẾ HOẠCH\n\nCăn cứ Điều lệ Đảng\n\nI. MỤC ĐÍCH\n\nĐoàn kết.\n"
    ),
    "signature-without-title": "KẾ HOẠCH\n\n1. A\n\nB.\n\nT/M CHI BỘ\n(Đã ký)\nVŨ THỊ XUYÊN\n",
    "draft-number-and-date": (
        "CHI BỘ THÔN NAM\nSố      -KH/CB\nĐẢNG CỘNG SẢN VIỆT NAM\n"
        "Tiên Cường, ngày     tháng     năm 2024\n\nKẾ HOẠCH\n\n1. A\n\nB.\n"
    ),
    "heading-after-the-signature": (
        "KẾ HOẠCH\n\n1. A\n\nB.\n\nTM. CHI BỘ\nBÍ THƯ\n\nVũ Thị Xuyên\n2. Phụ lục\n"
    ),
    "only-text": "Họp chi bộ chiều thứ Sáu\nvào lúc 14 giờ.\n",
    "signature-line-in-the-body": "KẾ HOẠCH\n\n1. A\n\nBÍ THƯ\n\nChủ trì.\n\n2. B\n\nC.\n",
    "signature-line-above-the-type": "TM. CHI BỘ\nKẾ HOẠCH\n\n1. A\n\nB.\n",
    "signature-first-then-recipients": (
        "KẾ HOẠCH\n\n1. A\n\nB.\n\nK/T BÍ THƯ\nPHÓ BÍ THƯ\n\nNguyễn Thị Hằng\n\n"
        "Nơi nhận:\nĐảng ủy xã (để báo cáo);\nLưu hồ sơ.\n"
    ),
}


def _sources() -> dict[str, str]:
    sources = {"seed": SEED.read_text(encoding="utf-8")}
    for path in sorted(FIXTURES.glob("*.txt")):
        sources[path.stem] = path.read_text(encoding="utf-8")
    return sources | EDGE_TEXTS


SOURCES = _sources()


@pytest.mark.parametrize("name", SOURCES)
def test_parse_of_to_text_gives_the_same_document(name):
    doc = parse_text(SOURCES[name])
    text = format_text(doc)
    again = parse_text(text)
    assert again == doc
    assert format_text(again) == text
    if not doc.warnings:
        assert again.warnings == []


@pytest.mark.parametrize("name", SOURCES)
def test_to_dict_survives_json_and_from_dict(name):
    doc = parse_text(SOURCES[name])
    data = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))
    again = ProgrammeDoc.from_dict(data)
    assert again == doc
    assert again.to_dict() == doc.to_dict()


def test_warnings_describe_the_source_and_take_no_part_in_equality():
    doc = parse_text("Họp chi bộ.\n")
    assert doc.warnings
    assert doc == ProgrammeDoc(sections=[Section("", ["Họp chi bộ."])])


def test_to_text_writes_the_usual_party_layout():
    doc = ProgrammeDoc(
        header=Header(
            superior_org="ĐẢNG BỘ XÃ TIÊN CƯỜNG",
            org="CHI BỘ TRƯỜNG MẦM NON TIÊN CƯỜNG",
            number="01-CTr/CB",
            place="Tiên Cường",
            date=datetime.date(2023, 1, 5),
        ),
        doc_type="CHƯƠNG TRÌNH",
        title="HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023",
        bases=["Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"],
        sections=[
            Section("I. Mục đích yêu cầu", ["Đoàn kết."]),
            Section("II. Nhiệm vụ", [], [Section("1. Chỉ tiêu", ["- Một;", "- Hai."])]),
        ],
        recipients=[
            Recipient(label, purpose)
            for purpose, label in [
                ("bao_cao", "Thường trực ĐU"),
                ("thuc_hien", "CB, đảng viên"),
                ("phoi_hop", "Công đoàn"),
                ("de_biet", "Chi đoàn"),
                ("none", "Lãnh đạo phụ trách chi bộ"),
                ("luu", "Lưu. CB"),
            ]
        ],
        signature=Signature("TM. CHI BỘ", "BÍ THƯ", "Vũ Thị Xuyên"),
    )
    assert format_text(doc) == (
        "ĐẢNG BỘ XÃ TIÊN CƯỜNG\n"
        "CHI BỘ TRƯỜNG MẦM NON TIÊN CƯỜNG\n"
        "Số 01-CTr/CB\n"
        "ĐẢNG CỘNG SẢN VIỆT NAM\n"
        "Tiên Cường, ngày 05 tháng 01 năm 2023\n"
        "\n"
        "CHƯƠNG TRÌNH\n"
        "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023\n"
        "\n"
        "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;\n"
        "\n"
        "I. Mục đích yêu cầu\n"
        "\n"
        "Đoàn kết.\n"
        "\n"
        "II. Nhiệm vụ\n"
        "\n"
        "1. Chỉ tiêu\n"
        "\n"
        "- Một;\n"
        "- Hai.\n"
        "\n"
        "Nơi nhận:\n"
        "- Thường trực ĐU (b/c);\n"
        "- CB, đảng viên (t/h);\n"
        "- Công đoàn (ph/h);\n"
        "- Chi đoàn (để biết);\n"
        "- Lãnh đạo phụ trách chi bộ;\n"
        "- Lưu. CB.\n"
        "\n"
        "TM. CHI BỘ\n"
        "BÍ THƯ\n"
        "\n"
        "\n"
        "Vũ Thị Xuyên\n"
    )
    assert parse_text(format_text(doc)) == doc


def test_purposes_give_the_abbreviation_and_the_phrase():
    assert PURPOSES["bao_cao"] == ("b/c", "để báo cáo")
    assert PURPOSES["thuc_hien"] == ("t/h", "để thực hiện")
    assert PURPOSES["phoi_hop"] == ("ph/h", "để phối hợp")
    assert PURPOSES["de_biet"] == ("để biết", "để biết")
    assert PURPOSES["luu"] == (None, "lưu hồ sơ")
    assert PURPOSES["none"] == (None, "")


# --- from_dict refuses a wrong shape with a message that names the field -----------------------


def _seed_dict() -> dict:
    return parse_text(SOURCES["seed"]).to_dict()


_REMOVE = object()


def _with(path: str, value) -> dict:
    """The seed as data, with the field at `path` ("a.b.0.c") replaced (or removed)."""
    data = _seed_dict()
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is _REMOVE:
        del target[last]
    else:
        target[int(last) if isinstance(target, list) else last] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], messages.DOC_FIELD_TYPE.format(path="văn bản", expected="đối tượng")),
        (_with("title", _REMOVE), messages.DOC_FIELD_MISSING.format(path="title")),
        (_with("author", "x"), messages.DOC_FIELD_UNKNOWN.format(path="author")),
        (
            _with("bases", "Căn cứ"),
            messages.DOC_FIELD_TYPE.format(path="bases", expected="danh sách"),
        ),
        (
            _with("bases.0", 1),
            messages.DOC_FIELD_TYPE.format(path="bases[0]", expected="chuỗi ký tự"),
        ),
        (
            _with("title", 2023),
            messages.DOC_FIELD_TYPE.format(path="title", expected="chuỗi ký tự hoặc null"),
        ),
        (_with("header.date", "05/01/2023"), messages.DOC_FIELD_DATE.format(path="header.date")),
        (
            _with("sections.1.children.0.heading", None),
            messages.DOC_FIELD_TYPE.format(
                path="sections[1].children[0].heading", expected="chuỗi ký tự"
            ),
        ),
        (
            _with("recipients.0.purpose", "gui"),
            messages.DOC_FIELD_PURPOSE.format(
                path="recipients[0].purpose", choices=", ".join(PURPOSES)
            ),
        ),
        (
            _with("signature.name", _REMOVE),
            messages.DOC_FIELD_MISSING.format(path="signature.name"),
        ),
        (
            _with("warnings", [{"part": "body", "line": "1", "text": "", "message": ""}]),
            messages.DOC_FIELD_TYPE.format(path="warnings[0].line", expected="số nguyên"),
        ),
    ],
    ids=[
        "not-an-object",
        "missing-title",
        "unknown-field",
        "bases-not-a-list",
        "base-not-text",
        "title-not-text",
        "date-not-iso",
        "nested-heading",
        "unknown-purpose",
        "missing-signature-name",
        "warning-line-not-int",
    ],
)
def test_from_dict_refuses_a_wrong_shape(data, message):
    with pytest.raises(ValueError) as error:
        ProgrammeDoc.from_dict(data)
    assert str(error.value) == message


def test_from_dict_refuses_absurd_nesting():
    section: dict = {"heading": "1. A", "paragraphs": [], "children": []}
    data = _with("sections", [section])
    for _ in range(20):
        section["children"] = [{"heading": "1. A", "paragraphs": [], "children": []}]
        section = section["children"][0]
    with pytest.raises(ValueError) as error:
        ProgrammeDoc.from_dict(data)
    assert str(error.value) == messages.DOC_TOO_DEEP.format(limit=12)


def test_from_dict_normalises_text_to_nfc_and_defaults_the_party():
    data = _with("title", "CHU\u031bO\u031bNG TRI\u0300NH")
    del data["header"]["party"]
    doc = ProgrammeDoc.from_dict(data)
    assert doc.title == "CHƯƠNG TRÌNH"
    assert doc.header.party == "ĐẢNG CỘNG SẢN VIỆT NAM"


def test_kinh_gui_stays_above_the_bases_in_the_text_and_the_final_copy(app, make):
    # A real công văn: "Kính gửi" under its trích yếu, then its "Thực hiện …" basis.
    source = REAL / "file-cong-van-333-cv-du-xa-cong-hai-gop-y-vi-tri-viec-lam.txt"
    doc = parse_text(source.read_text(encoding="utf-8"))
    order = ["Kính gửi: Ban Tổ chức Tỉnh uỷ.", "Thực hiện Công văn số 767-CV/BTC"]
    assert doc.bases[0].startswith(order[1])

    assert_in_order(format_text(doc), order)
    html = render_party_html(doc.to_dict(), make.org(), number=None, issued=None)
    assert_in_order(html, order)
    assert html.count("Kính gửi") == 1
