"""Endpoints of /api/v1/orgs: the orgs a caller belongs to or administers (DESIGN §4b), and,
for admins, creating and changing the orgs under them, their members (added by invitation, or
from a spreadsheet) and invitations. Changes go through chibo_flow.orgs."""

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import Schema, fields
from marshmallow.validate import Length, OneOf, Range
from werkzeug.exceptions import UnprocessableEntity

from chibo_flow import orgs
from chibo_flow.api.auth import current_api_user, require_token
from chibo_flow.api.blueprint import Blueprint
from chibo_flow.api.views import invalid_request
from chibo_flow.auth.invitations import org_invitations
from chibo_flow.member_sheet import read_sheet, sheet_download
from chibo_flow.models import User
from chibo_flow.security.limits import MAX_ID

blp = Blueprint(
    "api_orgs",
    __name__,
    url_prefix="/api/v1",
    description="Tổ chức đảng: chi bộ, đảng bộ và các tổ chức trực thuộc (quản trị viên).",
)
require_token(blp)
blp.errorhandler(UnprocessableEntity)(invalid_request)


class OrgSchema(Schema):
    """An org: who it is, where it sits in the tree and its approval rule."""

    id = fields.Integer()
    name = fields.String()
    code = fields.String(metadata={"description": "Ký hiệu in the document number, e.g. CB"})
    parent_id = fields.Integer(allow_none=True)
    place = fields.String(allow_none=True, metadata={"description": "Place of the date line"})
    term_start = fields.String(allow_none=True, metadata={"description": "ISO date (nhiệm kỳ)"})
    approvals_required = fields.Integer(
        allow_none=True, metadata={"description": "null: a majority of the committee"}
    )
    committee_size = fields.Integer(metadata={"description": "Active cấp ủy viên"})
    opinion_days = fields.Integer(metadata={"description": "Hạn cho ý kiến (days)"})
    reminder_after_days = fields.Integer()
    escalate_after_days = fields.Integer()
    session_idle_minutes = fields.Integer()
    signing_mode = fields.String(metadata={"description": "system | external"})
    secretaries_add_recipients = fields.Boolean(
        metadata={"description": "The secretary may add a Nơi nhận recipient at submit"}
    )
    closed = fields.Boolean(metadata={"description": "Closed: documents kept, no new draft"})


class OrgListSchema(Schema):
    """Orgs by name."""

    items = fields.List(fields.Nested(OrgSchema))


class OrgMemberSchema(Schema):
    """Someone holding roles in the org."""

    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    roles = fields.List(
        fields.String(), metadata={"description": "secretary | committee | member | admin"}
    )
    position = fields.String(allow_none=True, metadata={"description": "Chức vụ"})
    active = fields.Boolean(metadata={"description": "false: deactivated, history kept"})
    invitation = fields.Dict(
        allow_none=True,
        metadata={"description": "{state: pending|accepted|expired|revoked, sent_at, expires_at}"},
    )


class OrgMemberListSchema(Schema):
    """The org's members by name."""

    items = fields.List(fields.Nested(OrgMemberSchema))


class MemberEditSchema(Schema):
    """PATCH /orgs/<id>/members/<user_id>: new roles in the org, or (de)activation."""

    roles = fields.List(fields.String(validate=Length(max=20)), validate=Length(min=1, max=4))
    active = fields.Boolean(metadata={"description": "false ends their sessions; history stays"})
    position = fields.String(validate=Length(max=orgs.POSITION_MAX))


class MemberCreateSchema(Schema):
    """POST /orgs/<id>/members: a member and their roles; a new account gets an invitation."""

    email = fields.String(required=True, validate=Length(max=orgs.EMAIL_MAX))
    name = fields.String(required=True, validate=Length(max=orgs.NAME_MAX))
    position = fields.String(allow_none=True, validate=Length(max=orgs.POSITION_MAX))
    roles = fields.List(
        fields.String(validate=Length(max=20)), required=True, validate=Length(min=1, max=4)
    )


class MemberFileSchema(Schema):
    """POST /orgs/<id>/members/import: .xlsx or .csv with họ tên, email, chức vụ, vai trò."""

    file = Upload(required=True)


class ImportedSchema(Schema):
    """How many members the file added (each emailed)."""

    created = fields.Integer()


class ExportQuerySchema(Schema):
    """GET /orgs/<id>/members/export: csv (default) or xlsx."""

    format = fields.String(load_default="csv", validate=OneOf(["csv", "xlsx"]))


class OrgEditSchema(Schema):
    """PATCH /orgs/<id>: the fields to change (a new `parent_id` moves the org)."""

    name = fields.String(validate=Length(max=orgs.NAME_MAX))
    code = fields.String(validate=Length(max=orgs.CODE_MAX))
    parent_id = fields.Integer(strict=True, allow_none=True, validate=Range(min=1, max=MAX_ID))
    place = fields.String(allow_none=True, validate=Length(max=orgs.PLACE_MAX))
    term_start = fields.Date(allow_none=True)
    approvals_required = fields.Integer(
        strict=True, allow_none=True, validate=Range(min=1, max=MAX_ID)
    )
    opinion_days = fields.Integer(strict=True, validate=Range(min=1, max=MAX_ID))
    reminder_after_days = fields.Integer(strict=True, validate=Range(min=1, max=MAX_ID))
    escalate_after_days = fields.Integer(strict=True, validate=Range(min=1, max=MAX_ID))
    session_idle_minutes = fields.Integer(strict=True, validate=Range(min=1, max=MAX_ID))
    signing_mode = fields.String(validate=Length(max=10))
    secretaries_add_recipients = fields.Boolean()
    closed = fields.Boolean(metadata={"description": "true closes the org, keeping its documents"})


