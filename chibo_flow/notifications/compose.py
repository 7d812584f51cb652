"""The email a recipient receives: Vietnamese subject, HTML and plain-text parts, headers; the
final copy with its PDF attached, a review notification or an account email
(templates/email/<kind>.*).

A final copy's email is the same for everyone behind one "Nơi nhận" line but for the person's
greeting ("Kính gửi: đồng chí …"), their personal link (/nhan/<token>) and their To and
Message-ID: a batch renders and serialises the shared parts once per line (`SharedMessage`),
and `personal_copy` fills in each person's (`BatchComposer`).
"""

import email.policy
from collections.abc import Hashable
from dataclasses import dataclass
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime, formataddr
from typing import Protocol

from flask import current_app, render_template
from markupsafe import escape

from chibo_flow import messages
from chibo_flow.auth.mail import ACCOUNT_MAILS, account_context
from chibo_flow.documents.final_copy import download_names, final_copy_for
from chibo_flow.documents.format import SECRET
from chibo_flow.documents.programme_doc import PURPOSES
from chibo_flow.documents.render import issued_header, issued_text
from chibo_flow.extensions import db
from chibo_flow.models import Delivery, FinalCopy, Programme
from chibo_flow.models._types import utcnow
from chibo_flow.models.delivery import FINAL_COPY
from chibo_flow.notifications.encoded_words import SMTP
from chibo_flow.notifications.shared_message import SharedMessage, set_text
from chibo_flow.receipts.greeting import greeting, superior_place
from chibo_flow.receipts.links import receipt_url
from chibo_flow.receipts.reminders import RECEIPT_REMINDER, reminded_delivery, reminded_interval
from chibo_flow.review.notices import notice_context, notice_subject

RECEIVED = email.policy.default  # how compose_for parses what was sent


class Addressed(Protocol):
    """What composing reads of a Delivery row (the ORM object or a row of its columns)."""

    id: int
    kind: str
    notice_key: str
    programme_id: int | None
    address: str
    name: str | None
    line: str
    purpose: str
    message_id: str


def compose_for(delivery: Delivery) -> EmailMessage:
    """The complete email of one Delivery row as its recipient receives it (the final copy
    renders it if missing)."""
    return email.message_from_bytes(BatchComposer().message_bytes(delivery), policy=RECEIVED)


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


# What differs per person in a final-copy email: rendered as these markers once per line, then
# filled in for each person by `personal_copy`.
GREETING = "[[chibo-flow:greeting]]"
LINK = "[[chibo-flow:link]]"


@dataclass(frozen=True)
class SharedFinalCopy:
    """The final-copy email to everyone behind one "Nơi nhận" line: serialised once but for
    each person's own parts (`SharedMessage`), its text and HTML with the personal parts left
    as markers, and where the org's superior Đảng bộ is (`superior_place`, for greeting an
    office)."""

    message: SharedMessage
    text: str
    html: str | None
    place: str


def shared_final_copy(headers: list[tuple[str, object]], text: str, html: str | None,
                      attachment: MIMEPart | None, place: str) -> SharedFinalCopy:  # fmt: skip
    """A `SharedFinalCopy` with `headers` (those every copy has) and `attachment`, if any."""
    return SharedFinalCopy(SharedMessage.of(headers, html is not None, attachment), text, html,
                           place)  # fmt: skip


def personal_copy(shared: SharedFinalCopy, delivery: Addressed) -> bytes:
    """The one place a final-copy email (or its receipt reminder) becomes one person's: their
    greeting and personal link (/nhan/<token> of their final copy) filled into the shared
    parts, their To and Message-ID; serialised for SMTP."""
    final_copy_id = (
        reminded_delivery(delivery.notice_key) if delivery.kind == RECEIPT_REMINDER
        else delivery.id
    )  # fmt: skip
    personal = {
        GREETING: greeting(delivery.name, delivery.line, shared.place),
        LINK: receipt_url(final_copy_id),
    }
    escaped = {marker: str(escape(value)) for marker, value in personal.items()}
    html = None if shared.html is None else _fill(shared.html, escaped)
    return shared.message.personal(recipient_headers(delivery), _fill(shared.text, personal), html)


