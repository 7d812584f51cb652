"""Programmes pages (the `programmes` blueprint of views.py, with the review pages of
review.py, the secretary's round actions of round_actions.py and the decision record of
decision.py registered on it)."""

from chibo_flow.programmes import (  # noqa: F401  (add their routes to the blueprint)
    decision,
    review,
    round_actions,
)
