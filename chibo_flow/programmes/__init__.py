"""Programmes pages (the `programmes` blueprint of views.py, with the review pages of
review.py and the decision record of decision.py registered on it)."""

from chibo_flow.programmes import decision, review  # noqa: F401  (add their routes to the blueprint)
