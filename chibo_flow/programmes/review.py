"""Committee review pages, on the `programmes` blueprint: the review page (what changed since
the reviewer last looked, the round at a glance, votes with an anchored reason, comment
threads), the signed link from emails, the timeline with its CSV export, and delegations."""

import json
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required

from chibo_flow import messages
from chibo_flow.access import get_programme
from chibo_flow.extensions import db
from chibo_flow.models import Comment, Delegation, Org, Programme, Revision, User
from chibo_flow.models._types import utcnow
from chibo_flow.models.programmes import State
from chibo_flow.models.users import Role
from chibo_flow.programmes.review_forms import (
    CsrfForm,
    DelegationForm,
    ReplyForm,
    ResolveForm,
    ThreadForm,
    VoteForm,
)
from chibo_flow.programmes.views import OPINION_ACTIONS, bp
from chibo_flow.review.delegation import (
    create_delegation,
    delegations_of,
    represented_by,
    revoke_delegation,
)
from chibo_flow.review.diff import diff_documents, flat_sections
from chibo_flow.review.links import LinkExpired, LinkInvalid, read_review_token
from chibo_flow.review.rounds import round_status
from chibo_flow.review.seen import base_revision, record_view
from chibo_flow.review.threads import (
    add_reply,
    add_thread,
    may_comment,
    set_resolved,
    thread_of,
    threads_of,
)
from chibo_flow.review.timeline import duration_text, events_of, history_csv, timeline
from chibo_flow.secret_reading import history_for, record_secret_view, served_file
from chibo_flow.workflow import apply_transition, current_opinion, may
from chibo_flow.workflow_errors import Invalid, WorkflowError

# The pages besides the review page where a thread can be resolved, by the form's `back`.
RESOLVE_BACK = {"detail": ".detail", "edit": ".edit"}


@bp.record_once
def _review_helpers(state: BlueprintSetupState) -> None:
    """Filters used by the review templates, and what each kind of review notification is
    called in the delivery logs."""
    state.app.add_template_filter(duration_text)
    state.app.add_template_filter(section_label)
    state.app.jinja_env.globals["NOTICE_LABELS"] = messages.NOTICE_LABELS


def section_label(path: list[str] | tuple[str, ...] | None) -> str:
    """A heading path as people read it ("II. Nhiệm vụ › 1. Công tác ..."); the whole document
    when empty."""
    if not path:
        return messages.REVIEW_WHOLE_DOCUMENT
    return " › ".join(part for part in path if part) or messages.REVIEW_PART_INTRO


