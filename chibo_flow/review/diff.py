"""What changed between two revisions: a word-level diff per section, matched by heading.

Words are compared whole (a Vietnamese syllable with its diacritics is one token, so "Đảng"
never shows as "Đ" + "<ins>ả</ins>ng"), punctuation and spaces are tokens of their own, and a
paragraph break is a token too, so one diff per section renders back into paragraphs.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Any

from chibo_flow import messages
from chibo_flow.documents.render import recipient_lines

# A paragraph break, a run of other whitespace, a word (letters, digits and combining marks,
# so text that is not NFC still keeps its words whole), or one other character.
TOKEN = re.compile(r"\n|[^\S\n]+|[\w\u0300-\u036f]+|[^\w\s]")
PARAGRAPH_BREAK = "\n"
SAME_SECTION_RATIO = 0.5  # how alike two sections' texts must be to count as one renamed
# A comparable part of a document: (heading path, text with paragraph breaks).
Part = tuple[tuple[str, ...], str]

# The parts of a document that are not numbered sections, compared like sections.
TITLE = (messages.REVIEW_PART_TITLE,)
BASES = (messages.REVIEW_PART_BASES,)
RECIPIENTS = (messages.REVIEW_PART_RECIPIENTS,)
SIGNATURE = (messages.REVIEW_PART_SIGNATURE,)


class Op(StrEnum):
    """What a run of text is in the new revision."""

    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


class Change(StrEnum):
    """What happened to a section."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Segment:
    """A run of text kept, inserted or deleted."""

    op: Op
    text: str


@dataclass
class SectionDiff:
    """One section (or title, bases, recipients, signature) between two revisions."""

    path: tuple[str, ...]  # heading path, in the new revision (the old one when removed)
    change: Change
    heading: list[Segment]  # the last heading, diffed (renames show here)
    body: list[list[Segment]]  # paragraphs, each a list of segments
    words_added: int = 0
    words_removed: int = 0

    @property
    def details(self) -> str:
        """What happened to the section, in Vietnamese ("mục mới", "có sửa đổi (thêm 5 từ)")."""
        if self.change == Change.ADDED:
            return messages.REVIEW_SECTION_ADDED
        if self.change == Change.REMOVED:
            return messages.REVIEW_SECTION_REMOVED
        words = [
            template.format(n=count)
            for template, count in (
                (messages.REVIEW_WORDS_ADDED, self.words_added),
                (messages.REVIEW_WORDS_REMOVED, self.words_removed),
            )
            if count
        ]
        return messages.REVIEW_SECTION_CHANGED.format(
            words=", ".join(words) or messages.REVIEW_WORDS_OTHER
        )

    @property
    def label(self) -> str:
        """The section's headings joined, as shown in "what changed"."""
        return " › ".join(part for part in self.path if part) or messages.REVIEW_PART_INTRO


@dataclass
class DocumentDiff:
    """Every part of two revisions in the new one's order (removed parts where they were)."""

    sections: list[SectionDiff] = field(default_factory=list)

    @property
    def changed(self) -> list[SectionDiff]:
        """Only the sections that were added, removed or changed."""
        return [s for s in self.sections if s.change != Change.UNCHANGED]

    def summary(self) -> list[str]:
        """The "what changed" list: one line per section, in Vietnamese."""
        return [describe(section) for section in self.changed]


def tokens(text: str) -> list[str]:
    """`text` (NFC-normalised) as words, punctuation, spaces and paragraph breaks."""
    return TOKEN.findall(unicodedata.normalize("NFC", text))


def is_word(token: str) -> bool:
    """True for a word token (not punctuation or space)."""
    return bool(re.fullmatch(r"[\w\u0300-\u036f]+", token))


