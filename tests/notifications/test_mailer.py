"""The SMTP client's own work: what reaches the server is exactly the message sent."""

import email.policy
from email.message import EmailMessage, MIMEPart
from email.utils import formataddr, make_msgid

import pytest

from chibo_flow.notifications import mailer
from chibo_flow.notifications.encoded_words import SMTP
from chibo_flow.notifications.shared_message import SharedMessage, set_text
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


SHARED_HEADERS = [("Subject", "[Chi bộ Trường Mầm non] Chương trình số 01-CTr/CB: thực hiện "
                   "Nghị quyết Đại hội Chi bộ nhiệm kỳ 2025–2027"),
                  ("From", "Chi bộ Flow <no-reply@chibo.test>")]  # fmt: skip
PEOPLE = [("Đỗ Thị Lan", "lan@chibo.test"), ("Nguyễn Văn Bình", "binh@chibo.test")]


def _whole(own: list, text: str, html: str | None, attachment: MIMEPart | None,
           boundaries: EmailMessage) -> bytes:  # fmt: skip
    """What the email package writes for the whole message, with the boundaries of
    `boundaries` (a message of the same structure)."""
    message = EmailMessage()
    for name, value in own + SHARED_HEADERS:
        message[name] = value
    set_text(message, text, html)
    if attachment is not None:
        message.make_mixed()
        message.attach(attachment)
    for part, model in zip(message.walk(), boundaries.walk(), strict=True):
        if part.is_multipart():
            part.set_boundary(model.get_boundary())
    return message.as_bytes(policy=SMTP)


@pytest.mark.parametrize("with_html_and_pdf", [True, False], ids=["final copy", "plain notice"])
def test_a_message_serialised_once_gives_each_copy_the_bytes_the_email_package_would(
    with_html_and_pdf,
):
    # A line's email is serialised once (shared_message) and each person's copy made from it:
    # each copy must be byte for byte what the email package writes for the whole message,
    # and open with that person's own text and the very PDF.
    pdf = bytes(range(256)) * 400 + b"%%EOF\n.\n"
    attachment = None
    if with_html_and_pdf:
        attachment = MIMEPart()
        attachment.set_content(pdf, maintype="application", subtype="pdf",
                               disposition="attachment", filename="01-CTr-CB.pdf")  # fmt: skip
    shared = SharedMessage.of(SHARED_HEADERS, with_html_and_pdf, attachment)

    for name, address in PEOPLE:
        own = [("To", formataddr((name, address))), ("Message-ID", make_msgid())]
        text = f"Kính gửi: đồng chí {name}\n\n--\n.\nI. Mục đích, yêu cầu\n" * 40
        html = f"<p>Kính gửi: <strong>đồng chí {name}</strong></p>" if with_html_and_pdf else None

        data = shared.personal(own, text, html)

        received = email.message_from_bytes(data, policy=email.policy.default)
        assert data == _whole(own, text, html, attachment, received)
        (to,) = received["To"].addresses
        assert (to.display_name, to.addr_spec) == (name, address)
        assert received.get_body(("plain",)).get_content() == text
        if with_html_and_pdf:
            assert received.get_body(("html",)).get_content() == html + "\n"
            (opened,) = received.iter_attachments()
            assert opened.get_content() == pdf
            assert opened.get_filename() == "01-CTr-CB.pdf"


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("smtp+starttls://user:pass@relay.example", ("relay.example", 587)),
        ("smtps://user:pass@relay.example", ("relay.example", 465)),
        ("smtp://relay.example", ("relay.example", 25)),
        ("smtp+starttls://relay.example:2525", ("relay.example", 2525)),
    ],
)
def test_an_smtp_url_without_a_port_connects_to_its_schemes_port(url, address):
    # Submission with STARTTLS is port 587 (RFC 6409), not plain SMTP's 25: a relay that takes
    # submissions only there refused every email of a deployment that wrote no port.
    assert mailer.server_address(url) == address
