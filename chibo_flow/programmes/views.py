"""Programme pages for secretaries, committee members and members."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from chibo_flow import messages
from chibo_flow.access import get_programme, orgs_where
from chibo_flow.documents.parse import DocumentError, parse_text, parse_upload
from chibo_flow.documents.programme_doc import PURPOSES, ProgrammeDoc
from chibo_flow.documents.render import document_text, render_document_html
from chibo_flow.extensions import db
from chibo_flow.models import AuditEvent, Comment, Delivery, Membership, Org, Programme, Vote
from chibo_flow.models.programmes import State
from chibo_flow.models.users import Role, User
from chibo_flow.programmes.forms import EditProgrammeForm, NewProgrammeForm, TransitionForm
from chibo_flow.recipients import resolve_recipients
from chibo_flow.timefmt import register_template_filters
from chibo_flow.workflow import (
    Conflict,
    Invalid,
    WorkflowError,
    allowed_actions,
    apply_transition,
    approvals_received,
    create_programme,
)

bp = Blueprint("programmes", __name__)

PER_PAGE = 50
# The transitions the programme page offers as buttons (edit has its own page).
BUTTON_ACTIONS = ("submit", "approve", "request_changes", "withdraw")


@bp.record_once
def _template_helpers(state: BlueprintSetupState) -> None:
    """Filters and globals used by the pages and the email templates."""
    register_template_filters(state.app)
    state.app.add_template_global(render_document_html)
    state.app.add_template_filter(document_text)


@bp.app_context_processor
def labels() -> dict[str, Any]:
    """Vietnamese labels for states, history actions, delivery statuses and purposes."""
    return {
        "STATE_LABELS": messages.STATE_LABELS,
        "HISTORY_LABELS": messages.HISTORY_LABELS,
        "DELIVERY_STATUS_LABELS": messages.DELIVERY_STATUS_LABELS,
        "PURPOSES": PURPOSES,
    }


# --- lists ------------------------------------------------------------------------------------


def _listing(query: Select) -> Select:
    """A list query loading each row's org and submitter in the same statement (no N+1)."""
    return query.options(joinedload(Programme.org), joinedload(Programme.submitted_by))


def _role_orgs(user: User, *roles: Role) -> Select:
    return select(Membership.org_id).where(
        Membership.user_id == user.id, Membership.role.in_(roles)
    )


def awaiting_my_review(user: User) -> Select:
    """Programmes in review in the user's committees, submitted by others, not yet voted on."""
    voted = select(Vote.id).where(
        Vote.programme_id == Programme.id,
        Vote.review_round == Programme.review_round,
        Vote.user_id == user.id,
    )
    return select(Programme).where(
        Programme.state == State.REVIEW,
        Programme.org_id.in_(_role_orgs(user, Role.COMMITTEE)),
        Programme.submitted_by_id != user.id,
        ~voted.exists(),
    )


def in_review(user: User) -> Select:
    """Other programmes in review that the user writes or reviews (waiting for other votes)."""
    mine = awaiting_my_review(user).with_only_columns(Programme.id)
    return select(Programme).where(
        Programme.state == State.REVIEW,
        Programme.org_id.in_(_role_orgs(user, Role.SECRETARY, Role.COMMITTEE)),
        Programme.id.not_in(mine),
    )


def drafts(user: User) -> Select:
    """Drafts of the orgs where the user is secretary."""
    return select(Programme).where(
        Programme.state == State.DRAFT, Programme.org_id.in_(_role_orgs(user, Role.SECRETARY))
    )


def approved(user: User) -> Select:
    """Approved programmes of every org the user belongs to."""
    return select(Programme).where(
        Programme.state == State.APPROVED, Programme.org_id.in_(_role_orgs(user, *Role))
    )


def _page(name: str, query: Select, order: ColumnElement) -> Pagination:
    return db.paginate(
        _listing(query).order_by(order, Programme.id.desc()),
        page=request.args.get(name, 1, type=int),
        per_page=PER_PAGE,
        error_out=False,
    )


@bp.get("/")
@login_required
def index():
    """The user's programmes: awaiting my review, in review, drafts, approved (50 per page)."""
    user = current_user
    roles = {m.role for m in user.memberships}
    recent = Programme.updated_at.desc()
    # (page parameter, query, order, shown even when empty); titles are in the template.
    lists = [
        ("review_page", awaiting_my_review(user), recent, Role.COMMITTEE in roles),
        ("pending_page", in_review(user), recent, False),
        ("draft_page", drafts(user), recent, Role.SECRETARY in roles),
        ("approved_page", approved(user), Programme.approved_at.desc(), True),
    ]
    return render_template(
        "programmes/index.html",
        lists=[
            {"param": param, "page": _page(param, query, order), "always": always}
            for param, query, order, always in lists
        ],
        is_secretary=Role.SECRETARY in roles,
    )


# --- creating and editing ---------------------------------------------------------------------


def _parse_field(text: str | None) -> ProgrammeDoc:
    """Parse the text typed in a form; raises DocumentError (EMPTY_DOCUMENT when blank)."""
    if not (text or "").strip():
        raise DocumentError(messages.EMPTY_DOCUMENT)
    return parse_text(text)


def _uploaded_or_typed(form: NewProgrammeForm) -> ProgrammeDoc:
    """The uploaded file when one was chosen, else the typed text; raises DocumentError."""
    upload = form.upload.data
    if upload and upload.filename:
        return parse_upload(upload.read(), upload.filename)
    return _parse_field(form.text.data)


