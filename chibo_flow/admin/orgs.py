"""Org pages ("Tổ chức và đảng viên"): the tree of orgs an admin administers, creating and
editing a chi bộ, its members (added by invitation or from a spreadsheet), their roles and
accounts, invitations resent or revoked.

Nested in the admin blueprint (login and an admin role are checked there); each page also
requires that the admin administers the org it shows (orgs.administered_org: 403 otherwise).
Every change goes through chibo_flow.orgs, like the API's.
"""

from dataclasses import astuple
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from chibo_flow import messages, orgs
from chibo_flow.access import administered_org_ids
from chibo_flow.admin.forms import MemberEditForm, MemberForm, OrgForm, SheetForm
from chibo_flow.auth.invitations import invitation_state, latest_invitation
from chibo_flow.extensions import db
from chibo_flow.member_sheet import SheetRow, read_sheet, sheet_download
from chibo_flow.models import Org, User
from chibo_flow.models.users import ROLE_NAMES
from chibo_flow.security.limits import MAX_ID
from chibo_flow.workflow_errors import Invalid, RowsInvalid, WorkflowError

bp = Blueprint("orgs", __name__, url_prefix="/orgs")

PREVIEW_SALT = "chibo-flow.member-import"
# OrgForm fields that are org settings (all but the parent and the button).
SETTINGS = tuple(key for key in orgs.EDITABLE if key != "parent_id")
MEMBER_ACTIONS_DONE = {
    "deactivate": messages.MEMBER_DEACTIVATED,
    "reactivate": messages.MEMBER_REACTIVATED,
    "resend": messages.INVITATION_RESENT,
    "revoke": messages.INVITATION_REVOKED,
}
INVITATION_STATES = {
    "pending": "Đã gửi thư mời, chờ đặt mật khẩu",
    "accepted": "Đã nhận lời mời",
    "expired": "Lời mời đã hết hạn",
    "revoked": "Lời mời đã thu hồi",
}


@bp.context_processor
def names() -> dict[str, Any]:
    """Role and invitation names for the templates."""
    return {"ROLE_NAMES": ROLE_NAMES, "INVITATION_STATES": INVITATION_STATES}


def _org(org_id: int) -> Org:
    """The org if the admin administers it (or one above it); NotAllowed (403) otherwise."""
    return orgs.administered_org(current_user, org_id)


def _administered() -> list[Org]:
    ids = administered_org_ids(current_user)
    return sorted((db.session.get(Org, i) for i in ids), key=lambda o: o.name)


