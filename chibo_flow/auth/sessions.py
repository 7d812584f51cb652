"""Server-side login sessions and bearer tokens.

The session cookie carries only a LoginSession id; logging out marks that row ended, so a
replayed old cookie is refused. API tokens are random strings whose SHA-256 is stored.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import Flask, current_app
from flask_login import UserMixin, login_user, logout_user
from sqlalchemy import bindparam, select

from chibo_flow import messages
from chibo_flow.extensions import db, login_manager
from chibo_flow.models import ApiToken, LoginSession, Membership, User
from chibo_flow.models._types import utcnow
from chibo_flow.models.users import HoldsRoles, RoleInOrg


def init_login(app: Flask) -> None:
    """Configure Flask-Login to load users through their server-side session."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = messages.LOGIN_REQUIRED
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"


class SignedInUser(HoldsRoles, UserMixin):
    """The person behind a request's login session (Flask-Login's current_user): who they are
    and which roles they hold where, read with the session check. Views pass it wherever a user
    is expected (its id, name and roles); it is not an ORM object, so it costs a page none of the
    ORM's loading. To change the person's record, load `User` by `id`."""

    def __init__(
        self, id: int, name: str, email: str, memberships: tuple[RoleInOrg, ...], session_id: str
    ) -> None:
        self.id = id
        self.name = name
        self.email = email
        self.memberships = memberships
        self.login_session_id = session_id

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
        LoginSession.created_at,
        LoginSession.ended_at,
        Membership.org_id,
        Membership.role,
    )
    .join(LoginSession, LoginSession.user_id == User.id)
    .outerjoin(Membership, Membership.user_id == User.id)
    .where(LoginSession.id == bindparam("session_id"))
)


@login_manager.user_loader
def _load_user(session_id: str) -> SignedInUser | None:
    rows = db.session.connection().execute(_SESSION_USER, {"session_id": session_id}).all()
    if not rows:
        return None
    first = rows[0]
    lifetime: timedelta = current_app.config["PERMANENT_SESSION_LIFETIME"]
    if first.ended_at is not None or not first.active or utcnow() - first.created_at > lifetime:
        return None
    roles = tuple(RoleInOrg(row.org_id, row.role) for row in rows if row.org_id is not None)
    return SignedInUser(first.id, first.name, first.email, roles, session_id)


def start_session(user: User) -> LoginSession:
    """Create a server-side session for `user` and log them in with it."""
    login = LoginSession(user_id=user.id)
    db.session.add(login)
    db.session.commit()
    user.login_session_id = login.id
    login_user(user)
    return login


def end_session(user: User) -> None:
    """End the user's current server-side session and clear the cookie."""
    login = db.session.get(LoginSession, getattr(user, "login_session_id", ""))
    if login is not None and login.ended_at is None:
        login.ended_at = utcnow()
        db.session.commit()
    logout_user()


def issue_token(user: User) -> str:
    """Create an API bearer token for `user`; the plain token is returned only here."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_sha256=_digest(token)))
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_sha256 == _digest(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row.user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
