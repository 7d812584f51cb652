"""Files of every kind a secretary brings, built here from Vietnamese text (no binary fixtures).

.doc and .pdf are made the way people make them: a .docx saved by LibreOffice headless.
"""

import io
import unicodedata

import docx
import docx.shared
import pypdf
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from PIL import Image
from pypdf.generic import ContentStream

from chibo_flow.documents.reading import OLE_SIGNATURE, convert_with_office

OFFICE_TIMEOUT_S = 120

# The Party header as a secretary types it in Word: a borderless two-column table.
HEADER = (
    ("ĐẢNG BỘ XÃ TIÊN CƯỜNG", "ĐẢNG CỘNG SẢN VIỆT NAM"),
    ("CHI BỘ TRƯỜNG MẦM NON TIÊN CƯỜNG", "Tiên Cường, ngày 05 tháng 01 năm 2023"),
    ("Số 01-CTr/CB", ""),
)
NUMBERED = (  # (level, text) of paragraphs numbered by Word: I., 1., a)
    (0, "MỤC ĐÍCH, YÊU CẦU"),
    (1, "Mục đích"),
    (2, "Nâng cao chất lượng sinh hoạt chi bộ"),
    (1, "Yêu cầu"),
    (0, "NHIỆM VỤ, GIẢI PHÁP"),
)
_NUMBERING_XML = (
    f"<w:abstractNum {nsdecls('w')} w:abstractNumId='90'>"
    "<w:lvl w:ilvl='0'><w:start w:val='1'/><w:numFmt w:val='upperRoman'/>"
    "<w:lvlText w:val='%1.'/></w:lvl>"
    "<w:lvl w:ilvl='1'><w:start w:val='1'/><w:numFmt w:val='decimal'/>"
    "<w:lvlText w:val='%2.'/></w:lvl>"
    "<w:lvl w:ilvl='2'><w:start w:val='1'/><w:numFmt w:val='lowerLetter'/>"
    "<w:lvlText w:val='%3)'/></w:lvl>"
    "</w:abstractNum>"
)

# TCVN3: the small letters' codes; a capital with a tone is typed as its capital without the
# tone followed by the toned small letter ("Ầ" → "¢Ç").
_TCVN3 = dict(
    zip(
        "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ",
        "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦",
        strict=True,
    )
)


