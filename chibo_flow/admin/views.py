"""Admin pages: the test mailbox ("Hộp thư thử"), delivery status ("Tình trạng gửi thư") and,
nested, the directory ("Danh bạ nơi nhận", chibo_flow.admin.directory).

Every page shows only the orgs the admin administers (access.administered_org_ids; deliveries and
mailbox: access.administered_deliveries, which adds their members' account emails); the mailbox
exists only while mail goes to the local capture server (config MAILBOX_ENABLED) and never shows
a private email (a password-reset link).
"""

import re
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from chibo_flow.access import administered_deliveries, administered_org_ids
from chibo_flow.admin.directory import bp as directory_bp
from chibo_flow.admin.orgs import bp as orgs_bp
from chibo_flow.auth.admin import bp as member_security_bp
from chibo_flow.auth.mail import PRIVATE_KINDS
from chibo_flow.extensions import db, login_manager
from chibo_flow.models import Delivery, Membership, User
from chibo_flow.models.users import Role
from chibo_flow.notifications.capture import CapturedMessage, read_mailbox, read_message
from chibo_flow.security.limits import MAX_ID, MAX_PAGE

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 50
MESSAGE_KEY = re.compile(r"[0-9A-Za-z_-]{1,100}")
MAILBOX_ENDPOINTS = frozenset({"admin.mailbox", "admin.message", "admin.message_html"})
# The HTML part of a captured email: no scripts, no same-origin access, its own inline styles
# and embedded images, shown only in the admin's own message page.
MESSAGE_HTML_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)
bp.register_blueprint(directory_bp)
bp.register_blueprint(member_security_bp)
bp.register_blueprint(orgs_bp)


@bp.before_request
def require_admin() -> Response | None:
    """Every admin page: log in first, then the admin role or 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.has_role(Role.ADMIN):
        abort(403)
    if request.endpoint in MAILBOX_ENDPOINTS and not current_app.config["MAILBOX_ENABLED"]:
        abort(404)
    return None


@bp.get("/")
def home() -> Response:
    """The admin area opens on the test mailbox, or on the delivery status without one."""
    return redirect(url_for(".mailbox" if current_app.config["MAILBOX_ENABLED"] else ".deliveries"))


def _visible_messages(captured: list[CapturedMessage]) -> list[CapturedMessage]:
    """The messages the admin may read: those of a Delivery row they see (their orgs'
    programmes, their members' account emails) and, of the others, those addressed to a member
    of their orgs; never a private one (a password-reset link is its owner's secret)."""
    message_ids = {m.message_id for m in captured}
    rows = dict(
        db.session.execute(
            select(
                Delivery.message_id,
                and_(administered_deliveries(current_user), Delivery.kind.not_in(PRIVATE_KINDS)),
            ).where(Delivery.message_id.in_(message_ids))
        ).all()
    )
    org_ids = administered_org_ids(current_user)
    members = set(
        db.session.scalars(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(
                User.email.in_({a for m in captured for a in _addressees(m)}),
                Membership.org_id.in_(org_ids),
            )
        )
    )

    def visible(message: CapturedMessage) -> bool:
        if message.message["X-Chibo-Flow-Kind"] in PRIVATE_KINDS:
            return False
        if message.message_id in rows:
            return bool(rows[message.message_id])
        return not members.isdisjoint(_addressees(message))

    return [m for m in captured if visible(m)]


def _addressees(captured: CapturedMessage) -> set[str]:
    """The envelope addresses a captured message was delivered to, lower-cased."""
    return {a.strip().lower() for a in captured.envelope_to.split(",") if a.strip()}


@bp.get("/mailbox")
def mailbox():
    """Captured emails of the admin's orgs, newest first, 50 per page."""
    messages = _visible_messages(read_mailbox(current_app.config["MAILBOX_DIR"]))
    pages = max(1, -(-len(messages) // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    return render_template(
        "admin/mailbox.html",
        messages=messages[(page - 1) * PER_PAGE : page * PER_PAGE],
        total=len(messages),
        page=page,
        pages=pages,
    )


def _captured(key: str) -> CapturedMessage:
    """One stored message of the admin's orgs by its key (the file name), or 404."""
    if not MESSAGE_KEY.fullmatch(key):
        abort(404)
    path = Path(current_app.config["MAILBOX_DIR"]) / f"{key}.eml"
    if not path.is_file():
        abort(404)
    captured = read_message(path)
    if not _visible_messages([captured]):
        abort(404)
    return captured


def _part(captured: CapturedMessage, subtype: str) -> str | None:
    body = captured.message.get_body(preferencelist=(subtype,))
    return body.get_content() if body is not None else None


@bp.get("/mailbox/<key>")
def message(key: str):
    """One captured email: headers, the text part (escaped) and the HTML part in a sandbox."""
    captured = _captured(key)
    return render_template(
        "admin/message.html",
        captured=captured,
        text=_part(captured, "plain"),
        has_html=_part(captured, "html") is not None,
    )


@bp.get("/mailbox/<key>/html")
def message_html(key: str) -> Response:
    """The HTML part alone, sandboxed by CSP (no scripts, no same-origin access)."""
    html = _part(_captured(key), "html")
    if html is None:
        abort(404)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = MESSAGE_HTML_POLICY
    return response


@bp.get("/deliveries")
def deliveries():
    """The Delivery rows of the admin's orgs with their status, newest first; filter by
    programme and status."""
    programme_id = request.args.get("programme", type=int)
    if programme_id is not None and not 0 <= programme_id <= MAX_ID:
        abort(404)  # no such programme
    status = request.args.get("status") or None
    query = select(Delivery).where(administered_deliveries(current_user))
    if programme_id is not None:
        query = query.where(Delivery.programme_id == programme_id)
    counts = dict(
        db.session.execute(
            query.with_only_columns(Delivery.status, func.count()).group_by(Delivery.status)
        ).all()
    )
    if status is not None:
        query = query.where(Delivery.status == status)
    page = db.paginate(
        query.options(joinedload(Delivery.programme)).order_by(Delivery.id.desc()),
        page=min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "admin/deliveries.html", page=page, counts=counts, programme_id=programme_id, status=status
    )
