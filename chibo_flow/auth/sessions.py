"""Server-side login sessions and bearer tokens.

The session cookie carries only a LoginSession id; logging out marks that row ended, so a
replayed old cookie is refused. API tokens are random strings whose SHA-256 is stored.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import Flask, current_app
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm.attributes import set_committed_value

from chibo_flow import messages
from chibo_flow.extensions import db, login_manager
from chibo_flow.models import ApiToken, LoginSession, Membership, User
from chibo_flow.models._types import utcnow


def init_login(app: Flask) -> None:
    """Configure Flask-Login to load users through their server-side session."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = messages.LOGIN_REQUIRED
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"


# Every page loads the session's user with the user's roles and checks the session: one
# statement, built once. The roles are read as rows beside the user and handed to the user's
# collection (set_committed_value), which spares the joined eager loader's per-query setup.
_SESSION_USER = (
    select(User, LoginSession.created_at, LoginSession.ended_at, Membership)
    .join(LoginSession, LoginSession.user_id == User.id)
    .outerjoin(Membership, Membership.user_id == User.id)
    .where(LoginSession.id == bindparam("session_id"))
)


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    rows = db.session.execute(_SESSION_USER, {"session_id": session_id}).all()
    if not rows:
        return None
    user, created_at, ended_at, _ = rows[0]
    lifetime: timedelta = current_app.config["PERMANENT_SESSION_LIFETIME"]
    if ended_at is not None or not user.active or utcnow() - created_at > lifetime:
        return None
    set_committed_value(user, "memberships", [row[3] for row in rows if row[3] is not None])
    user.login_session_id = session_id
    return user


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
