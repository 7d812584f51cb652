"""The TOTP second factor (RFC 6238, pyotp): required for secretary, committee and admin
accounts, enrolled at first login with a QR code, each code accepted once; one-time recovery
codes stored hashed.

The secret being enrolled belongs to the browser that was shown it (kept encrypted in its
session) until a code confirms it: someone else who passes the password step sees another
secret, so they cannot read the one the account's owner is about to scan."""

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import session
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update

from chibo_flow.extensions import db
from chibo_flow.models import RecoveryCode, User
from chibo_flow.models._types import utcnow
from chibo_flow.models.users import HoldsRoles, Role
from chibo_flow.security.encryption import decrypt, encrypt

ISSUER = "Chi bộ Flow"
SECOND_FACTOR_ROLES = (Role.SECRETARY, Role.COMMITTEE, Role.ADMIN)
STEP_S = 30
# Codes of the step before and after the current one are accepted too (a phone's clock drifts).
DRIFT_STEPS = 1
RECOVERY_CODES = 10
ENROLMENT = "enrolment"  # the session key of the secret this browser is enrolling

_users = User.__table__
_codes = RecoveryCode.__table__


def requires_second_factor(user: HoldsRoles) -> bool:
    """True for people holding a role that must log in with a second factor."""
    return any(user.has_role(role) for role in SECOND_FACTOR_ROLES)


def enrolling_secret(user: User) -> str:
    """The secret this browser is enrolling for `user` (made on first call, kept encrypted in
    its session); another browser gets its own."""
    held = session.get(ENROLMENT)
    if held and held["user_id"] == user.id:
        return decrypt(held["secret"])
    secret = pyotp.random_base32()
    session[ENROLMENT] = {"user_id": user.id, "secret": encrypt(secret)}
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The QR code of `uri` as inline SVG (no script, no image request)."""
    return Markup(segno.make(uri, error="m").svg_inline(scale=5, title="Mã QR xác thực"))


def _current_step() -> int:
    return int(time.time()) // STEP_S


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _fresh_step(secret: str, code: str, last_step: int | None) -> int | None:
    """The step near now, later than `last_step`, whose TOTP code of `secret` is `code`."""
    code = _normalised(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = _current_step()
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_S), code):
            return step
    return None


def verify_code(user: User, code: str) -> bool:
    """True if `code` is the person's TOTP code of a step near now that is later than the last
    one accepted; that step is then recorded (compare-and-set, committed), so the same code
    never works twice, even in two requests at once."""
    if user.totp_secret is None:
        return False
    step = _fresh_step(user.totp_secret, code, user.totp_last_step)
    if step is None:
        return False
    claimed = db.session.execute(
        update(_users)
        .where(
            _users.c.id == user.id,
            or_(_users.c.totp_last_step.is_(None), _users.c.totp_last_step < step),
        )
        .values(totp_last_step=step)
    )
    db.session.commit()
    db.session.refresh(user)
    return claimed.rowcount == 1


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Put the secret this browser is enrolling in force if `code` is right (its step used up);
    returns the new recovery codes (shown once), or None for a wrong code."""
    held = session.get(ENROLMENT)
    if user.has_factor or not held or held["user_id"] != user.id:
        return None
    secret = decrypt(held["secret"])
    step = _fresh_step(secret, code, None)
    if step is None:
        return None
    session.pop(ENROLMENT)
    user.totp_secret, user.totp_last_step, user.totp_confirmed_at = secret, step, utcnow()
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes with RECOVERY_CODES new ones (committed); the plain
    codes are returned only here."""
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.add_all(RecoveryCode(user_id=user.id, code_sha256=_digest(c)) for c in codes)
    db.session.commit()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """True if `code` is one of the person's unused recovery codes; it is then used up."""
    used = db.session.execute(
        update(_codes)
        .where(
            _codes.c.user_id == user.id,
            _codes.c.code_sha256 == _digest(_normalised(code)),
            _codes.c.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    db.session.commit()
    return used.rowcount == 1


def recovery_codes_left(user: User) -> int:
    """How many recovery codes the person has not used."""
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def check_second_factor(user: User, code: str) -> bool:
    """A TOTP code or, failing that, a recovery code (used up)."""
    return verify_code(user, code) or use_recovery_code(user, code)


def clear_factor(user: User) -> None:
    """Remove the person's authenticator and recovery codes (committed)."""
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.commit()


def current_code(user: User) -> str:
    """The person's current TOTP code, enrolling them first if they have no factor (the demo's
    `flask users otp`)."""
    if not user.has_factor:
        user.totp_secret = pyotp.random_base32()
        user.totp_confirmed_at = utcnow()
        db.session.commit()
    return pyotp.TOTP(user.totp_secret).now()


def _digest(code: str) -> str:
    return hashlib.sha256(_normalised(code).encode()).hexdigest()
