"""Endpoints of /api/v1: programmes, their transitions, history, deliveries and final copies.

Every endpoint acts as the bearer token's user, loads programmes through
`access.get_programme` (404 for what the user may not see) and changes them only through
`workflow.create_programme` and `workflow.apply_transition`.
"""

import unicodedata
from typing import Any

from flask import Response, abort, request
from flask.views import MethodView
from marshmallow import Schema
from sqlalchemy import select
from werkzeug.exceptions import UnprocessableEntity

from chibo_flow import messages
from chibo_flow.access import can_view, get_programme, visible_org_ids
from chibo_flow.api.auth import current_api_user, require_token
from chibo_flow.api.blueprint import Blueprint
from chibo_flow.api.schemas import (
    DeliveriesSchema,
    HistorySchema,
    ImportFileSchema,
    ImportQuerySchema,
    InboxItemSchema,
    InboxSchema,
    MeetingVoteSchema,
    ProgrammeCreateSchema,
    ProgrammeEditSchema,
    ProgrammeListSchema,
    ProgrammeQuerySchema,
    ProgrammeSchema,
    SignedCopyFileSchema,
    TransitionSchema,
)
from chibo_flow.documents.final_copy import (
    DOCX_TYPE,
    PDF_TYPE,
    accept_signed_copy,
    content_disposition,
    final_copy_for,
    stored_final_copy,
)
from chibo_flow.documents.format import MARK_NAMES, SECRET, merged_marks
from chibo_flow.documents.parse import DocumentError, parse_pasted, parse_upload
from chibo_flow.documents.programme_doc import ProgrammeDoc
from chibo_flow.documents.reading import FileTooLarge
from chibo_flow.errors import error_response
from chibo_flow.extensions import db
from chibo_flow.models import AuditEvent, Delivery, Org, Programme, User, Vote
from chibo_flow.models.delivery import FINAL_COPY
from chibo_flow.models.programmes import State
from chibo_flow.models.users import Role
from chibo_flow.notifications.tasks import enqueue_final_copies
from chibo_flow.receipts.confirm import confirmed_by_user
from chibo_flow.receipts.inbox import Received, by_email, received
from chibo_flow.review.decision import reserved_opinions
from chibo_flow.review.meetings import read_meeting
from chibo_flow.review.rounds import round_votes
from chibo_flow.secret_reading import (
    content_withheld,
    history_for,
    record_secret_view,
    require_second_factor,
    served_file,
)
from chibo_flow.workflow import (
    allowed_actions,
    apply_transition,
    approvals_received,
    create_programme,
)
from chibo_flow.workflow_errors import Invalid, NotAllowed, TooLarge

blp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Chương trình: soạn, trình duyệt, thông qua và gửi tới nơi nhận.",
)
require_token(blp)

# The final copies are files, not JSON.
BINARY = {"type": "string", "format": "binary"}
# An opinion's name in the API (§4b) by the Vote.decision that stores it.
OPINIONS = {"approve": "approve", "request_changes": "disapprove"}
# marshmallow's (English) error for a body that is no JSON object ([], "...", null).
NOT_AN_OBJECT = Schema._default_error_messages["type"]
# Who sees the delivery list of an org's programmes.
DELIVERY_VIEWERS = (Role.SECRETARY, Role.COMMITTEE, Role.ADMIN)


@blp.errorhandler(UnprocessableEntity)
def invalid_request(exc: UnprocessableEntity) -> Response:
    """Request validation errors (webargs) in the API's one error shape, in Vietnamese."""
    data = getattr(exc, "data", None) or {}
    return error_response(422, _describe(data.get("messages") or {}), "invalid")