class OrgCreateSchema(OrgEditSchema):
    """POST /orgs: a new org under `parent_id`, which you administer."""

    name = fields.String(required=True, validate=Length(max=orgs.NAME_MAX))
    code = fields.String(required=True, validate=Length(max=orgs.CODE_MAX))
    parent_id = fields.Integer(required=True, strict=True, validate=Range(min=1, max=MAX_ID))


@blp.route("/orgs")
class Orgs(MethodView):
    """The orgs of the caller."""

    @blp.response(200, OrgListSchema)
    def get(self) -> dict[str, Any]:
        """The orgs you belong to or administer, with their children."""
        return {"items": [orgs.org_data(o) for o in orgs.visible_orgs(current_api_user())]}

    @blp.arguments(OrgCreateSchema)
    @blp.response(201, OrgSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create an org under one you administer; 409 for a name already taken."""
        return orgs.org_data(orgs.create_org(current_api_user(), body))


@blp.route("/orgs/<int:org_id>")
class OrgResource(MethodView):
    """One org you administer."""

    @blp.arguments(OrgEditSchema)
    @blp.response(200, OrgSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(409, response="CONFLICT")
    def patch(self, body: dict[str, Any], org_id: int) -> dict[str, Any]:
        """Change an org you administer (or one under it); moving it keeps its documents."""
        user = current_api_user()
        org = orgs.administered_org(user, org_id)
        return orgs.org_data(orgs.update_org(user, org, body))


@blp.route("/orgs/<int:org_id>/members")
class Members(MethodView):
    """The members of an org you administer (or one under it)."""

    @blp.response(200, OrgMemberListSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    def get(self, org_id: int) -> dict[str, Any]:
        """The members with their roles there, position and invitation."""
        org = orgs.administered_org(current_api_user(), org_id)
        return {"items": [orgs.member_data(user, roles) for user, roles in orgs.members(org)]}

    @blp.arguments(MemberCreateSchema)
    @blp.response(201, OrgMemberSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body: dict[str, Any], org_id: int) -> dict[str, Any]:
        """Add a member: a new account is emailed an invitation ({PUBLIC_URL}/moi/<token>) to
        set its password; an existing one is told of its new roles. 409 if already a member."""
        user = current_api_user()
        org = orgs.administered_org(user, org_id)
        member = orgs.invite_member(
            user, org, body["email"], body["name"], body.get("position"), body["roles"]
        )
        return orgs.member_data(member, _roles_in(member, org_id))


def _roles_in(member: User, org_id: int) -> list[str]:
    return sorted(m.role for m in member.memberships if m.org_id == org_id)


@blp.route("/orgs/<int:org_id>/members/import", methods=["POST"])
@blp.arguments(MemberFileSchema, location="files")
@blp.response(201, ImportedSchema)
@blp.alt_response(403, response="FORBIDDEN")
def import_members(files: dict[str, Any], org_id: int) -> dict[str, Any]:
    """Add the members of a spreadsheet, all or nothing: 422 with `error.rows` [{row, message}]
    and nothing saved when any row is wrong; invitations go out after the commit."""
    user = current_api_user()
    org = orgs.administered_org(user, org_id)
    upload = files["file"]
    rows = read_sheet(upload.read(), upload.filename or "")
    return {"created": len(orgs.import_members(user, org, rows, save=True))}


@blp.route("/orgs/<int:org_id>/members/export")
@blp.arguments(ExportQuerySchema, location="query")
@blp.response(200, content_type="text/csv")
@blp.alt_response(403, response="FORBIDDEN")
def export_members(query: dict[str, Any], org_id: int) -> Response:
    """The active members as the import's columns (họ tên, email, chức vụ, vai trò)."""
    org = orgs.administered_org(current_api_user(), org_id)
    return sheet_download(orgs.member_rows(org), query["format"], org.id)


@blp.route("/orgs/<int:org_id>/invitations")
@blp.response(200, OrgMemberListSchema)
@blp.alt_response(403, response="FORBIDDEN")
def invitations(org_id: int) -> dict[str, Any]:
    """The members invited to the org (newest invitation first), with its state."""
    org = orgs.administered_org(current_api_user(), org_id)
    items = [
        orgs.member_data(invitation.user, _roles_in(invitation.user, org.id))
        for invitation in org_invitations(org)
    ]
    return {"items": items}


@blp.route("/orgs/<int:org_id>/members/<int:user_id>/invitation", methods=["POST", "DELETE"])
@blp.response(200, OrgMemberSchema)
@blp.alt_response(403, response="FORBIDDEN")
def invitation(org_id: int, user_id: int) -> dict[str, Any]:
    """POST: send a new invitation link (the old one stops working); DELETE: revoke it."""
    user = current_api_user()
    org = orgs.administered_org(user, org_id)
    member = orgs.member_of(org, user_id)
    if request.method == "POST":
        orgs.resend_invitation(user, org, member)
    else:
        orgs.revoke_invitation(user, org, member)
    return orgs.member_data(member, _roles_in(member, org.id))


@blp.route("/orgs/<int:org_id>/members/<int:user_id>", methods=["PATCH"])
@blp.arguments(MemberEditSchema)
@blp.response(200, OrgMemberSchema)
@blp.alt_response(403, response="FORBIDDEN")
def change_member(body: dict[str, Any], org_id: int, user_id: int) -> dict[str, Any]:
    """Change a member's roles in the org (audited) or deactivate them (their sessions end)."""
    user = current_api_user()
    org = orgs.administered_org(user, org_id)
    member = orgs.member_of(org, user_id)
    orgs.change_member(
        user, org, member, body.get("roles"), body.get("active"), body.get("position")
    )
    return orgs.member_data(member, _roles_in(member, org.id))