@bp.route("/programmes/new", methods=["GET", "POST"])
@login_required
def new():
    """A new draft from pasted text or an uploaded file; a bad file stores nothing."""
    orgs = list(
        db.session.scalars(
            select(Org)
            .where(Org.id.in_(orgs_where(current_user, Role.SECRETARY)))
            .order_by(Org.name)
        )
    )
    if not orgs:
        abort(403)
    form = NewProgrammeForm()
    form.org_id.choices = [(org.id, org.name) for org in orgs]
    if form.validate_on_submit():
        only = orgs[0] if len(orgs) == 1 else None
        org = next((o for o in orgs if o.id == form.org_id.data), only)
        try:
            if org is None:
                raise Invalid(messages.CHOOSE_ORG)
            programme = create_programme(org, current_user, _uploaded_or_typed(form).to_dict())
        except (DocumentError, WorkflowError) as exc:
            flash(exc.message, "danger")
            return render_template("programmes/new.html", form=form, orgs=orgs), 422
        flash(messages.PROGRAMME_CREATED, "success")
        return redirect(url_for(".detail", programme_id=programme.id))
    return render_template("programmes/new.html", form=form, orgs=orgs)


def understood(org: Org, doc: ProgrammeDoc) -> dict[str, Any]:
    """What the parser understood, for the preview: the document and whom each line reaches."""
    data = doc.to_dict()
    return {"doc": data, "lines": resolve_recipients(org, data["recipients"])}


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@login_required
def edit(programme_id: int):
    """Edit a draft as text: "Xem trước" shows what was understood, "Lưu" saves a revision.

    A stale version keeps the user's text in the form and says so.
    """
    programme = get_programme(programme_id, current_user)
    if not current_user.has_role(Role.SECRETARY, programme.org):
        abort(403)
    if programme.state != State.DRAFT:
        flash(messages.NOT_EDITABLE, "warning")
        return redirect(url_for(".detail", programme_id=programme.id))
    form = EditProgrammeForm()
    version, preview, status, stale = programme.version, None, 200, False
    if request.method == "GET":
        form.text.data = ProgrammeDoc.from_dict(programme.doc).to_text()
    elif not form.validate():
        flash(messages.BAD_REQUEST, "danger")
        status = 400
    else:
        version = form.version.data
        try:
            doc = _parse_field(form.text.data)
            if not form.save.data:
                preview = understood(programme.org, doc)
                flash(messages.PREVIEW_NOT_SAVED, "info")
            else:
                apply_transition(
                    programme, "edit", current_user, version=version, doc=doc.to_dict()
                )
                flash(messages.ACTION_DONE["edit"], "success")
                return redirect(url_for(".detail", programme_id=programme.id))
        except Conflict as exc:
            flash(exc.message, "danger")
            flash(messages.EDIT_TEXT_KEPT, "info")
            # Saving again now overwrites deliberately: the saved text is shown beside the form.
            version, status, stale = programme.version, exc.status, True
        except WorkflowError as exc:
            flash(exc.message, "danger")
            status = exc.status
        except DocumentError as exc:
            flash(exc.message, "danger")
            status = 422
    saved_text = ProgrammeDoc.from_dict(programme.doc).to_text() if stale else None
    return render_template(
        "programmes/edit.html",
        programme=programme,
        form=form,
        version=version,
        preview=preview,
        saved_text=saved_text,
    ), status


# --- one programme ----------------------------------------------------------------------------


def approving_votes(programme: Programme) -> list[Vote]:
    """The approvals that count in the current review round, with their voters, oldest first."""
    if not programme.review_round:
        return []
    query = (
        select(Vote)
        .options(joinedload(Vote.user))
        .where(
            Vote.programme_id == programme.id,
            Vote.review_round == programme.review_round,
            Vote.decision == "approve",
            Vote.user_id != programme.submitted_by_id,
        )
        .order_by(Vote.created_at)
    )
    return list(db.session.scalars(query))


@bp.get("/programmes/<int:programme_id>")
@login_required
def detail(programme_id: int):
    """The rendered document with its state, approvals, recipients, actions and history."""
    programme = get_programme(programme_id, current_user)
    approvals = approving_votes(programme)
    comments = db.session.scalars(
        select(Comment)
        .options(joinedload(Comment.user))
        .where(Comment.programme_id == programme.id)
        .order_by(Comment.created_at, Comment.id)
    )
    history = db.session.scalars(
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(AuditEvent.programme_id == programme.id)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    deliveries = (
        db.session.scalars(
            select(Delivery).where(Delivery.programme_id == programme.id).order_by(Delivery.id)
        )
        if programme.state == State.APPROVED
        else []
    )
    actions = allowed_actions(current_user, programme)
    return render_template(
        "programmes/detail.html",
        programme=programme,
        document=render_document_html(programme),
        approvals=approvals,
        received=approvals_received(programme),
        required=programme.org.required_approvals(),
        comments=list(comments),
        lines=resolve_recipients(programme.org, programme.doc.get("recipients") or []),
        can_edit="edit" in actions,
        actions=[a for a in actions if a in BUTTON_ACTIONS],
        history=list(history),
        deliveries=list(deliveries),
    )


@bp.post("/programmes/<int:programme_id>/transition")
@login_required
def transition(programme_id: int) -> Response:
    """Apply one workflow action at the version the user saw; refusals are flashed, never 500."""
    programme = get_programme(programme_id, current_user)
    form = TransitionForm()
    action = form.action.data
    if action not in BUTTON_ACTIONS:
        flash(messages.BAD_REQUEST, "danger")
    else:
        try:
            apply_transition(
                programme,
                action,
                current_user,
                version=form.version.data,
                comment=form.comment.data,
            )
        except WorkflowError as exc:
            flash(exc.message, "danger")
        else:
            done = programme.state == State.APPROVED and action == "approve"
            flash(messages.PROGRAMME_APPROVED if done else messages.ACTION_DONE[action], "success")
    return redirect(url_for(".detail", programme_id=programme.id))
