"""Programme pages for secretaries, committee members and members."""

from datetime import datetime
from functools import cache
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from chibo_flow import directory, messages
from chibo_flow.access import get_programme, is_recipient_only
from chibo_flow.documents.final_copy import (
    accept_signed_copy,
    download_response,
    final_copy_for,
    final_copy_ready,
)
from chibo_flow.documents.format import (
    MARK_NAMES,
    SECRECY_MARKS,
    URGENCY_MARKS,
    merged_marks,
)
from chibo_flow.documents.parse import DocumentError, parse_pasted, parse_upload
from chibo_flow.documents.preview import preview_for
from chibo_flow.documents.programme_doc import (
    PURPOSES,
    ProgrammeDoc,
    ReadingPoint,
    Warning,
    reading_points,
)
from chibo_flow.documents.render import document_text, render_document_html
from chibo_flow.extensions import db
from chibo_flow.models import (
    AuditEvent,
    Delivery,
    DraftPreview,
    Group,
    Org,
    Programme,
)
from chibo_flow.models.delivery import FINAL_COPY, DeliveryStatus
from chibo_flow.models.programmes import PreviewStatus, State
from chibo_flow.models.users import Role, SigningMode
from chibo_flow.notifications.relay import resend_failed
from chibo_flow.notifications.tasks import enqueue_final_copies
from chibo_flow.programmes.forms import (
    EditProgrammeForm,
    MapRecipientForm,
    NewProgrammeForm,
    NewRecipientForm,
    RecipientRequestForm,
    ResendForm,
    SignedCopyForm,
    TransitionForm,
)
from chibo_flow.programmes.item_cache import list_items
from chibo_flow.programmes.lists import FAILED, list_pages
from chibo_flow.receipts.links import revoke
from chibo_flow.receipts.progress import breakable_address, line_counts, raw_reply, status_words
from chibo_flow.recipients import (
    LineResolution,
    Person,
    resolve_recipients,
)
from chibo_flow.review.rounds import round_status
from chibo_flow.review.threads import may_comment, open_threads
from chibo_flow.secret_reading import (
    SECRET_ACCESS_ACTIONS,
    content_withheld,
    may_see_who_read,
    record_secret_view,
    served_file,
)
from chibo_flow.security.limits import MAX_COMMENT_CHARS, document_too_long
from chibo_flow.timefmt import local_time, register_template_filters
from chibo_flow.workflow import (
    allowed_actions,
    apply_transition,
    create_programme,
)
from chibo_flow.workflow_errors import Conflict, Invalid, WorkflowError

bp = Blueprint("programmes", __name__)

# The transitions the programme page's form takes (edit has its own page); it shows buttons for
# PAGE_BUTTONS only: opinions are given on the review page, which asks to confirm them.
BUTTON_ACTIONS = ("submit", "approve", "request_changes", "withdraw")
PAGE_BUTTONS = ("submit", "withdraw")
OPINION_ACTIONS = (
    "approve",
    "request_changes",
    "retract_opinion",
    "reserve_opinion",
    "unreserve_opinion",
)
ROUND_ACTIONS = ("extend_deadline", "record_meeting_vote")
# Who sees a programme's delivery page (only secretaries may press "Gửi lại").
DELIVERY_VIEWERS = (Role.SECRETARY, Role.COMMITTEE, Role.ADMIN)
ACTIVE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


@bp.record_once
def _template_helpers(state: BlueprintSetupState) -> None:
    """Filters and globals used by the pages and the email templates."""
    register_template_filters(state.app)
    state.app.add_template_global(render_document_html)
    state.app.add_template_filter(document_text)
    state.app.add_template_global(state_badge)
    state.app.add_template_global(mark_badges)
    state.app.add_template_global(list_items)
    state.app.add_template_global(content_withheld)
    for helper in (status_words, raw_reply, breakable_address):
        state.app.add_template_global(helper)
    # Vietnamese labels for states, history actions, delivery statuses and purposes.
    state.app.jinja_env.globals.update(
        STATE_LABELS=messages.STATE_LABELS,
        HISTORY_LABELS={
            **messages.HISTORY_LABELS,
            **messages.DIRECTORY_HISTORY_LABELS,
            **messages.REVIEW_HISTORY_LABELS,
        },
        DELIVERY_STATUS_LABELS=messages.DELIVERY_STATUS_LABELS,
        PURPOSES=PURPOSES,
        # A reason, comment or reply box takes no more than review.threads keeps: the browser
        # stops the typing or pasting, instead of the text being lost to a refusal.
        MAX_COMMENT_CHARS=MAX_COMMENT_CHARS,
    )


