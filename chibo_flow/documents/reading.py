"""Reading an uploaded file into lines of text: sniffing its kind, decoding, converting.

Every kind of file a secretary brings ends as the same thing, a `Source`: the lines of the
document in reading order (table cells and the columns of a PDF line separated by a tab) and
notes on what was done to read them (an encoding converted, a .doc, .rtf or .odt converted to
.docx by LibreOffice, a web page's markup left out). The structure parser reads those lines; it
never sees bytes.
"""

from __future__ import annotations

import codecs
import contextlib
import ctypes
import email
import email.policy
import fcntl
import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from flask import current_app, has_app_context
from lxml import etree
from pypdf.errors import FileNotDecryptedError, LimitReachedError, PyPdfError
from pypdf.generic import IndirectObject, StreamObject

from chibo_flow import messages
from chibo_flow.documents import legacy_fonts, web_page
from chibo_flow.documents.word_numbering import WordNumbering
from chibo_flow.security.archives import is_zip_bomb
from chibo_flow.uploads import MB, megabytes

MAX_UPLOAD_BYTES = 5 * MB
TOO_LARGE_MESSAGE = messages.FILE_TOO_LARGE.format(limit=megabytes(MAX_UPLOAD_BYTES))
MAX_PDF_PAGES = 200
# What the text of a PDF may inflate to (its pages, forms, fonts and object streams; images are
# never inflated to read text): 50 times the largest real PDF of the corpus (0.2 MB for 28
# pages); PDFium reads 5 MB of page content in ~2 s.
MAX_PDF_INFLATED_BYTES = 10 * 1024 * 1024
# LibreOffice converting a .doc, .rtf or .odt: a cold start with a fresh profile takes 5-15 s.
DOC_CONVERSION_TIMEOUT_S = 90
# The tags a web page may hold (counted as its "<"): a long document's saved page has a few
# thousand, a news site's with its menus and scripts 10,000-30,000. 100,000 are read into lines
# in ~0.4 s (5 MB of "<b>" would be 1.7 million); the parser then takes its time per line.
MAX_HTML_TAGS = 100_000
_SLOT_POLL_S = (0.05, 0.5)  # a conversion waiting for a slot looks again this often (doubling)
# The settings of LibreOffice's private profile for a conversion: every http, https and ftp
# request goes to a proxy that is not there (the discard port of this machine), so a picture
# an uploaded document links to an address is not fetched from the server (a request forged
# to inside the office network, to a cloud's metadata service). LibreOffice's own setting
# against linked pictures (BlockUntrustedRefererLinks) leaves its .doc import fetching them.
_OFFICE_NO_NETWORK = (  # (setting of org.openoffice.Inet/Settings, its type, its value)
    ("ooInetProxyType", "int", "2"),  # proxies set by hand: these, for every host
    ("ooInetNoProxy", "string", ""),
    ("ooInetHTTPProxyName", "string", "127.0.0.1"),
    ("ooInetHTTPProxyPort", "int", "9"),
    ("ooInetHTTPSProxyName", "string", "127.0.0.1"),
    ("ooInetHTTPSProxyPort", "int", "9"),
    ("ooInetFTPProxyName", "string", "127.0.0.1"),
    ("ooInetFTPProxyPort", "int", "9"),
)
_OFFICE_PROFILE_SETTINGS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items '
    'xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">\n'
    + "".join(
        f'<item oor:path="/org.openoffice.Inet/Settings"><prop oor:name="{name}" oor:op="fuse" '
        f'oor:type="xs:{kind}"><value>{value}</value></prop></item>\n'
        for name, kind, value in _OFFICE_NO_NETWORK
    )
    + "</oor:items>\n"
)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF_SIGNATURE = b"%PDF-"
RTF_SIGNATURE = b"{\\rtf"
# An OpenDocument text's first member, "mimetype" (.odt; .ott, a template, starts the same).
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_NOT_TEXT_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", RTF_SIGNATURE, b"II*\0", b"MM\0*")
_OFFICE_EXTENSIONS = (".docx", ".doc", ".docm", ".dotx", ".dot", ".rtf", ".odt", ".ott")
_HTML_EXTENSIONS = (".html", ".htm", ".xhtml", ".shtml")
_WEB_ARCHIVE_EXTENSIONS = (".mht", ".mhtml")
# A page saved as one file (MHTML): mail headers, "multipart/related" among them.
_WEB_ARCHIVE_RE = re.compile(
    rb"\A(?:[!-9;-~]+:[^\n]*\n|[ \t][^\n]*\n)*?content-type:\s*multipart/related", re.I
)
# Characters no XML tree may hold (lxml refuses the string): C0 controls but tab and line ends,
# lone surrogates (text pasted in a form) and the two non-characters; a browser shows none.
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A page's declared charset as Python names it: Latin-1 and ASCII pages are read as
# Windows-1252, as browsers read them (WHATWG Encoding).
_BROWSER_CHARSETS = {"iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-15": "cp1252"}
# C0 control bytes that never occur in a text file (tab, line ends, form feed, ESC, ^Z do).
_CONTROL_BYTES = bytes(set(range(32)) - set(b"\t\n\r\x0b\x0c\x1a\x1b"))
_DOCX_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    ValueError,
    EOFError,
    NotImplementedError,
    etree.XMLSyntaxError,
    PackageNotFoundError,
)
_PDF_ERRORS = (ValueError, KeyError, TypeError)
# Words of a PDF line: characters at most this far apart (points), tops within the tolerance.
_WORD_GAP_PT, _LINE_TOLERANCE_PT = 1.5, 2.5
_UPRIGHT_RADIANS = 0.01
_SPACES = frozenset(code for code in range(0x3001) if chr(code).isspace())
# PDFium's FPDFText_GetTextObject answering the object's address (pypdfium2 answers a new
# pointer object at every call, which no two compare equal).
_text_object_address = ctypes.CFUNCTYPE(ctypes.c_void_p, pdfium_c.FPDF_TEXTPAGE, ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value
)
_PDFIUM_HYPHEN = 0x02  # what PDFium reads a hyphen ending a line as
# PDFium must not be called from two threads at once, even for two documents.
_PDFIUM = threading.Lock()
# A list number followed by its text after a tab stop ("I.", "1.", "a)"): one cell, not two.
_LIST_LABEL_RE = re.compile(r"^(?:[IVXLC]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)]$")
_PAGE_NUMBER_RE = re.compile(r"^[-–—\s]*(?:Trang\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?[-–—\s]*$")


