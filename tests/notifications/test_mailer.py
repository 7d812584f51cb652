"""The SMTP client's own work: what reaches the server is exactly the message sent."""

from chibo_flow.notifications import mailer
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
