"""Endpoints of /api/v1/directory: the people, groups and aliases "Nơi nhận" lines resolve to.

Only an admin of the org may read or change its directory. The org is named in `org` (query
for GET, body for POST), by default the one org the caller administers. Changes go through
chibo_flow.directory, so the API, the admin pages and the CLI apply the same rules.
"""

import unicodedata
from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields
from marshmallow.validate import Length
from sqlalchemy import select
from werkzeug.exceptions import UnprocessableEntity

from chibo_flow import directory, messages
from chibo_flow.api.auth import current_api_user, require_token
from chibo_flow.api.blueprint import Blueprint
from chibo_flow.api.views import invalid_request
from chibo_flow.extensions import db
from chibo_flow.models import Org, User
from chibo_flow.models.users import Role
from chibo_flow.security.limits import MAX_EMAIL_CHARS, MAX_LIST_ITEMS
from chibo_flow.workflow_errors import Invalid, NotAllowed

blp = Blueprint(
    "api_directory",
    __name__,
    url_prefix="/api/v1/directory",
    description="Danh bạ nơi nhận: người, nhóm và cách viết khác (quản trị viên của tổ chức).",
)
require_token(blp)
blp.errorhandler(UnprocessableEntity)(invalid_request)


@blp.before_request
def require_an_admin() -> None:
    """Callers who administer no org at all are refused before their request is read."""
    if not current_api_user().org_ids(Role.ADMIN):
        raise NotAllowed(messages.FORBIDDEN)


def _org_field() -> fields.String:
    return fields.String(
        validate=Length(max=directory.NAME_MAX),
        metadata={"description": "Org name; default: the one org whose directory you manage"},
    )


# --- schemas ------------------------------------------------------------------------------------


class DirectoryQuerySchema(Schema):
    """GET ...?org=: whose directory."""

    org = _org_field()


class PersonInSchema(Schema):
    """POST /directory/people."""

    org = _org_field()
    name = fields.String(required=True, validate=Length(max=directory.NAME_MAX))
    email = fields.String(required=True, validate=Length(max=MAX_EMAIL_CHARS))
    position = fields.String(allow_none=True, validate=Length(max=directory.NAME_MAX))


class PersonSchema(Schema):
    """A person of the directory."""

    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    position = fields.String(allow_none=True)
    groups = fields.List(fields.String(), metadata={"description": "Names of their groups"})


class PersonListSchema(Schema):
    """The org's people, by name."""

    items = fields.List(fields.Nested(PersonSchema))


class GroupInSchema(Schema):
    """POST /directory/groups: chosen people (by email) or every member of an org."""

    org = _org_field()
    name = fields.String(required=True, validate=Length(max=directory.NAME_MAX))
    members_of = fields.String(
        allow_none=True,
        validate=Length(max=directory.NAME_MAX),
        metadata={"description": "Org name: the group is that org's members, kept current"},
    )
    stands_for = fields.String(
        allow_none=True,
        validate=Length(max=directory.NAME_MAX),
        metadata={
            "description": "Org name: the group stands for that org of the system (an org "
            "above or directly under yours); what reaches it enters its incoming register"
        },
    )
    people = fields.List(
        fields.String(validate=Length(max=MAX_EMAIL_CHARS)),
        load_default=list,
        validate=Length(max=MAX_LIST_ITEMS),
        metadata={"description": "Emails"},
    )


class MemberSchema(Schema):
    """Someone a group reaches now."""

    name = fields.String()
    email = fields.String()


class GroupSchema(Schema):
    """A group of the directory and whom it reaches now."""

    id = fields.Integer()
    name = fields.String()
    members_of = fields.String(allow_none=True)
    stands_for = fields.String(allow_none=True)
    members = fields.List(fields.Nested(MemberSchema))
    aliases = fields.List(fields.String())


class GroupListSchema(Schema):
    """The org's groups, by name."""

    items = fields.List(fields.Nested(GroupSchema))