class DocumentError(Exception):
    """A file that cannot be read as a document; `message` tells the user why, in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileTooLarge(DocumentError):
    """A file over MAX_UPLOAD_BYTES (the API answers 413)."""


@dataclass
class Source:
    """The lines of a document as read from its file, and what reading it took (Vietnamese)."""

    lines: list[str]
    notes: list[str] = field(default_factory=list)


def read_upload(data: bytes, filename: str) -> Source:
    """Read an uploaded .docx, .doc, .rtf, .odt, .pdf, web page (.html, .mht) or text file,
    sniffing its kind by its content (a web page also by its name); raises DocumentError."""
    check_size(data)
    if data.startswith(PDF_SIGNATURE):
        return read_pdf(data)
    if data.startswith(OLE_SIGNATURE):
        return read_doc(data)
    if data.startswith(_ZIP_SIGNATURES):
        _check_zip(data)
        return read_odt(data) if _zip_mimetype(data).startswith(ODT_MIMETYPE) else read_docx(data)
    if data.startswith(RTF_SIGNATURE):
        return read_rtf(data)
    name = filename.lower()
    if name.endswith(_OFFICE_EXTENSIONS):
        raise DocumentError(messages.FILE_NOT_DOCUMENT)
    if name.endswith(_WEB_ARCHIVE_EXTENSIONS) or _WEB_ARCHIVE_RE.match(
        data[:4096].replace(b"\r\n", b"\n")
    ):
        return read_web_archive(data)
    if name.endswith(_HTML_EXTENSIONS) or web_page.looks_like_html(_sniffed_text(data)):
        return read_html(data)
    text, note = decode_text(data)
    return Source(text.splitlines(), [note] if note else [])


def check_size(data: bytes) -> None:
    """Refuse an empty file or one over MAX_UPLOAD_BYTES; raises DocumentError."""
    if not data:
        raise DocumentError(messages.FILE_EMPTY)
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileTooLarge(TOO_LARGE_MESSAGE)


# --- plain text -------------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Decode a text file to NFC; returns the text and a note naming any legacy conversion.

    UTF-8 (with or without BOM) and UTF-16 (with BOM, or recognised by its zero bytes) are read
    as they are; otherwise Windows-1258, TCVN3 and VNI are tried and the most Vietnamese
    reading kept. Raises DocumentError for a binary file or one no encoding reads.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _legacy_inside(_decode(data, "utf-8-sig"))
    utf16 = _utf16_encoding(data)
    if utf16:
        return _legacy_inside(_decode(data, utf16))
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if data.startswith(_NOT_TEXT_SIGNATURES) or b"\0" in data or controls * 100 > len(data):
        raise DocumentError(messages.FILE_NOT_DOCUMENT)
    try:
        return _legacy_inside(unicodedata.normalize("NFC", data.decode("utf-8")))
    except UnicodeDecodeError:
        pass
    readings: list[tuple[str, str]] = []
    with contextlib.suppress(UnicodeDecodeError):
        readings.append((messages.NOTE_CP1258, unicodedata.normalize("NFC", data.decode("cp1258"))))
    try:  # TCVN3 and VNI files are Windows-1252 text to Windows (curly quotes included)
        windows = data.decode("cp1252")
    except UnicodeDecodeError:
        windows = None
    if windows is not None:
        readings.append((messages.NOTE_TCVN3, legacy_fonts.from_tcvn3_lines(windows)))
        readings.append((messages.NOTE_VNI, legacy_fonts.from_vni(windows)))
    if not readings:
        raise DocumentError(messages.FILE_BAD_ENCODING)
    note, text = max(readings, key=lambda reading: legacy_fonts.vietnamese_score(reading[1]))
    if note != messages.NOTE_CP1258 and legacy_fonts.vietnamese_score(text) == 0:
        raise DocumentError(messages.FILE_BAD_ENCODING)
    return text, note


def _decode(data: bytes, encoding: str) -> str:
    try:
        return unicodedata.normalize("NFC", data.decode(encoding))
    except UnicodeDecodeError as exc:
        raise DocumentError(messages.FILE_BAD_ENCODING) from exc


def _utf16_encoding(data: bytes) -> str | None:
    """ "utf-16" for a BOM; "utf-16-le"/"-be" when most high bytes of ASCII text are zero."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    odd_zeros, even_zeros = sample[1::2].count(0), sample[0::2].count(0)
    half = len(sample) // 2
    if odd_zeros > half * 0.3 and even_zeros == 0:
        return "utf-16-le"
    if even_zeros > half * 0.3 and odd_zeros == 0:
        return "utf-16-be"
    return None


