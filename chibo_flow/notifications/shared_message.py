"""An email sent to many people that differs only in its recipient headers and its text bodies,
serialised once (a final copy to everyone behind one "Nơi nhận" line: each copy has its own To,
Message-ID, greeting and personal link).

Serialising a whole copy with the email package costs ~5 ms, most of it the same for every
copy: the PDF's ~90 KB of base64 written line by line, the Subject and From encoded and
folded, the multipart boundaries chosen (bench/fanout.py). `SharedMessage.of` lets the package
serialise the message once with stand-ins for the bodies; `personal` folds the recipient's
headers with the same policy (encoded_words.SMTP), encodes their text bodies with the package's
base64 encoder as a whole copy has them, and puts both in place of the stand-ins. The boundaries the
package chose stay safe: a boundary line starts with "--", which no base64 line can.
Tested by tests/notifications/test_mailer.py: the bytes equal the package's own for the whole
message (with that policy), boundary for boundary.
"""

import secrets
from dataclasses import dataclass
from email import base64mime
from email.message import EmailMessage, MIMEPart

from chibo_flow.notifications.encoded_words import SMTP

_HEAD_END = b"\r\n\r\n"  # between a part's headers and its body, as SMTP policy writes it


def set_text(message: MIMEPart, text: str, html: str | None) -> None:
    """Give `message` its text, and its HTML as the alternative, both base64: what the email
    package picks for Vietnamese itself (quoted-printable writes each accented letter in 6 to 9
    characters), named so that it does not encode each part both ways to choose."""
    message.set_content(text, cte="base64")
    if html is not None:
        message.add_alternative(html, subtype="html", cte="base64")


def _body(part: MIMEPart) -> bytes:
    """The body of `part` as the email package serialises it for SMTP."""
    serialised = part.as_bytes(policy=SMTP)
    return serialised[serialised.index(_HEAD_END) + len(_HEAD_END) :]


def _encoded_text(text: str) -> bytes:
    """`text` as the body of a text part made by `set_text`, serialised for SMTP: as the email
    package encodes it (its lines UTF-8, ended by LF, in base64 by the package's own encoder),
    in lines of 76 ended by CRLF."""
    data = b"".join(line + b"\n" for line in text.encode("utf-8").splitlines())
    return base64mime.body_encode(data, maxlinelen=76, eol="\r\n").encode("ascii")


@dataclass(frozen=True)
class SharedMessage:
    """The serialised message cut at its stand-ins: `personal` joins the pieces with one
    recipient's text bodies (plain, then HTML when there is one) and the PDF's body."""

    pieces: tuple[bytes, ...]
    attachment: bytes | None
    html: bool

    @classmethod
    def of(cls, headers: list[tuple[str, object]], html: bool,
           attachment: MIMEPart | None) -> "SharedMessage":  # fmt: skip
        """The message with `headers` (those every copy has), a text body, an HTML alternative
        if `html`, and `attachment` (a part with its content set) if any."""
        token = secrets.token_hex(16)
        text, alternative = f"chibo-flow-text-{token}", f"chibo-flow-html-{token}"
        message = EmailMessage()
        for name, value in headers:
            message[name] = value
        set_text(message, text, alternative if html else None)
        cuts = [_encoded_text(text), *([_encoded_text(alternative)] if html else [])]
        body = None
        if attachment is not None:
            stand_in = MIMEPart(policy=SMTP)
            for name, value in attachment.raw_items():
                stand_in.set_raw(name, value)
            stand_in.set_payload(f"chibo-flow-attachment-{token}\n")
            message.make_mixed()
            message.attach(stand_in)
            cuts.append(_body(stand_in))
            body = _body(attachment)
        rest, pieces = message.as_bytes(policy=SMTP), []
        for cut in cuts:
            piece, found, rest = rest.partition(cut)
            if not found:  # the email package writes each stand-in once, in order
                raise RuntimeError("a stand-in is missing from the serialised message")
            pieces.append(piece)
        return cls((*pieces, rest), body, html)

    def personal(self, headers: list[tuple[str, str]], text: str, html: str | None) -> bytes:
        """One recipient's copy: `headers` (To, Message-ID) first, then the shared message with
        `text` and `html` (None only when the message has no HTML alternative)."""
        own = b"".join(SMTP.fold_binary(*SMTP.header_store_parse(*header)) for header in headers)
        bodies = [_encoded_text(text), *([_encoded_text(html)] if self.html else [])]
        if self.attachment is not None:
            bodies.append(self.attachment)
        joined = [self.pieces[0]]
        for body, piece in zip(bodies, self.pieces[1:], strict=True):
            joined += [body, piece]
        return own + b"".join(joined)
