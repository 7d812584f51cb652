"""Checking a password at login, the same way for every email: one argon2 verification whether
the account exists, is locked or not, so neither the answer nor its time tells them apart. And
checking a second-factor code. Each try is counted before it is checked (auth.throttle)."""

from enum import Enum

from sqlalchemy import select

from chibo_flow.auth import totp
from chibo_flow.auth.passwords import verify_password
from chibo_flow.auth.throttle import claim_try, factor_locked, settle_try
from chibo_flow.extensions import db
from chibo_flow.models import User


class FactorLocked(Exception):
    """The password is right, but wrong second-factor codes locked the account until its
    password is reset or an admin unlocks it."""


class CodeCheck(Enum):
    """What became of a second-factor code at login."""

    RIGHT = "right"  # the current TOTP code
    RECOVERY = "recovery"  # a recovery code, now used up
    WRONG = "wrong"  # counted towards the lockouts
    LOCKED = "locked"  # not checked: the account is locked


def check_password(email: str, password: str) -> User | None:
    """The active, unlocked user with this email and password, or None (a wrong password
    counts towards the account's lockout). FactorLocked for the right password of an account
    that wrong codes locked (a wrong one is counted as for any account, so the answer tells
    nothing more)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    attempt = None if user is None else claim_try(user)
    matches = verify_password(None if attempt is None else user.password_hash, password)
    if attempt is None:
        return None
    settle_try(attempt, right=matches)
    if not matches or not user.active:
        return None
    if factor_locked(user):
        raise FactorLocked
    return user


def check_code(user: User, code: str) -> CodeCheck:
    """Check a code of the login's second step: counted first, so that codes sent at once get
    no more tries than the lockouts allow."""
    attempt = claim_try(user, factor=True)
    if attempt is None:
        return CodeCheck.LOCKED
    outcome = CodeCheck.WRONG
    if totp.verify_code(user, code):
        outcome = CodeCheck.RIGHT
    elif totp.use_recovery_code(user, code):
        outcome = CodeCheck.RECOVERY
    settle_try(attempt, right=outcome is not CodeCheck.WRONG)
    return outcome


def reauthenticate(user: User, password: str, code: str) -> bool:
    """Asked again before a change to the password, the email or the factor: the current
    password and, with a second factor in force, a current code (or a recovery code). A failure
    counts towards the lockout (and a locked account always fails)."""
    attempt = claim_try(user)
    if attempt is None:
        return False
    confirmed = verify_password(user.password_hash, password) and (
        not user.has_factor or totp.check_second_factor(user, code or "")
    )
    settle_try(attempt, right=confirmed)
    return confirmed