def _legacy_inside(text: str) -> tuple[str, str | None]:
    """A Unicode text may still carry TCVN3 or VNI letters (copied from an old document)."""
    converted, encoding = legacy_fonts.best_reading(text)
    if encoding == legacy_fonts.TCVN3:
        return converted, messages.NOTE_TCVN3
    if encoding == legacy_fonts.VNI:
        return converted, messages.NOTE_VNI
    return text, None


# --- web pages ----------------------------------------------------------------------------------


def read_html(data: bytes) -> Source:
    """Read a web page (saved from the browser, or its HTML source) as a reader sees it: the
    charset of its BOM or <meta>, text in TCVN3 or VNI converted (by its font, else by its
    letters); raises DocumentError."""
    check_size(data)
    return read_markup(*_decode_markup(data))


def read_markup(markup: str, note: str | None = None) -> Source:
    """Read a page's markup already decoded (pasted in a form, or by read_html; `note` names a
    legacy encoding converted in decoding it); raises DocumentError."""
    if markup.count("<") > MAX_HTML_TAGS:
        raise DocumentError(messages.FILE_HTML_TOO_COMPLEX.format(limit=f"{MAX_HTML_TAGS:,}"))
    try:
        page = web_page.read_page(_NOT_XML_RE.sub(" ", markup))
    except (etree.ParserError, ValueError) as exc:
        raise DocumentError(messages.FILE_HTML_EMPTY) from exc
    if not any(line.strip() for line in page.lines):
        raise DocumentError(messages.FILE_HTML_EMPTY)
    text = "\n".join(page.lines)
    if page.legacy_fonts:  # converted by their fonts, as in a .docx
        note = messages.NOTE_FONT.format(fonts=", ".join(sorted(page.legacy_fonts)))
    elif note is None:
        text, note = _legacy_inside(text)
    return Source(text.split("\n"), [messages.NOTE_HTML, *([note] if note else [])])