def diff_text(old: str, new: str) -> list[Segment]:
    """A word-level diff of two texts as kept / inserted / deleted runs.

    Spaces alone between two changes are folded into the change, so "a b" → "c d" reads as
    one deletion and one insertion instead of four fragments.
    """
    a, b = tokens(old), tokens(new)
    pieces: list[tuple[Op, list[str], list[str]]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append((Op.EQUAL, a[i1:i2], a[i1:i2]))
        else:
            pieces.append((Op.DELETE, a[i1:i2], b[j1:j2]))  # deleted, then inserted
    merged: list[tuple[Op, list[str], list[str]]] = []
    for index, piece in enumerate(pieces):
        op, old_tokens, new_tokens = piece
        between_changes = 0 < index < len(pieces) - 1 and op == Op.EQUAL
        if between_changes and all(t.isspace() and t != PARAGRAPH_BREAK for t in old_tokens):
            op = Op.DELETE
        if merged and merged[-1][0] == Op.DELETE and op == Op.DELETE:
            last = merged.pop()
            piece = (Op.DELETE, last[1] + old_tokens, last[2] + new_tokens)
        else:
            piece = (op, old_tokens, new_tokens)
        merged.append(piece)
    segments: list[Segment] = []
    for op, old_tokens, new_tokens in merged:
        if op == Op.EQUAL:
            segments.append(Segment(Op.EQUAL, "".join(old_tokens)))
            continue
        if old_tokens:
            segments.append(Segment(Op.DELETE, "".join(old_tokens)))
        if new_tokens:
            segments.append(Segment(Op.INSERT, "".join(new_tokens)))
    return segments


def paragraphs(segments: list[Segment]) -> list[list[Segment]]:
    """Split diff segments into paragraphs at paragraph breaks."""
    result: list[list[Segment]] = [[]]
    for segment in segments:
        for index, part in enumerate(segment.text.split(PARAGRAPH_BREAK)):
            if index:
                result.append([])
            if part:
                result[-1].append(Segment(segment.op, part))
    return [paragraph for paragraph in result if paragraph] or [[]]


def flat_sections(doc: dict[str, Any]) -> list[tuple[tuple[str, ...], list[str]]]:
    """Every section of a ProgrammeDoc dict as (heading path, paragraphs), in document order."""
    result: list[tuple[tuple[str, ...], list[str]]] = []

    def walk(sections: list[dict[str, Any]], parent: tuple[str, ...]) -> None:
        for section in sections:
            path = (*parent, section.get("heading") or "")
            result.append((path, list(section.get("paragraphs") or [])))
            walk(section.get("children") or [], path)

    walk(doc.get("sections") or [], ())
    return result


def section_paths(doc: dict[str, Any]) -> list[tuple[str, ...]]:
    """The heading path of every section of a ProgrammeDoc dict, in document order."""
    return [path for path, _ in flat_sections(doc)]


def parts(doc: dict[str, Any]) -> list[Part]:
    """Every comparable part of a document: (path, text), in reading order."""
    signature = doc.get("signature") or {}
    return [
        (TITLE, " ".join(filter(None, [doc.get("doc_type"), doc.get("title")]))),
        (BASES, PARAGRAPH_BREAK.join(doc.get("bases") or [])),
        *((path, PARAGRAPH_BREAK.join(texts)) for path, texts in flat_sections(doc)),
        (RECIPIENTS, PARAGRAPH_BREAK.join(recipient_lines(doc.get("recipients") or []))),
        (
            SIGNATURE,
            PARAGRAPH_BREAK.join(
                filter(None, (signature.get(key) for key in ("on_behalf", "title", "name")))
            ),
        ),
    ]


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> DocumentDiff:
    """Compare two ProgrammeDoc dicts section by section.

    Sections are matched by heading path. Where the paths differ, a section is taken as the
    same one renamed (changed) when it stands in the same place and its text is mostly the
    same; the others are removed or added.
    """
    old_parts, new_parts = parts(old), parts(new)
    result = DocumentDiff()
    matcher = SequenceMatcher(
        None, [p for p, _ in old_parts], [p for p, _ in new_parts], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs = list(zip(old_parts[i1:i2], new_parts[j1:j2], strict=True))
        else:
            pairs = _pair_renamed(old_parts[i1:i2], new_parts[j1:j2])
        for old_part, new_part in pairs:
            result.sections.append(_compare(old_part, new_part))
    return result


def _pair_renamed(
    old_parts: list[Part], new_parts: list[Part]
) -> list[tuple[Part | None, Part | None]]:
    """Pair the sections of a block whose headings changed, in order: an old section is the
    next new one still unpaired when their texts are alike; unpaired ones are removed/added."""
    pairs: list[tuple[Part | None, Part | None]] = []
    start = 0
    for old_part in old_parts:
        match = next(
            (index for index in range(start, len(new_parts)) if _alike(old_part, new_parts[index])),
            None,
        )
        if match is None:
            pairs.append((old_part, None))
            continue
        pairs.extend((None, added) for added in new_parts[start:match])
        pairs.append((old_part, new_parts[match]))
        start = match + 1
    pairs.extend((None, added) for added in new_parts[start:])
    return pairs


def _alike(old_part: Part, new_part: Part) -> bool:
    old_tokens = tokens(" ".join(old_part[0][-1:]) + PARAGRAPH_BREAK + old_part[1])
    new_tokens = tokens(" ".join(new_part[0][-1:]) + PARAGRAPH_BREAK + new_part[1])
    return SequenceMatcher(None, old_tokens, new_tokens, autojunk=False).ratio() >= (
        SAME_SECTION_RATIO
    )


def _compare(old_part: Part | None, new_part: Part | None) -> SectionDiff:
    old_path, old_text = old_part or (None, "")
    new_path, new_text = new_part or (None, "")
    path = new_path if new_path is not None else old_path
    heading = diff_text(old_path[-1] if old_path else "", new_path[-1] if new_path else "")
    body = diff_text(old_text, new_text)
    if old_path is None:
        change = Change.ADDED
    elif new_path is None:
        change = Change.REMOVED
    elif old_path[-1] == new_path[-1] and old_text == new_text:  # (a parent may be renamed)
        change = Change.UNCHANGED
    else:
        change = Change.CHANGED
    return SectionDiff(
        path=path,
        change=change,
        heading=heading,
        body=paragraphs(body),
        words_added=_count_words(body + heading, Op.INSERT),
        words_removed=_count_words(body + heading, Op.DELETE),
    )


def _count_words(segments: list[Segment], op: Op) -> int:
    return sum(sum(1 for t in tokens(s.text) if is_word(t)) for s in segments if s.op == op)


def describe(section: SectionDiff) -> str:
    """One line of "what changed", e.g. "II. Nhiệm vụ: có sửa đổi (thêm 5 từ, bỏ 2 từ)"."""
    return messages.REVIEW_CHANGE_LINE.format(section=section.label, details=section.details)
