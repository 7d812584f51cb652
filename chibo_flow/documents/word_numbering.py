"""Word's automatic numbering (numbering.xml): the "I.", "1.", "a)" a paragraph shows in Word.

The number is not in the paragraph's text; Word draws it from the list definition the
paragraph (or its style) points at and from the count of the list's paragraphs so far.
`WordNumbering.label` replays that count in body order.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

_LEVELS = 9
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
# Bullets drawn from symbol fonts (private-use code points) are written as a dash.
_TEXT_BULLETS = ("-", "+", "•", "–", "*", "·", "o")


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str


def _roman(value: int) -> str:
    out = ""
    for amount, letters in _ROMAN:
        count, value = divmod(value, amount)
        out += letters * count
    return out


def _letter(value: int) -> str:
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def format_number(value: int, fmt: str) -> str:
    """`value` written in Word's number format `fmt` (decimal, upperRoman, lowerLetter, ...)."""
    if fmt == "upperRoman":
        return _roman(value)
    if fmt == "lowerRoman":
        return _roman(value).lower()
    if fmt == "upperLetter":
        return _letter(value).upper()
    if fmt == "lowerLetter":
        return _letter(value)
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)


def _val(element: BaseOxmlElement | None, tag: str) -> str | None:
    if element is None:
        return None
    child = element.find(qn(tag))
    return child.get(qn("w:val")) if child is not None else None


class WordNumbering:
    """The list definitions of one document and the running count of each list."""

    def __init__(
        self, lists: dict[str, dict[int, _Level]], styles: dict[str, BaseOxmlElement]
    ) -> None:
        self.lists = lists
        self.styles = styles
        self.counts: dict[str, list[int]] = {}

    @classmethod
    def of(cls, document: WordDocument, styles: dict[str, BaseOxmlElement]) -> WordNumbering:
        """Read numbering.xml of `document` (a document without lists numbers nothing)."""
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return cls({}, styles)
        abstract = {
            element.get(qn("w:abstractNumId")): _levels(element)
            for element in numbering.iterchildren(qn("w:abstractNum"))
        }
        lists = {}
        for num in numbering.iterchildren(qn("w:num")):
            levels = dict(abstract.get(_val(num, "w:abstractNumId"), {}))
            for override in num.iterchildren(qn("w:lvlOverride")):
                level = int(override.get(qn("w:ilvl"), "0"))
                start = _val(override, "w:startOverride")
                if start is not None and level in levels:
                    old = levels[level]
                    levels[level] = _Level(int(start), old.fmt, old.text)
            lists[num.get(qn("w:numId"))] = levels
        return cls(lists, styles)

    def label(self, paragraph: BaseOxmlElement) -> str | None:
        """The number Word shows before `paragraph` ("II.", "2.", "b)", "-"), or None."""
        num_id, level = self._list_of(paragraph)
        levels = self.lists.get(num_id) if num_id else None
        if not levels or level not in levels:
            return None
        counts = self.counts.setdefault(num_id, [0] * _LEVELS)
        counts[level] += 1
        for deeper in range(level + 1, _LEVELS):
            counts[deeper] = 0
        definition = levels[level]
        if definition.fmt == "bullet":
            return definition.text if definition.text in _TEXT_BULLETS else "-"
        text = definition.text
        for shown in range(level, -1, -1):
            shown_level = levels.get(shown, _Level(1, "decimal", ""))
            value = shown_level.start - 1 + max(counts[shown], 1)
            text = text.replace(f"%{shown + 1}", format_number(value, shown_level.fmt))
        return text.strip() or None

    def _list_of(self, paragraph: BaseOxmlElement) -> tuple[str | None, int]:
        """The list id and level of a paragraph, set on it or on its paragraph style."""
        ppr = paragraph.find(qn("w:pPr"))
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if num_pr is not None:
            return _val(num_pr, "w:numId"), int(_val(num_pr, "w:ilvl") or 0)
        style_id, seen = _val(ppr, "w:pStyle"), set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                break
            style_num = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if style_num is not None:
                return _val(style_num, "w:numId"), int(_val(style_num, "w:ilvl") or 0)
            style_id = _val(style, "w:basedOn")
        return None, 0


def _levels(abstract: BaseOxmlElement) -> dict[int, _Level]:
    levels = {}
    for level in abstract.iterchildren(qn("w:lvl")):
        levels[int(level.get(qn("w:ilvl"), "0"))] = _Level(
            start=int(_val(level, "w:start") or 1),
            fmt=_val(level, "w:numFmt") or "decimal",
            text=_val(level, "w:lvlText") or "",
        )
    return levels
