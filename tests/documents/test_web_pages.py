"""A web page, saved from the browser or pasted as its HTML source, is read as a reader sees it;
an .rtf or .odt is converted to .docx by LibreOffice and read as one. Whole real documents in
these formats are scored with the corpus (tests/fixtures/real/derived-*-{html,rtf,odt})."""

import random
import time
from email.message import EmailMessage

import pytest

from chibo_flow import messages
from chibo_flow.documents import reading
from chibo_flow.documents.parse import DocumentError, parse_pasted, parse_upload
from chibo_flow.documents.reading import MAX_HTML_TAGS, MAX_UPLOAD_BYTES, read_upload
from tests.documents.real_corpus import REAL, expected_fields, parsed_fields
from tests.fixtures.real.derive.legacy_encodings import to_tcvn3, to_vni

RAW_HTML = REAL / "web-hd-21-btgtw-2017-thanhdoan-hcm-raw-html.txt"
# The real lines of Công văn 2449-CV/ĐU (file-cong-van-2449-cv-du-ubnd-tinh-lao-cai).
SUPERIOR, PARTY = "ĐẢNG BỘ TỈNH LÀO CAI", "ĐẢNG CỘNG SẢN VIỆT NAM"
ORG, DATE = "ĐẢNG ỦY ỦY BAN NHÂN DÂN TỈNH", "Lào Cai, ngày 07 tháng 9 năm 2026"
NUMBER = "Số 2449 -CV/ĐU"
FIRST_ITEM = "Ủy ban nhân dân tỉnh, chỉ đạo các cơ quan, đơn vị có liên quan:"
BULLET = "Nghiên cứu, cụ thể hóa các mục tiêu, nhiệm vụ, giải pháp"


