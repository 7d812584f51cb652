"""Per-account lockout: LOCKOUT_FAILURES wrong passwords or codes within LOCKOUT_WINDOW lock the
account for LOCKOUT_DURATION, whatever the password, and its owner is emailed once. (The
per-address limit is Flask-Limiter's, on the login views.)"""

from flask import current_app, request
from sqlalchemy import func, select

from chibo_flow.auth.mail import ACCOUNT_LOCKED, queue_account_mail
from chibo_flow.extensions import db
from chibo_flow.models import LoginFailure, LoginSession, User
from chibo_flow.models._types import utcnow


def is_locked(user: User) -> bool:
    """True while the account is locked."""
    return user.locked_until is not None and user.locked_until > utcnow()


def record_failure(user: User) -> bool:
    """Count a wrong password or code for `user` and commit; True when this failure locks the
    account (its owner is then emailed)."""
    config = current_app.config
    now = utcnow()
    db.session.add(LoginFailure(user_id=user.id, at=now, address=request.remote_addr))
    db.session.flush()
    # Failures count since the window's start, the last lock's end and the last login.
    last_login = db.session.scalar(
        select(func.max(LoginSession.created_at)).where(LoginSession.user_id == user.id)
    )
    since = max(t for t in (now - config["LOCKOUT_WINDOW"], user.locked_until, last_login) if t)
    failures = db.session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.user_id == user.id, LoginFailure.at > since)
    )
    locks = failures >= config["LOCKOUT_FAILURES"]
    if locks:
        user.locked_until = now + config["LOCKOUT_DURATION"]
    db.session.commit()
    if locks:
        queue_account_mail(ACCOUNT_LOCKED, user.id)
    return locks


def unlock(user: User) -> None:
    """Lift a lock (a password reset does); the caller commits."""
    user.locked_until = None
