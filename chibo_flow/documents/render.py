"""Rendering a programme in the Party format (Hướng dẫn 36-HD/VPTW).

`render_document_html` gives one self-contained HTML fragment styled by classes; the web page
shows it and the PDF renderer feeds the same HTML to WeasyPrint.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import render_template
from markupsafe import Markup

from chibo_flow import messages
from chibo_flow.documents.format import (
    CONG_VAN,
    DOC_TYPE_CODES,
    DRAFT_ROUND_SUFFIX,
    FALLBACK_TYPE_CODE,
    NUMBER_PREFIX,
    PARTY_NAME,
    SECRECY_MARKS,
    URGENCY_MARKS,
    recipient_line,
)
from chibo_flow.documents.format import party_date as written_date
from chibo_flow.documents.programme_doc import Header, ProgrammeDoc
from chibo_flow.documents.text_layout import format_text
from chibo_flow.models import Org, Programme
from chibo_flow.models.programmes import State
from chibo_flow.timefmt import local_date

BLANK = "\u00a0" * 4  # the space left for a number or date still to be filled in


def party_date(value: date | None) -> str:
    """The date as written on a document, "ngày 05 tháng 3 năm 2026", blanks while unset."""
    return written_date(value, BLANK)


def number_line(programme: Programme) -> str:
    """The number line: "Số 01-CTr/CB" once approved, the number left blank before that."""
    if programme.state == State.APPROVED and programme.number:
        return f"{NUMBER_PREFIX}{programme.number}"
    type_code = DOC_TYPE_CODES.get(programme.doc_type, FALLBACK_TYPE_CODE)
    return f"{NUMBER_PREFIX}{BLANK}-{type_code}/{programme.org.code}"


def recipient_lines(recipients: list[dict[str, Any]]) -> list[str]:
    """The "Nơi nhận" lines as printed: "- Thường trực ĐU (b/c);", the last one ending in "."."""
    last = len(recipients) - 1
    return [
        recipient_line(r.get("label", ""), r.get("purpose", "none"), i == last)
        for i, r in enumerate(recipients)
    ]


def number_note(programme: Programme) -> str | None:
    """Beside a draft's blank number: the number typed in the imported file, if any."""
    typed = (programme.doc.get("header") or {}).get("number")
    if programme.state == State.APPROVED or not typed or not any(c.isdigit() for c in typed):
        return None
    return messages.NOTE_NUMBER_IN_FILE.format(number=typed)


def stamps(programme: Programme) -> list[tuple[str, str]]:
    """The secrecy and urgency stamps under the number, as (element, word): [("secrecy",
    "Mật"), ("urgency", "Khẩn")]; none for an ordinary document."""
    marks = (
        ("secrecy", SECRECY_MARKS.get(programme.secrecy)),
        ("urgency", URGENCY_MARKS.get(programme.urgency)),
    )
    return [(element, word) for element, word in marks if word]


def draft_mark(programme: Programme) -> str:
    """ "DỰ THẢO", with " LẦN n" while the draft is in its n-th review."""
    if programme.state == State.REVIEW and programme.review_round:
        return "DỰ THẢO" + DRAFT_ROUND_SUFFIX.format(round=programme.review_round)
    return "DỰ THẢO"


def party_header(
    doc: dict[str, Any], org: Org, *, number: str | None, issued: date | None
) -> Header:
    """The header of `doc` as `org` issues it: the org's names and place where the document left
    them out, with `number` and the date `issued`."""
    header = doc.get("header") or {}
    return Header(
        party=header.get("party") or PARTY_NAME,
        superior_org=header.get("superior_org") or (org.parent.name if org.parent else None),
        org=header.get("org") or org.name,
        number=number,
        place=header.get("place") or org.place,
        date=issued,
    )


def _issued_on(programme: Programme) -> date | None:
    """The date line's date: the approval's once approved, else the date the draft names."""
    if programme.state == State.APPROVED and programme.approved_at is not None:
        return local_date(programme.approved_at)
    header = programme.doc.get("header") or {}
    return date.fromisoformat(header["date"]) if header.get("date") else None


def issued_header(programme: Programme) -> Header:
    """The header as the programme is issued (the number once approved), for the page, the PDF
    and the plain-text email alike."""
    approved = programme.state == State.APPROVED
    return party_header(
        programme.doc,
        programme.org,
        number=programme.number if approved else None,
        issued=_issued_on(programme),
    )


def issued_text(programme: Programme) -> str:
    """The programme as plain text with its issued header: issuing body, number, place and
    date, then the body (the plain-text part of the final-copy email)."""
    doc = ProgrammeDoc.from_dict(programme.doc)
    doc.header = issued_header(programme)
    return format_text(doc)


def render_document_html(programme: Programme) -> Markup:
    """The programme's current revision as a Party-format HTML fragment (drafts marked DỰ THẢO)."""
    approved = programme.state == State.APPROVED
    return render_party_html(
        programme.doc,
        programme.org,
        number=number_line(programme),
        issued=_issued_on(programme),
        mark=None if approved else draft_mark(programme),
        number_note=number_note(programme),
        stamps=stamps(programme),
    )


def render_party_html(
    doc: dict[str, Any],
    org: Org,
    *,
    number: str | None,
    issued: date | None,
    mark: str | None = None,
    number_note: str | None = None,
    stamps: Sequence[tuple[str, str]] = (),
) -> Markup:
    """A ProgrammeDoc dict of `org` as a Party-format HTML fragment: its number line (None:
    none, as on a record the system compiles), date line, the draft `mark` ("DỰ THẢO LẦN 2")
    if it is one, and the secrecy/urgency stamps when given."""
    header = party_header(doc, org, number=None, issued=issued)
    place = header.place
    content = ProgrammeDoc.from_dict(doc)
    addressees, sections = content.addressees_first()
    return Markup(
        render_template(
            "documents/programme.html",
            doc=content,
            addressees=addressees,
            sections=sections,
            is_draft=mark is not None,
            draft_mark=mark,
            party=header.party,
            superior_org=header.superior_org or "",
            org_name=header.org,
            number=number,
            number_note=number_note,
            stamps=stamps,
            date_line=f"{place}, {party_date(issued)}" if place else party_date(issued),
            recipients=recipient_lines(doc.get("recipients") or []),
            type_line=None if doc.get("doc_type") == CONG_VAN else doc.get("doc_type"),
        )
    )


def document_text(doc: dict[str, Any]) -> str:
    """A ProgrammeDoc dict as plain text in the usual layout (the text a secretary edits)."""
    return format_text(ProgrammeDoc.from_dict(doc))