def _tree() -> list[tuple[Org, int]]:
    """The administered orgs depth-first by name, each with its depth."""
    administered = _administered()
    ids = {o.id for o in administered}
    children: dict[int | None, list[Org]] = {}
    for org in administered:
        children.setdefault(org.parent_id if org.parent_id in ids else None, []).append(org)
    found: list[tuple[Org, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for org in children.get(parent_id, []):
            found.append((org, depth))
            walk(org.id, depth + 1)

    walk(None, 0)
    return found


@bp.get("/")
def index():
    """The orgs the admin administers, as a tree, with their committee and approval rule."""
    tree = [(org, depth, orgs.committee_size(org)) for org, depth in _tree()]
    return render_template("admin/orgs.html", tree=tree)


def _org_form(org: Org | None) -> OrgForm:
    form = OrgForm(obj=org)
    if org is not None and not form.is_submitted():
        form.closed.data = org.closed_at is not None
    parents = [o for o in _administered() if org is None or o.id != org.id]
    if org is not None and org.parent is not None and org.parent not in parents:
        parents.insert(0, org.parent)  # an admin of the org only: it stays where it is
    choices = [SelectChoice(o.id, o.name) for o in parents]
    form.parent_id.choices = choices
    if org is None and not form.is_submitted():
        form.parent_id.data = request.args.get("parent", type=int)
        form.opinion_days.data, form.reminder_after_days.data = 5, 2
        form.escalate_after_days.data, form.session_idle_minutes.data = 5, 30
    return form


def _values(form: OrgForm, org: Org | None) -> dict[str, Any]:
    values = {key: getattr(form, key).data for key in SETTINGS}
    if org is None or form.parent_id.data != org.parent_id:
        values["parent_id"] = form.parent_id.data
    return values


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@bp.route("/<int:org_id>", methods=["GET", "POST"])
def edit(org_id: int | None = None):
    """Create a chi bộ under an org one administers, or edit one (moving or closing it keeps
    its documents and registers)."""
    org = _org(org_id) if org_id is not None else None
    form = _org_form(org)
    status = 200
    if form.validate_on_submit():
        try:
            if org is None:
                saved = orgs.create_org(current_user, _values(form, None))
            else:
                saved = orgs.update_org(current_user, org, _values(form, org))
        except WorkflowError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
            status = exc.status
        else:
            done = messages.ORG_CREATED if org is None else messages.ORG_SAVED
            flash(done.format(name=saved.name), "success")
            return redirect(url_for(".index"))
    elif form.is_submitted():
        status = 422
    size = orgs.committee_size(org) if org is not None else 0
    return render_template("admin/org_edit.html", org=org, form=form, committee_size=size), status


# --- members ------------------------------------------------------------------------------------


@bp.route("/<int:org_id>/members", methods=["GET", "POST"])
def members(org_id: int):
    """The org's members with position, roles and invitation; the form to add one."""
    org = _org(org_id)
    form = MemberForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = orgs.invite_member(current_user, org, form.email.data, form.name.data,
                                      form.position.data, form.roles.data)  # fmt: skip
        except WorkflowError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
            status = exc.status
        else:
            if user.password_hash is None:
                flash(messages.MEMBER_INVITED.format(name=user.name, email=user.email), "success")
            else:
                flash(messages.MEMBER_ADDED.format(name=user.name, org=org.name), "success")
            return redirect(url_for(".members", org_id=org.id))
    elif form.is_submitted():
        status = 422
    listing = [(user, roles, latest_invitation(user)) for user, roles in orgs.members(org)]
    return render_template(
        "admin/org_members.html",
        org=org,
        members=listing,
        form=form,
        committee_size=orgs.committee_size(org),
        invitation_state=invitation_state,
    ), status


def _member(org: Org, user_id: int) -> User:
    if not 0 < user_id <= MAX_ID:
        abort(404)
    return orgs.member_of(org, user_id)


@bp.route("/<int:org_id>/members/<int:user_id>", methods=["GET", "POST"])
def member(org_id: int, user_id: int):
    """One member: position and roles in the org (audited, the member told by email), account
    and invitation."""
    org = _org(org_id)
    user = _member(org, user_id)
    form = MemberEditForm(obj=user)
    if not form.is_submitted():
        form.roles.data = sorted(m.role for m in user.memberships if m.org_id == org.id)
    status = 200
    if form.validate_on_submit():
        try:
            orgs.change_member(current_user, org, user, form.roles.data, None,
                               form.position.data or "")  # fmt: skip
        except WorkflowError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
            status = exc.status
        else:
            flash(messages.MEMBER_SAVED.format(name=user.name), "success")
            return redirect(url_for(".members", org_id=org.id))
    elif form.is_submitted():
        status = 422
    invitation = latest_invitation(user)
    return render_template(
        "admin/org_member.html",
        org=org,
        member=user,
        form=form,
        button=FlaskForm(),
        invitation=invitation,
        state=invitation_state(invitation) if invitation else None,
    ), status


@bp.post("/<int:org_id>/members/<int:user_id>/<any(deactivate, reactivate, resend, revoke):act>")
def member_action(org_id: int, user_id: int, act: str) -> Response:
    """A button of the member's page: lock or reopen the account, resend or revoke the
    invitation."""
    org = _org(org_id)
    user = _member(org, user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        if act in ("deactivate", "reactivate"):
            orgs.change_member(current_user, org, user, None, act == "reactivate")
            done = (
                messages.MEMBER_REACTIVATED if act == "reactivate" else messages.MEMBER_DEACTIVATED
            )
        elif act == "resend":
            orgs.resend_invitation(current_user, org, user)
            done = messages.INVITATION_RESENT
        else:
            orgs.revoke_invitation(current_user, org, user)
            done = messages.INVITATION_REVOKED
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        flash(done.format(name=user.name), "success")
    return redirect(url_for(".member", org_id=org.id, user_id=user.id))


# --- the members' spreadsheet -------------------------------------------------------------------


def _preview_serializer() -> URLSafeSerializer:
    """Signs the previewed rows, so what is saved is exactly what the admin saw."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=PREVIEW_SALT)


@bp.route("/<int:org_id>/import", methods=["GET", "POST"])
def import_sheet(org_id: int):
    """Upload the members' spreadsheet: every row previewed with its error, nothing saved."""
    org = _org(org_id)
    form = SheetForm()
    checks, payload, status = None, None, 200
    if form.validate_on_submit():
        upload = form.upload.data
        try:
            if upload is None or not upload.filename:
                raise Invalid(messages.SHEET_FILE_REQUIRED)
            rows = read_sheet(upload.read(), upload.filename)
        except WorkflowError as exc:
            flash(exc.message, "danger")
            status = exc.status
        else:
            checks = orgs.import_members(current_user, org, rows, save=False)
            org = _org(org_id)  # reloaded after the preview's rollback
            if any(c.error for c in checks):
                status = 422
            else:
                payload = _preview_serializer().dumps([list(astuple(r)) for r in rows])
    elif form.is_submitted():
        status = 422
    return render_template(
        "admin/org_import.html", org=org, form=form, checks=checks, payload=payload,
        confirm=FlaskForm(),
    ), status  # fmt: skip


@bp.post("/<int:org_id>/import/confirm")
def import_confirm(org_id: int) -> Response:
    """Save the previewed rows, all or nothing; the invitations go out after the commit."""
    org = _org(org_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        rows = [SheetRow(*r) for r in _preview_serializer().loads(request.form.get("rows", ""))]
    except (BadSignature, TypeError):
        flash(messages.SHEET_PREVIEW_EXPIRED, "danger")
        return redirect(url_for(".import_sheet", org_id=org.id))
    try:
        checks = orgs.import_members(current_user, org, rows, save=True)
    except RowsInvalid as exc:
        for row in exc.rows:
            flash(messages.SHEET_ROW_ERROR.format(**row), "danger")
        return redirect(url_for(".import_sheet", org_id=org_id))
    flash(messages.SHEET_IMPORTED.format(count=len(checks)), "success")
    return redirect(url_for(".members", org_id=org_id))


@bp.get("/<int:org_id>/members.<any(csv, xlsx):extension>")
def export_sheet(org_id: int, extension: str) -> Response:
    """The active members in the spreadsheet's columns (họ tên, email, chức vụ, vai trò)."""
    org = _org(org_id)
    return sheet_download(orgs.member_rows(org), extension, org.id)
