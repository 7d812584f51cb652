"""Pages of the people a final copy was sent to.

- /nhan/<token>: the personal link of an email, without an account: the final copy read only
  with its PDF and DOCX (never a "mật" one: that needs login); a GET records only that it was
  opened, "Xác nhận đã nhận" is a POST from the page (CSRF-protected), so a mail scanner
  following the link confirms nothing.
- /van-ban-den: what the logged-in person received, from any org (chibo_flow.receipts.inbox),
  each opened read only and confirmed the same way.
"""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from chibo_flow import messages
from chibo_flow.access import get_programme
from chibo_flow.documents.final_copy import download_response, final_copy_for
from chibo_flow.documents.format import SECRET
from chibo_flow.documents.render import render_document_html
from chibo_flow.errors import error_response
from chibo_flow.models import Delivery
from chibo_flow.receipts.confirm import (
    confirmed_by_link,
    confirmed_by_user,
    opened_by_link,
    opened_by_user,
)
from chibo_flow.receipts.inbox import address_of, received
from chibo_flow.receipts.links import LinkRefused, delivery_of
from chibo_flow.registers.incoming import received_by
from chibo_flow.secret_reading import record_secret_view

bp = Blueprint("receipts", __name__)
EXTENSIONS = "<any(pdf, docx):extension>"


def _link_delivery(token: str) -> Delivery:
    """The row of a personal link; a refused link ends the request with a plain page."""
    try:
        return delivery_of(token)
    except LinkRefused as exc:
        status = 404 if exc.message == messages.RECEIPT_LINK_INVALID else 410
        abort(error_response(status, exc.message, "link_refused"))


@bp.get("/nhan/<token>")
def by_link(token: str) -> str | Response:
    """The document of a personal link, read only; records the first opening."""
    delivery = _link_delivery(token)
    programme = delivery.programme
    if programme.secrecy == SECRET:
        login = url_for("auth.login", next=url_for(".show", programme_id=programme.id))
        return render_template(
            "receipts/secret.html",
            programme=programme,
            login=login,
            message=messages.RECEIPT_SECRET,
        )
    opened_by_link(delivery)
    return render_template(
        "receipts/document.html",
        programme=programme,
        document=render_document_html(programme),
        item=delivery,
        entries=(),
        confirm_url=url_for(".confirm_by_link", token=token),
        file_url=lambda extension: url_for(".link_file", token=token, extension=extension),
    )


@bp.post("/nhan/<token>")
def confirm_by_link(token: str) -> Response:
    """ "Xác nhận đã nhận" on the personal page (by whom, when the person is logged in)."""
    delivery = _link_delivery(token)
    if delivery.programme.secrecy == SECRET:
        abort(error_response(403, messages.RECEIPT_SECRET))
    mine = current_user.is_authenticated and address_of(current_user) == delivery.address
    confirmed_by_link(delivery, current_user.id if mine else None)
    flash(messages.RECEIPT_CONFIRMED, "success")
    return redirect(url_for(".by_link", token=token))


@bp.get(f"/nhan/<token>/ban-in.{EXTENSIONS}")
def link_file(token: str, extension: str) -> Response:
    """The final copy of a personal link as PDF or DOCX."""
    programme = _link_delivery(token).programme
    if programme.secrecy == SECRET:
        abort(error_response(403, messages.RECEIPT_SECRET))
    return download_response(programme, extension, getattr(final_copy_for(programme), extension))


@bp.get("/van-ban-den")
@login_required
def inbox() -> str:
    """ "Văn bản đến": every approved document the person received, newest first."""
    return render_template("receipts/inbox.html", items=received(current_user))


def _received_item(programme_id: int):
    """What the logged-in person received of programme `programme_id`, or 404."""
    items = received(current_user, programme_id)
    if not items:
        abort(404)
    return items[0]


@bp.get("/van-ban-den/<int:programme_id>")
@login_required
def show(programme_id: int) -> str:
    """A received document read only, with its files and "Xác nhận đã nhận"."""
    programme = get_programme(programme_id, current_user, as_recipient=True)
    item = _received_item(programme.id)
    record_secret_view(programme, current_user, "web")  # a mật one: refused without a factor
    opened_by_user(current_user, programme.id)
    return render_template(
        "receipts/document.html",
        programme=programme,
        document=render_document_html(programme),
        item=item,
        entries=received_by(current_user, programme.id),
        confirm_url=url_for(".confirm", programme_id=programme.id),
        file_url=lambda extension: url_for(
            "programmes.download", programme_id=programme.id, extension=extension
        ),
    )


@bp.post("/van-ban-den/<int:programme_id>/xac-nhan")
@login_required
def confirm(programme_id: int) -> Response:
    """A logged-in recipient confirms receipt."""
    programme = get_programme(programme_id, current_user, as_recipient=True)
    _received_item(programme.id)
    confirmed_by_user(current_user, programme.id)
    flash(messages.RECEIPT_CONFIRMED, "success")
    return redirect(url_for(".show", programme_id=programme.id))
