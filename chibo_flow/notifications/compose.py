"""The email a recipient receives: Vietnamese subject, HTML and plain-text parts, headers; the
final copy with its PDF attached, or a review notification (templates/email/<kind>.*)."""

from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app, render_template

from chibo_flow.documents.final_copy import download_names, final_copy_for
from chibo_flow.documents.programme_doc import PURPOSES
from chibo_flow.models import Delivery, FinalCopy
from chibo_flow.models._types import utcnow
from chibo_flow.review.notices import notice_context, notice_subject


def compose_for(delivery: Delivery) -> EmailMessage:
    """The email of one Delivery row, by its kind (the final copy renders it if missing)."""
    if delivery.kind == "final_copy":
        return compose_final_copy(delivery, final_copy_for(delivery.programme))
    return compose_notice(delivery)


def final_copy_subject(delivery: Delivery) -> str:
    """ "[Org] Chương trình số 01-CTr/CB: <trích yếu>"."""
    programme = delivery.programme
    doc_type = (programme.doc_type or "").capitalize()
    return f"[{programme.org.name}] {doc_type} số {programme.number}: {programme.title}"


def _envelope(delivery: Delivery, subject: str) -> EmailMessage:
    """Headers every email carries; the row's Message-ID on every try."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = f"{delivery.name} <{delivery.address}>" if delivery.name else delivery.address
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = delivery.message_id
    message["Auto-Submitted"] = "auto-generated"
    message["List-Id"] = f"<programmes.{delivery.programme.org.code.lower()}.chibo-flow>"
    message["X-Chibo-Flow-Kind"] = delivery.kind
    return message


def compose_final_copy(delivery: Delivery, final_copy: FinalCopy) -> EmailMessage:
    """The final-copy email of one delivery, PDF attached."""
    programme = delivery.programme
    context = {
        "delivery": delivery,
        "programme": programme,
        "doc": programme.doc,
        "purpose_phrase": PURPOSES.get(delivery.purpose, (None, ""))[1],
        "link": f"{current_app.config['PUBLIC_URL']}/programmes/{programme.id}",
    }
    message = _envelope(delivery, final_copy_subject(delivery))
    message.set_content(render_template("email/final_copy.txt", **context))
    message.add_alternative(render_template("email/final_copy.html", **context), subtype="html")
    message.add_attachment(
        final_copy.pdf,
        maintype="application",
        subtype="pdf",
        filename=download_names(programme, "pdf")[0],
    )
    return message


def compose_notice(delivery: Delivery) -> EmailMessage:
    """A review notification (review request, changes requested, reminder, ...)."""
    context = notice_context(delivery)
    message = _envelope(delivery, notice_subject(delivery))
    template = f"email/{delivery.kind}"
    message.set_content(render_template(f"{template}.txt", **context))
    message.add_alternative(render_template(f"{template}.html", **context), subtype="html")
    return message
