"""The local SMTP capture server of `make run`: stores every message as a .eml file.

The admin's "Hộp thư thử" page reads the same directory. Run with
`flask --app wsgi mailbox serve` (started by `make run`).
"""

import email
import email.policy
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path


class MailboxHandler:
    """aiosmtpd handler writing each received message to `directory` (atomically)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:
        name = f"{datetime.now().strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}.eml"
        tmp = self.directory / f".{name}.tmp"
        recipients = ",".join(envelope.rcpt_tos)
        tmp.write_bytes(f"X-Envelope-To: {recipients}\r\n".encode() + envelope.content)
        tmp.rename(self.directory / name)
        return "250 OK: stored"


@dataclass(frozen=True)
class CapturedMessage:
    """A stored message, as listed on the admin's mailbox page."""

    key: str
    envelope_to: str
    subject: str
    message_id: str
    date: datetime | None
    message: EmailMessage


def read_mailbox(directory: str | Path) -> list[CapturedMessage]:
    """Messages in the capture directory, newest first."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    return [read_message(path) for path in sorted(folder.glob("*.eml"), reverse=True)]


def read_message(path: Path) -> CapturedMessage:
    """Parse one stored .eml file."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    date = message["Date"]
    return CapturedMessage(
        key=path.stem,
        envelope_to=str(message["X-Envelope-To"] or ""),
        subject=str(message["Subject"] or ""),
        message_id=str(message["Message-ID"] or ""),
        date=parsedate_to_datetime(date) if date else None,
        message=message,
    )