class AliasInSchema(Schema):
    """POST /directory/aliases: `label` (as written under "Nơi nhận") means `group`."""

    org = _org_field()
    label = fields.String(required=True, validate=Length(max=directory.NAME_MAX))
    group = fields.String(
        required=True,
        validate=Length(max=directory.NAME_MAX),
        metadata={"description": "Group name"},
    )


class AliasSchema(Schema):
    """A learnt way of writing a group's name."""

    id = fields.Integer()
    label = fields.String()
    key = fields.String(metadata={"description": "The match key (no diacritics, expanded)"})
    group = fields.String()


class AliasListSchema(Schema):
    """The org's aliases, by label."""

    items = fields.List(fields.Nested(AliasSchema))


# --- endpoints ----------------------------------------------------------------------------------


@blp.route("/people")
class People(MethodView):
    """The people of an org's directory."""

    @blp.arguments(DirectoryQuerySchema, location="query")
    @blp.response(200, PersonListSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """List the people, by name."""
        org = admin_org(current_api_user(), query.get("org"))
        return {"items": [directory.person_data(e) for e in directory.people(org)]}

    @blp.arguments(PersonInSchema)
    @blp.response(201, PersonSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Add a person; 409 when the email is already in the org's directory."""
        org = admin_org(current_api_user(), body.get("org"))
        entry = directory.save_person(org, body["name"], body["email"], body.get("position"))
        return directory.person_data(entry)


@blp.route("/groups")
class Groups(MethodView):
    """The groups of an org's directory."""

    @blp.arguments(DirectoryQuerySchema, location="query")
    @blp.response(200, GroupListSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """List the groups with whom each reaches now."""
        org = admin_org(current_api_user(), query.get("org"))
        return {"items": [directory.group_data(g) for g in directory.groups(org)]}

    @blp.arguments(GroupInSchema)
    @blp.response(201, GroupSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Add a group of people (by email) or of an org's members; 409 for a taken name."""
        org = admin_org(current_api_user(), body.get("org"))
        members_of = _named_org(body["members_of"]) if body.get("members_of") else None
        stands_for = _named_org(body["stands_for"]) if body.get("stands_for") else None
        entries = [directory.person_by_email(org, email) for email in body["people"]]
        group = directory.save_group(org, body["name"], members_of=members_of, entries=entries,
                                     stands_for=stands_for)  # fmt: skip
        return directory.group_data(group)


@blp.route("/aliases")
class Aliases(MethodView):
    """Learnt ways of writing an org's group names."""

    @blp.arguments(DirectoryQuerySchema, location="query")
    @blp.response(200, AliasListSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """List the aliases, by label."""
        org = admin_org(current_api_user(), query.get("org"))
        return {"items": [directory.alias_data(a) for a in directory.aliases(org)]}

    @blp.arguments(AliasInSchema)
    @blp.response(201, AliasSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Say that `label` means `group` (an existing alias is pointed at the new group)."""
        org = admin_org(current_api_user(), body.get("org"))
        group = directory.group_by_name(org, body["group"])
        return directory.alias_data(directory.save_alias(org, body["label"], group))


def admin_org(user: User, name: str | None) -> Org:
    """The org named in the request if `user` administers it, else the one org they administer.

    Raises NotAllowed (not an admin of that org) or Invalid (several, none named).
    """
    if name is not None:
        org = _find_org(name)
        if org is None or not user.has_role(Role.ADMIN, org):
            raise NotAllowed(messages.DIRECTORY_ORG_UNKNOWN.format(org=_nfc(name)))
        return org
    org_ids = user.org_ids(Role.ADMIN)
    if len(org_ids) > 1:
        raise Invalid(messages.DIRECTORY_ORG_AMBIGUOUS)
    return db.session.get(Org, org_ids[0])


def _named_org(name: str) -> Org:
    """The org a new group reaches the members of or stands for; raises Invalid if there is no
    such org."""
    org = _find_org(name)
    if org is None:
        raise Invalid(messages.DIRECTORY_ORG_MISSING.format(org=_nfc(name)))
    return org


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip()


def _find_org(name: str) -> Org | None:
    return db.session.scalar(select(Org).where(Org.name == _nfc(name)))
