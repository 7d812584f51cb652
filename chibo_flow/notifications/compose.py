"""The email a recipient receives: Vietnamese subject, HTML and plain-text parts, headers; the
final copy with its PDF attached, a review notification or an account email
(templates/email/<kind>.*).

An email is its shared message (everything but the recipient's own headers, To and Message-ID)
plus those headers. The final copy's shared message depends only on the programme and the "Nơi
nhận" line (it is addressed to the line, as the document is), so a batch composes and serialises
it once for all the people behind a line (`BatchComposer`).
"""

import email.policy
from collections.abc import Hashable
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Protocol

from flask import current_app, render_template

from chibo_flow.auth.mail import ACCOUNT_MAILS, account_context
from chibo_flow.documents.final_copy import download_names, final_copy_for
from chibo_flow.documents.format import SECRET
from chibo_flow.documents.programme_doc import PURPOSES
from chibo_flow.extensions import db
from chibo_flow.models import Delivery, FinalCopy, Programme
from chibo_flow.models._types import utcnow
from chibo_flow.models.delivery import FINAL_COPY
from chibo_flow.review.notices import notice_context, notice_subject

SMTP = email.policy.SMTP


class Addressed(Protocol):
    """What composing reads of a Delivery row (the ORM object or a row of its columns)."""

    id: int
    kind: str
    programme_id: int | None
    address: str
    name: str | None
    line: str
    purpose: str
    message_id: str


def compose_for(delivery: Delivery) -> EmailMessage:
    """The complete email of one Delivery row, by its kind (the final copy renders it if
    missing)."""
    message = _shared_message(delivery)
    for name, value in recipient_headers(delivery):
        message[name] = value
    return message


def header_text(value: object) -> str:
    """`value` fit for one header line: every run of white space, line breaks included (a
    title typed or pasted over two lines), becomes one space. A header may not hold CR or LF;
    without this one such title would stop every email of its programme."""
    return " ".join(str(value).split())


def recipient_headers(delivery: Addressed) -> list[tuple[str, str]]:
    """The headers only this recipient's copy carries: To, and the row's Message-ID (the same on
    every try)."""
    return [("To", formataddr((header_text(delivery.name or ""), delivery.address))),
            ("Message-ID", delivery.message_id)]  # fmt: skip


class BatchComposer:
    """The bytes of a batch of emails: each shared message is composed and serialised once, each
    recipient's copy prepends its own headers to it."""

    def __init__(self) -> None:
        self._shared: dict[Hashable, bytes] = {}

    def message_bytes(self, delivery: Addressed) -> bytes:
        """The email of `delivery`, serialised for SMTP."""
        key = _shared_key(delivery)
        if key not in self._shared:
            shared = _shared_message(db.session.get(Delivery, delivery.id))
            self._shared[key] = shared.as_bytes(policy=SMTP)
        headers = (SMTP.fold_binary(*SMTP.header_store_parse(name, value))
                   for name, value in recipient_headers(delivery))  # fmt: skip
        return b"".join(headers) + self._shared[key]


def _shared_key(delivery: Addressed) -> Hashable:
    """What the shared message depends on: a final copy's programme and line; a notice is its
    recipient's own."""
    if delivery.kind == FINAL_COPY:
        return (FINAL_COPY, delivery.programme_id, delivery.line, delivery.purpose)
    return delivery.id


def _shared_message(delivery: Delivery) -> EmailMessage:
    if delivery.kind == FINAL_COPY:
        programme = delivery.programme
        return compose_final_copy(
            programme, final_copy_for(programme), delivery.line, delivery.purpose
        )
    if delivery.kind in ACCOUNT_MAILS:
        return compose_account_mail(delivery)
    return compose_notice(delivery)


def final_copy_subject(programme: Programme) -> str:
    """ "[Org] Chương trình số 01-CTr/CB: <trích yếu>"; a mật document's subject names only
    its number (its trích yếu is itself secret)."""
    doc_type = (programme.doc_type or "").capitalize()
    if programme.secrecy == SECRET:
        return f"[{programme.org.name}] Văn bản số {programme.number}"
    return f"[{programme.org.name}] {doc_type} số {programme.number}: {programme.title}"


def _envelope(programme: Programme | None, kind: str, subject: str) -> EmailMessage:
    """Headers every email carries, but the recipient's own (List-Id: the programme's org)."""
    message = EmailMessage()
    message["Subject"] = header_text(subject)
    message["From"] = header_text(current_app.config["MAIL_FROM"])
    message["Date"] = format_datetime(utcnow())
    message["Auto-Submitted"] = "auto-generated"
    if programme is not None:
        message["List-Id"] = header_text(f"<programmes.{programme.org.code.lower()}.chibo-flow>")
    message["X-Chibo-Flow-Kind"] = kind
    return message


def compose_final_copy(
    programme: Programme, final_copy: FinalCopy, line: str, purpose: str
) -> EmailMessage:
    """The final-copy email to the people behind one "Nơi nhận" line, PDF attached (without
    the recipient's headers)."""
    context = {
        "programme": programme,
        "doc": programme.doc,
        "line": line,
        "purpose_phrase": PURPOSES.get(purpose, (None, ""))[1],
        "link": f"{current_app.config['PUBLIC_URL']}/programmes/{programme.id}",
    }
    message = _envelope(programme, FINAL_COPY, final_copy_subject(programme))
    if programme.secrecy == SECRET:
        # A mật document never leaves by email: a notice to log in, no text, no attachment.
        message.set_content(render_template("email/secret_notice.txt", **context))
        return message
    message.set_content(render_template("email/final_copy.txt", **context))
    message.add_alternative(render_template("email/final_copy.html", **context), subtype="html")
    message.add_attachment(
        final_copy.pdf,
        maintype="application",
        subtype="pdf",
        filename=header_text(download_names(programme, "pdf")[0]),
    )
    return message


def compose_notice(delivery: Delivery) -> EmailMessage:
    """A review notification (review request, changes requested, reminder, ...), without the
    recipient's headers."""
    message = _envelope(delivery.programme, delivery.kind, notice_subject(delivery))
    return _with_parts(message, delivery.kind, notice_context(delivery))


def compose_account_mail(delivery: Delivery) -> EmailMessage:
    """An email about the recipient's own account (chibo_flow.auth.mail), without the
    recipient's headers."""
    subject, context = account_context(delivery)
    return _with_parts(_envelope(None, delivery.kind, subject), delivery.kind, context)


def _with_parts(message: EmailMessage, kind: str, context: dict) -> EmailMessage:
    """`message` with its text and HTML parts, templates/email/<kind>.txt and .html."""
    message.set_content(render_template(f"email/{kind}.txt", **context))
    message.add_alternative(render_template(f"email/{kind}.html", **context), subtype="html")
    return message
