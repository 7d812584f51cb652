"""A web page (saved from the browser, or its HTML source) read into lines as a reader sees it.

Block elements (p, div, h1-h6, li, br, tr ...) end lines; the cells of a table row are set
side by side, separated by a tab, as the PDF reader sets a page's columns; what a reader never
sees (head, script, style, nav, hidden elements, comments) is left out; entities are decoded
by lxml; text set in a TCVN3 or VNI font (<font face=".VnTime">, font-family: VNI-Times) is
converted as the .docx reader converts it. The walk is iterative (libxml2 itself stops nesting
at 256 levels), so no page can exhaust the stack; reading.read_html bounds the number of tags
before parsing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lxml import etree

from chibo_flow.documents import legacy_fonts
from chibo_flow.documents.word_numbering import format_number

# Where the sniffing looks: the first characters of the file.
SNIFF_CHARS = 64 * 1024
_DOCUMENT_RE = re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_TAG_RE = re.compile(
    r"</?(?:p|br|div|span|strong|em|b|i|u|font|a|img|table|tr|td|th|li|ul|ol|h[1-6]|body|meta)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
# HTML source pasted among text: at least this many tags, at least this many per 1,000 characters.
_DENSE_TAGS, _TAGS_PER_1000 = 8, 2
_CHARSET_RE = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)

_SKIPPED = frozenset(
    {"head", "script", "style", "nav", "noscript", "template", "title", "select", "button"}
    | {"iframe", "object", "embed", "svg", "math", "textarea"}
)
_BLOCKS = frozenset(
    {"html", "body", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl"}
    | {"dt", "dd", "table", "thead", "tbody", "tfoot", "caption", "blockquote", "pre", "hr"}
    | {"address", "article", "section", "aside", "header", "footer", "main", "figure"}
    | {"figcaption", "form", "fieldset", "legend", "center", "details", "summary"}
)
_CELLS = frozenset({"td", "th"})
# A row whose cells hold at most this many lines each is set side by side (a header table:
# the issuing body left, the date right); longer cells (a page laid out in a table, menus
# beside the article) are read one after the other, as the .docx reader reads cells.
_SIDE_BY_SIDE_LINES = 6
_HTML_SPACE_RE = re.compile(r"[ \t\n\r\f]+")
_ORDERED_FORMATS = {
    "1": "decimal",
    "a": "lowerLetter",
    "A": "upperLetter",
    "i": "lowerRoman",
    "I": "upperRoman",
}
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# lxml's HTML parser (libxml2's) with plain elements: lxml.html's element classes cost a third
# of the walk; nothing is fetched.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
_FONT_FAMILY_RE = re.compile(r"font-family\s*:\s*([^;,]+)", re.IGNORECASE)


def looks_like_html(sample: str) -> bool:
    """Whether the start of a file is HTML: a document tag, or markup dense among its text."""
    sample = sample[:SNIFF_CHARS]
    if _DOCUMENT_RE.search(sample, 0, 4096):
        return True
    tags = len(_TAG_RE.findall(sample))
    return tags >= _DENSE_TAGS and tags * 1000 >= _TAGS_PER_1000 * len(sample)


def declared_charset(data: bytes) -> str | None:
    """The charset a page's <meta> declares in its first bytes, lower-cased, or None."""
    match = _CHARSET_RE.search(data[:SNIFF_CHARS])
    return match[1].decode("ascii").lower() if match else None


@dataclass
class _Block:
    """Lines being collected: the page, or one table cell."""

    lines: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # the inline text of the line being written
    rows: list[list[list[str]]] = field(default_factory=list)  # tables open in it: their cells
    labelled: bool = False  # the line being written holds a list item's number and nothing else

    def end_line(self, blank: bool = False) -> None:
        """End the line being written; an empty one only when `blank` (a <br>)."""
        text = "".join(self.parts).strip(" ")
        self.parts.clear()
        self.labelled = False
        if text or blank:
            self.lines.append(unicodedata.normalize("NFC", text))

    def end_rows(self) -> None:
        """End the line being written and the table rows left open (a cell outside a <tr>)."""
        self.end_line()
        while self.rows:
            _end_row(self)


@dataclass
class Page:
    """A page's lines, and the legacy fonts (TCVN3, VNI) whose text was converted."""

    lines: list[str]
    legacy_fonts: set[str]