def _fill(text: str, values: dict[str, str]) -> str:
    for marker, value in values.items():
        text = text.replace(marker, value)
    return text


class BatchComposer:
    """The emails of a batch: each "Nơi nhận" line's shared final copy is rendered once, each
    person's copy filled in from it (`personal_copy`); a notice or an account email is its
    recipient's own."""

    def __init__(self) -> None:
        self._shared: dict[Hashable, SharedFinalCopy] = {}

    def message_bytes(self, delivery: Addressed) -> bytes:
        """The complete email of `delivery`, serialised for SMTP."""
        if delivery.kind == RECEIPT_REMINDER:
            return personal_copy(compose_receipt_reminder(delivery), delivery)
        if delivery.kind != FINAL_COPY:
            message = _own_message(db.session.get(Delivery, delivery.id))
            for name, value in recipient_headers(delivery):
                message[name] = value
            return message.as_bytes(policy=SMTP)
        key = (delivery.programme_id, delivery.line, delivery.purpose)
        if key not in self._shared:
            programme = db.session.get(Programme, delivery.programme_id)
            self._shared[key] = compose_final_copy(
                programme, final_copy_for(programme), delivery.line, delivery.purpose
            )
        return personal_copy(self._shared[key], delivery)


def _own_message(delivery: Delivery) -> EmailMessage:
    """A notice or an account email: its recipient's own, composed whole."""
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
) -> SharedFinalCopy:
    """The final-copy email to the people behind one "Nơi nhận" line, PDF attached, with the
    greeting and personal link left as markers."""
    context = {
        "programme": programme,
        "issued_text": issued_text(programme),
        "header": issued_header(programme),
        "line": line,
        "purpose_phrase": PURPOSES.get(purpose, (None, ""))[1],
        "greeting": GREETING,
        "link": LINK,
    }
    envelope = _envelope(programme, FINAL_COPY, final_copy_subject(programme))
    headers = list(envelope.items())
    place = superior_place(programme.org)
    if programme.secrecy == SECRET:
        # A mật document never leaves by email: a notice to log in, no text, no attachment.
        text = render_template("email/secret_notice.txt", **context)
        return shared_final_copy(headers, text, None, None, place)
    attachment = MIMEPart()
    attachment.set_content(
        final_copy.pdf,
        maintype="application",
        subtype="pdf",
        disposition="attachment",
        filename=header_text(download_names(programme, "pdf")[0]),
    )
    return shared_final_copy(
        headers,
        render_template("email/final_copy.txt", **context),
        render_template("email/final_copy.html", **context),
        attachment,
        place,
    )


def compose_receipt_reminder(delivery: Addressed) -> SharedFinalCopy:
    """The reminder to confirm receipt of a final copy "để thực hiện", its greeting and link
    left as markers (text and HTML, no attachment: the link opens the document)."""
    programme = db.session.get(Programme, delivery.programme_id)
    org = programme.org
    context = {
        "programme": programme,
        "line": delivery.line,
        "days": org.receipt_reminder_days * reminded_interval(delivery.notice_key),
        "greeting": GREETING,
        "link": LINK,
    }
    subject = messages.RECEIPT_REMINDER_SUBJECT.format(org=org.name, number=programme.number)
    headers = list(_envelope(programme, RECEIPT_REMINDER, subject).items())
    return shared_final_copy(
        headers,
        render_template("email/receipt_reminder.txt", **context),
        render_template("email/receipt_reminder.html", **context),
        None,
        superior_place(org),
    )


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
    text = render_template(f"email/{kind}.txt", **context)
    set_text(message, text, render_template(f"email/{kind}.html", **context))
    return message
