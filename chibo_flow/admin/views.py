"""Admin pages: the test mailbox ("Hộp thư thử"), delivery status ("Tình trạng gửi thư") and,
nested, the directory ("Danh bạ nơi nhận", chibo_flow.admin.directory)."""

import re
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from chibo_flow.admin.directory import bp as directory_bp
from chibo_flow.auth.admin import bp as member_security_bp
from chibo_flow.extensions import db, login_manager
from chibo_flow.models import Delivery
from chibo_flow.models.users import Role
from chibo_flow.notifications.capture import CapturedMessage, read_mailbox, read_message

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 50
MESSAGE_KEY = re.compile(r"[0-9A-Za-z_-]{1,100}")
bp.register_blueprint(directory_bp)
bp.register_blueprint(member_security_bp)


@bp.before_request
def require_admin() -> Response | None:
    """Every admin page: log in first, then the admin role or 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.has_role(Role.ADMIN):
        abort(403)
    return None


@bp.get("/")
def home() -> Response:
    """The admin area opens on the test mailbox."""
    return redirect(url_for(".mailbox"))


@bp.get("/mailbox")
def mailbox():
    """Captured emails, newest first, 50 per page."""
    messages = read_mailbox(current_app.config["MAILBOX_DIR"])
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
    """One stored message by its key (the file name), or 404."""
    if not MESSAGE_KEY.fullmatch(key):
        abort(404)
    path = Path(current_app.config["MAILBOX_DIR"]) / f"{key}.eml"
    if not path.is_file():
        abort(404)
    return read_message(path)


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
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/deliveries")
def deliveries():
    """Every Delivery row with its status, newest first; filter by programme and status."""
    programme_id = request.args.get("programme", type=int)
    status = request.args.get("status") or None
    query = select(Delivery)
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
        page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "admin/deliveries.html", page=page, counts=counts, programme_id=programme_id, status=status
    )