def to_tcvn3(text: str) -> bytes:
    """`text` encoded in TCVN3 (ABC), as a .VnTime user's file holds it."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in _TCVN3:
            out.append(_TCVN3[char])
        elif char.lower() in _TCVN3 and char.isupper():
            tones = "\u0300\u0301\u0303\u0309\u0323"
            shape = "".join(c for c in unicodedata.normalize("NFD", char) if c not in tones)
            shape = unicodedata.normalize("NFC", shape)
            out.append(_TCVN3.get(shape, shape) + _TCVN3[char.lower()])
        else:
            out.append(char)
    return "".join(out).encode("cp1252")


def to_tcvn3_text(text: str) -> str:
    """`text` in TCVN3 as Word shows it in a .VnTime run (Latin-1 letters)."""
    return to_tcvn3(text).decode("cp1252")


def save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _text_box(lines: list[str]) -> str:
    """A run holding a floating text box of `lines`, as Word 2010 and later write it: a shape
    (mc:Choice) and, for older readers, the same box in VML (mc:Fallback)."""
    content = (
        "<w:txbxContent>"
        + "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)
        + "</w:txbxContent>"
    )
    return (
        f"<w:r {nsdecls('w', 'wp', 'a')}"
        " xmlns:mc='http://schemas.openxmlformats.org/markup-compatibility/2006'"
        " xmlns:wps='http://schemas.microsoft.com/office/word/2010/wordprocessingShape'"
        " xmlns:v='urn:schemas-microsoft-com:vml'>"
        "<mc:AlternateContent><mc:Choice Requires='wps'><w:drawing>"
        "<wp:anchor distT='0' distB='0' distL='114300' distR='114300' simplePos='0'"
        " relativeHeight='2' behindDoc='0' locked='0' layoutInCell='1' allowOverlap='1'>"
        "<wp:simplePos x='0' y='0'/>"
        "<wp:positionH relativeFrom='column'><wp:posOffset>3000000</wp:posOffset></wp:positionH>"
        "<wp:positionV relativeFrom='paragraph'><wp:posOffset>0</wp:posOffset></wp:positionV>"
        "<wp:extent cx='2900000' cy='600000'/><wp:effectExtent l='0' t='0' r='0' b='0'/>"
        "<wp:wrapNone/><wp:docPr id='1' name='Text Box 1'/><wp:cNvGraphicFramePr/>"
        "<a:graphic><a:graphicData"
        " uri='http://schemas.microsoft.com/office/word/2010/wordprocessingShape'>"
        "<wps:wsp><wps:cNvSpPr txBox='1'/><wps:spPr><a:xfrm><a:off x='0' y='0'/>"
        "<a:ext cx='2900000' cy='600000'/></a:xfrm><a:prstGeom prst='rect'><a:avLst/>"
        f"</a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr><wps:txbx>{content}"
        "</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
        "</w:drawing></mc:Choice><mc:Fallback><w:pict>"
        "<v:shape style='position:absolute;margin-left:236pt;width:228pt;height:47pt'"
        f" stroked='f'><v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def programme_docx(font: str | None = None, header_box: bool = False) -> bytes:
    """A chương trình typed in Word: header table, type, title, Word-numbered sections.

    With `font` (".VnTime"), every run is typed in that legacy TCVN3 font. With `header_box`,
    the header's right column is a floating text box beside the left column's paragraphs, as
    many offices lay it out, instead of the table's.
    """
    document = docx.Document()

    def run(paragraph, text):
        if font is None:
            paragraph.add_run(text)
        else:
            paragraph.add_run(to_tcvn3_text(text)).font.name = font

    if header_box:
        left, right = zip(*HEADER, strict=True)
        for text in filter(None, left):
            run(document.add_paragraph(), text)
        box = _text_box([text for text in right if text])
        document.paragraphs[0]._p.append(parse_xml(box))
    else:
        table = document.add_table(rows=len(HEADER), cols=2)
        for row, texts in zip(table.rows, HEADER, strict=True):
            for cell, text in zip(row.cells, texts, strict=True):
                run(cell.paragraphs[0], text)
    for text in ("CHƯƠNG TRÌNH", "Hành động năm 2023 của chi bộ"):
        run(document.add_paragraph(), text)
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(_NUMBERING_XML))
    numbering.append(
        parse_xml(f"<w:num {nsdecls('w')} w:numId='90'><w:abstractNumId w:val='90'/></w:num>")
    )
    for level, text in NUMBERED:
        paragraph = document.add_paragraph()
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = 90
        run(paragraph, text)
        run(document.add_paragraph(), "Thực hiện nghiêm túc.")
    signature = document.add_table(rows=3, cols=2)
    run(signature.rows[0].cells[0].paragraphs[0], "Nơi nhận:")
    run(signature.rows[1].cells[0].paragraphs[0], "- Đảng ủy xã (b/c);")
    run(signature.rows[2].cells[0].paragraphs[0], "- Lưu CB.")
    for row, text in zip(signature.rows, ("TM. CHI BỘ", "BÍ THƯ", "Vũ Thị Xuyên"), strict=True):
        run(row.cells[1].paragraphs[0], text)
    document.add_paragraph()  # Word always ends a document with a paragraph, even after a table
    return save(document)


def with_date_picker(data: bytes) -> bytes:
    """`data` with the date of its date line in a content control (a date picker), as Word
    templates offer it: "Tiên Cường, ngày " then the control's "05 tháng 01 năm 2023"."""
    document = docx.Document(io.BytesIO(data))
    (paragraph,) = [p for c in document.tables[0]._cells for p in c.paragraphs if "ngày" in p.text]
    place, date = paragraph.text.split("ngày ")
    for run in paragraph.runs:
        run._r.getparent().remove(run._r)
    paragraph.add_run(f"{place}ngày ")
    paragraph._p.append(parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtPr><w:date><w:dateFormat w:val=\"dd 'tháng' MM 'năm' yyyy\"/>"
        f"</w:date></w:sdtPr><w:sdtContent><w:r><w:t>{date}</w:t></w:r></w:sdtContent></w:sdt>"
    ))  # fmt: skip
    return save(document)


def office(data: bytes, suffix: str, target: str) -> bytes:
    """`data` converted by LibreOffice headless ("doc", "pdf")."""
    return convert_with_office(data, suffix, target, OFFICE_TIMEOUT_S)


def uncompressed_pdf(paragraphs: list[str], font_pt: float = 8) -> bytes:
    """A dense text PDF of `paragraphs` (A4, 1.5 cm margins, Liberation Serif at `font_pt`) made
    by LibreOffice, its pages' contents written uncompressed, as some PDF printers do: ~39 KB
    of page content for a page of 1,200 words at 8 pt."""
    document = docx.Document()
    for section in document.sections:
        section.left_margin = section.right_margin = docx.shared.Cm(1.5)
        section.top_margin = section.bottom_margin = docx.shared.Cm(1.5)
    for paragraph in paragraphs:
        run = document.add_paragraph().add_run(paragraph)
        run.font.size, run.font.name = docx.shared.Pt(font_pt), "Liberation Serif"
    pdf = office(save(document), "docx", "pdf")
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        page.replace_contents(ContentStream(page.get_contents(), writer))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A PDF holding only a picture of a page: what a scanner makes (no text layer)."""
    out = io.BytesIO()
    Image.new("L", (210, 297), color=255).save(out, "PDF")
    return out.getvalue()


def corrupt_doc() -> bytes:
    """A file that starts like a Word 97-2003 document and is broken after that."""
    return OLE_SIGNATURE + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(512)


def numbered_labels(document_bytes: bytes) -> list[str]:
    """The w:numPr paragraphs of a .docx (to check a sample is numbered by Word, not by text)."""
    body = docx.Document(io.BytesIO(document_bytes)).element.body
    return [p for p in body.iter(qn("w:p")) if p.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None]
