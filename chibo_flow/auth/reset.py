"""Password-reset links: signed (itsdangerous), expiring after PASSWORD_RESET_MAX_AGE_S, and
bound to the password they replace, so a link works once (the new password voids it)."""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from chibo_flow.extensions import db
from chibo_flow.models import User

SALT = "chibo-flow.password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def reset_token(user: User) -> str:
    """A token that lets `user` set a new password, until it expires or the password changes."""
    return _serializer().dumps([user.id, _fingerprint(user)])


def reset_url(user: User) -> str:
    """The absolute link (PUBLIC_URL) of the reset form."""
    return f"{current_app.config['PUBLIC_URL']}/login/reset/{reset_token(user)}"


def user_for_reset_token(token: str) -> User | None:
    """The active user a reset token was made for, or None when it is altered, expired or
    already used (the password changed since)."""
    try:
        user_id, fingerprint = _serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE_S"]
        )
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or _fingerprint(user) != fingerprint:
        return None
    return user
