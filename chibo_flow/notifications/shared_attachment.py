"""A final copy's PDF attachment, encoded once for every email of a "Nơi nhận" line.

Every copy of a line's email carries the same attachment: ~90 KB of base64 in ~1,200 lines,
which the email package writes out line by line for each copy it serialises (~1.4 ms of a
copy's ~4 ms, bench/fanout.py). Here each copy is still composed whole by the email package,
the attachment's headers included, but with a stand-in for the attachment's body; `serialise`
then puts the body the package wrote once in place of the stand-in. The multipart boundaries
the package picks stay safe: they are made of "=" and digits, which base64 never holds in a
row, and the package checks them against the stand-in as it would against the body.
Tested by tests/notifications/test_mailer.py (the bytes equal the package's own, boundary
for boundary).
"""

import email.policy
import secrets
from dataclasses import dataclass, field
from email.message import EmailMessage, MIMEPart

SMTP = email.policy.SMTP
_HEAD_END = b"\r\n\r\n"  # between a part's headers and its body, as SMTP policy writes it


@dataclass(frozen=True)
class SharedAttachment:
    """One attachment for many messages: `part` (its real headers, a stand-in body) is what a
    message attaches; `serialise` writes the message with the real body."""

    part: MIMEPart
    _stand_in: bytes = field(repr=False)
    _body: bytes = field(repr=False)

    @classmethod
    def of(cls, attachment: MIMEPart) -> "SharedAttachment":
        """Encode `attachment` (a part with its content set) once."""
        serialised = attachment.as_bytes(policy=SMTP)
        body = serialised[serialised.index(_HEAD_END) + len(_HEAD_END) :]
        token = f"chibo-flow-attachment-{secrets.token_hex(16)}"
        stand_in = MIMEPart(policy=SMTP)
        for name, value in attachment.raw_items():
            stand_in.set_raw(name, value)
        stand_in.set_payload(token + "\n")
        return cls(stand_in, (token + "\r\n").encode("ascii"), body)

    def serialise(self, message: EmailMessage) -> bytes:
        """`message`, which attaches `part`, serialised for SMTP with the real body."""
        flat = message.as_bytes(policy=SMTP)
        head, stand_in, tail = flat.rpartition(self._stand_in)
        if not stand_in:
            raise ValueError("the message does not attach this shared attachment")
        return head + self._body + tail
