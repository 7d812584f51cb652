"""Endpoints of /api/v1/orgs: the orgs a caller belongs to or administers (DESIGN §4b), and,
for admins, creating and changing the orgs under them. Changes go through chibo_flow.orgs."""

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from marshmallow.validate import Length, Range
from werkzeug.exceptions import UnprocessableEntity

from chibo_flow import orgs
from chibo_flow.api.auth import authenticate, current_api_user
from chibo_flow.api.views import invalid_request
from chibo_flow.security.limits import MAX_ID

blp = Blueprint(
    "api_orgs",
    __name__,
    url_prefix="/api/v1",
    description="Tổ chức đảng: chi bộ, đảng bộ và các tổ chức trực thuộc (quản trị viên).",
)
blp.before_request(authenticate)
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
    active = fields.Boolean(metadata={"description": "false: deactivated, history kept"})


class OrgMemberListSchema(Schema):
    """The org's members by name."""

    items = fields.List(fields.Nested(OrgMemberSchema))


class MemberEditSchema(Schema):
    """PATCH /orgs/<id>/members/<user_id>: new roles in the org, or (de)activation."""

    roles = fields.List(fields.String(validate=Length(max=20)), validate=Length(min=1, max=4))
    active = fields.Boolean(metadata={"description": "false ends their sessions; history stays"})


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
@blp.response(200, OrgMemberListSchema)
@blp.alt_response(403, response="FORBIDDEN")
def members(org_id: int) -> dict[str, Any]:
    """The members of an org you administer (or one under it), with their roles there."""
    org = orgs.administered_org(current_api_user(), org_id)
    return {"items": [orgs.member_data(user, roles) for user, roles in orgs.members(org)]}


@blp.route("/orgs/<int:org_id>/members/<int:user_id>", methods=["PATCH"])
@blp.arguments(MemberEditSchema)
@blp.response(200, OrgMemberSchema)
@blp.alt_response(403, response="FORBIDDEN")
def change_member(body: dict[str, Any], org_id: int, user_id: int) -> dict[str, Any]:
    """Change a member's roles in the org (audited) or deactivate them (their sessions end)."""
    user = current_api_user()
    org = orgs.administered_org(user, org_id)
    member = orgs.member_of(org, user_id)
    orgs.change_member(user, org, member, body.get("roles"), body.get("active"))
    roles = sorted(m.role for m in member.memberships if m.org_id == org.id)
    return orgs.member_data(member, roles)
