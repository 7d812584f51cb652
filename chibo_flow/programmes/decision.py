"""The committee's decision on the `programmes` blueprint: the reserved opinions shown with an
approved programme (templates/programmes/_decision.html) and the decision record of every round
as a page and as a PDF (biên bản tổng hợp ý kiến và kết quả biểu quyết), for the programme's org
(access.get_org_programme); reading a "mật" programme's is recorded (chibo_flow.secret_reading)."""

from flask import Response, render_template
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required

from chibo_flow import messages
from chibo_flow.access import get_org_programme
from chibo_flow.documents.final_copy import PDF_TYPE
from chibo_flow.programmes.views import bp
from chibo_flow.review.decision import decision_record, reserved_opinions
from chibo_flow.review.decision_pdf import decision_pdf, decision_pdf_disposition, outcome_line
from chibo_flow.secret_reading import record_secret_view, served_file


@bp.record_once
def _decision_helpers(state: BlueprintSetupState) -> None:
    """What the programme page's decision part and the record page read."""
    state.app.add_template_global(reserved_opinions)
    state.app.add_template_filter(outcome_line)
    state.app.jinja_env.globals.update(
        DECISION_OPINIONS=messages.DECISION_OPINIONS,
        DECISION_RULE=messages.DECISION_RULE,
    )


@bp.get("/programmes/<int:programme_id>/decision")
@login_required
def decision_page(programme_id: int):
    """The decision record: per round the rule, the outcome, each opinion (when, on which
    draft, reason, delegate, changed or reserved), who did not answer, a vote at a meeting."""
    programme = get_org_programme(programme_id, current_user)
    record_secret_view(programme, current_user, "web", page="decision")
    return render_template(
        "programmes/decision.html", programme=programme, record=decision_record(programme)
    )


@bp.get("/programmes/<int:programme_id>/decision.pdf")
@login_required
def decision_download(programme_id: int) -> Response:
    """The decision record as a PDF in the Party format (BIÊN BẢN)."""
    programme = get_org_programme(programme_id, current_user)
    data = decision_pdf(decision_record(programme))
    pdf = served_file(programme, current_user, "decision.pdf", data, "web")
    response = Response(pdf, content_type=PDF_TYPE)
    response.headers["Content-Disposition"] = decision_pdf_disposition(programme)
    response.headers["Cache-Control"] = "private, max-age=0"
    return response
