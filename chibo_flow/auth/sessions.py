"""Server-side login sessions and bearer tokens.

The session cookie carries only a LoginSession id; logging out marks that row ended, so a
replayed old cookie is refused. A session also ends after its org's idle time without a request
(Org.session_idle_minutes, the shortest of the person's orgs) and PERMANENT_SESSION_LIFETIME
after login, both checked on the server with every request. API tokens are random strings whose
SHA-256 is stored; they expire (API_TOKEN_LIFETIME_DAYS by default) and can be revoked.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import Flask, current_app, flash, g, redirect, request
from flask_login import UserMixin, login_url, login_user, logout_user
from sqlalchemy import bindparam, select, update
from werkzeug.wrappers import Response

from chibo_flow import messages
from chibo_flow.extensions import db, login_manager
from chibo_flow.models import ApiToken, LoginSession, Membership, Org, User
from chibo_flow.models._types import utcnow
from chibo_flow.models.users import DEFAULT_SESSION_IDLE_MINUTES, HoldsRoles, RoleInOrg

# A session's last activity is written at most this often (not on every page).
TOUCH_INTERVAL = timedelta(minutes=1)


def init_login(app: Flask) -> None:
    """Configure Flask-Login to load users through their server-side session."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.unauthorized_handler(_to_login)


def _to_login() -> Response:
    """To the login page, saying why: the session timed out or was ended (the cookie still
    names it), or there was none."""
    flash(g.get("session_closed", messages.LOGIN_REQUIRED), "warning")
    return redirect(login_url(login_manager.login_view, next_url=request.url))


class SignedInUser(HoldsRoles, UserMixin):
    """The person behind a request's login session (Flask-Login's current_user): who they are
    and which roles they hold where, read with the session check. Views pass it wherever a user
    is expected (its id, name and roles); it is not an ORM object, so it costs a page none of the
    ORM's loading. To change the person's record, load `User` by `id`."""

    def __init__(
        self,
        id: int,
        name: str,
        email: str,
        memberships: tuple[RoleInOrg, ...],
        session_id: str,
        has_factor: bool,
    ) -> None:
        self.id = id
        self.name = name
        self.email = email
        self.memberships = memberships
        self.login_session_id = session_id
        self.has_factor = has_factor  # a second factor in force

    def get_id(self) -> str:  # Flask-Login keeps the login session's id in the cookie
        return self.login_session_id


# Every page checks its login session and reads the user with their roles: one statement,
# built once, read as plain rows (no ORM objects to build, track and expire per request).
_SESSION_USER = (
    select(
        User.id,
        User.name,
        User.email,
        User.active,
        User.totp_confirmed_at,
        LoginSession.created_at,
        LoginSession.last_seen_at,
        LoginSession.ended_at,
        Membership.org_id,
        Membership.role,
        Org.session_idle_minutes,
    )
    .join(LoginSession, LoginSession.user_id == User.id)
    .outerjoin(Membership, Membership.user_id == User.id)
    .outerjoin(Org, Org.id == Membership.org_id)
    .where(LoginSession.id == bindparam("session_id"))
)
# An expired session is ended at once; a live one's last activity is moved on (at most every
# TOUCH_INTERVAL), committed with the request (a reading page's transaction ends with COMMIT:
# chibo_flow.extensions.end_read_only_transaction).
_sessions = LoginSession.__table__
_now = bindparam("now", type_=_sessions.c.last_seen_at.type)
_END_SESSION = (
    update(_sessions)
    .where(_sessions.c.id == bindparam("session_id"), _sessions.c.ended_at.is_(None))
    .values(ended_at=_now)
)
_TOUCH_SESSION = (
    update(_sessions).where(_sessions.c.id == bindparam("session_id")).values(last_seen_at=_now)
)