@cache  # three states: the list page shows one per row
def state_badge(state: str) -> Markup:
    """A programme state as the coloured label the pages show, e.g. "Đã thông qua"."""
    label = messages.STATE_LABELS.get(state, state)
    return Markup('<span class="badge badge--{0}">{1}</span>').format(state, label)


@cache  # a handful of combinations
def mark_badges(secrecy: str, urgency: str) -> Markup:
    """The độ mật and độ khẩn of a programme as framed labels ("Mật", "Hỏa tốc"); nothing for
    an ordinary one."""
    marks = ((secrecy, SECRECY_MARKS.get(secrecy)), (urgency, URGENCY_MARKS.get(urgency)))
    return Markup("").join(
        Markup('<span class="badge badge--mark badge--{0}">{1}</span> ').format(code, word)
        for code, word in marks
        if word
    )


# --- lists ------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    """The user's programmes: awaiting my review, in review, drafts, approved (50 per page)."""
    page_numbers = {key: request.args.get(key, 1, type=int) for key in request.args}
    lists = list_pages(current_user, page_numbers)
    return render_template(
        "programmes/index.html",
        lists=[page for page in lists if page.key != FAILED],
        failed=next((page for page in lists if page.key == FAILED), None),
        is_secretary=current_user.has_role(Role.SECRETARY),
    )


# --- creating and editing ---------------------------------------------------------------------


def _parse_field(text: str | None) -> ProgrammeDoc:
    """Parse the text typed in a form; raises DocumentError (EMPTY_DOCUMENT when blank)."""
    if not (text or "").strip():
        raise DocumentError(messages.EMPTY_DOCUMENT)
    return parse_pasted(text)


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
            select(Org).where(Org.id.in_(current_user.org_ids(Role.SECRETARY))).order_by(Org.name)
        )
    )
    if not orgs:
        abort(403)
    form = NewProgrammeForm()
    form.org_id.choices = [SelectChoice(org.id, org.name) for org in orgs]
    if form.validate_on_submit():
        only = orgs[0] if len(orgs) == 1 else None
        org = next((o for o in orgs if o.id == form.org_id.data), only)
        try:
            if org is None:
                raise Invalid(messages.CHOOSE_ORG)
            doc = _uploaded_or_typed(form)
            programme = create_programme(org, current_user, doc.to_dict(), _marks(form, doc))
        except (DocumentError, WorkflowError) as exc:
            flash(exc.message, "danger")
            return render_template("programmes/new.html", form=form, orgs=orgs), 422
        flash(messages.PROGRAMME_CREATED, "success")
        if points := reading_points(doc.warnings):
            flash(messages.PROGRAMME_CREATED_CHECK.format(count=len(points)), "info")
        return redirect(url_for(".detail", programme_id=programme.id))
    return render_template("programmes/new.html", form=form, orgs=orgs)


def _marks(form: NewProgrammeForm | EditProgrammeForm, doc: ProgrammeDoc) -> dict[str, str]:
    """The secrecy and urgency chosen in `form` ("": as stamped), else those stamped on the
    document."""
    return merged_marks(doc.marks, {name: form[name].data or None for name in MARK_NAMES})


