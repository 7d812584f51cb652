"""Email-change links: a login email changes only once the link sent to the new address is
opened by the account's owner (signed, itsdangerous; expiring after EMAIL_CHANGE_MAX_AGE_S;
bound to the account and to the email it replaces, so a link works once). What reached an
address (final copies, "Văn bản đến") is read as that address's: an address one could take
without owning it would open everything sent to it."""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from chibo_flow.extensions import db
from chibo_flow.models import User

SALT = "chibo-flow.email-change"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:16]


def email_change_url(user: User, new_email: str) -> str:
    """The absolute link (PUBLIC_URL) that moves `user`'s login to `new_email`."""
    token = _serializer().dumps([user.id, new_email, _fingerprint(user.email)])
    return f"{current_app.config['PUBLIC_URL']}/account/email/{token}"


def new_email_for(token: str, user: User) -> str | None:
    """The address a link made for `user` moves their login to, or None when it is altered,
    expired, someone else's, already used (their email changed since) or the address is
    taken meanwhile."""
    try:
        user_id, new_email, fingerprint = _serializer().loads(
            token, max_age=current_app.config["EMAIL_CHANGE_MAX_AGE_S"]
        )
    except (BadSignature, ValueError, TypeError):
        return None
    if user_id != user.id or fingerprint != _fingerprint(user.email):
        return None
    if db.session.scalar(select(User.id).where(User.email == new_email)):
        return None
    return new_email
