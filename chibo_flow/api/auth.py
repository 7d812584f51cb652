"""Bearer-token authentication for the API: every endpoint acts as the token's user, within
the token's rate limit (auth.throttle)."""

from flask import Blueprint, Response, g

from chibo_flow import messages
from chibo_flow.auth.sessions import presented_token, user_for_token
from chibo_flow.auth.throttle import limit_tokens
from chibo_flow.auth.totp import requires_second_factor
from chibo_flow.errors import error_response
from chibo_flow.models import User


def require_token(blueprint: Blueprint) -> None:
    """Every request to `blueprint` needs a bearer token (authenticate) and counts against
    that token's API_RATE_LIMIT."""
    limit_tokens(blueprint)
    blueprint.before_request(authenticate)


def authenticate() -> Response | None:
    """Before each API request: set the caller from `Authorization: Bearer`, or answer 401; 403
    for the token of someone whose role needs a second factor they have not enrolled (a token
    made with the password alone)."""
    token = presented_token()
    if token is None:
        return _unauthorized(messages.API_TOKEN_MISSING)
    user = user_for_token(token)
    if user is None:
        return _unauthorized(messages.TOKEN_INVALID)
    if requires_second_factor(user) and not user.has_factor:
        return error_response(403, messages.API_FACTOR_REQUIRED, "second_factor_required")
    g.api_user = user
    return None


def current_api_user() -> User:
    """The user whose token authenticated this request."""
    return g.api_user


def _unauthorized(message: str) -> Response:
    response = error_response(401, message, "unauthorized")
    response.headers["WWW-Authenticate"] = "Bearer"
    return response