@login_manager.user_loader
def _load_user(session_id: str) -> SignedInUser | None:
    connection = db.session.connection()
    rows = connection.execute(_SESSION_USER, {"session_id": session_id}).all()
    if not rows:
        return None
    first, now = rows[0], utcnow()
    if first.ended_at is not None:
        g.session_closed = messages.SESSION_CLOSED
        return None
    if not first.active:
        return None
    idle = timedelta(minutes=min((r.session_idle_minutes for r in rows if r.org_id is not None),
                                 default=DEFAULT_SESSION_IDLE_MINUTES))  # fmt: skip
    if _expired(first.created_at, first.last_seen_at, idle, now):
        connection.execute(_END_SESSION, {"session_id": session_id, "now": now})
        db.session.commit()
        g.session_closed = messages.SESSION_EXPIRED
        return None
    if now - first.last_seen_at > TOUCH_INTERVAL:
        connection.execute(_TOUCH_SESSION, {"session_id": session_id, "now": now})
    roles = tuple(RoleInOrg(row.org_id, row.role) for row in rows if row.org_id is not None)
    has_factor = first.totp_confirmed_at is not None
    return SignedInUser(first.id, first.name, first.email, roles, session_id, has_factor)


def _expired(created_at: datetime, last_seen_at: datetime, idle: timedelta, now: datetime) -> bool:
    lifetime: timedelta = current_app.config["PERMANENT_SESSION_LIFETIME"]
    return now - last_seen_at > idle or now - created_at > lifetime


def start_session(user: User) -> LoginSession:
    """Create a server-side session for `user` and log them in with it."""
    login = LoginSession(
        user_id=user.id,
        address=request.remote_addr,
        user_agent=(request.user_agent.string or "")[:200] or None,
    )
    db.session.add(login)
    db.session.commit()
    user.login_session_id = login.id
    login_user(user)
    return login


def open_sessions(user_id: int) -> list[LoginSession]:
    """The person's sessions still open (not ended, not expired by age), newest first."""
    lifetime: timedelta = current_app.config["PERMANENT_SESSION_LIFETIME"]
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(
                LoginSession.user_id == user_id,
                LoginSession.ended_at.is_(None),
                LoginSession.created_at > utcnow() - lifetime,
            )
            .order_by(LoginSession.last_seen_at.desc())
        )
    )


def end_sessions(user_id: int, session_id: str | None = None) -> int:
    """End the person's open sessions (only `session_id` when given); committed. Returns how
    many ended."""
    query = update(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.ended_at.is_(None)
    )
    if session_id is not None:
        query = query.where(LoginSession.id == session_id)
    ended = db.session.execute(query.values(ended_at=utcnow()))
    db.session.commit()
    return ended.rowcount


def end_session(user: User) -> None:
    """End the user's current server-side session and clear the cookie."""
    login = db.session.get(LoginSession, getattr(user, "login_session_id", ""))
    if login is not None and login.ended_at is None:
        login.ended_at = utcnow()
        db.session.commit()
    logout_user()


def issue_token(user: User, label: str = "", days: int | None = None) -> str:
    """Create an API bearer token for `user`, valid `days` (API_TOKEN_LIFETIME_DAYS by default);
    the plain token is returned only here."""
    token = secrets.token_urlsafe(32)
    now, days = utcnow(), days or current_app.config["API_TOKEN_LIFETIME_DAYS"]
    db.session.add(ApiToken(user_id=user.id, token_sha256=token_digest(token), label=label,
                            created_at=now, expires_at=now + timedelta(days=days)))  # fmt: skip
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None (unknown, expired or revoked)."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_sha256 == token_digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    return row.user if row.user.active else None


def tokens_of(user_id: int) -> list[ApiToken]:
    """The person's API tokens, newest first (revoked and expired ones included)."""
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
        )
    )


def revoke_token(user_id: int, token_id: int) -> bool:
    """Revoke one of the person's tokens (committed); False if they have no such live token."""
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.commit()
    return revoked.rowcount == 1


def revoke_tokens(user_id: int) -> int:
    """Revoke every live API token of the person (the caller commits); how many."""
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return revoked.rowcount


def presented_token() -> str | None:
    """The bearer token this request carries (`Authorization: Bearer`), or None."""
    auth = request.authorization
    if auth is None or auth.type != "bearer" or not auth.token:
        return None
    return auth.token


def token_digest(token: str) -> str:
    """The SHA-256 of a bearer token, as stored (and as the API rate limit counts it)."""
    return hashlib.sha256(token.encode()).hexdigest()
