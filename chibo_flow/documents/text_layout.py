"""Writing a ProgrammeDoc back as plain text in the Party layout the parser reads.

`parse_text(format_text(doc)) == doc` for every document the parser produces: both sides
read the kinds of line from lines.py and the format from format.py.
"""

from __future__ import annotations

from chibo_flow.documents.format import CONG_VAN, date_line, recipient_line
from chibo_flow.documents.lines import BULLET_RE, continues_title
from chibo_flow.documents.programme_doc import ProgrammeDoc, Section


def format_text(doc: ProgrammeDoc) -> str:
    """Write `doc` in the plain-text Party layout; `parse_text` reads the same document back."""
    out: list[str] = []
    header = doc.header
    out += [org for org in (header.superior_org, header.org) if org]
    if header.number:
        out.append(f"Số {header.number}")
    letter = doc.doc_type in (None, CONG_VAN)
    if letter and doc.title:
        out.append(doc.title)
    out.append(header.party)
    if header.place or header.date:
        out.append(date_line(header.place, header.date, blank=" ... "))
    out.append("")
    if doc.doc_type and not letter:
        if doc.title and continues_title(doc.title):
            out += [doc.doc_type, doc.title]
        else:
            out.append(f"{doc.doc_type} {doc.title}" if doc.title else doc.doc_type)
        out.append("")
    addressees, sections = doc.addressees_first()
    _format_paragraphs(addressees, out)
    _format_paragraphs(doc.bases, out)
    for section in sections:
        _format_section(section, out)
    if doc.recipients:
        out.append("Nơi nhận:")
        last = len(doc.recipients) - 1
        for index, recipient in enumerate(doc.recipients):
            out.append(recipient_line(recipient.label, recipient.purpose, index == last))
        out.append("")
    signature = doc.signature
    if signature.on_behalf:
        out += signature.on_behalf.split("\n")
    if signature.title:
        out.append(signature.title)
    if signature.name:
        out += ["", "", signature.name]
    return "\n".join(out).rstrip("\n") + "\n"


def _format_section(section: Section, out: list[str]) -> None:
    if section.heading:
        out += [section.heading, ""]
    _format_paragraphs(section.paragraphs, out)
    for child in section.children:
        _format_section(child, out)


def _format_paragraphs(paragraphs: list[str], out: list[str]) -> None:
    """One paragraph a line, a blank line between them except inside a run of list items."""
    for index, paragraph in enumerate(paragraphs):
        out.append(paragraph)
        following = paragraphs[index + 1 : index + 2]
        if not (following and BULLET_RE.match(paragraph) and BULLET_RE.match(following[0])):
            out.append("")
