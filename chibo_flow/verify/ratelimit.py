"""The rate limit of the public verification page and API: one Flask-Limiter budget ("verify"
scope) per client address, shared by /xac-thuc and POST /api/v1/verify, counted where the app's
other limits are (RATELIMIT_STORAGE_URI)."""

from flask import Blueprint, current_app
from flask_limiter import RequestLimit
from werkzeug.wrappers import Response

from chibo_flow import messages
from chibo_flow.errors import error_response
from chibo_flow.extensions import limiter


def _verify_rate_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


def _refuse(limit: RequestLimit) -> Response:
    """429 with the verification wording: a Vietnamese page, or the API's `rate_limited`."""
    return error_response(429, messages.VERIFY_RATE_LIMITED, "rate_limited")


def limit_verification(blueprint: Blueprint) -> None:
    """Count every request to `blueprint` against VERIFY_RATE_LIMIT, in the shared scope."""
    limiter.shared_limit(_verify_rate_limit, scope="verify", on_breach=_refuse)(blueprint)
