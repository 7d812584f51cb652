"""Programmes pages (the `programmes` blueprint of views.py, with the review pages of
review.py registered on it)."""

from chibo_flow.programmes import review  # noqa: F401  (adds the review routes to the blueprint)
