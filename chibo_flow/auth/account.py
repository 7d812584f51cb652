"""A person's own account: password, email, second factor, login sessions and API tokens.
Changing the password, the email or the factor asks for the password (and a code) again; a new
email takes effect once the link sent to it is opened (chibo_flow.auth.email_change)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.auth import totp
from chibo_flow.auth.email_change import new_email_for
from chibo_flow.auth.forms import ChangeEmailForm, ChangePasswordForm, ReplaceFactorForm, TokenForm
from chibo_flow.auth.login import reauthenticate
from chibo_flow.auth.mail import EMAIL_CHANGE, queue_account_mail
from chibo_flow.auth.passwords import hash_password
from chibo_flow.auth.sessions import (
    end_sessions,
    issue_token,
    open_sessions,
    revoke_token,
    start_session,
    tokens_of,
)
from chibo_flow.extensions import db
from chibo_flow.models import User
from chibo_flow.models._types import utcnow

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
def require_login() -> None:
    """Every page here is the signed-in person's own."""


def _me() -> User:
    return db.session.get(User, current_user.id)


def _page(**forms):
    user = _me()
    forms = {
        "password_form": ChangePasswordForm(formdata=None),
        "email_form": ChangeEmailForm(formdata=None),
        "factor_form": ReplaceFactorForm(formdata=None),
        **forms,
    }
    return render_template(
        "auth/account.html",
        user=user,
        has_factor=user.has_factor,
        codes_left=totp.recovery_codes_left(user),
        **forms,
    )


@bp.get("/")
def security():
    """Password, email and second factor."""
    return _page()


def _reauthenticated(user: User, form) -> bool:
    if reauthenticate(user, form.current_password.data, form.current_code.data):
        return True
    flash(messages.REAUTH_FAILED, "danger")
    return False


@bp.post("/password")
def change_password():
    """A new password; every session of the account ends and this browser gets a new one."""
    user, form = _me(), ChangePasswordForm()
    if form.validate_on_submit() and _reauthenticated(user, form):
        user.password_hash = hash_password(form.password.data)
        db.session.commit()
        end_sessions(user.id)
        start_session(user)
        flash(messages.PASSWORD_CHANGED, "info")
        return redirect(url_for(".security"))
    return _page(password_form=form), 422


@bp.post("/email")
def change_email():
    """Ask for a new login email: the link that makes the change is emailed to it."""
    user, form = _me(), ChangeEmailForm()
    if form.validate_on_submit() and _reauthenticated(user, form):
        email = form.email.data.strip().lower()
        if db.session.scalar(select(User.id).where(User.email == email, User.id != user.id)):
            form.email.errors.append(messages.EMAIL_TAKEN)
        else:
            queue_account_mail(EMAIL_CHANGE, user.id, to=email)
            flash(messages.EMAIL_CHANGE_SENT.format(email=email), "info")
            return redirect(url_for(".security"))
    return _page(email_form=form), 422


@bp.get("/email/<token>")
def confirm_email(token: str):
    """The link sent to the new address, opened by the account it was made for: the login
    email changes (once)."""
    user = _me()
    email = new_email_for(token, user)
    if email is None:
        flash(messages.EMAIL_CHANGE_LINK_INVALID, "danger")
    else:
        user.email = email
        db.session.commit()
        flash(messages.EMAIL_CHANGED, "info")
    return redirect(url_for(".security"))


@bp.post("/factor")
def replace_factor():
    """Remove one's authenticator and enrol a new one right away."""
    user, form = _me(), ReplaceFactorForm()
    if form.validate_on_submit() and _reauthenticated(user, form):
        totp.clear_factor(user)
        return redirect(url_for("auth.enrol"))
    return _page(factor_form=form), 422


@bp.get("/sessions")
def sessions():
    """One's open login sessions, this one marked, each with "end"."""
    return render_template(
        "auth/sessions.html",
        sessions=open_sessions(current_user.id),
        current_id=current_user.login_session_id,
    )


@bp.post("/sessions/<session_id>/end")
def end_one_session(session_id: str):
    """End one of one's sessions (ending this one logs out)."""
    if not end_sessions(current_user.id, session_id):
        abort(404)
    flash(messages.SESSION_ENDED, "info")
    if session_id == current_user.login_session_id:
        logout_user()
        return redirect(url_for("auth.login"))
    return redirect(url_for(".sessions"))


def _tokens_page(form: TokenForm, new_token: str | None = None, status: int = 200):
    page = render_template("auth/tokens.html", form=form, tokens=tokens_of(current_user.id),
                           new_token=new_token, now=utcnow())  # fmt: skip
    return page, status


def _blank_token_form() -> TokenForm:
    return TokenForm(formdata=None, days=current_app.config["API_TOKEN_LIFETIME_DAYS"])


@bp.get("/tokens")
def tokens():
    """One's API tokens (expiry, revoked or not) and a form for a new one."""
    return _tokens_page(_blank_token_form())


@bp.post("/tokens")
def create_token():
    """A new API token, shown once."""
    user, form = _me(), TokenForm()
    if not (form.validate_on_submit() and _reauthenticated(user, form)):
        return _tokens_page(form, status=422)
    token = issue_token(user, label=form.label.data.strip(), days=form.days.data)
    flash(messages.TOKEN_CREATED, "info")
    return _tokens_page(_blank_token_form(), new_token=token)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke(token_id: int):
    """Revoke one of one's tokens."""
    if not revoke_token(current_user.id, token_id):
        abort(404)
    flash(messages.TOKEN_REVOKED, "info")
    return redirect(url_for(".tokens"))
