"""Security headers on every response, in one after_request hook registered by the factory.

No page runs an inline script or style (scripts and styles are files under static/), so the
policy needs neither nonces nor `unsafe-inline`. A view may set its own, stricter or narrower,
Content-Security-Policy (the sandboxed HTML part of a captured email does); the other headers
are the same everywhere.
"""

from flask import Flask, Response, current_app, request

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
# No answer but a static file is kept by any cache: what a signed-in person saw (a page, a file,
# JSON) is gone with the back button after logging out, and so is what a personal link showed.
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
    if request.endpoint != "static":
        response.headers["Cache-Control"] = NO_STORE
        response.headers.pop("Expires", None)
    return response
