"""ProgrammeDoc: the structured content of a Party document, as JSON and as plain text."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from itertools import groupby
from typing import Any

from chibo_flow import messages
from chibo_flow.documents.format import PARTY_NAME, PURPOSES
from chibo_flow.documents.lines import addressee_count

# Deeper section nesting than this in a JSON document is refused (the parser makes at most 8).
MAX_SECTION_DEPTH = 12


@dataclass
class Header:
    """The header block: issuing organisations, số ký hiệu, place and date."""

    party: str = PARTY_NAME
    superior_org: str | None = None
    org: str | None = None
    number: str | None = None
    place: str | None = None
    date: datetime.date | None = None


@dataclass
class Section:
    """A numbered part of the body: its heading line, paragraphs, then sub-sections."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)


@dataclass
class Recipient:
    """One "Nơi nhận" line: who, and why (a key of PURPOSES)."""

    label: str
    purpose: str = "none"


@dataclass
class Signature:
    """The signature block: "TM. CHI BỘ" / "BÍ THƯ" / name."""

    on_behalf: str | None = None
    title: str | None = None
    name: str | None = None


@dataclass
class Warning:  # the domain's name (shadows the builtin): never raised, only reported
    """Something the parser could not understand: where (part, 1-based line), what and why."""

    part: str
    line: int
    text: str
    message: str


@dataclass(frozen=True)
class ReadingPoint:
    """One point a secretary checks after an import: a warning, or warnings of one kind in a
    row (the lines of an annex after the signature are one point, not one a line)."""

    line: int  # the first line it is about (1-based)
    last_line: int
    texts: tuple[str, ...]  # the lines' text, in order (one warning may name several)
    message: str


def reading_points(warnings: Iterable[Warning]) -> list[ReadingPoint]:
    """The points to check in `warnings`: each run of warnings with the same part and message,
    one after the other, makes one point. A warning naming several lines at once (the page
    lines left out above the header) gives each of them as a text."""
    points = []
    for (_, message), run in groupby(warnings, key=lambda w: (w.part, w.message)):
        run = list(run)
        texts = tuple(text for w in run for text in w.text.split("\n"))
        points.append(ReadingPoint(run[0].line, run[-1].line, texts, message))
    return points


