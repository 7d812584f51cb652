"""Admin pages on members' logins: end a member's sessions, reset their second factor, unlock
their account (all audited). Nested in the admin blueprint (admin role required); an admin
lists the members of the orgs they administer and of every org under those
(access.administered_org_ids), and acts on the login of those whose every org they administer
(access.administers_account)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.access import administered_org_ids, administers_account
from chibo_flow.auth import totp
from chibo_flow.auth.audit import FACTOR_RESET, SESSIONS_ENDED, record_account_event
from chibo_flow.auth.sessions import end_sessions, open_sessions
from chibo_flow.auth.throttle import factor_locked, is_locked, unlock
from chibo_flow.extensions import db
from chibo_flow.models import Membership, User
from chibo_flow.workflow_errors import NotAllowed

bp = Blueprint("member_security", __name__, url_prefix="/security")


def _members_query():
    org_ids = administered_org_ids(current_user)
    return (
        select(User)
        .where(User.id.in_(select(Membership.user_id).where(Membership.org_id.in_(org_ids))))
        .order_by(User.name)
    )


def _member(user_id: int) -> User:
    """A member whose login the admin may see and change; 404 for one outside their orgs,
    NotAllowed (403) for one who also belongs to an org they do not administer."""
    member = db.session.scalar(_members_query().where(User.id == user_id))
    if member is None:
        abort(404)
    if not administers_account(current_user, member):
        raise NotAllowed(messages.ACCOUNT_ELSEWHERE)
    return member


@bp.get("/")
def members():
    """The members of the admin's orgs, with their second factor."""
    users = db.session.scalars(_members_query()).all()
    return render_template("admin/security_members.html", users=users)


@bp.get("/<int:user_id>")
def member(user_id: int):
    """One member: their second factor, whether their account is locked, open sessions."""
    user = _member(user_id)
    return render_template(
        "admin/security_member.html",
        member=user,
        has_factor=user.has_factor,
        locked=is_locked(user),
        factor_locked=factor_locked(user),
        sessions=open_sessions(user.id),
    )


@bp.post("/<int:user_id>/end-sessions")
def end_member_sessions(user_id: int):
    """End every session of the member (audited)."""
    user = _member(user_id)
    count = end_sessions(user.id)
    _audit(SESSIONS_ENDED, user, count=count)
    flash(messages.MEMBER_SESSIONS_ENDED.format(count=count, name=user.name), "info")
    return redirect(url_for(".member", user_id=user.id))


@bp.post("/<int:user_id>/reset-factor")
def reset_factor(user_id: int):
    """Remove the member's second factor (audited) and end their sessions: they enrol again at
    their next login."""
    user = _member(user_id)
    totp.clear_factor(user)
    _audit(FACTOR_RESET, user, sessions_ended=end_sessions(user.id))
    flash(messages.OTP_RESET_DONE.format(name=user.name), "info")
    return redirect(url_for(".member", user_id=user.id))


@bp.post("/<int:user_id>/unlock")
def unlock_member(user_id: int):
    """Lift the lock of the member's account (audited): after wrong codes, once the admin has
    made sure the member is the one asking."""
    user = _member(user_id)
    unlock(user, actor_id=current_user.id)
    db.session.commit()
    flash(messages.MEMBER_UNLOCKED.format(name=user.name), "info")
    return redirect(url_for(".member", user_id=user.id))


def _audit(action: str, user: User, **data) -> None:
    record_account_event(action, user, current_user.id, **data)
    db.session.commit()
