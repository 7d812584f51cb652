"""Directory pages ("Danh bạ nơi nhận"): people, groups and aliases of the orgs one administers.

Nested in the admin blueprint (login and an admin role are checked there); each page also
requires the admin role in the org it shows. Changes go through chibo_flow.directory.
"""

from typing import TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from chibo_flow import directory, messages
from chibo_flow.admin.forms import NO_ORG, AliasForm, GroupForm, PersonForm
from chibo_flow.extensions import db
from chibo_flow.models import Alias, DirectoryEntry, Group, Org, RecipientRequest
from chibo_flow.models.users import Role
from chibo_flow.programmes.forms import NewRecipientForm
from chibo_flow.recipients import group_members
from chibo_flow.workflow_errors import WorkflowError

bp = Blueprint("directory", __name__, url_prefix="/directory")

Row = TypeVar("Row", DirectoryEntry, Group, Alias, RecipientRequest)


def _org(org_id: int) -> Org:
    """The org, if the current user administers it: else 404 (unknown) or NotAllowed (403)."""
    org = db.session.get(Org, org_id)
    if org is None:
        abort(404)
    directory.require_admin(current_user, org)
    return org


def _row(model: type[Row], row_id: int, org: Org) -> Row:
    """A person, group or alias of `org`, or 404."""
    row = db.session.get(model, row_id)
    if row is None or row.org_id != org.id:
        abort(404)
    return row


def _home(org: Org) -> Response:
    return redirect(url_for(".show", org_id=org.id))


@bp.get("/")
def index():
    """The orgs whose directory the user manages; straight to it when there is one."""
    orgs = [db.session.get(Org, org_id) for org_id in current_user.org_ids(Role.ADMIN)]
    if len(orgs) == 1:
        return _home(orgs[0])
    return render_template("admin/directory_orgs.html", orgs=sorted(orgs, key=lambda o: o.name))


@bp.get("/<int:org_id>")
def show(org_id: int):
    """People, groups (with whom each reaches now) and aliases of one org."""
    org = _org(org_id)
    return render_template("admin/directory.html", org=org, **_listing(org))


def _listing(org: Org, alias_form: AliasForm | None = None) -> dict:
    groups = directory.groups(org)
    form = alias_form or AliasForm()
    form.group_id.choices = [SelectChoice(g.id, g.name) for g in groups]
    return {
        "people": directory.people(org),
        "groups": [(g, group_members(g)) for g in groups],
        "aliases": directory.aliases(org),
        "requests": directory.open_requests(org),
        "alias_form": form,
        "delete_form": FlaskForm(),
    }


@bp.route("/<int:org_id>/people/new", methods=["GET", "POST"], endpoint="new_person")
@bp.route("/<int:org_id>/people/<int:person_id>", methods=["GET", "POST"])
def person(org_id: int, person_id: int | None = None):
    """Add or edit a person."""
    org = _org(org_id)
    entry = _row(DirectoryEntry, person_id, org) if person_id is not None else None
    form = PersonForm(obj=entry)
    status = 200
    if form.validate_on_submit():
        try:
            saved = directory.save_person(
                org, form.name.data, form.email.data, form.position.data, entry=entry
            )
        except WorkflowError as exc:
            flash(exc.message, "danger")
            status = exc.status
        else:
            flash(messages.DIRECTORY_PERSON_SAVED.format(name=saved.name), "success")
            return _home(org)
    elif form.is_submitted():
        status = 422
    return render_template("admin/directory_person.html", org=org, entry=entry, form=form), status