def read_web_archive(data: bytes) -> Source:
    """Read a page saved as one file (.mht, .mhtml: Internet Explorer's "Web Archive", Chrome's
    and Edge's "Webpage, Single File"): its first HTML part, as read_html; raises DocumentError."""
    check_size(data)
    archive = email.message_from_bytes(data, policy=email.policy.default)
    page = next((part for part in archive.walk() if part.get_content_type() == "text/html"), None)
    markup = page.get_payload(decode=True) if page is not None else None
    if not markup:
        raise DocumentError(messages.FILE_HTML_EMPTY)
    return read_html(markup)


def _sniffed_text(data: bytes) -> str:
    """The start of a file as characters, enough to tell markup from text."""
    head = data[: 2 * web_page.SNIFF_CHARS]
    encoding = _utf16_encoding(head)
    return head.decode(encoding or "latin-1", errors="replace")


def _decode_markup(data: bytes) -> tuple[str, str | None]:
    """A page's markup as text, and a note naming a legacy encoding converted in it.

    A BOM, then UTF-8 (a page that decodes as UTF-8 is UTF-8, whatever its <meta> says, as
    the raw source a site printed in its article), then the charset its <meta> declares; a page
    none of these read is an old one in Windows-1258, TCVN3 or VNI bytes, read as a text file
    is (its tags are ASCII, which none of them changes).
    """
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data, "utf-8-sig"), None
    utf16 = _utf16_encoding(data)
    if utf16:
        return _decode(data, utf16), None
    with contextlib.suppress(UnicodeDecodeError):
        return unicodedata.normalize("NFC", data.decode("utf-8")), None
    charset = web_page.declared_charset(data)
    try:
        encoding = codecs.lookup(charset).name if charset else None
    except LookupError:
        encoding = None
    encoding = _BROWSER_CHARSETS.get(encoding or "", encoding)
    if encoding and encoding not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
        with contextlib.suppress(UnicodeDecodeError):
            return unicodedata.normalize("NFC", data.decode(encoding)), None
    return decode_text(data)


# --- Word -------------------------------------------------------------------------------------


def read_docx(data: bytes) -> Source:
    """Read a .docx: paragraphs and tables in body order, Word numbering and legacy fonts."""
    check_size(data)
    if data.startswith(OLE_SIGNATURE):
        return read_doc(data)
    _check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
        reader = _WordReader(document)
        lines = list(reader.block_lines(document.element.body))
    except _DOCX_ERRORS as exc:
        raise DocumentError(messages.FILE_NOT_DOCUMENT) from exc
    notes = [messages.NOTE_FONT.format(fonts=", ".join(sorted(reader.legacy_fonts)))]
    return Source(lines, notes if reader.legacy_fonts else [])


def _zip_mimetype(data: bytes) -> bytes:
    """The "mimetype" member an OpenDocument file starts with (b"" for none, as in a .docx)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("mimetype")
            return archive.read(info) if info.file_size <= 100 else b""
    except (KeyError, *_DOCX_ERRORS, OSError):
        return b""


def _check_zip(data: bytes) -> None:
    """Refuse a zip bomb by its central directory, before anything is inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            bomb = is_zip_bomb(archive)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise DocumentError(messages.FILE_NOT_DOCUMENT) from exc
    if bomb:
        raise DocumentError(messages.FILE_ZIP_BOMB)


