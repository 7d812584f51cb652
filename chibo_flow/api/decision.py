"""Endpoints of /api/v1/programmes/<id>/decision: the decision record of every review round
(biên bản tổng hợp ý kiến / kết quả biểu quyết), as JSON and as the PDF in the Party format.
Open to the programme's org (access.get_org_programme), not to recipients elsewhere; reading a
"mật" programme's is recorded (chibo_flow.secret_reading)."""

from typing import Any

from flask import Response
from marshmallow import Schema, fields
from werkzeug.exceptions import UnprocessableEntity

from chibo_flow.access import get_org_programme
from chibo_flow.api.auth import current_api_user, require_token
from chibo_flow.api.blueprint import Blueprint
from chibo_flow.api.schemas import ActorSchema, OpinionSchema, UTCDateTime
from chibo_flow.api.views import BINARY, invalid_request, present_opinion
from chibo_flow.documents.final_copy import PDF_TYPE
from chibo_flow.review.decision import DecisionRecord, RoundRecord, decision_record
from chibo_flow.review.decision_pdf import decision_pdf, decision_pdf_disposition
from chibo_flow.secret_reading import record_secret_view, served_file

blp = Blueprint(
    "api_decision",
    __name__,
    url_prefix="/api/v1",
    description="Biên bản tổng hợp ý kiến và kết quả biểu quyết của cấp ủy.",
)
require_token(blp)
blp.errorhandler(UnprocessableEntity)(invalid_request)


class RecordedOpinionSchema(OpinionSchema):
    """One opinion given in a round, as the decision record keeps it."""

    revision = fields.Integer(
        allow_none=True, metadata={"description": "n of the “Dự thảo lần n” it was given on"}
    )
    superseded_at = UTCDateTime(
        allow_none=True,
        metadata={"description": "When it was changed or taken back (null: it counted)"},
    )
    reserved = fields.Boolean(metadata={"description": "Kept on record at approval (bảo lưu)"})


class RuleSchema(Schema):
    """The majority rule the round was decided by: `required` approvals of `members`."""

    required = fields.Integer()
    members = fields.Integer()


class MeetingSchema(Schema):
    """A vote taken at a cấp ủy meeting, recorded by the secretary."""

    held_on = fields.Date()
    present = fields.Integer()
    votes_for = fields.Integer()
    votes_against = fields.Integer()
    minutes_name = fields.String()
    recorded_by = fields.Nested(ActorSchema)


class DecisionRoundSchema(Schema):
    """One review round of the decision record."""

    number = fields.Integer()
    revision = fields.Integer(allow_none=True, metadata={"description": "Dự thảo lần n submitted"})
    submitted_at = UTCDateTime(allow_none=True)
    submitted_by = fields.Nested(ActorSchema, allow_none=True)
    deadline = UTCDateTime(allow_none=True, metadata={"description": "Hạn cho ý kiến"})
    closed_at = UTCDateTime(allow_none=True)
    outcome = fields.String(
        allow_none=True,
        metadata={"enum": ["approved", "returned", "withdrawn", None], "description": "null: open"},
    )
    rule = fields.Nested(RuleSchema)
    approvals = fields.Integer()
    disapprovals = fields.Integer()
    waiting = fields.List(
        fields.Nested(ActorSchema), metadata={"description": "Members who gave no opinion"}
    )
    opinions = fields.List(
        fields.Nested(RecordedOpinionSchema),
        metadata={"description": "Every opinion given, changed and taken back ones too"},
    )
    meeting = fields.Nested(MeetingSchema, allow_none=True)


class DecisionSchema(Schema):
    """The decision record of a programme."""

    programme_id = fields.Integer()
    org = fields.String()
    number = fields.String(allow_none=True)
    title = fields.String()
    state = fields.String()
    rounds = fields.List(fields.Nested(DecisionRoundSchema))
    reserved_opinions = fields.List(fields.Nested(OpinionSchema))


@blp.route("/programmes/<int:programme_id>/decision")
@blp.response(200, DecisionSchema)
@blp.alt_response(404, response="NOT_FOUND")
def decision(programme_id: int) -> dict[str, Any]:
    """The decision record: per round, each member's opinion, when, on which draft, reasons,
    delegates, the vote at a meeting, the rule applied; the reserved opinions."""
    user = current_api_user()
    programme = get_org_programme(programme_id, user)
    record_secret_view(programme, user, "api", page="decision")
    return present_record(decision_record(programme))


@blp.route("/programmes/<int:programme_id>/decision.pdf")
@blp.response(200, BINARY, content_type=PDF_TYPE, description="The record in the Party format")
@blp.alt_response(404, response="NOT_FOUND")
def decision_as_pdf(programme_id: int) -> Response:
    """The decision record as a PDF (BIÊN BẢN in the Party format)."""
    user = current_api_user()
    programme = get_org_programme(programme_id, user)
    data = decision_pdf(decision_record(programme))
    pdf = served_file(programme, user, "decision.pdf", data, "api")
    response = Response(pdf, content_type=PDF_TYPE)
    response.headers["Content-Disposition"] = decision_pdf_disposition(programme)
    response.headers["Cache-Control"] = "private, max-age=0"
    return response


def present_record(record: DecisionRecord) -> dict[str, Any]:
    """The decision record as the API returns it."""
    programme = record.programme
    return {
        "programme_id": programme.id,
        "org": programme.org.name,
        "number": programme.number,
        "title": programme.title,
        "state": programme.state,
        "rounds": [_present_round(record, round_) for round_ in record.rounds],
        "reserved_opinions": [present_opinion(vote) for vote in record.reserved],
    }


def _present_round(record: DecisionRecord, round_: RoundRecord) -> dict[str, Any]:
    reserved = {vote.id for vote in round_.reserved}
    meeting = round_.meeting
    return {
        "number": round_.number,
        "revision": round_.revision,
        "submitted_at": round_.submitted_at,
        "submitted_by": round_.submitted_by,
        "deadline": round_.deadline,
        "closed_at": round_.closed_at,
        "outcome": round_.outcome,
        "rule": {"required": round_.required, "members": round_.members},
        "approvals": round_.approvals,
        "disapprovals": round_.disapprovals,
        "waiting": round_.waiting,
        "opinions": [
            present_opinion(vote)
            | {
                "revision": record.seq(vote),
                "superseded_at": vote.superseded_at,
                "reserved": vote.id in reserved,
            }
            for vote in round_.opinions
        ],
        "meeting": meeting,
    }
