"""SMTP sending: one connection for a batch of emails, one SMTP transaction per recipient,
every reply classified.

SMTP_URL: smtp://host:port, smtp+starttls://user:pass@host:587 or smtps://user:pass@host:465;
without a port, the scheme's own (DEFAULT_PORTS).
"""

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from chibo_flow.notifications.dot_stuffing import DotStuffingData

SMTP_TIMEOUT_S = 30
# The forms of SMTP_URL and the port each connects to when the URL names none: plain SMTP (25),
# message submission with STARTTLS (587, RFC 6409) and submission over TLS (465, RFC 8314).
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


@dataclass(frozen=True)
class SmtpReply:
    """The server's final answer to one message."""

    code: int
    text: str


class SendFailed(Exception):
    """The message was not accepted; `temporary` says whether trying again may help, and
    `connection_lost` whether the connection is gone with it (code 0)."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code} {text}")
        self.reply = SmtpReply(code, text)
        # 4xx and connection problems (code 0) are temporary; 5xx are final.
        self.temporary = code < 500
        self.connection_lost = code == 0


class SmtpConnection:
    """An SMTP connection opened on first use and reused for every message sent through it."""

    def __init__(self, smtp_url: str) -> None:
        self._url = smtp_url
        self._conn: smtplib.SMTP | None = None

    def send(self, sender: str, recipient: str, data: bytes) -> SmtpReply:
        """Send the serialised message `data` to one recipient in its own SMTP transaction;
        returns the 250 reply or raises SendFailed.

        Each reply is checked (MAIL, RCPT, then the end of DATA); the recipient counts as refused
        unless RCPT answers 250/251. A refusal resets the transaction and keeps the connection
        for the next message; a connection problem closes it (the next send reconnects).
        """
        try:
            with _as_send_failed():
                self._mail_from(sender)
                _expect(self._conn.rcpt(recipient), {250, 251})
                return _expect(self._conn.data(data), {250})
        except SendFailed as failure:
            if failure.connection_lost:
                self.close()
            else:
                self._reset()
            raise

    def _mail_from(self, sender: str) -> None:
        """MAIL FROM, connecting first if needed. An open connection the server has closed
        meanwhile (idle, or at its limit of messages per connection) is replaced once: nothing
        of this message was sent on it."""
        if self._conn is not None:
            try:
                reply = self._conn.mail(sender)
            except (smtplib.SMTPServerDisconnected, OSError):
                reply = (421, b"connection lost")
            if reply[0] != 421:
                _expect(reply, {250})
                return
            self.close()
        self._conn = _connect(self._url)
        _expect(self._conn.mail(sender), {250})

    def close(self) -> None:
        """Say QUIT politely; whatever the server answers, the connection is closed. Once DATA
        is answered 250 the message is the server's: a failing QUIT does not undo it."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()

    def _reset(self) -> None:
        """Abort the refused transaction (RSET); a connection that cannot is dropped."""
        try:
            self._conn.rset()
        except (smtplib.SMTPException, OSError):
            self.close()


@contextmanager
def connection(smtp_url: str) -> Iterator[SmtpConnection]:
    """An SmtpConnection to `smtp_url`, closed on leaving the block."""
    conn = SmtpConnection(smtp_url)
    try:
        yield conn
    finally:
        conn.close()


@contextmanager
def _as_send_failed() -> Iterator[None]:
    """SMTP replies keep their code; connection problems become code 0 (temporary)."""
    try:
        yield
    except smtplib.SMTPResponseException as exc:
        raise SendFailed(exc.smtp_code, _text(exc.smtp_error)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendFailed(0, f"{type(exc).__name__}: {exc}") from exc


class _SMTP(DotStuffingData, smtplib.SMTP):
    pass


class _SMTP_SSL(DotStuffingData, smtplib.SMTP_SSL):
    pass


def server_address(smtp_url: str) -> tuple[str, int]:
    """The host and port `smtp_url` connects to: its port, else its scheme's (DEFAULT_PORTS).
    Raises ValueError for another scheme, no host or a bad port."""
    url = urlsplit(smtp_url)
    if url.scheme not in DEFAULT_PORTS or not url.hostname:
        raise ValueError(f"SMTP_URL needs a host and one of {', '.join(DEFAULT_PORTS)}")
    return url.hostname, url.port or DEFAULT_PORTS[url.scheme]


def _connect(smtp_url: str) -> smtplib.SMTP:
    url = urlsplit(smtp_url)
    host, port = server_address(smtp_url)
    if url.scheme == "smtps":
        conn = _SMTP_SSL(host, port, timeout=SMTP_TIMEOUT_S, context=ssl.create_default_context())
    else:
        conn = _SMTP(host, port, timeout=SMTP_TIMEOUT_S)
    try:
        if url.scheme == "smtp+starttls":
            conn.starttls(context=ssl.create_default_context())
        conn.ehlo_or_helo_if_needed()
        if url.username:
            conn.login(unquote(url.username), unquote(url.password or ""))
    except BaseException:
        conn.close()
        raise
    return conn


def _expect(reply: tuple[int, bytes], accepted: set[int]) -> SmtpReply:
    code, text = reply
    if code not in accepted:
        raise SendFailed(code, _text(text))
    return SmtpReply(code, _text(text))


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