def read_page(markup: str) -> Page:
    """The lines of a page as a reader sees them; raises ValueError or lxml's ParserError for
    markup lxml cannot read (nothing in it)."""
    root = etree.fromstring(markup, _PARSER)
    if root is None:
        raise ValueError("no element")
    fonts: set[str] = set()
    page = _Block()
    blocks = [page]
    numbers: list[tuple[str, int] | None] = []  # per open list: its format and next number
    pre = 0
    stack = [(root, root.iterchildren(), _Font.of(root, None, fonts))]
    while stack:
        element, children, font = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if element is not root:
                tag = element.tag
                if tag in _CELLS:
                    cell = blocks.pop()
                    cell.end_rows()
                    if blocks[-1].rows:
                        blocks[-1].rows[-1].append(cell.lines)
                    else:  # its row already ended (a table inside a <tr>): the lines as they are
                        blocks[-1].lines += cell.lines
                elif tag == "tr":
                    _end_row(blocks[-1])
                elif tag in _BLOCKS:
                    blocks[-1].end_line()
                    if tag == "table":
                        blocks[-1].end_rows()
                    elif tag in ("ul", "ol"):
                        numbers.pop()
                    elif tag == "pre":
                        pre -= 1
                _text(blocks[-1], element.tail, pre, stack[-1][2])
            continue
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED or _hidden(child):
            _text(blocks[-1], child.tail, pre, font)  # a comment or skipped element: its tail stays
            continue
        block = blocks[-1]
        if tag == "br":
            block.end_line(blank=True)
            _text(block, child.tail, pre, font)
            continue
        if tag in _CELLS:
            if not block.rows:
                block.rows.append([])  # a cell outside any <tr>: a row of its own
            blocks.append(_Block())
        elif tag == "tr":
            block.end_line()
            block.rows.append([])
        elif tag in _BLOCKS:
            if not block.labelled:  # "<li><p>text": the number and the text on one line
                block.end_line()
            if tag in ("ul", "ol"):
                numbers.append(_list_numbering(child))
            elif tag == "li":
                block.end_line()
                block.parts.append(_item_label(numbers))
                block.labelled = True
            elif tag == "pre":
                pre += 1
        child_font = _Font.of(child, font, fonts)
        _text(blocks[-1], child.text, pre, child_font)
        stack.append((child, child.iterchildren(), child_font))
    page.end_rows()
    return Page([line.replace("\xa0", " ").rstrip() for line in page.lines], fonts)


@dataclass(frozen=True)
class _Font:
    """A legacy font in effect, its encoding and whether it draws capitals (.VnTimeH)."""

    name: str
    encoding: str
    capitals: bool

    @staticmethod
    def of(element: etree._Element, inherited: _Font | None, seen: set[str]) -> _Font | None:
        """The font an element sets (face, font-family), else the one it inherits."""
        style = _FONT_FAMILY_RE.search(element.get("style") or "")
        named = style[1] if style else element.get("face") if element.tag == "font" else None
        if named is None:
            return inherited
        name = named.split(",")[0].strip(" \"'")
        encoding = legacy_fonts.font_encoding(name)
        if encoding is None:
            return None
        seen.add(name)
        return _Font(name, encoding, legacy_fonts.is_capitals_font(name))


def _text(block: _Block, text: str | None, pre: int, font: _Font | None) -> None:
    if not text:
        return
    if font is not None:
        text = legacy_fonts.convert(text, font.encoding, font.capitals)
    if block.labelled and text.strip():
        block.labelled = False
    if not pre:
        block.parts.append(_HTML_SPACE_RE.sub(" ", text))
        return
    first, *others = text.split("\n")
    block.parts.append(first)
    for line in others:
        block.end_line(blank=True)
        block.parts.append(line)


def _end_row(block: _Block) -> None:
    """Write a table row's cells: side by side, a tab apart, or one after the other."""
    if not block.rows:
        return  # ended already, with a table inside it
    cells = [[line for line in cell if line.strip()] for cell in block.rows.pop()]
    if block.rows:  # a row inside an unclosed outer row: its cells go on in the outer row
        block.rows[-1].extend(cells)
        return
    if all(len(cell) <= _SIDE_BY_SIDE_LINES for cell in cells):
        for index in range(max(map(len, cells), default=0)):
            parts = [cell[index].strip() for cell in cells if index < len(cell)]
            block.lines.append("\t".join(part for part in parts if part))
    else:
        for cell in cells:
            block.lines += [*cell, ""]


def _hidden(element: etree._Element) -> bool:
    return element.get("hidden") is not None or bool(
        _HIDDEN_STYLE_RE.search(element.get("style") or "")
    )


def _list_numbering(element: etree._Element) -> tuple[str, int] | None:
    """An ordered list's Word number format and first number; None for a bulleted list."""
    if element.tag != "ol":
        return None
    start = element.get("start") or ""
    fmt = _ORDERED_FORMATS.get((element.get("type") or "1").strip(), "decimal")
    return fmt, int(start) if start.strip().isdigit() else 1


def _item_label(numbers: list[tuple[str, int] | None]) -> str:
    """What a browser prints before a list item: its number, or a dash for a bullet."""
    current = numbers[-1] if numbers else None
    if current is None:
        return "- "
    fmt, value = current
    numbers[-1] = (fmt, value + 1)
    return f"{format_number(value, fmt)}. "
