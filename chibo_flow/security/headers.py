"""Security headers on every response, in one after_request hook registered by the factory.

No page runs an inline script or style (scripts and styles are files under static/), so the
policy needs neither nonces nor `unsafe-inline`. A view may set its own, stricter or narrower,
Content-Security-Policy (the sandboxed HTML part of a captured email does); the other headers
are the same everywhere. Nothing is cached but static files and what a view marks as public
material with `cache_publicly` (the PUBLIC_MATERIAL rule).
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
# A view's own Cache-Control is replaced too ("private, max-age=0" on a download included).
NO_STORE = "no-store"
# PUBLIC_MATERIAL, the one exception: a response its view marked with `cache_publicly` holds the
# same bytes for everyone and nothing personal or of the Party's documents (a CA's signed CRL).
# Caches keep it for the max-age the view gave; to a request carrying a cookie or credentials it
# is `private` (that person's browser may keep it; no shared cache stores an answer that may
# carry their session cookie).
PUBLIC_MATERIAL = "chibo_flow_public_max_age"  # the attribute `cache_publicly` sets


def cache_publicly(response: Response, max_age: int) -> Response:
    """Mark `response` as public material that caches may keep `max_age` seconds
    (PUBLIC_MATERIAL); only for what is the same for everyone and tells nothing of anyone."""
    setattr(response, PUBLIC_MATERIAL, int(max_age))
    return response


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
        response.headers["Cache-Control"] = _cache_policy(response)
        response.headers.pop("Expires", None)
    return response


def _cache_policy(response: Response) -> str:
    """no-store, but for public material (PUBLIC_MATERIAL)."""
    max_age = getattr(response, PUBLIC_MATERIAL, None)
    if max_age is None:
        return NO_STORE
    private = request.authorization is not None or bool(request.cookies)
    return f"{'private' if private else 'public'}, max-age={max_age}"