@dataclass
class ProgrammeDoc:
    """A Party document; `warnings` describe the source text and take no part in equality."""

    header: Header = field(default_factory=Header)
    doc_type: str | None = None
    title: str | None = None
    bases: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    signature: Signature = field(default_factory=Signature)
    warnings: list[Warning] = field(default_factory=list, compare=False)
    # The stamps read from an imported file ({"secrecy": "mat", "urgency": "khan"}): they pre-fill
    # the programme's own `secrecy` and `urgency` and are not part of the stored content.
    marks: dict[str, str] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the document as JSON-ready data (the date as "YYYY-MM-DD"), without `marks`."""
        data = asdict(self)
        del data["marks"]
        date = self.header.date
        data["header"]["date"] = date.isoformat() if date else None
        return data

    def addressees_first(self) -> tuple[list[str], list[Section]]:
        """The "Kính gửi" block opening the unheaded first section, and the sections without
        it: renderers print the block under the trích yếu, before the bases, where the
        document had it (the parser keeps it in the body, as the bases are a field)."""
        sections = self.sections
        intro = sections[0] if sections and not sections[0].heading else None
        opening = addressee_count(intro.paragraphs) if intro else 0
        if not opening:
            return [], sections
        rest = Section(heading="", paragraphs=intro.paragraphs[opening:], children=intro.children)
        return intro.paragraphs[:opening], [rest, *sections[1:]]

    @classmethod
    def from_dict(cls, data: Any) -> ProgrammeDoc:
        """Build a document from `to_dict()` data; raises ValueError (Vietnamese) on a bad shape."""
        return _doc_from_dict(data)


# --- from_dict validation ---------------------------------------------------------------------

_DOC_FIELDS = ("header", "doc_type", "title", "bases", "sections", "recipients", "signature")
_HEADER_FIELDS = ("party", "superior_org", "org", "number", "place", "date")


def _fields(data: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()):
    """Check that `data` is an object with exactly the `required` (+ `optional`) keys."""
    if not isinstance(data, dict):
        raise ValueError(
            messages.DOC_FIELD_TYPE.format(path=path or "văn bản", expected="đối tượng")
        )
    prefix = f"{path}." if path else ""
    for key in data:
        if key not in required and key not in optional:
            raise ValueError(messages.DOC_FIELD_UNKNOWN.format(path=f"{prefix}{key}"))
    for key in required:
        if key not in data:
            raise ValueError(messages.DOC_FIELD_MISSING.format(path=f"{prefix}{key}"))
    return data


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise ValueError(messages.DOC_FIELD_TYPE.format(path=path, expected="chuỗi ký tự"))
    return unicodedata.normalize("NFC", value)


def _optional_text(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(
            messages.DOC_FIELD_TYPE.format(path=path, expected="chuỗi ký tự hoặc null")
        )
    return unicodedata.normalize("NFC", value)


def _items(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(messages.DOC_FIELD_TYPE.format(path=path, expected="danh sách"))
    return value


def _date(value: Any, path: str) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(messages.DOC_FIELD_DATE.format(path=path)) from None


def _section(data: Any, path: str, depth: int) -> Section:
    if depth > MAX_SECTION_DEPTH:
        raise ValueError(messages.DOC_TOO_DEEP.format(limit=MAX_SECTION_DEPTH))
    _fields(data, path, ("heading", "paragraphs", "children"))
    return Section(
        heading=_text(data["heading"], f"{path}.heading"),
        paragraphs=[
            _text(p, f"{path}.paragraphs[{i}]")
            for i, p in enumerate(_items(data["paragraphs"], f"{path}.paragraphs"))
        ],
        children=[
            _section(c, f"{path}.children[{i}]", depth + 1)
            for i, c in enumerate(_items(data["children"], f"{path}.children"))
        ],
    )


def _recipient(data: Any, path: str) -> Recipient:
    _fields(data, path, ("label", "purpose"))
    purpose = data["purpose"]
    if purpose not in PURPOSES:
        raise ValueError(
            messages.DOC_FIELD_PURPOSE.format(path=f"{path}.purpose", choices=", ".join(PURPOSES))
        )
    return Recipient(label=_text(data["label"], f"{path}.label"), purpose=purpose)


def _warning(data: Any, path: str) -> Warning:
    _fields(data, path, ("part", "line", "text", "message"))
    line = data["line"]
    if not isinstance(line, int) or isinstance(line, bool):
        raise ValueError(messages.DOC_FIELD_TYPE.format(path=f"{path}.line", expected="số nguyên"))
    return Warning(
        part=_text(data["part"], f"{path}.part"),
        line=line,
        text=_text(data["text"], f"{path}.text"),
        message=_text(data["message"], f"{path}.message"),
    )


def _doc_from_dict(data: Any) -> ProgrammeDoc:
    _fields(data, "", _DOC_FIELDS, ("warnings",))
    header = _fields(data["header"], "header", _HEADER_FIELDS[1:], ("party",))
    signature = _fields(data["signature"], "signature", ("on_behalf", "title", "name"))
    return ProgrammeDoc(
        header=Header(
            party=_text(header.get("party", PARTY_NAME), "header.party"),
            superior_org=_optional_text(header["superior_org"], "header.superior_org"),
            org=_optional_text(header["org"], "header.org"),
            number=_optional_text(header["number"], "header.number"),
            place=_optional_text(header["place"], "header.place"),
            date=_date(header["date"], "header.date"),
        ),
        doc_type=_optional_text(data["doc_type"], "doc_type"),
        title=_optional_text(data["title"], "title"),
        bases=[_text(b, f"bases[{i}]") for i, b in enumerate(_items(data["bases"], "bases"))],
        sections=[
            _section(s, f"sections[{i}]", 1)
            for i, s in enumerate(_items(data["sections"], "sections"))
        ],
        recipients=[
            _recipient(r, f"recipients[{i}]")
            for i, r in enumerate(_items(data["recipients"], "recipients"))
        ],
        signature=Signature(
            on_behalf=_optional_text(signature["on_behalf"], "signature.on_behalf"),
            title=_optional_text(signature["title"], "signature.title"),
            name=_optional_text(signature["name"], "signature.name"),
        ),
        warnings=[
            _warning(w, f"warnings[{i}]")
            for i, w in enumerate(_items(data.get("warnings", []), "warnings"))
        ],
    )
