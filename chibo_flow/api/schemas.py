"""Request and response schemas of the JSON API; the OpenAPI document is generated from them."""

from datetime import UTC, datetime
from typing import Any

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validates_schema
from marshmallow.validate import Length, OneOf, Range

from chibo_flow import messages
from chibo_flow.documents.format import SECRECY_MARKS, URGENCY_MARKS
from chibo_flow.documents.reading import MAX_UPLOAD_BYTES
from chibo_flow.models.delivery import DeliveryStatus
from chibo_flow.models.programmes import State
from chibo_flow.security.limits import MAX_COMMENT_CHARS, MAX_ID, MAX_TEXT_CHARS
from chibo_flow.uploads import MAX_MINUTES_BYTES, megabytes
from chibo_flow.workflow import TRANSITIONS

STATES = [state.value for state in State]
# `edit` carries a new document, so it is PATCH /programmes/<id>, not a bare transition.
# record_meeting_vote carries the minutes: POST /programmes/<id>/meeting-vote (multipart).
TRANSITION_ACTIONS = [
    action for action in TRANSITIONS if action not in ("edit", "record_meeting_vote")
]


class UTCDateTime(fields.DateTime):
    """An ISO-8601 timestamp in UTC, whatever zone the database connection reads it in."""

    def _serialize(self, value: datetime | None, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else value.astimezone(UTC).isoformat()


def _org_field() -> fields.String:
    return fields.String(
        validate=Length(max=200),
        metadata={"description": "Org name; default: the one org where you are secretary"},
    )


def version_field() -> fields.Integer:
    """The `version` a change was made on (409 when the programme has moved on)."""
    return fields.Integer(required=True, strict=True, validate=Range(min=0, max=MAX_ID))


# --- errors ------------------------------------------------------------------------------------


class ErrorDetailSchema(Schema):
    """What went wrong: a stable code for programs and a Vietnamese message for people."""

    code = fields.String(required=True, metadata={"example": "forbidden"})
    message = fields.String(required=True, metadata={"description": "Thông báo tiếng Việt"})
    rows = fields.List(
        fields.Dict(),
        metadata={"description": "A file refused row by row: [{row, message}] (member import)"},
    )


class ErrorSchema(Schema):
    """The one error shape of the API."""

    error = fields.Nested(ErrorDetailSchema, required=True)


# --- requests ----------------------------------------------------------------------------------


class DocumentInSchema(Schema):
    """A document as plain text (parsed on the server) or as a ProgrammeDoc object: exactly
    one of `text` and `doc`; with its độ mật and độ khẩn."""

    class Meta:
        # What marshmallow cannot say, for the OpenAPI document (see api.SchemaExtrasPlugin).
        openapi = {"oneOf": [{"required": ["text"]}, {"required": ["doc"]}]}

    text = fields.String(
        validate=Length(max=MAX_TEXT_CHARS),
        metadata={
            "description": "The document as plain text (a page's HTML source is read as the page)"
        },
    )
    doc = fields.Dict(metadata={"description": "A ProgrammeDoc object (as returned in `doc`)"})
    secrecy = fields.String(
        metadata={
            "enum": list(SECRECY_MARKS),
            "description": "Độ mật; toi_mat and tuyet_mat are refused (not handled here)",
        }
    )
    urgency = fields.String(metadata={"enum": list(URGENCY_MARKS), "description": "Độ khẩn"})

    def document_required(self, data: dict[str, Any]) -> bool:
        """Whether this request must carry `text` or `doc`."""
        return True

    @validates_schema
    def _text_or_doc(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "text" in data and "doc" in data:
            raise ValidationError(messages.API_TEXT_OR_DOC)
        if "text" not in data and "doc" not in data and self.document_required(data):
            raise ValidationError(messages.API_TEXT_OR_DOC)


class ProgrammeCreateSchema(DocumentInSchema):
    """POST /programmes."""

    org = _org_field()


class ProgrammeEditSchema(DocumentInSchema):
    """PATCH /programmes/<id>: the `edit` transition (new content, new marks, or both)."""

    class Meta:
        openapi = {
            "not": {"required": ["text", "doc"]},
            "anyOf": [{"required": [name]} for name in ("text", "doc", "secrecy", "urgency")],
        }

    version = version_field()

    def document_required(self, data: dict[str, Any]) -> bool:
        """Marks alone may change; otherwise the new content is required."""
        return "secrecy" not in data and "urgency" not in data


class TransitionSchema(Schema):
    """POST /programmes/<id>/transitions."""

    action = fields.String(required=True, metadata={"enum": TRANSITION_ACTIONS})
    comment = fields.String(
        allow_none=True,
        validate=Length(max=MAX_COMMENT_CHARS),
        metadata={"description": "Required for request_changes"},
    )
    reserve = fields.Boolean(
        metadata={
            "description": "request_changes: whether you reserve this opinion (bảo lưu ý kiến) "
            "should the round close approved; default true (reserve_opinion / "
            "unreserve_opinion change it until the round closes)"
        }
    )
    deadline = fields.AwareDateTime(
        default_timezone=UTC,
        metadata={"description": "extend_deadline: the new hạn cho ý kiến"},
    )
    version = version_field()

    @validates_schema
    def _known_action(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["action"] not in TRANSITION_ACTIONS:
            raise ValidationError(messages.API_UNKNOWN_ACTION)


class ProgrammeQuerySchema(Schema):
    """GET /programmes filters."""

    state = fields.String(validate=OneOf(STATES))


class ImportQuerySchema(Schema):
    """POST /programmes/import?org=...: which org the draft belongs to."""

    org = _org_field()


IMPORT_DESCRIPTION = (
    "Văn bản: .docx, .doc, .odt, .rtf, PDF có lớp chữ, trang web đã lưu (.html, .mht) hoặc .txt "
    f"(UTF-8/16, Windows-1258, TCVN3, VNI), ≤ {megabytes(MAX_UPLOAD_BYTES)} MB"
)


class ImportFileSchema(Schema):
    """POST /programmes/import: the uploaded document (.docx, .doc, .odt, .rtf, text PDF, a web
    page saved as .html, or text)."""

    file = Upload(required=True, metadata={"description": IMPORT_DESCRIPTION})


MINUTES_DESCRIPTION = f"Biên bản họp: PDF, Word or image, ≤ {megabytes(MAX_MINUTES_BYTES)} MB"


class MeetingVoteSchema(Schema):
    """POST /programmes/<id>/meeting-vote (form fields): a vote taken at a cấp ủy meeting."""

    held_on = fields.Date(required=True, metadata={"description": "Ngày họp"})
    present = fields.Integer(required=True, strict=False, validate=Range(min=0, max=MAX_ID))
    votes_for = fields.Integer(required=True, strict=False, validate=Range(min=0, max=MAX_ID))
    votes_against = fields.Integer(required=True, strict=False, validate=Range(min=0, max=MAX_ID))
    version = fields.Integer(required=True, strict=False, validate=Range(min=0, max=MAX_ID))
    # Read from the request's files (a form field cannot hold it); declared for the document.
    minutes = Upload(metadata={"description": MINUTES_DESCRIPTION})


class SignedCopyFileSchema(Schema):
    """POST /programmes/<id>/signed.pdf: the approved PDF signed with the office's own tool."""

    file = Upload(required=True)


# --- responses ---------------------------------------------------------------------------------


class ApprovalsSchema(Schema):
    """Approvals needed and received in the current review round."""

    required = fields.Integer()
    received = fields.Integer()


class OpinionSchema(Schema):
    """One committee member's opinion (in the open round: their current one)."""

    member = fields.Nested(lambda: ActorSchema(), metadata={"description": "Who gave it"})
    opinion = fields.String(validate=OneOf(["approve", "disapprove"]))
    reason = fields.String(allow_none=True, metadata={"description": "Why not (disapprove)"})
    reserve = fields.Boolean(
        allow_none=True,
        metadata={
            "description": "disapprove: reserved (bảo lưu ý kiến) should the round close "
            "approved; null for approve"
        },
    )
    at = UTCDateTime()
    on_behalf_of = fields.Nested(
        lambda: ActorSchema(),
        allow_none=True,
        metadata={"description": "The member a delegate gave it for (null: their own)"},
    )


class RoundSchema(Schema):
    """The open review round: its deadline (hạn cho ý kiến), the approvals it needs and the
    opinions given so far."""

    number = fields.Integer()
    deadline = UTCDateTime(allow_none=True)
    required = fields.Integer()
    opinions = fields.List(fields.Nested(OpinionSchema))


class ProgrammeSchema(Schema):
    """A programme as the API returns it."""

    id = fields.Integer()
    org = fields.String(metadata={"description": "Org name"})
    org_id = fields.Integer(metadata={"description": "Org id (as in GET /orgs)"})
    state = fields.String(validate=OneOf(STATES))
    version = fields.Integer(
        metadata={
            "description": "Send it back with PATCH and transitions (409 if it moved on). It "
            "moves on with every change of text or state; a vote that leaves the programme in "
            "review keeps it, so members voting at once all count."
        }
    )
    revision = fields.Integer(
        metadata={"description": "n of “Dự thảo lần n”, the only draft number people see"}
    )
    round = fields.Nested(
        RoundSchema, allow_none=True, metadata={"description": "While in review; else null"}
    )
    reserved_opinions = fields.List(
        fields.Nested(OpinionSchema),
        metadata={
            "description": "Once approved: the “không tán thành” opinions held when the round "
            "closed, kept on record (bảo lưu ý kiến); empty before approval"
        },
    )
    number = fields.String(allow_none=True, metadata={"description": "Assigned on approval"})
    title = fields.String(
        allow_none=True,
        metadata={
            "description": "Trích yếu; null in a list for a “mật” programme when your token's "
            "account has no second factor (as are `doc` and `round`)"
        },
    )
    secrecy = fields.String(validate=OneOf(list(SECRECY_MARKS)), metadata={"description": "Độ mật"})
    urgency = fields.String(
        validate=OneOf(list(URGENCY_MARKS)), metadata={"description": "Độ khẩn"}
    )
    doc = fields.Dict(
        allow_none=True, metadata={"description": "The ProgrammeDoc of the current revision"}
    )
    approvals = fields.Nested(ApprovalsSchema)
    allowed_actions = fields.List(
        fields.String(),
        metadata={"description": "What the calling user may do now (edit is PATCH)"},
    )
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class ProgrammeListSchema(Schema):
    """A list of programmes."""

    items = fields.List(fields.Nested(ProgrammeSchema))


class ActorSchema(Schema):
    """Who did something."""

    email = fields.String()
    name = fields.String()


class HistoryItemSchema(Schema):
    """One audit event of a programme."""

    at = UTCDateTime()
    actor = fields.Nested(ActorSchema, allow_none=True)
    action = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)


class HistorySchema(Schema):
    """A programme's history, oldest first."""

    items = fields.List(fields.Nested(HistoryItemSchema))


class DeliveryItemSchema(Schema):
    """One email of the final copy to one address."""

    address = fields.String()
    name = fields.String()
    line = fields.String(metadata={"description": "The “Nơi nhận” line that reached this address"})
    purpose = fields.String()
    status = fields.String(validate=OneOf([status.value for status in DeliveryStatus]))
    attempts = fields.Integer()
    last_reply = fields.String(allow_none=True)
    reply_code = fields.Integer(
        allow_none=True,
        attribute="last_reply_code",
        metadata={"description": "The SMTP code of the last reply (null: none yet, or no reply)"},
    )
    message_id = fields.String()
    sent_at = UTCDateTime(allow_none=True)
    opened_at = UTCDateTime(
        allow_none=True, metadata={"description": "First opened by its personal link or login"}
    )
    confirmed_at = UTCDateTime(
        allow_none=True, metadata={"description": "“Xác nhận đã nhận” pressed (a POST)"}
    )


class DeliveriesSchema(Schema):
    """A programme's deliveries."""

    items = fields.List(fields.Nested(DeliveryItemSchema))


class ReceivedAsSchema(Schema):
    """How a document reached the caller."""

    line = fields.String(metadata={"description": "The “Nơi nhận” line that reached the caller"})
    purpose = fields.String()
    via = fields.String(validate=OneOf(["email", "register"]))
    opened_at = UTCDateTime(
        allow_none=True, metadata={"description": "When you first opened it (email only)"}
    )
    confirmed_at = UTCDateTime(
        allow_none=True,
        metadata={"description": "When receipt was confirmed (yours, or your org's register's)"},
    )


class InboxItemSchema(ProgrammeSchema):
    """A received programme (read only for the caller) and how it was received."""

    received_as = fields.Nested(ReceivedAsSchema)


class InboxSchema(Schema):
    """“Văn bản đến”: what the caller received, newest first."""

    items = fields.List(fields.Nested(InboxItemSchema))
