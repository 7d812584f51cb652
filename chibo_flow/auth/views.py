"""Login (password, then the second factor for those who need one), logout and password reset.

Between the password and the second factor the person is not logged in: the signed Flask
session holds only who passed the password, when, and where to go (PENDING_LOGIN), for
PENDING_MAX_AGE_S.
"""

import time
from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from chibo_flow import messages
from chibo_flow.auth import totp
from chibo_flow.auth.forms import CodeForm, LoginForm, NewPasswordForm, ResetRequestForm
from chibo_flow.auth.invitations import accept, invitation_for_token
from chibo_flow.auth.login import CodeCheck, FactorLocked, check_code, check_password
from chibo_flow.auth.mail import queue_reset_mail
from chibo_flow.auth.passwords import hash_password
from chibo_flow.auth.redirects import safe_next
from chibo_flow.auth.reset import user_for_reset_token
from chibo_flow.auth.sessions import end_session, end_sessions, revoke_tokens, start_session
from chibo_flow.auth.throttle import factor_locked, record_failure, unlock, window_locked
from chibo_flow.extensions import db, limiter
from chibo_flow.models import User

bp = Blueprint("auth", __name__)

PENDING_LOGIN = "pending_login"
PENDING_MAX_AGE_S = 300
# Pages a signed-in person who still has to enrol a second factor may open.
ENROLMENT_OPEN = {"auth.enrol", "auth.logout", "static"}


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


# One budget per address for every login and reset form (429 beyond it).
login_rate_limit = limiter.limit(
    _login_rate_limit,
    methods=["POST"],
    scope="login",
    error_message=messages.TOO_MANY_REQUESTS,
)


@bp.before_app_request
def require_enrolment() -> Response | None:
    """A signed-in secretary, committee member or admin without a second factor (a role given
    since they logged in, a factor replaced) enrols before anything else."""
    if (
        request.endpoint not in ENROLMENT_OPEN
        and current_user.is_authenticated
        and not current_user.has_factor
        and totp.requires_second_factor(current_user)
    ):
        return redirect(url_for("auth.enrol"))
    return None


