"""Security headers on every response, in one after_request hook registered by the factory.

No page runs an inline script or style (scripts and styles are files under static/), so the
policy needs neither nonces nor `unsafe-inline`. A view may set its own, stricter or narrower,
Content-Security-Policy (the sandboxed HTML part of a captured email does); the other headers
are the same everywhere.
"""

from flask import Flask, Response, current_app, g, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
        "form-action 'self'",
    )
)
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
# Whatever was answered to a signed-in person (a page, a file, JSON) is kept by no cache, so
# the back button after logging out shows nothing. Static files are the same for everyone.
NO_STORE = "no-store"


def init_headers(app: Flask) -> None:
    """Register the hook that adds the headers (and HSTS when the config sets HSTS)."""
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Set the policy headers on `response`; a view's own Content-Security-Policy is kept."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    for name, value in COMMON_HEADERS.items():
        response.headers[name] = value
    hsts = current_app.config.get("HSTS")
    if hsts:
        response.headers["Strict-Transport-Security"] = hsts
    if request.endpoint != "static" and _signed_in():
        response.headers["Cache-Control"] = NO_STORE
        response.headers.pop("Expires", None)
    return response


def _signed_in() -> bool:
    """True when the request was made by a signed-in person (session cookie or API token)."""
    return g.get("api_user") is not None or current_user.is_authenticated