def anchor_choices(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The choices of an anchor select: the whole document, then every section."""
    return [("", messages.REVIEW_WHOLE_DOCUMENT)] + [
        (json.dumps(list(path), ensure_ascii=False), section_label(path))
        for path, _ in flat_sections(doc)
    ]


def parse_anchor(value: str | None) -> list[str] | None:
    """The heading path chosen in an anchor select (None: the whole document); raises Invalid."""
    if not value:
        return None
    try:
        path = json.loads(value)
    except ValueError:
        path = None
    if not isinstance(path, list) or not all(isinstance(part, str) for part in path):
        raise Invalid(messages.REVIEW_ANCHOR_UNKNOWN)
    return path


def _discussant(programme: Programme) -> bool:
    return any(
        current_user.has_role(role, programme.org) for role in (Role.SECRETARY, Role.COMMITTEE)
    )


def _back(programme: Programme, anchor: str | None = None) -> Response:
    return redirect(url_for(".review", programme_id=programme.id, _anchor=anchor))


# --- the review page --------------------------------------------------------------------------


@bp.get("/programmes/<int:programme_id>/review")
@login_required
def review(programme_id: int) -> str:
    """The review page: round status, votes, what changed since the user last looked, and the
    document section by section with its comment threads."""
    return _review_page(programme_id)


def _refused(
    programme_id: int,
    form: str,
    exc: WorkflowError,
    text: str | None,
    anchor: str | None,
    on_behalf_of: int | None = None,
) -> Response | tuple[str, int]:
    """After a refusal of `form` ("vote": the reason of a không tán thành, "thread": a new
    comment, "reply-<thread id>": a reply in that thread): when the page still offers that
    form, the page again (422) with what the member typed back in its box, open and focused,
    and why beside it (a redirect would lose the text); else the refusal flashed and back to
    the page, as any other."""
    programme = get_programme(programme_id, current_user)
    if form == "vote":
        offered = any(
            may(current_user, programme, "request_changes", member)
            for member in (None, *represented_by(current_user, programme))
        )
    else:
        offered = may_comment(current_user, programme)
    if not offered:
        flash(exc.message, "danger")
        return _back(programme)
    kept = {"form": form, "message": exc.message, "text": text or "", "anchor": anchor or "",
            "on_behalf_of": on_behalf_of}  # fmt: skip
    return _review_page(programme_id, kept), 422


def _review_page(programme_id: int, kept: dict | None = None) -> str:
    programme = get_programme(programme_id, current_user)
    user = current_user
    base = base_revision(programme, user)
    record_secret_view(programme, user, "web")
    if _discussant(programme):
        record_view(programme, user)
    doc = programme.doc
    threads = threads_of(programme)
    sections = [
        {"path": path, "paragraphs": paragraphs, "id": f"muc-{index}", "threads": []}
        for index, (path, paragraphs) in enumerate(flat_sections(doc), start=1)
    ]
    by_path = {section["path"]: section for section in sections}
    whole, elsewhere = [], []
    for thread in threads:
        if not thread.anchor:
            whole.append(thread)
        elif tuple(thread.anchor) in by_path:
            by_path[tuple(thread.anchor)]["threads"].append(thread)
        else:
            elsewhere.append(thread)
    represented = [
        member
        for member in represented_by(user, programme)
        if any(may(user, programme, action, member) for action in OPINION_ACTIONS)
    ]
    choices = anchor_choices(doc)
    return render_template(
        "programmes/review.html",
        programme=programme,
        status=round_status(programme),
        base=base,
        diff=diff_documents(base.content, doc) if base else None,
        sections=sections,
        whole_threads=whole,
        elsewhere_threads=elsewhere,
        open_threads=sum(1 for t in threads if t.resolved_at is None),
        can_approve=may(user, programme, "approve"),
        can_request=may(user, programme, "request_changes"),
        can_retract=may(user, programme, "retract_opinion"),
        my_opinion=current_opinion(programme, user) if programme.state == State.REVIEW else None,
        # The opinions the user gave as a delegate, which they may take back for the member.
        represented_opinions=[
            (member, opinion)
            for member in represented
            if (opinion := current_opinion(programme, member)) is not None
            and may(user, programme, "retract_opinion", member)
        ],
        represented=represented,
        approve_for=[m for m in represented if may(user, programme, "approve", m)],
        disapprove_for=[m for m in represented if may(user, programme, "request_changes", m)],
        can_discuss=may_comment(user, programme),
        anchor_choices=choices,
        # "Góp ý mục này" under section n reloads the page with that section chosen below.
        chosen=request.args.get("muc", 0, type=int),
        vote_form=VoteForm(),
        thread_form=ThreadForm(),
        kept=kept or {},
    )


@bp.get("/review/<token>")
@login_required
def review_link(token: str) -> Response:
    """The signed link of a review email: opens the review page of its programme after login,
    saying so plainly when the revision it was sent for is no longer the current one."""
    try:
        link = read_review_token(token)
    except LinkExpired as exc:
        flash(messages.REVIEW_LINK_EXPIRED, "warning")
        if exc.link.user_id == current_user.id:
            return _back(get_programme(exc.link.programme_id, current_user))
        return redirect(url_for(".index"))
    except LinkInvalid:
        abort(404, messages.REVIEW_LINK_INVALID)
    if link.user_id != current_user.id:
        abort(403, messages.REVIEW_LINK_OTHER_USER)
    programme = get_programme(link.programme_id, current_user)
    sent_for = db.session.get(Revision, link.revision_id)
    if sent_for is None or sent_for.programme_id != programme.id:
        abort(404, messages.REVIEW_LINK_INVALID)
    if programme.current_revision_id != sent_for.id:
        new = programme.current_revision.seq
        flash(messages.REVIEW_LINK_OUTDATED.format(old=sent_for.seq, new=new), "warning")
    elif programme.state != State.REVIEW:
        state = messages.STATE_LABELS.get(programme.state, programme.state)
        flash(messages.REVIEW_LINK_DECIDED.format(state=state), "info")
    return _back(programme)


@bp.post("/programmes/<int:programme_id>/review/vote")
@login_required
def vote(programme_id: int) -> Response | tuple[str, int]:
    """Approve or request changes (with a reason anchored to a section, reserved or not), take
    it back or change its reservation, for oneself or as a delegate; refusals are flashed, a
    refused reason comes back in its box (_refused)."""
    programme = get_programme(programme_id, current_user)
    form = VoteForm()
    action = form.action.data
    try:
        if action not in OPINION_ACTIONS or not form.validate():
            raise Invalid(messages.BAD_REQUEST)
        member = None
        if form.on_behalf_of.data:
            member = db.session.get(User, form.on_behalf_of.data)
            if member is None:
                raise Invalid(messages.BAD_REQUEST)
        apply_transition(
            programme,
            action,
            current_user,
            version=form.version.data,
            comment=form.comment.data if action == "request_changes" else None,
            anchor=parse_anchor(form.anchor.data),
            on_behalf_of=member,
            params={"reserve": form.reserve.data != "0"},
        )
    except WorkflowError as exc:
        if action == "request_changes":
            return _refused(programme_id, "vote", exc, form.comment.data, form.anchor.data,
                            form.on_behalf_of.data)  # fmt: skip
        flash(exc.message, "danger")
    else:
        if programme.state == State.APPROVED:
            flash(messages.PROGRAMME_APPROVED, "success")
        elif member is not None:
            done = (
                messages.REVIEW_RETRACTED_ON_BEHALF
                if action == "retract_opinion"
                else messages.REVIEW_VOTED_ON_BEHALF
            )
            flash(done.format(name=member.name), "success")
        else:
            flash(messages.ACTION_DONE[action], "success")
    # Back to the opinion panel, where the undo is, while the round is open.
    return _back(programme, "cho-y-kien" if programme.state == State.REVIEW else None)


# --- comment threads --------------------------------------------------------------------------


def _thread(programme: Programme, thread_id: int) -> Comment:
    thread = thread_of(programme, thread_id)
    if thread is None:
        abort(404)
    return thread


@bp.post("/programmes/<int:programme_id>/threads")
@login_required
def new_thread(programme_id: int) -> Response | tuple[str, int]:
    """Start a comment thread on a section or the whole document; a refused one comes back in
    its box (_refused)."""
    programme = get_programme(programme_id, current_user)
    form = ThreadForm()
    try:
        if not form.validate():
            raise Invalid(messages.BAD_REQUEST)
        thread = add_thread(programme, current_user, form.body.data, parse_anchor(form.anchor.data))
    except WorkflowError as exc:
        return _refused(programme_id, "thread", exc, form.body.data, form.anchor.data)
    flash(messages.REVIEW_COMMENT_ADDED, "success")
    return _back(programme, f"y-kien-{thread.id}")


@bp.post("/programmes/<int:programme_id>/threads/<int:thread_id>/replies")
@login_required
def reply(programme_id: int, thread_id: int) -> Response | tuple[str, int]:
    """Reply in a thread; a refused reply comes back in its box (_refused)."""
    programme = get_programme(programme_id, current_user)
    thread = _thread(programme, thread_id)
    form = ReplyForm()
    try:
        if not form.validate():
            raise Invalid(messages.BAD_REQUEST)
        add_reply(thread, current_user, form.body.data)
    except WorkflowError as exc:
        return _refused(programme_id, f"reply-{thread.id}", exc, form.body.data, None)
    flash(messages.REVIEW_REPLY_ADDED, "success")
    return _back(programme, f"y-kien-{thread.id}")


@bp.post("/programmes/<int:programme_id>/threads/<int:thread_id>/resolve")
@login_required
def resolve(programme_id: int, thread_id: int) -> Response:
    """Mark a thread resolved (resolved=1) with the current draft, or reopen it (resolved=0);
    back to the page it was pressed on."""
    programme = get_programme(programme_id, current_user)
    thread = _thread(programme, thread_id)
    form = ResolveForm()
    resolved = bool(form.resolved.data)
    try:
        if not form.validate():
            raise Invalid(messages.BAD_REQUEST)
        set_resolved(thread, current_user, resolved)
    except WorkflowError as exc:
        flash(exc.message, "danger")
    else:
        done = messages.REVIEW_THREAD_RESOLVED if resolved else messages.REVIEW_THREAD_REOPENED
        flash(done.format(revision=programme.revision), "success")
    if form.back.data in RESOLVE_BACK:  # the secretary's draft page or editor
        return redirect(url_for(RESOLVE_BACK[form.back.data], programme_id=programme.id))
    return _back(programme, f"y-kien-{thread.id}")


# --- timeline and history ---------------------------------------------------------------------


@bp.get("/programmes/<int:programme_id>/timeline")
@login_required
def timeline_page(programme_id: int):
    """The time spent in each state and each review round, with the history as CSV."""
    programme = get_programme(programme_id, current_user)
    record_secret_view(programme, current_user, "web", page="timeline")
    events = history_for(current_user, programme, events_of(programme))
    return render_template(
        "programmes/review_timeline.html",
        programme=programme,
        timeline=timeline(events, utcnow()),
        events=events,
        ROUND_OUTCOMES=messages.ROUND_OUTCOMES,
    )


@bp.get("/programmes/<int:programme_id>/history.csv")
@login_required
def history_download(programme_id: int) -> Response:
    """The programme's history as CSV (UTF-8 with BOM, so Excel shows Vietnamese)."""
    programme = get_programme(programme_id, current_user)
    events = history_for(current_user, programme, events_of(programme))
    data = history_csv(events).encode()
    csv = served_file(programme, current_user, "history.csv", data, "web")
    response = Response(csv, mimetype="text/csv")
    response.charset = "utf-8"
    name = f"lich-su-chuong-trinh-{programme.id}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- delegations ------------------------------------------------------------------------------


def _committee_orgs() -> list[Org]:
    return [org for org in current_user.orgs() if current_user.has_role(Role.COMMITTEE, org)]


@bp.route("/delegations", methods=["GET", "POST"])
@login_required
def delegations():
    """Delegate one's vote to another committee member for some days; see and revoke them."""
    orgs = _committee_orgs()
    if not orgs:
        abort(403)
    form = DelegationForm()
    choices = {
        f"{org.id}-{user.id}": (org, user)
        for org in orgs
        for user in org.members_with_role(Role.COMMITTEE)
        if user.id != current_user.id
    }
    status = 200
    if form.validate_on_submit():
        org, delegate = choices.get(form.delegate.data, (None, None))
        try:
            if org is None:
                raise Invalid(messages.BAD_REQUEST)
            create_delegation(org, current_user, delegate, form.starts_on.data, form.ends_on.data)
        except WorkflowError as exc:
            flash(exc.message, "danger")
            status = exc.status
        else:
            start, end = form.starts_on.data, form.ends_on.data
            flash(
                messages.DELEGATION_SAVED.format(
                    name=delegate.name,
                    start=start.strftime("%d/%m/%Y"),
                    end=end.strftime("%d/%m/%Y"),
                ),
                "success",
            )
            return redirect(url_for(".delegations"))
    elif form.is_submitted():
        flash(messages.BAD_REQUEST, "danger")
        status = 400
    return render_template(
        "programmes/review_delegations.html",
        form=form,
        orgs=orgs,
        choices=choices,
        delegations=delegations_of(current_user),
    ), status


@bp.post("/delegations/<int:delegation_id>/revoke")
@login_required
def revoke(delegation_id: int) -> Response:
    """Revoke a delegation one gave."""
    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None or delegation.from_user_id != current_user.id:
        abort(404)
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        revoke_delegation(delegation, current_user)
    except WorkflowError as exc:
        flash(exc.message, "danger")
    else:
        flash(messages.DELEGATION_REVOKED.format(name=delegation.to_user.name), "success")
    return redirect(url_for(".delegations"))
