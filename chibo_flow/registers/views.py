"""Register pages: sổ văn bản đi / đến of an org with year and term filters, their CSV, XLSX
and print views, "Xác nhận đã nhận" for the org, and the superior committee's overview."""

import unicodedata
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from chibo_flow import messages
from chibo_flow.access import get_incoming_entry, get_register_org, register_org_ids
from chibo_flow.documents.format import PAGE, PURPOSES, REGISTER_MARGIN_MM, REGISTER_STYLES
from chibo_flow.documents.print_css import css_declarations, font_family
from chibo_flow.extensions import db
from chibo_flow.models import Org
from chibo_flow.models.registers import RECEIVING_ROLES
from chibo_flow.registers.exports import (
    Table,
    download_response,
    incoming_table,
    outgoing_table,
    text_rows,
)
from chibo_flow.registers.incoming import confirm_receipt, incoming_rows
from chibo_flow.registers.outgoing import outgoing_rows
from chibo_flow.registers.overview import overview
from chibo_flow.registers.periods import Period, chosen_period, current_year, term_starts
from chibo_flow.workflow_errors import Invalid

bp = Blueprint("registers", __name__, url_prefix="/so-van-ban")

DEFAULT_DOC_TYPE = "CHƯƠNG TRÌNH"


def _period(org: Org) -> tuple[Period | None, dict]:
    """The period of the page's filter (default: this year) and the filter's values."""
    raw_year, raw_term = request.args.get("nam"), request.args.get("nhiem_ky")
    term = _term(raw_term) if raw_term else None
    if raw_year == "tat-ca" or term is not None:
        year = None
    elif raw_year:
        year = _year(raw_year)
    else:
        year = current_year()
    chosen = {"year": year, "term": term, "terms": term_starts(org)}
    return chosen_period(org, year, term), chosen


def _year(raw: str) -> int:
    """A year typed in the filter (-1 for what is not a number)."""
    try:
        return int(raw)
    except ValueError:
        return -1  # out of range: chosen_period says which years are accepted


def _term(raw: str) -> date:
    """A term's start as chosen (ISO date); raises Invalid for anything else."""
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise Invalid(messages.REGISTER_BAD_TERM.format(term=raw[:20])) from exc


def _register_org(org_id: int) -> Org:
    return get_register_org(org_id, current_user)


@bp.get("/")
@login_required
def index() -> str:
    """The orgs whose registers the user keeps."""
    orgs = [db.session.get(Org, org_id) for org_id in sorted(register_org_ids(current_user))]
    return render_template("registers/index.html", orgs=orgs)


def _table(kind: str, org: Org, period: Period | None) -> Table:
    if kind == "di":
        return outgoing_table(outgoing_rows(org, period))
    return incoming_table(incoming_rows(org, period))


@bp.get("/<int:org_id>/<any(di, den):kind>")
@login_required
def register(org_id: int, kind: str) -> str:
    """The outgoing or incoming register of an org, filtered by year or term."""
    org = _register_org(org_id)
    period, chosen = _period(org)
    rows = outgoing_rows(org, period) if kind == "di" else incoming_rows(org, period)
    return render_template(
        f"registers/{'outgoing' if kind == 'di' else 'incoming'}.html",
        org=org, kind=kind, rows=rows, chosen=chosen, args=request.args.to_dict(),
        may_confirm=org.id in current_user.org_ids(*RECEIVING_ROLES), PURPOSES=PURPOSES,
    )  # fmt: skip


@bp.get("/<int:org_id>/<any(di, den):kind>/ban-in")
@login_required
def print_view(org_id: int, kind: str) -> str:
    """The register as a printable page (A4 landscape, no navigation)."""
    org = _register_org(org_id)
    period, chosen = _period(org)
    table = _table(kind, org, period)
    return render_template("registers/print.html", org=org, table=table, rows=text_rows(table),
                           chosen=chosen)  # fmt: skip


@bp.get("/ban-in.css")
def print_stylesheet() -> Response:
    """The print view's stylesheet, in the sizes and typefaces of the Party format."""
    css = render_template(
        "registers/print.css",
        page=PAGE,
        margin=REGISTER_MARGIN_MM,
        fonts=font_family(),
        rules={name: css_declarations(style) for name, style in REGISTER_STYLES.items()},
    )
    return Response(css, mimetype="text/css")


@bp.get("/<int:org_id>/<any(di, den):kind>.<any(csv, xlsx):extension>")
@login_required
def download(org_id: int, kind: str, extension: str) -> Response:
    """The register as a CSV or XLSX file."""
    org = _register_org(org_id)
    period, chosen = _period(org)
    return download_response(org, _table(kind, org, period), extension, chosen["year"])


@bp.post("/den/<int:entry_id>/xac-nhan")
@login_required
def confirm(entry_id: int) -> Response:
    """ "Xác nhận đã nhận" for the org, by its secretary or a committee member."""
    entry = get_incoming_entry(entry_id, current_user)
    if entry.confirmed_at is not None:
        flash(messages.RECEIPT_ALREADY_CONFIRMED, "info")
    else:
        confirm_receipt(entry, current_user)
        message = messages.RECEIPT_CONFIRMED_FOR_ORG
        flash(message.format(org=entry.org.name, number=entry.programme.number), "success")
    return redirect(url_for(".register", org_id=entry.org_id, kind="den", nam=entry.year))


@bp.get("/<int:org_id>/tong-hop")
@login_required
def overview_page(org_id: int) -> str:
    """Which orgs directly under this one have filed their document of the type and year."""
    org = _register_org(org_id)
    wanted = request.args.get("loai") or DEFAULT_DOC_TYPE
    doc_type = unicodedata.normalize("NFC", wanted).strip().upper()[:50]
    raw_year = request.args.get("nam")
    year = _year(raw_year) if raw_year else current_year()
    chosen_period(org, year, None)  # refuses a year out of range or not a number
    return render_template("registers/overview.html", org=org, doc_type=doc_type, year=year,
                           items=overview(org, doc_type, year),
                           STATES=messages.OVERVIEW_STATES)  # fmt: skip
