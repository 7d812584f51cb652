"""The decision record as a Party document (BIÊN BẢN tổng hợp ý kiến và kết quả biểu quyết):
laid out as a ProgrammeDoc of the programme's org, rendered by documents/render.py and printed
like the final copy (documents/final_copy.party_pdf), without a number of its own."""

from datetime import datetime
from typing import Any
from urllib.parse import quote

from chibo_flow import messages
from chibo_flow.documents.final_copy import download_names, party_pdf
from chibo_flow.documents.programme_doc import ProgrammeDoc, Section, Signature
from chibo_flow.documents.render import render_party_html
from chibo_flow.documents.word_numbering import format_number
from chibo_flow.models import MeetingVote, Programme, Vote
from chibo_flow.models._types import utcnow
from chibo_flow.review.decision import DecisionRecord, RoundRecord
from chibo_flow.timefmt import local_date, local_time


def issued_at(record: DecisionRecord) -> datetime:
    """The record's time: when its last round closed (now while a round is open)."""
    last = record.rounds[-1] if record.rounds else None
    return last.closed_at if last and last.closed_at else utcnow()


def opinion_line(record: DecisionRecord, round_: RoundRecord, vote: Vote) -> str:
    """One opinion as the record writes it: "- Đồng chí X: tán thành (lúc 09:14 05/03/2026, dự
    thảo lần 3).", with its delegate, whether it was changed, taken back or reserved, then
    its reason ("Lý do: ...")."""
    line = messages.DECISION_OPINION_LINE.format(
        name=vote.user.name,
        opinion=messages.DECISION_OPINIONS[vote.decision],
        at=local_time(vote.created_at),
        revision=record.seq(vote) or "",
    )
    if vote.cast_by is not None:
        line += messages.DECISION_ON_BEHALF.format(name=vote.cast_by.name)
    if vote.superseded_at is not None:
        changed = messages.DECISION_CHANGED if round_.changed(vote) else messages.DECISION_RETRACTED
        line += changed.format(at=local_time(vote.superseded_at))
    if vote.id in {reserved.id for reserved in round_.reserved}:
        line += messages.DECISION_RESERVED_MARK
    line += "."
    if vote.reason:
        line += messages.DECISION_REASON.format(reason=vote.reason)
    return line


def outcome_line(round_: RoundRecord) -> str:
    """ "Kết quả: thông qua (2/3 đồng chí tán thành; cần 2)." and the like."""
    return messages.DECISION_OUTCOME_LINE.format(
        outcome=messages.DECISION_OUTCOMES[round_.outcome],
        approvals=round_.approvals,
        disapprovals=round_.disapprovals,
        members=round_.members,
        required=round_.required,
    )


def record_doc(record: DecisionRecord) -> dict[str, Any]:
    """The record as a ProgrammeDoc dict (BIÊN BẢN) of the programme's org, signed as the
    programme is (T/M the org, its secretary)."""
    programme = record.programme
    sections = []
    for index, round_ in enumerate(record.rounds, start=1):
        paragraphs = [
            messages.DECISION_ROUND_OPENED.format(
                at=local_time(round_.submitted_at),
                name=round_.submitted_by.name if round_.submitted_by else "",
                deadline=local_time(round_.deadline),
            ),
            messages.DECISION_RULE.format(required=round_.required, members=round_.members),
            outcome_line(round_),
        ]
        paragraphs += [opinion_line(record, round_, vote) for vote in round_.opinions]
        paragraphs += [messages.DECISION_WAITING_LINE.format(name=user.name)
                       for user in round_.waiting]  # fmt: skip
        if round_.meeting is not None:
            paragraphs.append(meeting_line(round_.meeting))
        heading = messages.DECISION_ROUND_HEADING.format(
            roman=format_number(index, "upperRoman"),
            number=round_.number,
            revision=round_.revision or "",
        )
        sections.append(Section(heading=heading, paragraphs=paragraphs))
    if record.reserved:
        heading = messages.DECISION_RESERVED_HEADING.format(
            roman=format_number(len(sections) + 1, "upperRoman")
        )
        sections.append(Section(heading, [reserved_line(vote) for vote in record.reserved]))
    signature = programme.doc.get("signature") or {}
    return ProgrammeDoc(
        doc_type="BIÊN BẢN",
        title=messages.DECISION_TITLE.format(
            doc_type=(programme.doc_type or "").lower(), title=programme.title
        ),
        sections=sections,
        signature=Signature(*(signature.get(key) for key in ("on_behalf", "title", "name"))),
    ).to_dict()


def meeting_line(meeting: MeetingVote) -> str:
    """The vote taken at a meeting, as the record writes it."""
    return messages.DECISION_MEETING_LINE.format(
        held_on=meeting.held_on.strftime("%d/%m/%Y"),
        present=meeting.present,
        votes_for=meeting.votes_for,
        votes_against=meeting.votes_against,
        minutes=meeting.minutes_name,
    )


def reserved_line(vote: Vote) -> str:
    """ "Đồng chí X bảo lưu ý kiến: …" """
    return messages.DECISION_RESERVED_LINE.format(name=vote.user.name, reason=vote.reason or "")


def decision_pdf(record: DecisionRecord) -> bytes:
    """The decision record as a PDF in the Party format, dated when its last round closed
    (today while one is open)."""
    programme = record.programme
    issued = issued_at(record)
    document = render_party_html(
        record_doc(record), programme.org, number=None, issued=local_date(issued)
    )
    title = messages.DECISION_TITLE.format(
        doc_type=(programme.doc_type or "").lower(), title=programme.title
    )
    return party_pdf(document, title=f"Biên bản: {title}", author=programme.org.name,
                     issued=issued)  # fmt: skip


def decision_pdf_disposition(programme: Programme) -> str:
    """The Content-Disposition of the record's PDF: "bien-ban-" and the programme's file name."""
    ascii_name, name = download_names(programme, "pdf")
    return (f"attachment; filename=\"bien-ban-{ascii_name}\"; "
            f"filename*=UTF-8''{quote('biên-bản-' + name, safe='')}")  # fmt: skip