@blp.route("/programmes")
class Programmes(MethodView):
    """The programmes of the caller's orgs."""

    @blp.arguments(ProgrammeQuerySchema, location="query")
    @blp.response(200, ProgrammeListSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """List the programmes you may see, newest first (members see approved ones)."""
        user = current_api_user()
        statement = (
            select(Programme)
            .where(Programme.org_id.in_(visible_org_ids(user)))
            .order_by(Programme.created_at.desc(), Programme.id.desc())
        )
        if "state" in query:
            statement = statement.where(Programme.state == query["state"])
        programmes = db.session.scalars(statement)
        return {"items": [present_listed(p, user) for p in programmes if can_view(user, p)]}

    @blp.arguments(ProgrammeCreateSchema)
    @blp.response(201, ProgrammeSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create a draft from text or a ProgrammeDoc (secretaries only)."""
        user = current_api_user()
        org = _target_org(user, body.get("org"))
        doc = _doc_from(body)
        marks = _marks_from(body, doc)
        _require_factor_for_secret(user, marks.get("secrecy"))
        return present(create_programme(org, user, doc.to_dict(), marks), user)


@blp.route("/programmes/import", methods=["POST"])
@blp.arguments(ImportQuerySchema, location="query")
@blp.arguments(ImportFileSchema, location="files")
@blp.response(201, ProgrammeSchema)
@blp.alt_response(403, response="FORBIDDEN")
def import_programme(query: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
    """Create a draft from an uploaded document: .docx, .doc, .odt, .rtf (the last three converted
    by LibreOffice), a text PDF, a web page saved as .html or .mht (or its HTML source), or text
    (UTF-8/16, Windows-1258, TCVN3, VNI). The kind is sniffed from the content; nothing is stored
    if the file cannot be read (422 with the reason) or is over 5 MB (413)."""
    user = current_api_user()
    org = _target_org(user, query.get("org"))
    upload = files["file"]
    try:
        doc = parse_upload(upload.read(), upload.filename or "")
    except FileTooLarge as exc:
        raise TooLarge(exc.message) from exc
    except DocumentError as exc:
        raise Invalid(exc.message) from exc
    marks = merged_marks(doc.marks, {})
    _require_factor_for_secret(user, marks.get("secrecy"))
    return present(create_programme(org, user, doc.to_dict(), marks), user)


@blp.route("/programmes/<int:programme_id>")
class ProgrammeResource(MethodView):
    """One programme."""

    @blp.response(200, ProgrammeSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, programme_id: int) -> dict[str, Any]:
        """The programme, if you may see it (read only when you received it from another
        org)."""
        user = current_api_user()
        return present(get_programme(programme_id, user, as_recipient=True), user)

    @blp.arguments(ProgrammeEditSchema)
    @blp.response(200, ProgrammeSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def patch(self, body: dict[str, Any], programme_id: int) -> dict[str, Any]:
        """Replace the draft's content (the `edit` transition); a stale `version` gives 409."""
        user = current_api_user()
        programme = _programme_to_change(programme_id, user)
        doc = _doc_from(body) if "text" in body or "doc" in body else None
        marks = _marks_from(body, doc)
        _require_factor_for_secret(user, programme.secrecy, marks.get("secrecy"))
        apply_transition(
            programme,
            "edit",
            user,
            version=body["version"],
            doc=doc.to_dict() if doc else None,
            marks=marks,
        )
        return present(programme, user)


@blp.route("/programmes/<int:programme_id>/transitions", methods=["POST"])
@blp.arguments(TransitionSchema)
@blp.response(200, ProgrammeSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def transition(body: dict[str, Any], programme_id: int) -> dict[str, Any]:
    """Submit; give an opinion: approve (tán thành) or request_changes (không tán thành, with
    the reason as comment and `reserve`), changeable until the round closes, or
    retract_opinion; reserve_opinion / unreserve_opinion (bảo lưu ý kiến or not, for one's
    current không tán thành); withdraw; extend_deadline (secretary, with `deadline`)."""
    user = current_api_user()
    programme = _programme_to_change(programme_id, user)
    _require_factor_for_secret(user, programme.secrecy)
    apply_transition(
        programme,
        body["action"],
        user,
        version=body["version"],
        comment=body.get("comment"),
        params={"deadline": body.get("deadline"), "reserve": body.get("reserve", True)},
    )
    return present(programme, user)


@blp.route("/programmes/<int:programme_id>/meeting-vote", methods=["POST"])
@blp.arguments(MeetingVoteSchema, location="form", content_type="multipart/form-data")
@blp.response(200, ProgrammeSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def meeting_vote(form: dict[str, Any], programme_id: int) -> dict[str, Any]:
    """Record a vote taken at a cấp ủy meeting (secretary): it closes the round by the
    majority rule (for ≥ required → approved, else returned to draft); 422 for counts that do
    not fit the committee or minutes that are not a PDF, Word file or image small enough
    (uploads.MAX_MINUTES_BYTES)."""
    user = current_api_user()
    programme = get_programme(programme_id, user)
    _require_factor_for_secret(user, programme.secrecy)
    upload = request.files.get("minutes")
    meeting = read_meeting(form["held_on"], form["present"], form["votes_for"],
                           form["votes_against"], upload)  # fmt: skip
    apply_transition(programme, "record_meeting_vote", user, version=form["version"],
                     params={"meeting": meeting})  # fmt: skip
    return present(programme, user)


@blp.route("/programmes/<int:programme_id>/history")
@blp.response(200, HistorySchema)
@blp.alt_response(404, response="NOT_FOUND")
def history(programme_id: int) -> dict[str, Any]:
    """Who did what and when, oldest first (who viewed or downloaded a "mật" programme: for its
    secretaries, committee and admins only)."""
    user = current_api_user()
    programme = get_programme(programme_id, user)
    record_secret_view(programme, user, "api", page="history")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.programme_id == programme.id).order_by(AuditEvent.id)
    )
    return {"items": history_for(user, programme, events)}


@blp.route("/programmes/<int:programme_id>/deliveries")
@blp.response(200, DeliveriesSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
def deliveries(programme_id: int) -> dict[str, Any]:
    """The emails of the final copy, one per address (secretaries, committee and admins)."""
    user = current_api_user()
    programme = get_programme(programme_id, user)
    if not any(user.has_role(role, programme.org) for role in DELIVERY_VIEWERS):
        raise NotAllowed(messages.FORBIDDEN)
    rows = db.session.scalars(
        select(Delivery)
        .where(Delivery.programme_id == programme.id, Delivery.kind == FINAL_COPY)
        .order_by(Delivery.id)
    )
    return {"items": list(rows)}


@blp.route("/inbox")
@blp.response(200, InboxSchema)
def inbox() -> dict[str, Any]:
    """“Văn bản đến”: the approved programmes you received, from any org, newest first; each
    may be read (GET /programmes/<id>, final.pdf, final.docx), nothing else of its org."""
    user = current_api_user()
    return {"items": [present_received(item, user) for item in received(user)]}


@blp.route("/inbox/<int:programme_id>/confirm", methods=["POST"])
@blp.response(200, InboxItemSchema)
@blp.alt_response(404, response="NOT_FOUND")
def confirm_receipt(programme_id: int) -> dict[str, Any]:
    """“Xác nhận đã nhận”: confirm you received a document emailed to you, as its page's button
    does; idempotent (the first confirmation stands). 404 unless its final copy was emailed to
    you (an org's incoming-register entry: POST /registers/incoming/<id>/confirm)."""
    user = current_api_user()
    programme = get_programme(programme_id, user, as_recipient=True)
    if not by_email(user, programme.id):
        abort(404, messages.RECEIPT_NOT_EMAILED)
    confirmed_by_user(user, programme.id)
    return present_received(received(user, programme.id)[0], user)


def present_received(item: Received, user: User) -> dict[str, Any]:
    """A received programme as GET /inbox lists it, with how it was received."""
    how = {"line": item.line, "purpose": item.purpose, "via": item.via,
           "opened_at": item.opened_at, "confirmed_at": item.confirmed_at}  # fmt: skip
    return present_listed(item.programme, user) | {"received_as": how}


@blp.route("/programmes/<int:programme_id>/final.pdf")
@blp.response(200, BINARY, content_type=PDF_TYPE, description="The PDF issued on approval")
@blp.alt_response(404, response="NOT_FOUND")
def final_pdf(programme_id: int) -> Response:
    """The final copy as PDF; 404 `not_rendered` until it has been rendered after approval."""
    return _final_copy(programme_id, "pdf", PDF_TYPE)


@blp.route("/programmes/<int:programme_id>/signed.pdf", methods=["POST"])
@blp.arguments(SignedCopyFileSchema, location="files")
@blp.response(200, ProgrammeSchema)
@blp.alt_response(403, response="FORBIDDEN")
def upload_signed_copy(files: dict[str, Any], programme_id: int) -> dict[str, Any]:
    """External signing: the approved PDF (GET final.pdf) signed with the office's own tool,
    uploaded by a secretary of the org; 422 with the reason unless it is the approved document
    under an intact signature by a certificate chaining to the configured trust anchors."""
    user = current_api_user()
    programme = get_programme(programme_id, user)
    if not user.has_role(Role.SECRETARY, programme.org):
        raise NotAllowed(messages.SIGNED_COPY_NOT_ALLOWED)
    _require_factor_for_secret(user, programme.secrecy)
    accept_signed_copy(final_copy_for(programme), files["file"].read(), user)
    enqueue_final_copies(programme.id)  # distribution waited for this signed copy
    return present(programme, user)


@blp.route("/programmes/<int:programme_id>/final.docx")
@blp.response(200, BINARY, content_type=DOCX_TYPE, description="The DOCX issued on approval")
@blp.alt_response(404, response="NOT_FOUND")
def final_docx(programme_id: int) -> Response:
    """The final copy as DOCX; 404 `not_rendered` until it has been rendered after approval."""
    return _final_copy(programme_id, "docx", DOCX_TYPE)


def present(programme: Programme, user: User) -> dict[str, Any]:
    """The programme as the API returns it to `user` (who is shown a "mật" one: recorded;
    refused with 403 without a second factor)."""
    record_secret_view(programme, user, "api")
    return _programme_json(programme, user)


# What a list leaves out of a "mật" programme for someone without a second factor.
_WITHHELD = {"title": None, "doc": None, "round": None, "reserved_opinions": []}


def present_listed(programme: Programme, user: User) -> dict[str, Any]:
    """The programme as a list shows it to `user`: as `present`, except that a "mật" one is
    listed without its trích yếu, text and opinions (null) for someone without a second
    factor, instead of refusing the whole list."""
    if content_withheld(programme, user):
        return _programme_json(programme, user) | _WITHHELD
    return present(programme, user)


def _programme_json(programme: Programme, user: User) -> dict[str, Any]:
    org = programme.org
    received = 0 if programme.state == State.DRAFT else approvals_received(programme)
    return {
        "id": programme.id,
        "org": org.name,
        "org_id": org.id,
        "state": programme.state,
        "version": programme.version,
        "revision": programme.revision,
        "round": present_round(programme),
        "reserved_opinions": [present_opinion(vote) for vote in reserved_opinions(programme)],
        "number": programme.number,
        "title": programme.title,
        "secrecy": programme.secrecy,
        "urgency": programme.urgency,
        "doc": programme.doc,
        "approvals": {"required": org.required_approvals(), "received": received},
        "allowed_actions": allowed_actions(user, programme),
        "created_at": programme.created_at,
        "updated_at": programme.updated_at,
    }


def present_round(programme: Programme) -> dict[str, Any] | None:
    """The open review round as the API returns it (None outside review): its members'
    current opinions."""
    if programme.state != State.REVIEW:
        return None
    return {
        "number": programme.review_round,
        "deadline": programme.review_deadline,
        "required": programme.org.required_approvals(),
        "opinions": [
            present_opinion(vote) for vote in round_votes(programme, programme.review_round)
        ],
    }


def present_opinion(vote: Vote) -> dict[str, Any]:
    """One opinion as the API returns it (§4b `round.opinions`)."""
    return {
        # Who gave it; a delegate's opinion counts for `on_behalf_of`.
        "member": vote.cast_by or vote.user,
        "opinion": OPINIONS[vote.decision],
        "reason": vote.reason,
        "reserve": vote.reserve,
        "at": vote.created_at,
        "on_behalf_of": vote.user if vote.cast_by_id else None,
    }


def _final_copy(programme_id: int, extension: str, content_type: str) -> Response:
    """The stored file (`extension` is the FinalCopy column), or 404 `not_rendered`."""
    user = current_api_user()
    programme = get_programme(programme_id, user, as_recipient=True)
    final_copy = stored_final_copy(programme.id)
    if final_copy is None:
        return error_response(404, messages.API_NOT_RENDERED, "not_rendered")
    data = served_file(programme, user, extension, getattr(final_copy, extension), "api")
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition(programme, extension)
    response.headers["Cache-Control"] = "private, max-age=0"
    return response


def _programme_to_change(programme_id: int, user: User) -> Programme:
    """The programme an edit or a transition is for: 404 for whoever may not see it, 403 for a
    recipient of another org, who reads it (GET answers 200) but may not change it."""
    programme = get_programme(programme_id, user, as_recipient=True)
    if not can_view(user, programme):  # let in as a recipient only
        raise NotAllowed(messages.FORBIDDEN)
    return programme


def _target_org(user: User, name: str | None) -> Org:
    """The org named in the request, else the one org where `user` is secretary.

    Raises Invalid for an org the user does not belong to or an ambiguous default, and
    NotAllowed when the user is secretary nowhere.
    """
    if name is not None:
        wanted = unicodedata.normalize("NFC", name).strip()
        for org in user.orgs():
            if org.name == wanted:
                return org
        raise Invalid(messages.API_ORG_UNKNOWN.format(org=wanted))
    org_ids = user.org_ids(Role.SECRETARY)
    if not org_ids:
        raise NotAllowed(messages.FORBIDDEN)
    if len(org_ids) > 1:
        raise Invalid(messages.API_ORG_AMBIGUOUS)
    return db.session.get(Org, org_ids[0])


def _doc_from(body: dict[str, Any]) -> ProgrammeDoc:
    """The ProgrammeDoc of a request's `text` or `doc`; raises Invalid saying why not."""
    try:
        if "text" in body:
            if not body["text"].strip():
                raise Invalid(messages.EMPTY_DOCUMENT)
            return parse_pasted(body["text"])
        return ProgrammeDoc.from_dict(body["doc"])
    except DocumentError as exc:
        raise Invalid(exc.message) from exc
    except ValueError as exc:
        raise Invalid(str(exc)) from exc


def _require_factor_for_secret(user: User, *secrecies: str | None) -> None:
    """Before a write: 403 (require_second_factor) when what it touches or makes is "mật" and
    `user` has no second factor, since the answer would show its content; refused first, so
    that nothing is saved behind the 403."""
    if SECRET in secrecies:
        require_second_factor(user)


def _marks_from(body: dict[str, Any], doc: ProgrammeDoc | None) -> dict[str, str]:
    """The `secrecy` and `urgency` a request sets, else those stamped on its `text` (none:
    unchanged, or thường on creation)."""
    chosen = {name: body[name] for name in MARK_NAMES if name in body}
    return merged_marks(doc.marks if doc else {}, chosen)


def _describe(errors: dict[str, dict[str, Any]]) -> str:
    """One Vietnamese sentence for webargs' `{location: {field: [messages]}}`."""
    fields: list[str] = []
    for location_errors in errors.values():
        for field, field_errors in location_errors.items():
            if field == "_schema":  # the body as a whole: ours, or marshmallow's "not a dict"
                if field_errors[0] == NOT_AN_OBJECT:
                    return messages.API_BODY_NOT_OBJECT
                return field_errors[0]
            fields.append(field)
    if fields:
        return messages.API_INVALID_FIELDS.format(fields=", ".join(fields))
    return messages.API_INVALID_BODY
