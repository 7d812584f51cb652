"""Checking a password at login, the same way for every email: one argon2 verification whether
the account exists, is locked or not, so neither the answer nor its time tells them apart."""

from sqlalchemy import select

from chibo_flow.auth import totp
from chibo_flow.auth.passwords import verify_password
from chibo_flow.auth.throttle import is_locked, record_failure
from chibo_flow.extensions import db
from chibo_flow.models import User


def check_password(email: str, password: str) -> User | None:
    """The active, unlocked user with this email and password, or None (a wrong password
    counts towards the account's lockout)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    refused = user is None or is_locked(user)
    matches = verify_password(None if refused else user.password_hash, password)
    if refused:
        return None
    if not matches:
        record_failure(user)
        return None
    return user if user.active else None


def reauthenticate(user: User, password: str, code: str) -> bool:
    """Asked again before a change to the password, the email or the factor: the current
    password and, with a second factor in force, a current code (or a recovery code). A failure
    counts towards the lockout (and a locked account always fails)."""
    confirmed = (
        not is_locked(user)
        and verify_password(user.password_hash, password)
        and (not user.has_factor or totp.check_second_factor(user, code or ""))
    )
    if not confirmed and not is_locked(user):
        record_failure(user)
    return confirmed