def _page(body: str, head: str = "<meta charset='utf-8'><title>Tin tức</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


SAVED_PAGE = _page(
    "<nav><a href='/'>Trang chủ</a> | <a href='/tin'>Tin tức</a></nav>"
    "<script>document.write('<p>quảng cáo</p>')</script><style>p { margin: 0 }</style>"
    "<div class='article'><!-- bài viết -->"
    f"<table><tr><td><p>{SUPERIOR}</p><p>{ORG}</p><p>*</p><p>{NUMBER}</p></td>"
    f"<td><p>{PARTY}</p><p>{DATE}</p></td></tr></table>"
    "<p>Th&#7921;c hi&#7879;n Ch&#432;&#417;ng tr&igrave;nh h&agrave;nh &#273;&#7897;ng"
    "&nbsp;s&#7889; 104-CTr/TU,<br>Ban Thường vụ yêu cầu:</p>"
    f"<ol><li><p>{FIRST_ITEM}</p><ul><li>{BULLET}</li></ul></li></ol>"
    "<p style='display: none'>Chia sẻ bài viết</p><div hidden>Bình luận</div>"
    "</div>"
)


def test_a_saved_page_is_read_as_a_reader_sees_it():
    source = read_upload(SAVED_PAGE.encode(), "cong-van.html")
    assert source.lines == [
        f"{SUPERIOR}\t{PARTY}",  # a row's cells side by side, line by line
        f"{ORG}\t{DATE}",
        "*",
        NUMBER,
        "Thực hiện Chương trình hành động số 104-CTr/TU,",  # entities decoded, <br> ends a line
        "Ban Thường vụ yêu cầu:",
        f"1. {FIRST_ITEM}",  # the browser's number, on the line of the item's paragraph
        f"- {BULLET}",
    ]
    assert source.notes == [messages.NOTE_HTML]


def test_the_raw_html_source_of_a_real_page_is_read_as_the_page():
    """The youth union's article printed as HTML source, in a .txt: its tags and entities were
    read as text, the headings inside one long line."""
    lines = read_upload(RAW_HTML.read_bytes(), RAW_HTML.name).lines
    assert lines[0].startswith("Ban Tuyên giáo Trung ương: Hướng dẫn tuyên truyền")
    assert "I. MỤC ĐÍCH, YÊU CẦU" in lines
    assert any(line.startswith("1. Tuyên truyền, giáo dục lòng yêu nước") for line in lines)
    assert not any("<" in line or "&" in line for line in lines)
    doc = parse_upload(RAW_HTML.read_bytes(), RAW_HTML.name)
    assert (parsed_fields(doc)["section_1"], parsed_fields(doc)["section_2"]) == (
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1.",
    )


@pytest.mark.parametrize(
    "filename", ["cong-van.txt", "cong-van", "cong-van.HTM", "trang.xhtml", "tai-ve.bin"]
)
def test_a_page_is_recognised_by_its_content_or_its_name(filename):
    assert read_upload(SAVED_PAGE.encode(), filename).notes == [messages.NOTE_HTML]


def test_a_fragment_without_a_document_tag_is_recognised_by_its_dense_tags():
    fragment = "".join(f"<p><strong>{line}</strong><br/></p>" for line in (SUPERIOR, ORG, NUMBER))
    assert read_upload(fragment.encode(), "dan.txt").lines == [SUPERIOR, ORG, NUMBER]


def test_text_mentioning_a_tag_or_comparing_numbers_stays_text():
    text = f"{SUPERIOR}\n{NUMBER}\nTỷ lệ đảng viên < 5% và <b>rất</b> ít ... > 3 chi bộ\n"
    source = read_upload(text.encode(), "cong-van.txt")
    assert source.lines == text.splitlines()
    assert source.notes == []


def test_a_windows_1252_page_typed_in_tcvn3_is_converted():
    """An old site: the charset Windows-1252, the letters TCVN3 codes (no font named)."""
    body = "".join(f"<p>{to_tcvn3(line)}</p>" for line in (SUPERIOR, ORG, DATE, FIRST_ITEM))
    data = _page(body, "<meta http-equiv='Content-Type' content='text/html; charset=windows-1252'>")
    source = read_upload(data.encode("cp1252"), "cu.htm")
    assert source.lines == [SUPERIOR, ORG, DATE, FIRST_ITEM]
    assert source.notes == [messages.NOTE_HTML, messages.NOTE_TCVN3]


def test_a_page_without_a_charset_in_legacy_bytes_is_read_as_a_text_file_is():
    body = "".join(f"<p>{line}</p>" for line in (SUPERIOR, ORG, FIRST_ITEM))
    source = read_upload(("<html><body>" + to_tcvn3(body)).encode("cp1252"), "cu.html")
    assert source.lines == [SUPERIOR, ORG, FIRST_ITEM]
    assert source.notes == [messages.NOTE_HTML, messages.NOTE_TCVN3]


def test_a_page_in_utf16_with_its_bom_is_read():
    source = read_upload(SAVED_PAGE.encode("utf-16"), "trang.htm")
    assert source.lines[:2] == [f"{SUPERIOR}\t{PARTY}", f"{ORG}\t{DATE}"]


def test_a_vni_font_of_a_page_converts_its_text():
    data = _page(f"<p style=\"font-family: 'VNI-Times', serif\">{to_vni(FIRST_ITEM)}</p>")
    source = read_upload(data.encode("utf-8"), "vni.html")
    assert source.lines == [FIRST_ITEM]
    assert source.notes == [messages.NOTE_HTML, messages.NOTE_FONT.format(fonts="VNI-Times")]


# --- hostile pages: refused or read within bounds, with a plain message ----------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("<b>" * (MAX_UPLOAD_BYTES // 3), messages.FILE_HTML_TOO_COMPLEX),
        ("<html>" + "<p>Chi bộ</p>" * (MAX_HTML_TAGS // 2 + 1), messages.FILE_HTML_TOO_COMPLEX),
        (_page("<script>var a = '<p>Chi bộ</p>';</script>"), messages.FILE_HTML_EMPTY),
        ("<!DOCTYPE html>", messages.FILE_HTML_EMPTY),
    ],
    ids=["5-mb-of-tags", "over-the-tag-limit", "only-script", "only-doctype"],
)
def test_a_hostile_or_empty_page_is_refused_with_its_message(data, message):
    started = time.monotonic()
    with pytest.raises(DocumentError) as error:
        parse_upload(data.encode(), "trang.html")
    assert error.value.message == message.format(limit=f"{MAX_HTML_TAGS:,}")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "page",
    [
        "<html>" + "<div>" * (MAX_HTML_TAGS - 10) + "Chi bộ",  # libxml2 stops nesting at 256
        "<html>" + "<table><tr><td>" * (MAX_HTML_TAGS // 3 - 10) + "Chi bộ",
        "<html>" + "<ol><li>" * (MAX_HTML_TAGS // 2 - 10) + "Chi bộ",
        '<!DOCTYPE html [<!ENTITY a "Chi bộ Chi bộ"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<html><p>Chi bộ &b;&b;&b;&b;&b;&b;&b;&b;&b;</p>",
        "<html><p>Chi bộ &amp;&agrave;&#7899;\x00\x01\ufffe" + "&nbsp;&amp;" * 400_000,
    ],
    ids=["deep-divs", "deep-tables", "deep-lists", "entity-bomb", "entities-and-controls"],
)
def test_a_hostile_page_within_the_limits_is_read_in_bounded_time(page):
    data = page.encode()
    assert len(data) <= MAX_UPLOAD_BYTES
    started = time.monotonic()
    try:
        source = read_upload(data, "trang.html")
    except DocumentError as error:
        assert error.message == messages.FILE_HTML_EMPTY  # the nesting cut before the text
    else:
        assert len("\n".join(source.lines)) <= len(data)  # no entity expanded past the file
        assert "Chi bộ Chi bộ Chi bộ" not in "\n".join(source.lines)
    assert time.monotonic() - started < 10


# --- .rtf and .odt through LibreOffice ----------------------------------------------------------


def test_rtf_and_odt_are_converted_with_the_same_limits_and_errors(monkeypatch):
    rtf = (REAL / "derived-cong-van-2449-cv-du-ubnd-tinh-lao-cai-rtf.rtf").read_bytes()
    odt = (REAL / "derived-huong-dan-37-hd-btgdvtw-ban-tin-sinh-hoat-chi-bo-odt.odt").read_bytes()
    assert read_upload(rtf, "cong-van.rtf").notes == [messages.NOTE_RTF_CONVERTED]
    assert read_upload(odt, "huong-dan.odt").notes == [messages.NOTE_ODT_CONVERTED]
    monkeypatch.setattr(reading, "DOC_CONVERSION_TIMEOUT_S", 0.05)
    for data, filename in ((rtf, "cham.rtf"), (odt, "cham.odt")):
        with pytest.raises(DocumentError) as error:
            parse_upload(data, filename)
        assert error.value.message == messages.FILE_CONVERSION_TIMEOUT


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        ("KẾ HOẠCH".encode(), "ke-hoach.rtf", messages.FILE_NOT_DOCUMENT),
        ("KẾ HOẠCH".encode(), "ke-hoach.odt", messages.FILE_NOT_DOCUMENT),
    ],
    ids=["text-named-rtf", "text-named-odt"],
)
def test_a_file_named_rtf_or_odt_that_is_not_one_is_refused(data, filename, message):
    with pytest.raises(DocumentError) as error:
        parse_upload(data, filename)
    assert error.value.message == message


