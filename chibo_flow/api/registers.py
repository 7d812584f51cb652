"""Endpoints of /api/v1 for the registers (sổ văn bản đi / đến, DESIGN §4b), confirming receipt
for an org, and the superior committee's overview of the orgs under it."""

import unicodedata
from typing import Any

from flask import Response
from marshmallow import Schema, fields
from marshmallow.validate import Length, OneOf, Range
from werkzeug.exceptions import UnprocessableEntity

from chibo_flow.access import get_incoming_entry, get_register_org
from chibo_flow.api.auth import current_api_user, require_token
from chibo_flow.api.blueprint import Blueprint
from chibo_flow.api.schemas import UTCDateTime
from chibo_flow.api.views import invalid_request
from chibo_flow.models import IncomingEntry, Org
from chibo_flow.registers.exports import (
    CSV_TYPE,
    XLSX_TYPE,
    download_response,
    incoming_table,
    outgoing_table,
)
from chibo_flow.registers.incoming import confirm_receipt, incoming_rows
from chibo_flow.registers.outgoing import OutgoingRow, outgoing_rows
from chibo_flow.registers.overview import OverviewItem, overview
from chibo_flow.registers.periods import FIRST_YEAR, LAST_YEAR, chosen_period, current_year
from chibo_flow.security.limits import MAX_ID

blp = Blueprint(
    "api_registers",
    __name__,
    url_prefix="/api/v1",
    description="Sổ văn bản đi, sổ văn bản đến và tổng hợp các tổ chức trực thuộc.",
)
require_token(blp)
blp.errorhandler(UnprocessableEntity)(invalid_request)

FORMATS = ("json", "csv", "xlsx")
# The downloads the `format` parameter selects, for the OpenAPI document.
DOWNLOAD_CONTENT = {
    "content": {
        CSV_TYPE: {"schema": {"type": "string"}},
        XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
    }
}


def _year_field(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=False, validate=Range(min=FIRST_YEAR, max=LAST_YEAR), **kwargs)


class RegisterQuerySchema(Schema):
    """Which org's register, for which period, in which format."""

    org = fields.Integer(required=True, validate=Range(min=1, max=MAX_ID),
                         metadata={"description": "The org's id (GET /orgs)"})  # fmt: skip
    year = _year_field(metadata={"description": "Calendar year; default: every year"})
    term = fields.Date(metadata={"description": "Start of one of the org's terms (nhiệm kỳ), "
                                                "instead of a year"})  # fmt: skip
    format = fields.String(load_default="json", validate=OneOf(FORMATS),
                           metadata={"description": "json, or a csv or xlsx download"})  # fmt: skip


class OutgoingItemSchema(Schema):
    """One line of the outgoing register, in the order documents were issued."""

    number = fields.String(metadata={"description": "Số, ký hiệu"})
    date = fields.Date(metadata={"description": "Day of issue (approval), local time"})
    doc_type = fields.String()
    title = fields.String(metadata={"description": "Trích yếu"})
    signer = fields.String()
    recipients = fields.List(fields.String(), metadata={"description": "Nơi nhận, as written"})
    sent = fields.Integer(metadata={"description": "Emails sent and entries in other orgs"})
    confirmed = fields.Integer(metadata={"description": "Orgs that confirmed receipt"})
    programme_id = fields.Integer()


class OutgoingListSchema(Schema):
    """The outgoing register."""

    items = fields.List(fields.Nested(OutgoingItemSchema))


class IncomingItemSchema(Schema):
    """One line of the incoming register: the org's own number per year."""

    id = fields.Integer(metadata={"description": "The entry (POST …/confirm)"})
    incoming_number = fields.Integer(metadata={"description": "Số đến, counted per org and year"})
    year = fields.Integer()
    received_at = UTCDateTime()
    from_org = fields.String()
    from_org_id = fields.Integer()
    number = fields.String(metadata={"description": "The document's số, ký hiệu"})
    doc_type = fields.String()
    title = fields.String()
    programme_id = fields.Integer()
    line = fields.String(metadata={"description": "The Nơi nhận line that reached the org"})
    purpose = fields.String()
    confirmed_at = UTCDateTime(allow_none=True)


class IncomingListSchema(Schema):
    """The incoming register."""

    items = fields.List(fields.Nested(IncomingItemSchema))


class OverviewQuerySchema(Schema):
    """Which document type and year."""

    doc_type = fields.String(load_default="CHƯƠNG TRÌNH", validate=Length(min=1, max=50))
    year = _year_field(metadata={"description": "Calendar year; default: this year (local time)"})