@bp.route("/<int:org_id>/groups/new", methods=["GET", "POST"], endpoint="new_group")
@bp.route("/<int:org_id>/groups/<int:group_id>", methods=["GET", "POST"])
def group(org_id: int, group_id: int | None = None):
    """Add or edit a group: an org's members (kept current) or chosen people."""
    org = _org(org_id)
    row = _row(Group, group_id, org) if group_id is not None else None
    form = GroupForm(obj=row)
    member_orgs = directory.member_org_choices(org)
    people = directory.people(org)
    form.members_of.choices = [SelectChoice(NO_ORG, "Những người được chọn dưới đây")] + [
        SelectChoice(o.id, f"Toàn bộ đảng viên của {o.name} (tự cập nhật)") for o in member_orgs
    ]
    form.people.choices = [SelectChoice(p.id, f"{p.name} <{p.email}>") for p in people]
    receiving_orgs = directory.receiving_org_choices(org)
    form.stands_for.choices = [SelectChoice(NO_ORG, "Không (chỉ gửi thư)")] + [
        SelectChoice(o.id, f"{o.name}: vào sổ văn bản đến của tổ chức này") for o in receiving_orgs
    ]
    if row is not None and not form.is_submitted():
        form.members_of.data = row.members_of_org_id or NO_ORG
        form.stands_for.data = row.receiving_org_id or NO_ORG
        form.people.data = [e.id for e in row.entries]
    status = 200
    if form.validate_on_submit():
        chosen = set(form.people.data or [])
        try:
            saved = directory.save_group(
                org,
                form.name.data,
                members_of=next((o for o in member_orgs if o.id == form.members_of.data), None),
                entries=[p for p in people if p.id in chosen],
                group=row,
                stands_for=next((o for o in receiving_orgs if o.id == form.stands_for.data), None),
            )
        except WorkflowError as exc:
            flash(exc.message, "danger")
            status = exc.status
        else:
            flash(messages.DIRECTORY_GROUP_SAVED.format(name=saved.name), "success")
            return _home(org)
    elif form.is_submitted():
        status = 422
    return render_template("admin/directory_group.html", org=org, group=row, form=form), status


@bp.post("/<int:org_id>/aliases")
def add_alias(org_id: int):
    """Add a way of writing a group's name (or point an existing one at another group)."""
    org = _org(org_id)
    form = AliasForm()
    form.group_id.choices = [SelectChoice(g.id, g.name) for g in directory.groups(org)]
    if form.validate_on_submit():
        try:
            alias = directory.save_alias(org, form.label.data, _row(Group, form.group_id.data, org))
        except WorkflowError as exc:
            flash(exc.message, "danger")
        else:
            flash(
                messages.DIRECTORY_ALIAS_SAVED.format(label=alias.label, group=alias.group.name),
                "success",
            )
            return _home(org)
    else:
        flash(messages.DIRECTORY_LABEL_REQUIRED, "danger")
    return render_template("admin/directory.html", org=org, **_listing(org, form)), 422


@bp.post("/<int:org_id>/requests/<int:request_id>")
def answer_request(org_id: int, request_id: int) -> Response:
    """A secretary's request for a new recipient: add it (a person or a group with its
    addresses), learnt as the line's alias; the request is then done."""
    org = _org(org_id)
    asked = _row(RecipientRequest, request_id, org)
    form = NewRecipientForm()
    if not form.validate_on_submit():
        abort(400)
    form.add_for_line(asked.programme, asked.label, current_user)
    return _home(org)


# The kinds of row the delete button removes, and what it then says.
DELETABLE: dict[str, tuple[type[DirectoryEntry | Group | Alias], str]] = {
    "people": (DirectoryEntry, messages.DIRECTORY_PERSON_DELETED),
    "groups": (Group, messages.DIRECTORY_GROUP_DELETED),
    "aliases": (Alias, messages.DIRECTORY_ALIAS_DELETED),
}


@bp.post("/<int:org_id>/<any(people, groups, aliases):kind>/<int:row_id>/delete")
def delete(org_id: int, kind: str, row_id: int) -> Response:
    """Delete a person, a group (with its aliases) or an alias (a POST with CSRF)."""
    org = _org(org_id)
    model, done = DELETABLE[kind]
    row = _row(model, row_id, org)
    if not FlaskForm().validate_on_submit():
        abort(400)
    name = row.label if isinstance(row, Alias) else row.name
    directory.delete(row)
    flash(done.format(name=name), "success")
    return _home(org)
