"""Login and API throttling, one place per rule:

- per account and window: LOCKOUT_FAILURES wrong passwords or codes within LOCKOUT_WINDOW lock
  the account for LOCKOUT_DURATION, whatever the password, and its owner is emailed once;
- per account across windows: FACTOR_LOCK_FAILURES wrong second-factor codes in a row (a right
  one resets the run) lock it until its password is reset or an admin unlocks it (the lock and
  the unlock audited, its owner emailed);
- per API token: API_RATE_LIMIT requests (Flask-Limiter; a JSON 429 with Retry-After).
(The per-address limit of the login forms is Flask-Limiter's too, on the login views.)

A try is counted before its password or code is checked (`claim_try`), under a lock of the
account's row (its first statement is an UPDATE, held to the commit), and given back when it
proves right (`settle_try`): requests at once for one account share the same tries as requests
one after the other."""

from typing import NamedTuple

from flask import Blueprint, current_app, request
from flask_limiter import RequestLimit
from sqlalchemy import delete, func, select, update
from werkzeug.wrappers import Response

from chibo_flow import messages
from chibo_flow.auth.audit import ACCOUNT_UNLOCKED, LOCKED_BY_FACTOR, record_account_event
from chibo_flow.auth.mail import ACCOUNT_LOCKED, FACTOR_LOCKED, queue_account_mail
from chibo_flow.auth.sessions import presented_token, token_digest
from chibo_flow.errors import error_response
from chibo_flow.extensions import db, limiter
from chibo_flow.models import LoginFailure, LoginSession, User
from chibo_flow.models._types import utcnow

_users = User.__table__


class Try(NamedTuple):
    """A password or code being checked, already counted as a failure (`claim_try`)."""

    user_id: int
    failure_id: int
    # For a second-factor code: the account's run of wrong codes, this one included.
    factor_run: int | None


def window_locked(user: User) -> bool:
    """True while the account is locked for LOCKOUT_DURATION."""
    return user.locked_until is not None and user.locked_until > utcnow()


def factor_locked(user: User) -> bool:
    """True once FACTOR_LOCK_FAILURES wrong codes in a row locked the account (until a password
    reset or an admin's unlock)."""
    return user.factor_failures >= current_app.config["FACTOR_LOCK_FAILURES"]


def is_locked(user: User) -> bool:
    """True while the account is locked, for a while or until unlocked."""
    return window_locked(user) or factor_locked(user)


def claim_try(user: User, factor: bool = False) -> Try | None:
    """Count a password (or, with `factor`, a second-factor code) of `user` as a failure before
    it is checked, atomically with every other try of the account, and commit; None, counting
    nothing, when the account is locked (a factor lock refuses codes only: the password step
    still tells its owner how to unlock) or the window's tries are taken."""
    _lock_row(user, 1 if factor else 0)
    run = user.factor_failures if factor else None
    refused = (
        window_locked(user)
        or (factor and run > current_app.config["FACTOR_LOCK_FAILURES"])
        or _failures_in_window(user) >= current_app.config["LOCKOUT_FAILURES"]
    )
    if refused:
        db.session.rollback()
        return None
    failure = LoginFailure(user_id=user.id, at=utcnow(), address=request.remote_addr)
    db.session.add(failure)
    db.session.commit()
    return Try(user.id, failure.id, run)


def settle_try(attempt: Try, right: bool) -> None:
    """After the check (committed): a right password or code gives its try back, a right code
    ends the run of wrong ones; a wrong one stays counted and may lock the account (the
    LOCKOUT_FAILURES-th of the window: for a while, its owner emailed; the
    FACTOR_LOCK_FAILURES-th code in a row: until unlocked, audited, its owner emailed)."""
    user = db.session.get(User, attempt.user_id)
    if right:
        db.session.execute(delete(LoginFailure).where(LoginFailure.id == attempt.failure_id))
        if attempt.factor_run is not None:
            db.session.execute(update(_users).where(_users.c.id == user.id)
                               .values(factor_failures=0))  # fmt: skip
        db.session.commit()
        db.session.refresh(user)
        return
    _lock_row(user, 0)
    config = current_app.config
    locks_for_a_while = not window_locked(user) and (
        _failures_in_window(user) >= config["LOCKOUT_FAILURES"]
    )
    if locks_for_a_while:
        user.locked_until = utcnow() + config["LOCKOUT_DURATION"]
    # Only the try that made the run FACTOR_LOCK_FAILURES long locks (a right code since then
    # ended that run).
    locks = attempt.factor_run == config["FACTOR_LOCK_FAILURES"] and factor_locked(user)
    if locks:
        record_account_event(LOCKED_BY_FACTOR, user, None, failures=attempt.factor_run,
                             address=request.remote_addr)  # fmt: skip
    db.session.commit()
    if locks:
        queue_account_mail(FACTOR_LOCKED, user.id)
    elif locks_for_a_while:
        queue_account_mail(ACCOUNT_LOCKED, user.id)


def record_failure(user: User) -> None:
    """Count a wrong password or code already checked (committed), as `settle_try` does."""
    attempt = claim_try(user)
    if attempt is not None:
        settle_try(attempt, right=False)


def unlock(user: User, actor_id: int) -> None:
    """Lift a lock of either kind (a password reset does, by the account's owner, or an admin);
    lifting one is audited. The caller commits."""
    if not is_locked(user):
        return
    record_account_event(ACCOUNT_UNLOCKED, user, actor_id, second_factor=factor_locked(user),
                         by="owner" if actor_id == user.id else "admin")  # fmt: skip
    user.locked_until = None
    user.factor_failures = 0


def _lock_row(user: User, factor_failures: int) -> None:
    """Lock the account's row until the commit (PostgreSQL's row lock, SQLite's write lock),
    adding `factor_failures` to its run of wrong codes, and read it again."""
    db.session.execute(
        update(_users)
        .where(_users.c.id == user.id)
        .values(factor_failures=_users.c.factor_failures + factor_failures)
    )
    db.session.refresh(user)


def _failures_in_window(user: User) -> int:
    """Failures of the account since the window's start, the last lock's end and the last
    login."""
    now = utcnow()
    last_login = db.session.scalar(
        select(func.max(LoginSession.created_at)).where(LoginSession.user_id == user.id)
    )
    window = now - current_app.config["LOCKOUT_WINDOW"]
    since = max(t for t in (window, user.locked_until, last_login) if t)
    return db.session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.user_id == user.id, LoginFailure.at > since)
    )


# --- API tokens --------------------------------------------------------------------------------


def _api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _token_key() -> str:
    return token_digest(presented_token())


def _without_token() -> bool:
    return presented_token() is None  # answered 401, counted nowhere


def _refuse_token(limit: RequestLimit) -> Response:
    return error_response(429, messages.API_RATE_LIMITED, "rate_limited")


def limit_tokens(blueprint: Blueprint) -> None:
    """Count every request to `blueprint` against its bearer token's API_RATE_LIMIT, one budget
    per token across the API (before the token is looked up)."""
    limiter.shared_limit(
        _api_rate_limit,
        scope="api-token",
        key_func=_token_key,
        exempt_when=_without_token,
        on_breach=_refuse_token,
    )(blueprint)
