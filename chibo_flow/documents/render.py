"""Rendering a programme in the Party format (Hướng dẫn 36-HD/VPTW).

`render_document_html` gives one self-contained HTML fragment styled by classes; the web page
shows it and the PDF renderer feeds the same HTML to WeasyPrint.
"""

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
    recipient_line,
)
from chibo_flow.documents.format import party_date as written_date
from chibo_flow.documents.programme_doc import ProgrammeDoc
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


def draft_mark(programme: Programme) -> str:
    """ "DỰ THẢO", with " LẦN n" while the draft is in its n-th review."""
    if programme.state == State.REVIEW and programme.review_round:
        return "DỰ THẢO" + DRAFT_ROUND_SUFFIX.format(round=programme.review_round)
    return "DỰ THẢO"


def render_document_html(programme: Programme) -> Markup:
    """The programme's current revision as a Party-format HTML fragment (drafts marked DỰ THẢO)."""
    doc = programme.doc
    header = doc.get("header") or {}
    approved = programme.state == State.APPROVED
    if approved and programme.approved_at is not None:
        issued = local_date(programme.approved_at)
    else:
        issued = date.fromisoformat(header["date"]) if header.get("date") else None
    return render_party_html(
        doc,
        programme.org,
        number=number_line(programme),
        issued=issued,
        mark=None if approved else draft_mark(programme),
        number_note=number_note(programme),
    )


def render_party_html(
    doc: dict[str, Any],
    org: Org,
    *,
    number: str | None,
    issued: date | None,
    mark: str | None = None,
    number_note: str | None = None,
) -> Markup:
    """A ProgrammeDoc dict of `org` as a Party-format HTML fragment: its number line (None:
    none, as on a record the system compiles), date line, and the draft `mark` ("DỰ THẢO LẦN
    2") if it is one."""
    header = doc.get("header") or {}
    place = header.get("place") or org.place
    return Markup(
        render_template(
            "documents/programme.html",
            doc=doc,
            is_draft=mark is not None,
            draft_mark=mark,
            party=header.get("party") or PARTY_NAME,
            superior_org=(header.get("superior_org") or (org.parent.name if org.parent else "")),
            org_name=header.get("org") or org.name,
            number=number,
            number_note=number_note,
            date_line=f"{place}, {party_date(issued)}" if place else party_date(issued),
            recipients=recipient_lines(doc.get("recipients") or []),
            type_line=None if doc.get("doc_type") == CONG_VAN else doc.get("doc_type"),
        )
    )


def document_text(doc: dict[str, Any]) -> str:
    """A ProgrammeDoc dict as plain text in the usual layout (the plain-text email part)."""
    return format_text(ProgrammeDoc.from_dict(doc))