# Markup Compatibility: Word writes a text box twice, as a drawing (mc:Choice) and as VML for
# older readers (mc:Fallback).
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# A paragraph's runs: its own, in a link, an insertion or move kept by track changes, a smart
# tag, a simple field, or an inline content control (a template's date picker).
_RUN_PATH = (
    "./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:moveTo/w:r | ./w:smartTag/w:r"
    " | ./w:fldSimple/w:r | ./w:sdt/w:sdtContent/w:r"
)


class _WordReader:
    """Walks a Word body: text of each paragraph with its automatic number, fonts converted."""

    def __init__(self, document: WordDocument) -> None:
        self.document = document
        self.styles = {
            style.get(qn("w:styleId")): style
            for style in document.styles.element.iterchildren(qn("w:style"))
        }
        defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
        self.default_font = _run_font(defaults.find(qn("w:rPr"))) if defaults is not None else None
        self.numbering = WordNumbering.of(document, self.styles)
        self.legacy_fonts: set[str] = set()

    def block_lines(self, container: BaseOxmlElement) -> Iterator[str]:
        """Yield the text lines of body-level paragraphs and tables (cell by cell), in order."""
        for child in container.iterchildren():
            if child.tag == qn("w:p"):
                yield from self.paragraph_text(child).split("\n")
                for box in _text_boxes(child):
                    yield from self.block_lines(box)
            elif child.tag == qn("w:tbl"):
                for row in child.iterchildren(qn("w:tr")):
                    for cell in row.iterchildren(qn("w:tc")):
                        yield from self.block_lines(cell)
                        yield ""
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from self.block_lines(content)

    def paragraph_text(self, paragraph: BaseOxmlElement) -> str:
        style_id = _style_id(paragraph.find(qn("w:pPr")), "w:pStyle")
        paragraph_font = self.style_font(style_id)
        parts = []
        for run in paragraph.xpath(_RUN_PATH):
            rpr = run.find(qn("w:rPr"))
            font = (
                _run_font(rpr)
                or self.style_font(_style_id(rpr, "w:rStyle"))
                or paragraph_font
                or self.default_font
            )
            encoding = legacy_fonts.font_encoding(font)
            text = _run_text(run, keep_soft_hyphens=encoding == legacy_fonts.TCVN3)
            if encoding:
                self.legacy_fonts.add(font)
                text = legacy_fonts.convert(text, encoding, legacy_fonts.is_capitals_font(font))
            parts.append(text)
        label = self.numbering.label(paragraph)
        text = "".join(parts)
        return f"{label} {text}" if label and text.strip() else text

    def style_font(self, style_id: str | None) -> str | None:
        """The font a paragraph or character style sets, following its basedOn chain."""
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                return None
            font = _run_font(style.find(qn("w:rPr")))
            if font:
                return font
            based_on = style.find(qn("w:basedOn"))
            style_id = based_on.get(qn("w:val")) if based_on is not None else None
        return None


def _text_boxes(paragraph: BaseOxmlElement) -> Iterator[BaseOxmlElement]:
    """The contents of the text boxes anchored in `paragraph` (a header's right column or a
    "DỰ THẢO" stamp typed in a box), each once: not its VML copy under mc:Fallback, nor a box
    inside another box (read with the outer box's paragraphs)."""
    for box in paragraph.iter(qn("w:txbxContent")):
        parent = box.getparent()
        while parent is not paragraph and parent.tag not in (_MC_FALLBACK, qn("w:txbxContent")):
            parent = parent.getparent()
        if parent is paragraph:
            yield box


_RUN_CHARACTERS = {
    qn("w:tab"): "\t",
    qn("w:br"): "\n",
    qn("w:cr"): "\n",
    qn("w:noBreakHyphen"): "-",
}


def _run_text(run: BaseOxmlElement, keep_soft_hyphens: bool) -> str:
    """The text of a run; TCVN3 puts "ư" on the soft hyphen's code, which Word keeps apart."""
    parts = []
    for child in run.iterchildren():
        if child.tag == qn("w:t"):
            parts.append(child.text or "")
        elif child.tag == qn("w:softHyphen"):
            parts.append("\xad" if keep_soft_hyphens else "")
        else:
            parts.append(_RUN_CHARACTERS.get(child.tag, ""))
    return "".join(parts)