_SOUP_TAGS = ["table", "tr", "td", "th", "ol", "ul", "li", "p", "div", "pre", "span", "b"]
_SOUP_TAGS += ["font face='.VnTime'", "font face='Arial'", "h2", "caption", "thead", "dl", "dd"]


def _soup(rng, words: list[str], depth: int = 0) -> str:
    """Random nesting of the elements the reader treats apart, closed or not, words between."""
    out = []
    for _ in range(rng.randint(1, 4)):
        tag = rng.choice(_SOUP_TAGS)
        word = f"chibo{len(words)}"
        words.append(word)
        inner = _soup(rng, words, depth + 1) if depth < 5 and rng.random() < 0.6 else ""
        close = f"</{tag.split()[0]}>" if rng.random() < 0.7 else ""
        out.append(f"<{tag}>{word}{rng.choice(['', '<br>', ' '])}{inner}{close}")
    return "".join(out)


def test_any_nesting_of_tables_lists_and_blocks_keeps_every_word_a_reader_sees():
    """Unclosed cells, tables inside rows, lists inside cells: nothing shown is lost."""
    rng = random.Random(7)
    for _ in range(300):
        words: list[str] = []
        page = "<html><body>" + _soup(rng, words)
        text = "\n".join(read_upload(page.encode(), "soup.html").lines)
        assert [word for word in words if word not in text] == [], page


def test_markup_pasted_in_a_form_with_characters_no_file_holds_is_read():
    """A form's text may carry a lone surrogate or a NUL; the page is read, never a 500."""
    doc = parse_pasted(f"<html><body><p>{SUPERIOR}\ud800</p><p>{NUMBER}\x00</p>")
    assert (doc.header.org, doc.header.number) == (SUPERIOR, "2449-CV/ĐU")
    assert doc.warnings[0].message == messages.NOTE_HTML


def _web_archive(page: bytes, saved_by: str) -> bytes:
    """`page` saved as one file, as Internet Explorer ("Web Archive") or Chrome ("Webpage,
    Single File") writes it: mail headers, the page quoted-printable, an image in base64."""
    archive = EmailMessage()
    archive["From"] = f"<Saved by {saved_by}>"
    archive["Subject"] = "Công văn 2449-CV/ĐU"
    archive["MIME-Version"] = "1.0"
    archive.set_content(page.decode(), subtype="html", cte="quoted-printable")
    archive.make_related()
    archive.add_related(b"GIF89a" + bytes(64), maintype="image", subtype="gif", cid="<logo@tu>")
    return archive.as_bytes().replace(b"\n", b"\r\n")


@pytest.mark.parametrize("saved_by", ["Windows Internet Explorer 8", "Blink"])
@pytest.mark.parametrize("filename", ["cong-van.mht", "cong-van.mhtml", "tai-ve"])
def test_a_page_saved_as_one_file_is_read_as_the_page(saved_by, filename):
    page = REAL / "derived-cong-van-2449-cv-du-ubnd-tinh-lao-cai-vntime-html.html"
    data = _web_archive(page.read_bytes(), saved_by)
    assert read_upload(data, filename).lines == read_upload(page.read_bytes(), page.name).lines
    assert parsed_fields(parse_upload(data, filename)) == expected_fields(page)


def test_a_web_archive_without_a_page_says_so():
    archive = EmailMessage()
    archive["MIME-Version"] = "1.0"
    archive.set_content(b"GIF89a", maintype="image", subtype="gif")
    archive.make_related()
    with pytest.raises(DocumentError) as error:
        read_upload(archive.as_bytes(), "anh.mht")
    assert error.value.message == messages.FILE_HTML_EMPTY
