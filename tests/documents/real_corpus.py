"""The real-document corpus (tests/fixtures/real): expected fields, and scoring a parse.

Each document is `<slug>.<txt|docx|doc|pdf|rtf|odt|html>` beside `<slug>.expected.json`, written
by hand from reading the document. Used by tests/documents/test_real_corpus.py (one test a document)
and by `python -m bench.documents --corpus DIR` (accuracy per field and per document).
"""

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chibo_flow.documents.format import PURPOSES
from chibo_flow.documents.parse import parse_upload
from chibo_flow.documents.programme_doc import ProgrammeDoc, Section
from chibo_flow.documents.reading import read_upload
from chibo_flow.documents.text_layout import format_text

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
# The fields still misread, per document: the ratchet of test_real_corpus.py.
MISREADS_FILE = Path(__file__).with_name("real_corpus_misreads.json")
SOURCE_SUFFIXES = (".txt", ".docx", ".doc", ".pdf", ".rtf", ".odt", ".html")
FIELDS = (
    "doc_type",
    "number",
    "date",
    "place",
    "superior_org",
    "org",
    "title",
    "bases",
    "section_1",
    "section_2",
    "recipients",
    "last_recipient_purpose",
    "signature.on_behalf",
    "signature.title",
    "signature.name",
)
_WORD_RE = re.compile(r"\w+")


def documents(directory: Path = REAL) -> list[tuple[str, Path]]:
    """(slug, source file) of every document that has an expected.json, sorted by slug."""
    found = []
    for expected in sorted(directory.glob("*.expected.json")):
        slug = expected.name.removesuffix(".expected.json")
        sources = [directory / f"{slug}{suffix}" for suffix in SOURCE_SUFFIXES]
        found += [(slug, source) for source in sources if source.exists()][:1]
    return found


def normalise(value: Any) -> Any:
    """NFC, whitespace collapsed, case-folded text; other values as they are."""
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFC", value).split()).casefold()
    return value


def expected_fields(source: Path) -> dict[str, Any]:
    """The hand-written expected fields of a corpus document, flattened like `parsed_fields`."""
    slug = source.name.removesuffix(source.suffix)
    data = json.loads((source.parent / f"{slug}.expected.json").read_text(encoding="utf-8"))
    sections = list(data.get("sections") or []) + [None, None]
    signature = data.get("signature") or {}
    return {
        "doc_type": data.get("doc_type"),
        "number": data.get("number"),
        "date": data.get("date"),
        "place": data.get("place"),
        "superior_org": data.get("superior_org"),
        "org": data.get("org"),
        "title": data.get("title"),
        "bases": data.get("bases"),
        "section_1": sections[0],
        "section_2": sections[1],
        "recipients": data.get("recipients"),
        "last_recipient_purpose": data.get("last_recipient_purpose"),
        "signature.on_behalf": signature.get("on_behalf"),
        "signature.title": signature.get("title"),
        "signature.name": signature.get("name"),
    }


def _headings(sections: list[Section]) -> Iterator[str]:
    for section in sections:
        if section.heading:
            yield section.heading
        yield from _headings(section.children)


def parsed_fields(doc: ProgrammeDoc) -> dict[str, Any]:
    """The scored fields of a parsed document."""
    headings = list(_headings(doc.sections)) + [None, None]
    header = doc.header
    return {
        "doc_type": doc.doc_type,
        "number": header.number,
        "date": header.date.isoformat() if header.date else None,
        "place": header.place,
        "superior_org": header.superior_org,
        "org": header.org,
        "title": doc.title,
        "bases": len(doc.bases),
        "section_1": headings[0],
        "section_2": headings[1],
        "recipients": len(doc.recipients),
        "last_recipient_purpose": doc.recipients[-1].purpose if doc.recipients else None,
        "signature.on_behalf": doc.signature.on_behalf,
        "signature.title": doc.signature.title,
        "signature.name": doc.signature.name,
    }


def mismatches(source: Path) -> dict[str, tuple[Any, Any]]:
    """Field → (expected, parsed) for every field the parser got wrong on `source`."""
    doc = parse_upload(source.read_bytes(), source.name)
    expected, parsed = expected_fields(source), parsed_fields(doc)
    return {
        name: (expected[name], parsed[name])
        for name in FIELDS
        if normalise(expected[name]) != normalise(parsed[name])
    }


def record_misreads(directory: Path = REAL) -> dict[str, list[str]]:
    """Write MISREADS_FILE afresh from parsing every document of `directory`; return it."""
    misreads = {}
    for slug, source in documents(directory):
        if wrong := mismatches(source):
            misreads[slug] = sorted(wrong)
    text = json.dumps(misreads, ensure_ascii=False, indent=1, sort_keys=True)
    MISREADS_FILE.write_text(text + "\n", encoding="utf-8")
    return misreads


def words_retained(source: Path) -> tuple[int, int]:
    """(words of the source kept in the draft, words of the source), counted with repeats.

    Kept: found in the parsed JSON (warnings included: text left out is named there) or in the
    draft's text, where the format's own words ("Số", "ngày ... tháng ... năm", "Nơi nhận",
    "(b/c)") are written back from the structure; a recipient's purpose counts in its words
    ("để báo cáo"), which the draft abbreviates.
    """
    data = source.read_bytes()
    source_words = Counter(_words("\n".join(read_upload(data, source.name).lines)))
    doc = parse_upload(data, source.name)
    parsed_words = Counter(_words(" ".join(_strings(doc.to_dict()))))
    parsed_words |= Counter(_words(format_text(doc)))
    parsed_words += Counter(
        _words(" ".join(PURPOSES[recipient.purpose][1] for recipient in doc.recipients))
    )
    found = sum(min(count, parsed_words[word]) for word, count in source_words.items())
    return found, sum(source_words.values())


def _strings(value: Any) -> Iterator[str]:
    """Every string in JSON-like data (keys left out)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(unicodedata.normalize("NFC", text).casefold())
