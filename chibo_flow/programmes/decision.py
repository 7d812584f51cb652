"""The committee's decision on the `programmes` blueprint: the reserved opinions shown with an
approved programme (templates/programmes/_decision.html)."""

from flask.blueprints import BlueprintSetupState

from chibo_flow.programmes.views import bp
from chibo_flow.review.decision import reserved_opinions


@bp.record_once
def _decision_helpers(state: BlueprintSetupState) -> None:
    """What the programme page's decision part reads."""
    state.app.add_template_global(reserved_opinions)