def _style_id(properties: BaseOxmlElement | None, tag: str) -> str | None:
    if properties is None:
        return None
    element = properties.find(qn(tag))
    return element.get(qn("w:val")) if element is not None else None


def _run_font(rpr: BaseOxmlElement | None) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        return None
    return fonts.get(qn("w:ascii")) or fonts.get(qn("w:hAnsi"))


# --- Word 97-2003 (.doc), RTF and OpenDocument (.odt) through LibreOffice ----------------------


def read_doc(data: bytes) -> Source:
    """Convert a .doc to .docx with LibreOffice headless, then read it; raises DocumentError."""
    if _ENCRYPTION_INFO in data:
        raise DocumentError(messages.FILE_ENCRYPTED)
    return _read_converted(data, "doc", messages.NOTE_DOC_CONVERTED)


def read_rtf(data: bytes) -> Source:
    """Convert an .rtf (WordPad, old Word) to .docx with LibreOffice, then read it; raises
    DocumentError."""
    return _read_converted(data, "rtf", messages.NOTE_RTF_CONVERTED)


def read_odt(data: bytes) -> Source:
    """Convert an .odt (LibreOffice Writer) to .docx with LibreOffice, then read it; raises
    DocumentError."""
    return _read_converted(data, "odt", messages.NOTE_ODT_CONVERTED)


def _read_converted(data: bytes, suffix: str, note: str) -> Source:
    source = read_docx(convert_to_docx(data, suffix))
    return Source(source.lines, [note, *source.notes])


def convert_to_docx(data: bytes, suffix: str) -> bytes:
    """The .docx LibreOffice makes of a file of kind `suffix` ("doc", "rtf", "odt"), within
    DOC_CONVERSION_TIMEOUT_S and one of the app's conversion slots; raises DocumentError."""
    return convert_with_office(data, suffix, "docx:MS Word 2007 XML", DOC_CONVERSION_TIMEOUT_S)


