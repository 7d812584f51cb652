"""Login and logout pages."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.auth.forms import LoginForm
from chibo_flow.auth.passwords import verify_password
from chibo_flow.auth.sessions import end_session, start_session
from chibo_flow.extensions import db
from chibo_flow.models import User

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("programmes.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on success start a server-side session."""
    if current_user.is_authenticated:
        return redirect(url_for("programmes.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        password_ok = user is not None and verify_password(user.password_hash, form.password.data)
        if password_ok and user.active:
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(messages.LOGIN_FAILED, "danger")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """End the session for real: the old cookie no longer logs anyone in."""
    end_session(current_user)
    flash(messages.LOGGED_OUT, "info")
    return redirect(url_for("auth.login"))