class OverviewItemSchema(Schema):
    """An org directly under the superior org, and where its document stands."""

    org = fields.String()
    org_id = fields.Integer()
    state = fields.String(metadata={"enum": ["none", "draft", "review", "approved"]})
    programme_id = fields.Integer(allow_none=True)
    number = fields.String(allow_none=True)
    date = fields.Date(allow_none=True, metadata={"description": "Issued, or last changed"})


class OverviewListSchema(Schema):
    """The orgs directly under the superior org, by name."""

    items = fields.List(fields.Nested(OverviewItemSchema))


@blp.route("/registers/outgoing")
@blp.arguments(RegisterQuerySchema, location="query")
@blp.response(200, OutgoingListSchema)
@blp.doc(responses={200: DOWNLOAD_CONTENT})
@blp.alt_response(404, response="NOT_FOUND")
def outgoing(query: dict[str, Any]) -> dict[str, Any] | Response:
    """Sổ văn bản đi of an org (its secretary, committee or admin), oldest first."""
    org, period = _org_and_period(query)
    rows = outgoing_rows(org, period)
    if query["format"] != "json":
        return download_response(org, outgoing_table(rows), query["format"], query.get("year"))
    return {"items": [_outgoing(row) for row in rows]}


@blp.route("/registers/incoming")
@blp.arguments(RegisterQuerySchema, location="query")
@blp.response(200, IncomingListSchema)
@blp.doc(responses={200: DOWNLOAD_CONTENT})
@blp.alt_response(404, response="NOT_FOUND")
def incoming(query: dict[str, Any]) -> dict[str, Any] | Response:
    """Sổ văn bản đến of an org (its secretary, committee or admin), by incoming number."""
    org, period = _org_and_period(query)
    entries = incoming_rows(org, period)
    if query["format"] != "json":
        return download_response(org, incoming_table(entries), query["format"], query.get("year"))
    return {"items": [_incoming(entry) for entry in entries]}


@blp.route("/registers/incoming/<int:entry_id>/confirm", methods=["POST"])
@blp.response(200, IncomingItemSchema)
@blp.alt_response(404, response="NOT_FOUND")
def confirm(entry_id: int) -> dict[str, Any]:
    """ "Xác nhận đã nhận" for the receiving org (its secretary or a committee member); the
    first confirmation stands."""
    user = current_api_user()
    return _incoming(confirm_receipt(get_incoming_entry(entry_id, user), user))


@blp.route("/orgs/<int:org_id>/overview")
@blp.arguments(OverviewQuerySchema, location="query")
@blp.response(200, OverviewListSchema)
@blp.alt_response(404, response="NOT_FOUND")
def org_overview(query: dict[str, Any], org_id: int) -> dict[str, Any]:
    """Each org directly under this one and whether its document of `doc_type` and `year`
    (default: this year, as the page) is absent, a draft, in review or approved (its
    secretary, committee or admin)."""
    org = get_register_org(org_id, current_api_user())
    doc_type = unicodedata.normalize("NFC", query["doc_type"]).strip().upper()
    year = query.get("year") or current_year()
    return {"items": [_overview(item) for item in overview(org, doc_type, year)]}


def _org_and_period(query: dict[str, Any]) -> tuple[Org, Any]:
    org = get_register_org(query["org"], current_api_user())
    return org, chosen_period(org, query.get("year"), query.get("term"))


def _outgoing(row: OutgoingRow) -> dict[str, Any]:
    return {"number": row.number, "date": row.date, "doc_type": row.doc_type,
            "title": row.title, "signer": row.signer, "recipients": row.recipients,
            "sent": row.sent, "confirmed": row.confirmed,
            "programme_id": row.programme_id}  # fmt: skip


def _incoming(entry: IncomingEntry) -> dict[str, Any]:
    programme = entry.programme
    return {"id": entry.id, "incoming_number": entry.incoming_number, "year": entry.year,
            "received_at": entry.received_at, "from_org": entry.from_org.name,
            "from_org_id": entry.from_org_id, "number": programme.number,
            "doc_type": programme.doc_type, "title": programme.title,
            "programme_id": programme.id, "line": entry.line, "purpose": entry.purpose,
            "confirmed_at": entry.confirmed_at}  # fmt: skip


def _overview(item: OverviewItem) -> dict[str, Any]:
    programme = item.programme
    return {"org": item.org.name, "org_id": item.org.id, "state": item.state,
            "programme_id": programme.id if programme else None,
            "number": programme.number if programme else None, "date": item.date}  # fmt: skip