def understood(org: Org, doc: ProgrammeDoc) -> dict[str, Any]:
    """What the parser understood, for the preview: the document, whom each line reaches and
    the points to check of how it was read."""
    data = doc.to_dict()
    lines = resolve_recipients(org, data["recipients"])
    return {"doc": data, "lines": lines, "points": reading_points(doc.warnings)}


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
        record_secret_view(programme, current_user, "web")
        form.text.data = document_text(programme.doc)
        form.secrecy.data, form.urgency.data = programme.secrecy, programme.urgency
    elif not form.validate():
        flash(messages.BAD_REQUEST, "danger")
        status = 400
    else:
        version = form.version.data
        try:
            doc = _parse_field(form.text.data)
            if not form.save.data:
                preview = understood(programme.org, doc)
                for name, code in doc.marks.items():  # the text's stamps pre-fill the marks
                    form[name].data = code
                flash(messages.PREVIEW_NOT_SAVED, "info")
            else:
                apply_transition(
                    programme,
                    "edit",
                    current_user,
                    version=version,
                    doc=doc.to_dict(),
                    marks=_marks(form, doc),
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
    saved_text = document_text(programme.doc) if stale else None
    return render_template(
        "programmes/edit.html",
        programme=programme,
        form=form,
        version=version,
        preview=preview,
        saved_text=saved_text,
        unresolved=open_threads(programme),
        can_resolve=may_comment(current_user, programme),
        back="edit",
    ), status


# --- one programme ----------------------------------------------------------------------------


@bp.get("/programmes/<int:programme_id>")
@login_required
def detail(programme_id: int):
    """The rendered document with its state, the review round, unresolved comment threads,
    recipients, actions and history."""
    programme = get_programme(programme_id, current_user, as_recipient=True)
    if is_recipient_only(current_user, programme):
        # Someone outside the org who received it sees it as received, nothing else of it.
        return redirect(url_for("receipts.show", programme_id=programme.id))
    record_secret_view(programme, current_user, "web")
    history = list(
        db.session.scalars(
            select(AuditEvent)
            .options(joinedload(AuditEvent.actor))
            .where(AuditEvent.programme_id == programme.id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )
    deliveries = _deliveries(programme) if programme.state == State.APPROVED else []
    actions = allowed_actions(current_user, programme)
    lines = (
        recorded_lines(programme, deliveries)
        if programme.state == State.APPROVED
        else resolve_recipients(programme.org, programme.doc.get("recipients") or [])
    )
    can_map = (
        programme.state != State.APPROVED
        and current_user.has_role(Role.SECRETARY, programme.org)
        and not all(line.resolved for line in lines)
    )
    return render_template(
        "programmes/detail.html",
        programme=programme,
        document=render_document_html(programme),
        status=round_status(programme),
        unresolved=open_threads(programme),
        can_resolve=may_comment(current_user, programme),
        back="detail",
        lines=lines,
        pickers=pickers(programme.org, lines) if can_map else {},
        may_add_recipients=can_map and directory.may_add_recipients(current_user, programme.org),
        requested={r.label for r in directory.open_requests(programme.org)} if can_map else set(),
        can_edit="edit" in actions,
        reading_notes=_reading_notes(programme) if "edit" in actions else [],
        actions=[a for a in actions if a in PAGE_BUTTONS],
        can_give_opinion=any(a in OPINION_ACTIONS for a in actions),
        can_manage_round=any(a in ROUND_ACTIONS for a in actions),
        events=[e for e in history if e.action not in SECRET_ACCESS_ACTIONS],
        secret_access=[e for e in history if e.action in SECRET_ACCESS_ACTIONS]
        if may_see_who_read(current_user, programme)
        else [],
        deliveries=deliveries,
        can_see_deliveries=_may_see_deliveries(programme),
        signing_form=SignedCopyForm() if _awaits_signed_copy(programme) else None,
    )


def _awaits_signed_copy(programme: Programme) -> bool:
    """Whether the current user is the secretary who should upload the signed final copy: the
    org signs with its own tool and its approved PDF is not ready for distribution yet."""
    return (
        programme.state == State.APPROVED
        and programme.org.signing_mode == SigningMode.EXTERNAL
        and not final_copy_ready(programme)
        and current_user.has_role(Role.SECRETARY, programme.org)
    )


@bp.post("/programmes/<int:programme_id>/ban-da-ky")
@login_required
def upload_signed_copy(programme_id: int) -> Response:
    """External signing: the secretary uploads the approved PDF signed with the office's own
    tool; once it is accepted the final copy goes out. Refusals are flashed with the reason."""
    programme = get_programme(programme_id, current_user)
    if not _awaits_signed_copy(programme):
        abort(403)
    form = SignedCopyForm()
    upload = form.upload.data
    if not upload or not upload.filename:
        flash(messages.SIGNED_COPY_NO_FILE, "danger")
    else:
        try:
            accept_signed_copy(final_copy_for(programme), upload.read(), current_user)
        except WorkflowError as exc:
            flash(exc.message, "danger")
        else:
            enqueue_final_copies(programme.id)  # distribution waited for this signed copy
            flash(messages.SIGNED_COPY_ACCEPTED, "success")
    return redirect(url_for(".detail", programme_id=programme.id))


@bp.get("/programmes/<int:programme_id>/ban-in.<any(pdf, docx):extension>")
@login_required
def download(programme_id: int, extension: str) -> Response:
    """The programme as a file: the final copy once approved (PDF or DOCX), before that a
    PDF preview of the draft marked "DỰ THẢO" and without a number."""
    programme = get_programme(programme_id, current_user, as_recipient=True)
    if programme.state == State.APPROVED:
        data = getattr(final_copy_for(programme), extension)
    elif extension == "pdf":
        # Laying out a draft takes time that grows with its length: a worker does it, and a
        # draft longer than the limits (one saved before they existed) is refused at once.
        too_long = document_too_long(programme.doc)
        if too_long:
            return _preview_page(programme, None, too_long), 422
        preview = preview_for(programme, retry="thu-lai" in request.args)
        if preview.status != PreviewStatus.READY:
            failed = preview.status == PreviewStatus.FAILED
            return _preview_page(programme, preview, preview.error), 503 if failed else 202
        data = preview.pdf
    else:
        abort(404)
    data = served_file(programme, current_user, extension, data, "web")
    return download_response(programme, extension, data)


def _preview_page(programme: Programme, preview: DraftPreview | None, problem: str | None):
    """The page shown instead of the draft's PDF: waiting for the worker (it reloads itself),
    or why there is none (`problem`)."""
    return render_template(
        "programmes/preview.html",
        programme=programme,
        preview=preview,
        problem=problem,
        pending=messages.PREVIEW_PENDING,
        too_large=messages.PREVIEW_TOO_LARGE,
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


def recorded_lines(programme: Programme, deliveries: list[Delivery]) -> list[LineResolution]:
    """An approved programme's lines with the addresses recorded at approval (the Delivery rows),
    not whom they would reach in today's directory."""
    return [
        LineResolution.recorded(
            recipient["label"],
            recipient["purpose"],
            [Person(d.name, d.address) for d in deliveries if d.line == recipient["label"]],
        )
        for recipient in programme.doc.get("recipients") or []
    ]


# --- the "Nơi nhận" picker --------------------------------------------------------------------


def pickers(org: Org, lines: list[LineResolution]) -> dict[int, tuple[list[Group], list[Group]]]:
    """For each line that does not resolve (by index): its candidates, then the org's others."""
    groups = directory.groups(org)
    return {
        index: (line.candidates, [g for g in groups if g not in line.candidates])
        for index, line in enumerate(lines)
        if not line.resolved
    }


@bp.post("/programmes/<int:programme_id>/recipients")
@login_required
def map_recipient(programme_id: int) -> Response:
    """The picker: save "this line means that group" as an alias (the org's secretary only)."""
    programme = get_programme(programme_id, current_user)
    form = MapRecipientForm()
    if not form.validate_on_submit():
        abort(400)
    group = db.session.get(Group, form.group_id.data or 0)
    try:
        if group is None:
            raise Invalid(messages.BAD_REQUEST)
        directory.map_line(programme, form.label.data or "", group, current_user)
    except Invalid as exc:
        flash(exc.message, "danger")
    else:
        flash(messages.RECIPIENT_MAPPED.format(label=form.label.data, group=group.name), "success")
    return redirect(url_for(".detail", programme_id=programme.id, _anchor="recipients-title"))


@bp.post("/programmes/<int:programme_id>/recipients/new")
@login_required
def add_recipient(programme_id: int) -> Response:
    """The picker's "new recipient": add a person or group to the directory for this line
    (when the org allows it) and remember it as the line's alias."""
    programme = get_programme(programme_id, current_user)
    form = NewRecipientForm()
    if not form.validate_on_submit():
        abort(400)
    form.add_for_line(programme, form.label.data or "", current_user)
    return redirect(url_for(".detail", programme_id=programme.id, _anchor="recipients-title"))


@bp.post("/programmes/<int:programme_id>/recipients/request")
@login_required
def request_recipient(programme_id: int) -> Response:
    """Ask the org's admin to add the recipient a line names (seen on the directory page)."""
    programme = get_programme(programme_id, current_user)
    form = RecipientRequestForm()
    if not form.validate_on_submit():
        abort(400)
    label = form.label.data or ""
    try:
        directory.request_recipient(programme, label, form.note.data, current_user)
    except WorkflowError as exc:
        flash(exc.message, "danger")
    else:
        flash(messages.RECIPIENT_REQUESTED.format(label=label), "success")
    return redirect(url_for(".detail", programme_id=programme.id, _anchor="recipients-title"))


# --- deliveries -------------------------------------------------------------------------------


def _reading_notes(programme: Programme) -> list[ReadingPoint]:
    """The points to check of how the draft's file was read (stored with the draft)."""
    return reading_points(Warning(**note) for note in programme.doc.get("warnings", []))


def _deliveries(programme: Programme) -> list[Delivery]:
    """The final copy's emails (not review notifications), in the order they were written."""
    return list(
        db.session.scalars(
            select(Delivery)
            .where(Delivery.programme_id == programme.id, Delivery.kind == FINAL_COPY)
            .order_by(Delivery.id)
        )
    )


def _may_see_deliveries(programme: Programme) -> bool:
    return any(current_user.has_role(role, programme.org) for role in DELIVERY_VIEWERS)


def _delivery_programme(programme_id: int) -> Programme:
    """The programme whose deliveries the user may see: 404 if hidden, 403 for members."""
    programme = get_programme(programme_id, current_user)
    if not _may_see_deliveries(programme):
        abort(403)
    return programme


def delivery_time(delivery: Delivery) -> datetime:
    """When the row last changed: sent, else the last attempt, else written at approval."""
    return delivery.sent_at or delivery.claimed_at or delivery.created_at


def delivery_summary(deliveries: list[Delivery]) -> dict[str, Any]:
    """Counts by status, whether sending is still under way, and one sentence saying so."""
    counts = {status.value: 0 for status in DeliveryStatus}
    for delivery in deliveries:
        counts[delivery.status] = counts.get(delivery.status, 0) + 1
    active = any(counts[status] for status in ACTIVE_STATUSES)
    return {
        "counts": counts,
        "active": active,
        "text": messages.DELIVERY_SUMMARY.format(
            sent=counts[DeliveryStatus.SENT],
            total=len(deliveries),
            waiting=counts[DeliveryStatus.PENDING] + counts[DeliveryStatus.SENDING],
            failed=counts[DeliveryStatus.FAILED],
        ),
    }


@bp.get("/programmes/<int:programme_id>/deliveries")
@login_required
def deliveries(programme_id: int):
    """Whom the final copy went to, live while sending; "Gửi lại" for failed rows."""
    programme = _delivery_programme(programme_id)
    rows = _deliveries(programme)
    return render_template(
        "programmes/deliveries.html",
        programme=programme,
        deliveries=rows,
        summary=delivery_summary(rows),
        lines=line_counts(rows),
        can_resend=current_user.has_role(Role.SECRETARY, programme.org),
        delivery_time=delivery_time,
    )


@bp.get("/programmes/<int:programme_id>/deliveries.json")
@login_required
def deliveries_status(programme_id: int) -> Response:
    """What the delivery page polls: each row's status, attempts, last reply and time."""
    programme = _delivery_programme(programme_id)
    rows = _deliveries(programme)
    summary = delivery_summary(rows)
    return jsonify(
        {
            "active": summary["active"],
            "summary": summary["text"],
            "counts": summary["counts"],
            "items": [
                {
                    "id": d.id,
                    "status": d.status,
                    "status_label": status_words(d),
                    "attempts": d.attempts,
                    "last_reply": raw_reply(d),
                    "time": local_time(delivery_time(d)),
                    "time_iso": delivery_time(d).isoformat(),
                    "opened_at": d.opened_at and d.opened_at.isoformat(),
                    "confirmed_at": d.confirmed_at and d.confirmed_at.isoformat(),
                }
                for d in rows
            ],
        }
    )


@bp.post("/programmes/<int:programme_id>/deliveries/resend")
@login_required
def resend(programme_id: int) -> Response:
    """Put one failed email of the final copy (or all) back to pending, audited, and queue it;
    the org's secretary only."""
    programme = get_programme(programme_id, current_user)
    if not current_user.has_role(Role.SECRETARY, programme.org):
        abort(403)
    form = ResendForm()
    if not form.validate_on_submit():
        abort(400)
    failed = {d.id for d in _deliveries(programme) if d.status == DeliveryStatus.FAILED}
    if form.delivery_id.data:
        failed &= {form.delivery_id.data}
    resent = resend_failed(programme.id, current_user, delivery_ids=sorted(failed))
    if resent.count:
        flash(messages.RESEND_QUEUED.format(count=resent.count), "success")
    else:
        flash(messages.DELIVERY_RESEND_NONE, "info")
    return redirect(url_for(".deliveries", programme_id=programme.id))


@bp.post("/programmes/<int:programme_id>/deliveries/revoke")
@login_required
def revoke_link(programme_id: int) -> Response:
    """ "Thu hồi liên kết": the personal link of one email opens nothing any more (the org's
    secretary only; a copy sent again later carries a new link)."""
    programme = get_programme(programme_id, current_user)
    if not current_user.has_role(Role.SECRETARY, programme.org):
        abort(403)
    form = ResendForm()
    rows = {d.id: d for d in _deliveries(programme)}
    delivery = rows.get(form.delivery_id.data or 0) if form.validate_on_submit() else None
    if delivery is None:
        abort(400)
    revoke(delivery, current_user)
    db.session.commit()
    flash(messages.RECEIPT_LINK_REVOKED_DONE.format(address=delivery.address), "success")
    return redirect(url_for(".deliveries", programme_id=programme.id))
