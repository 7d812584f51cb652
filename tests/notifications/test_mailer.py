"""The SMTP client's own work: what reaches the server is exactly the message sent."""

import email.policy
from email.message import EmailMessage, MIMEPart

import pytest

from chibo_flow.notifications import mailer
from chibo_flow.notifications.shared_attachment import SharedAttachment
from tests.conftest import SmtpServer


class RawRecorder:
    """An aiosmtpd handler keeping each message as the server reassembled it."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append(envelope.original_content)
        return "250 OK"


def test_lines_starting_with_a_dot_arrive_unchanged(tmp_path):
    # SMTP ends a message at a line holding one "."; the client must escape such lines (and
    # any line starting with ".") and the server unescape them, leaving the message as it was.
    recorder = RawRecorder()
    server = SmtpServer(tmp_path, handler=recorder)
    message = b".From the top\r\nSubject: x\r\n\r\nline\r\n.\r\n..two dots\r\nmid . dot\r\n.end"
    server.controller.start()
    try:
        with mailer.connection(server.url) as conn:
            reply = conn.send("a@chibo.test", "b@chibo.test", message)
            again = conn.send("a@chibo.test", "c@chibo.test", message + b"\r\n")
    finally:
        server.controller.stop()

    assert (reply.code, again.code) == (250, 250)
    assert recorder.received == [message + b"\r\n", message + b"\r\n"]


def _letter(attachment: MIMEPart) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "Chương trình hành động số 01-CTr/CB"
    message["To"] = "Đồng chí Lan <lan@chibo.test>"
    message.set_content("Kính gửi: đồng chí Đỗ Thị Lan\n")
    message.add_alternative("<p>Kính gửi: đồng chí Đỗ Thị Lan</p>", subtype="html")
    message.make_mixed()
    message.attach(attachment)
    message.set_boundary("==boundary-of-the-test==")
    message.get_payload(0).set_boundary("==alternative-of-the-test==")
    return message


def test_an_attachment_encoded_once_serialises_as_the_email_package_would():
    # Every copy of a line's email carries the same PDF, encoded once (shared_attachment):
    # the bytes sent must be the very bytes the email package writes for the whole message,
    # and what a reader opens the very PDF.
    pdf = bytes(range(256)) * 400 + b"%%EOF\n.\n"
    attachment = MIMEPart()
    attachment.set_content(pdf, maintype="application", subtype="pdf",
                           disposition="attachment", filename="01-CTr-CB.pdf")  # fmt: skip
    shared = SharedAttachment.of(attachment)

    data = shared.serialise(_letter(shared.part))

    assert data == _letter(attachment).as_bytes(policy=email.policy.SMTP)
    received = email.message_from_bytes(data, policy=email.policy.default)
    (opened,) = received.iter_attachments()
    assert opened.get_content() == pdf
    assert opened.get_filename() == "01-CTr-CB.pdf"
    with pytest.raises(ValueError):
        shared.serialise(_letter(SharedAttachment.of(attachment).part))
