"""SMTP sending: one connection and one transaction per recipient, every reply classified.

SMTP_URL: smtp://host:port, smtp+starttls://user:pass@host:587 or smtps://user:pass@host:465.
"""

import email.policy
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

SMTP_TIMEOUT_S = 30


@dataclass(frozen=True)
class SmtpReply:
    """The server's final answer to one message."""

    code: int
    text: str


class SendFailed(Exception):
    """The message was not accepted; `temporary` says whether trying again may help."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code} {text}")
        self.reply = SmtpReply(code, text)
        # 4xx and connection problems (code 0) are temporary; 5xx are final.
        self.temporary = code < 500


def send(smtp_url: str, message: EmailMessage, recipient: str) -> SmtpReply:
    """Send `message` to one recipient; returns the 250 reply or raises SendFailed.

    Each reply is checked (MAIL, RCPT, then the end of DATA); the recipient counts as refused
    unless RCPT answers 250/251. Once DATA is answered 250 the message is the server's: a failing
    QUIT afterwards does not make it a failure (that would send it twice).
    """
    sender = parseaddr(str(message["From"]))[1]
    data = message.as_bytes(policy=email.policy.SMTP)
    with _as_send_failed():
        conn = _connect(smtp_url)
    try:
        with _as_send_failed():
            _expect(conn.mail(sender), {250})
            _expect(conn.rcpt(recipient), {250, 251})
            return _expect(conn.data(data), {250})
    finally:
        _close(conn)


@contextmanager
def _as_send_failed() -> Iterator[None]:
    """SMTP replies keep their code; connection problems become code 0 (temporary)."""
    try:
        yield
    except smtplib.SMTPResponseException as exc:
        raise SendFailed(exc.smtp_code, _text(exc.smtp_error)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendFailed(0, f"{type(exc).__name__}: {exc}") from exc


def _connect(smtp_url: str) -> smtplib.SMTP:
    url = urlsplit(smtp_url)
    host = url.hostname or "127.0.0.1"
    if url.scheme == "smtps":
        conn = smtplib.SMTP_SSL(
            host, url.port or 465, timeout=SMTP_TIMEOUT_S, context=ssl.create_default_context()
        )
    elif url.scheme in ("smtp", "smtp+starttls"):
        conn = smtplib.SMTP(host, url.port or 25, timeout=SMTP_TIMEOUT_S)
    else:
        raise ValueError(f"unsupported SMTP_URL scheme: {url.scheme!r}")
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


def _close(conn: smtplib.SMTP) -> None:
    """Say QUIT politely; whatever the server answers, the connection is closed."""
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        conn.close()


def _expect(reply: tuple[int, bytes], accepted: set[int]) -> SmtpReply:
    code, text = reply
    if code not in accepted:
        raise SendFailed(code, _text(text))
    return SmtpReply(code, _text(text))


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
