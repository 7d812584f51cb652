"""The secretary's actions on an open review round, on the `programmes` blueprint: a later
hạn cho ý kiến, and a vote taken at a cấp ủy meeting (with its minutes), which closes the round
by the majority rule. Both go through the workflow's table like the API's."""

from datetime import timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from chibo_flow import messages
from chibo_flow.access import get_programme
from chibo_flow.models import Programme
from chibo_flow.models._types import utcnow
from chibo_flow.models.programmes import State
from chibo_flow.programmes.review_forms import DeadlineForm, MeetingForm
from chibo_flow.programmes.views import ROUND_ACTIONS, bp
from chibo_flow.review.deadlines import from_local
from chibo_flow.review.meetings import read_meeting
from chibo_flow.review.rounds import round_status
from chibo_flow.timefmt import local_date, to_local
from chibo_flow.uploads import MAX_MINUTES_BYTES, megabytes
from chibo_flow.workflow import apply_transition, may
from chibo_flow.workflow_errors import Invalid, WorkflowError


def _round_programme(programme_id: int) -> Programme:
    """The programme whose round the user may act on (404 if hidden, 403 otherwise)."""
    programme = get_programme(programme_id, current_user)
    if not any(may(current_user, programme, action) for action in ROUND_ACTIONS):
        abort(403)
    return programme


def _page(programme: Programme, status: int = 200, **forms: Any):
    deadline_form = forms.get("deadline_form")
    if deadline_form is None:  # offer one day more than the current deadline
        current = programme.review_deadline
        later = to_local(current + timedelta(days=1)).replace(tzinfo=None) if current else None
        deadline_form = DeadlineForm(formdata=None, deadline=later)
    return render_template(
        "programmes/round_actions.html",
        programme=programme,
        status=round_status(programme),
        deadline_form=deadline_form,
        meeting_form=forms.get("meeting_form")
        or MeetingForm(formdata=None, held_on=local_date(utcnow())),
        MAX_MINUTES_BYTES=MAX_MINUTES_BYTES,
        too_large=messages.MEETING_MINUTES_TOO_LARGE.format(limit=megabytes(MAX_MINUTES_BYTES)),
    ), status


@bp.get("/programmes/<int:programme_id>/vong-duyet")
@login_required
def round_actions(programme_id: int):
    """The secretary's page for the open round: extend its deadline or record a meeting's vote."""
    return _page(_round_programme(programme_id))


@bp.post("/programmes/<int:programme_id>/vong-duyet/gia-han")
@login_required
def extend_deadline(programme_id: int):
    """Set a later hạn cho ý kiến (typed in the display time zone); refusals are shown."""
    programme = _round_programme(programme_id)
    form = DeadlineForm()
    try:
        if not form.validate():
            raise Invalid(messages.DEADLINE_REQUIRED)
        apply_transition(programme, "extend_deadline", current_user, version=form.version.data,
                         params={"deadline": from_local(form.deadline.data)})  # fmt: skip
    except WorkflowError as exc:
        flash(exc.message, "danger")
        return _page(programme, exc.status, deadline_form=form)
    flash(messages.ACTION_DONE["extend_deadline"], "success")
    return redirect(url_for(".detail", programme_id=programme.id))


@bp.post("/programmes/<int:programme_id>/vong-duyet/bieu-quyet-hop")
@login_required
def record_meeting_vote(programme_id: int) -> Response:
    """Record the vote of a cấp ủy meeting with its minutes; the round closes by the majority
    rule. Refusals are shown with what the secretary typed."""
    programme = _round_programme(programme_id)
    form = MeetingForm()
    try:
        if not form.validate():
            raise Invalid(messages.MEETING_FORM_INCOMPLETE)
        upload = request.files.get(form.minutes.name)
        meeting = read_meeting(form.held_on.data, form.present.data, form.votes_for.data,
                               form.votes_against.data, upload)  # fmt: skip
        apply_transition(programme, "record_meeting_vote", current_user,
                         version=form.version.data, params={"meeting": meeting})  # fmt: skip
    except WorkflowError as exc:
        flash(exc.message, "danger")
        return _page(programme, exc.status, meeting_form=form)
    if programme.state == State.APPROVED:
        flash(messages.PROGRAMME_APPROVED, "success")
    else:
        flash(messages.MEETING_RETURNED, "info")
    return redirect(url_for(".detail", programme_id=programme.id))