def convert_with_office(data: bytes, suffix: str, target: str, timeout: float) -> bytes:
    """Convert a file with LibreOffice headless, in a private profile without network access
    (_OFFICE_PROFILE_SETTINGS), within `timeout` s.

    `suffix` names the kind of `data` ("doc", "docx"); `target` is LibreOffice's
    --convert-to argument ("pdf", "docx:MS Word 2007 XML"). In the app, the conversion first
    takes one of its OFFICE_CONVERSIONS slots (office_slot). Raises DocumentError.
    """
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise DocumentError(messages.FILE_DOC_NO_CONVERTER)
    with _app_office_slot(), tempfile.TemporaryDirectory(prefix="chibo-office-") as tmp:
        work = Path(tmp)
        settings = work / "profile" / "user" / "registrymodifications.xcu"
        settings.parent.mkdir(parents=True)
        settings.write_text(_OFFICE_PROFILE_SETTINGS, encoding="utf-8")
        source = work / f"in.{suffix}"
        source.write_bytes(data)
        command = [
            office,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        run_office(command, timeout)
        converted = work / "out" / f"in.{target.split(':')[0]}"
        if not converted.exists():
            raise DocumentError(messages.FILE_DOC_UNREADABLE)
        return converted.read_bytes()


def _app_office_slot() -> contextlib.AbstractContextManager[None]:
    """The app's slot for one conversion (OFFICE_CONVERSIONS, OFFICE_WAIT_S); none outside an
    app (a test's or script's own conversions)."""
    if not has_app_context():
        return contextlib.nullcontext()
    config = current_app.config
    return office_slot(
        Path(config["OFFICE_SLOTS_DIR"]), config["OFFICE_CONVERSIONS"], config["OFFICE_WAIT_S"]
    )


@contextlib.contextmanager
def office_slot(directory: Path, slots: int, wait_s: float) -> Iterator[None]:
    """Hold one of `slots` conversion slots shared by every process using `directory`: an
    exclusive lock (flock) on one of its files `slot-0` … `slot-N`, which the kernel releases
    when the holder ends, even killed. A free slot is looked for again until `wait_s` has
    passed; then DocumentError(FILE_CONVERSION_BUSY): nothing was read or stored."""
    directory.mkdir(parents=True, exist_ok=True)
    deadline, pause = time.monotonic() + wait_s, _SLOT_POLL_S[0]
    while (held := _free_slot(directory, slots)) is None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise DocumentError(messages.FILE_CONVERSION_BUSY)
        time.sleep(min(pause, left))
        pause = min(2 * pause, _SLOT_POLL_S[1])
    try:
        yield
    finally:
        os.close(held)


def _free_slot(directory: Path, slots: int) -> int | None:
    """The descriptor of a slot file this process now locks, or None when every one is held."""
    for number in range(slots):
        descriptor = os.open(directory / f"slot-{number}", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        return descriptor
    return None


def run_office(command: list[str], timeout: float) -> None:
    """Run LibreOffice in its own process group, killed whole when it overruns `timeout`."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise DocumentError(messages.FILE_CONVERSION_TIMEOUT) from exc


# --- PDF --------------------------------------------------------------------------------------


def read_pdf(data: bytes) -> Source:
    """Read the text layer of a PDF, lines rebuilt in reading order; raises DocumentError."""
    check_size(data)
    _check_pdf_streams(data)
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            encrypted = exc.err_code == pdfium_c.FPDF_ERR_PASSWORD
            raise DocumentError(
                messages.FILE_ENCRYPTED if encrypted else messages.FILE_PDF_UNREADABLE
            ) from exc
        try:
            if len(document) > MAX_PDF_PAGES:
                raise DocumentError(messages.FILE_PDF_TOO_LONG.format(limit=MAX_PDF_PAGES))
            pages = [_page_lines(page_words(page)) for page in document]
        except pdfium.PdfiumError as exc:
            raise DocumentError(messages.FILE_PDF_UNREADABLE) from exc
        finally:
            document.close()
    if not any(line.strip() for page in pages for line in page):
        raise DocumentError(messages.FILE_PDF_SCANNED)
    lines: list[str] = []
    for number, page in enumerate(pages):
        if number:
            page = _without_page_number(page)
        lines += page
    text, encoding = legacy_fonts.best_reading("\n".join(lines))
    notes = [messages.NOTE_PDF]
    if encoding:
        notes.append(messages.NOTE_TCVN3 if encoding == legacy_fonts.TCVN3 else messages.NOTE_VNI)
    return Source(text.split("\n"), notes)


@dataclass
class Word:
    """A run of characters of one size on one line with no gap wider than _WORD_GAP_PT, in PDF
    points from the page's top left: from its characters' advances, and the font size above
    their baseline."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def page_words(page: pdfium.PdfPage) -> list[Word]:
    """The upright words of a page in drawing order, from PDFium's characters: four calls into C
    a character (its code, text object, advance box and baseline), a word grown in place
    (pdfminer interpreted every glyph in Python and pdfplumber built a dictionary of its
    colours and matrices: ~15 s for 5 MB of page content). Rotated text (a stamp across the
    page) is no line of the document and is left out."""
    height = page.get_height()
    text_page = page.get_textpage()
    handle = text_page.raw  # the handle itself: pypdfium2's objects convert at every call
    box, x, y = pdfium_c.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
    box_p, x_p, y_p = ctypes.byref(box), ctypes.byref(x), ctypes.byref(y)
    unicode, text_object = pdfium_c.FPDFText_GetUnicode, _text_object_address
    loose_box, char_origin = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin
    words: list[Word] = []
    word: Word | None = None
    last_x0 = last_x1 = last_top = 0.0
    high = 0  # the first half of a UTF-16 surrogate pair
    drawn_by, size, upright = None, 0.0, True  # the text object of the last character, its size
    try:
        for index in range(pdfium_c.FPDFText_CountChars(handle)):
            code = unicode(handle, index)
            if code in _SPACES:
                if not pdfium_c.FPDFText_IsGenerated(handle, index):
                    word = None  # a space in the file ends the word (PDFium's own are ignored)
                continue
            if 0xD800 <= code < 0xDC00:
                high = code
                continue
            if 0xDC00 <= code < 0xE000:
                code = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
            elif code == _PDFIUM_HYPHEN and pdfium_c.FPDFText_IsHyphen(handle, index):
                code = ord("-")  # a hyphen that ends a line
            elif not code:
                continue  # a glyph that names no character
            drawing = text_object(handle, index)
            if drawing != drawn_by:  # a text object has one font size and one direction
                drawn_by = drawing
                size = pdfium_c.FPDFText_GetFontSize(handle, index)
                upright = abs(pdfium_c.FPDFText_GetCharAngle(handle, index)) <= _UPRIGHT_RADIANS
            if not upright:
                continue
            loose_box(handle, index, box_p)
            char_origin(handle, index, x_p, y_p)
            x0, x1, bottom = box.left, box.right, height - y.value
            top = bottom - size
            if (
                word is not None
                and word.size == size
                and last_x0 <= x0 <= last_x1 + _WORD_GAP_PT
                and abs(top - last_top) <= _LINE_TOLERANCE_PT
            ):
                word.text += chr(code)
                if x1 > word.x1:
                    word.x1 = x1
                if top < word.top:
                    word.top, word.bottom = top, bottom  # one size: top and bottom move together
                elif bottom > word.bottom:
                    word.bottom = bottom
            else:
                word = Word(chr(code), x0, x1, top, bottom, size)
                words.append(word)
            last_x0, last_x1, last_top = x0, x1, top
    finally:
        text_page.close()
        page.close()
    return words


def _check_pdf_streams(data: bytes) -> None:
    """Refuse a PDF whose streams other than images inflate past MAX_PDF_INFLATED_BYTES (a
    "PDF bomb": pdfminer inflates them without a bound); each is inflated by pypdf, which stops
    at its own limit. Raises DocumentError."""
    total = 0
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(messages.FILE_ENCRYPTED)
        for generation, numbers in reader.xref.items():
            for number in numbers:
                stream = reader.get_object(IndirectObject(number, generation, reader))
                if isinstance(stream, StreamObject) and stream.get("/Subtype") != "/Image":
                    total += len(stream.get_data())
                    if total > MAX_PDF_INFLATED_BYTES:
                        raise DocumentError(messages.FILE_PDF_BOMB)
    except LimitReachedError as exc:
        raise DocumentError(messages.FILE_PDF_BOMB) from exc
    except FileNotDecryptedError as exc:
        raise DocumentError(messages.FILE_ENCRYPTED) from exc
    except (PyPdfError, *_PDF_ERRORS, zlib.error) as exc:
        raise DocumentError(messages.FILE_PDF_UNREADABLE) from exc


def _page_lines(words: list[Word]) -> list[str]:
    """The lines of one page top to bottom; words far apart on a line become tab-separated cells."""
    rows: list[tuple[list[Word], list[float]]] = []  # words of a row, and the row's top and bottom
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        middle = (word.top + word.bottom) / 2
        extent = rows[-1][1] if rows else None
        if extent and extent[0] <= middle <= extent[1]:
            rows[-1][0].append(word)  # same row: columns set in different sizes still line up
            extent[0], extent[1] = min(extent[0], word.top), max(extent[1], word.bottom)
        else:
            rows.append(([word], [word.top, word.bottom]))
    lines = []
    previous_bottom = None
    for row, (_, bottom) in rows:
        row.sort(key=lambda w: w.x0)
        if previous_bottom is not None and row[0].top - previous_bottom > row[0].size:
            lines.append("")  # a paragraph gap
        text = row[0].text
        for left, right in zip(row, row[1:], strict=False):
            gap = right.x0 - left.x1
            wide = gap > 1.5 * right.size and not _LIST_LABEL_RE.match(left.text)
            text += ("\t" if wide else " ") + right.text
        lines.append(unicodedata.normalize("NFC", text))
        previous_bottom = bottom
    return lines


def _without_page_number(lines: list[str]) -> list[str]:
    """Drop a page number standing alone as the first or last line of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    drop = {i for i in (filled[:1] + filled[-1:]) if _PAGE_NUMBER_RE.match(lines[i])}
    return [line for i, line in enumerate(lines) if i not in drop]