@bp.after_request
def no_store(response: Response) -> Response:
    """Login pages show secrets (the enrolment key, recovery codes): never cached."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/login", methods=["GET", "POST"])
@login_rate_limit
def login():
    """The password step; people with a second factor (or who need one) go on to it."""
    if current_user.is_authenticated:
        return redirect(url_for("programmes.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = check_password(form.email.data, form.password.data)
        except FactorLocked:
            flash(messages.FACTOR_LOCKED, "danger")
            return render_template("auth/login.html", form=form)
        if user is not None:
            target = safe_next(request.args.get("next"))
            if user.has_factor:
                return _pending(user, target, ".second_factor")
            if totp.requires_second_factor(user):
                return _pending(user, target, ".enrol")
            start_session(user)
            return redirect(target)
        flash(messages.LOGIN_FAILED, "danger")
    return render_template("auth/login.html", form=form)


def _pending(user: User, target: str, step: str) -> Response:
    session[PENDING_LOGIN] = {"user_id": user.id, "at": time.time(), "next": target}
    return redirect(url_for(step))


def _pending_user() -> User | None:
    """Who passed the password step in this browser within PENDING_MAX_AGE_S and is still
    active (a lock by wrong codes, for a while or until a reset, is the steps' to say)."""
    pending = session.get(PENDING_LOGIN)
    if not pending or time.time() - pending["at"] > PENDING_MAX_AGE_S:
        return None
    user = db.session.get(User, pending["user_id"])
    if user is None or not user.active:
        return None
    return user


def _factor_locked_out() -> Response:
    """Back to the login page, which says how the account is unlocked."""
    session.pop(PENDING_LOGIN, None)
    flash(messages.FACTOR_LOCKED, "danger")
    return redirect(url_for(".login"))


def _tries_paused() -> Response:
    """Back to the login page, which says for how long wrong codes paused the account."""
    session.pop(PENDING_LOGIN, None)
    minutes = current_app.config["LOCKOUT_DURATION"] // timedelta(minutes=1)
    flash(messages.OTP_TRIES_PAUSED.format(minutes=minutes), "warning")
    return redirect(url_for(".login"))


def _finish_login(user: User) -> str:
    """Log the pending person in; where they were going."""
    target = session.pop(PENDING_LOGIN)["next"]
    start_session(user)
    return target


@bp.route("/login/otp", methods=["GET", "POST"])
@login_rate_limit
def second_factor():
    """The second step: a code from the authenticator app, or a recovery code."""
    user = _pending_user()
    if user is None:
        flash(messages.OTP_PENDING_EXPIRED, "warning")
        return redirect(url_for(".login"))
    if not user.has_factor:
        return redirect(url_for(".enrol"))
    if factor_locked(user):
        return _factor_locked_out()
    if window_locked(user):
        return _tries_paused()
    form = CodeForm()
    if form.validate_on_submit():
        checked = check_code(user, form.code.data)
        if checked is CodeCheck.RIGHT:
            return redirect(_finish_login(user))
        if checked is CodeCheck.RECOVERY:
            flash(messages.RECOVERY_CODE_USED.format(left=totp.recovery_codes_left(user)), "info")
            return redirect(_finish_login(user))
        if factor_locked(user):
            return _factor_locked_out()
        if checked is CodeCheck.LOCKED:
            return _tries_paused()
        flash(messages.OTP_FAILED, "danger")
        form.code.data = ""  # the field empty for the next code, not the refused one to delete
    return render_template("auth/second_factor.html", form=form)


@bp.route("/login/enrol", methods=["GET", "POST"])
@login_rate_limit
def enrol():
    """Set up the authenticator app (at first login, or signed in after replacing it): scan the
    QR code, confirm with a first code, keep the recovery codes shown once."""
    pending = _pending_user()
    if pending is None and not current_user.is_authenticated:
        flash(messages.OTP_PENDING_EXPIRED, "warning")
        return redirect(url_for(".login"))
    if pending is not None and window_locked(pending):
        return _tries_paused()
    user = pending or db.session.get(User, current_user.id)
    if user.has_factor:
        return redirect(url_for(".second_factor" if pending else "programmes.index"))
    secret = totp.enrolling_secret(user)
    form = CodeForm()
    if form.validate_on_submit():
        codes = totp.confirm_enrolment(user, form.code.data)
        if codes is not None:
            target = _finish_login(user) if pending else _renew_session(user)
            flash(messages.OTP_ENROLLED, "info")
            return render_template("auth/recovery_codes.html", codes=codes, target=target)
        if pending:
            record_failure(user)
        flash(messages.OTP_FAILED, "danger")
        form.code.data = ""
    uri = totp.provisioning_uri(user, secret)
    return render_template("auth/enrol.html", form=form, qr=totp.qr_svg(uri), secret=secret)


def _renew_session(user: User) -> str:
    """After a signed-in person enrols: every session and API token made without the factor
    ends (one may be someone else's, who had the password alone) and this browser gets a new
    session; where they were going."""
    end_sessions(user.id)
    revoke_tokens(user.id)
    start_session(user)
    return safe_next(request.args.get("next"))


@bp.post("/logout")
@login_required
def logout():
    """End the session for real: the old cookie no longer logs anyone in."""
    end_session(current_user)
    flash(messages.LOGGED_OUT, "info")
    return redirect(url_for("auth.login"))


@bp.route("/login/reset", methods=["GET", "POST"])
@login_rate_limit
def reset_request():
    """Ask for a password-reset link by email: the same work, answer and time for any email
    (the worker looks the account up and sends only to an active one)."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        queue_reset_mail(form.email.data.strip().lower())
        flash(messages.RESET_REQUESTED, "info")
        return redirect(url_for(".login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/login/reset/<token>", methods=["GET", "POST"])
@login_rate_limit
def reset_password(token: str):
    """Set a new password from an emailed link (once, before it expires); every session and API
    token of the account ends (a reset is how a taken-over account is got back) and a lock is
    lifted. The second factor is still asked at the next login."""
    user = user_for_reset_token(token)
    if user is None:
        flash(messages.RESET_LINK_INVALID, "danger")
        return redirect(url_for(".reset_request"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        user.password_hash = hash_password(form.password.data)
        unlock(user, actor_id=user.id)
        revoke_tokens(user.id)
        db.session.commit()
        end_sessions(user.id)
        flash(messages.RESET_DONE, "info")
        return redirect(url_for(".login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/moi/<token>", methods=["GET", "POST"])
@login_rate_limit
def invitation(token: str):
    """A new member sets their password from the invitation link (once, before it expires),
    then enrols their second factor where their role needs one, and is signed in."""
    invited = invitation_for_token(token)
    if invited is None:
        flash(messages.INVITATION_LINK_INVALID, "danger")
        return redirect(url_for(".login"))
    user = invited.user
    form = NewPasswordForm()
    if form.validate_on_submit():
        if not accept(invited, form.password.data):
            flash(messages.INVITATION_LINK_INVALID, "danger")
            return redirect(url_for(".login"))
        flash(messages.INVITATION_DONE, "info")
        target = url_for("programmes.index")
        if totp.requires_second_factor(user):
            return _pending(user, target, ".enrol")
        start_session(user)
        return redirect(target)
    return render_template("auth/invitation.html", form=form, invitation=invited)
