"""The rate limit of the public verification page and API: hits per client address, counted by
the `limits` library in RATELIMIT_STORAGE_URI (memory:// per process, redis://... shared).

Kept to this one function so it can become a Flask-Limiter `limit()` when the app has one.
"""

from flask import current_app, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

EXTENSION = "verify_rate_limiter"


def verify_allowed() -> bool:
    """Count this request against VERIFY_RATE_LIMIT; False once the client is over it."""
    limiter = current_app.extensions.get(EXTENSION)
    if limiter is None:
        storage = storage_from_string(current_app.config["RATELIMIT_STORAGE_URI"])
        limiter = current_app.extensions[EXTENSION] = MovingWindowRateLimiter(storage)
    limit = parse(current_app.config["VERIFY_RATE_LIMIT"])
    return limiter.hit(limit, "verify", request.remote_addr or "unknown")
