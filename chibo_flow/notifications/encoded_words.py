"""How every email of chibo_flow is serialised for SMTP: `SMTP`, the email package's SMTP policy
but for headers holding non-ASCII text (a Vietnamese Subject, a display name in From or To),
which this module writes as RFC 2047 encoded words itself, every space of the text kept.

CPython's folding (email._header_value_parser._fold_as_ew; fixed by gh-144156 in 2026, not in
the 3.11 this runs on) writes the space before a word outside the encoded words, as if plain
text were before it. When the word before is itself an encoded word (one that ended a line, or
could not be combined), that space lies between two encoded words, which RFC 2047 §6.2 tells
every reader to ignore: "[Chi bộ Flow] Mời đồng chí tham gia: đặt mật khẩu" arrived as "…tham
gia:đặt mật khẩu", and a long programme title lost spaces wherever a line was folded.

Here the text is cut into words at its spaces; ASCII words stay as they are, and each run of
the others is encoded whole, its spaces inside (UTF-8, base64 or Q, whichever is shorter): one
encoded word, moved to the next line if it does not fit on this one, or, for a run longer than
one word holds, as many as the lines need. A space is thus either beside plain text, where every
reader keeps it, or inside an encoded word. (A run is cut only when it must: CPython's parser
before gh-128110 adds a space between two encoded words of a display name, where RFC 2047
readers join them.)
"""

from email.charset import Charset
from email.headerregistry import Address, AddressHeader, UnstructuredHeader
from email.policy import EmailPolicy
from itertools import chain, repeat

_UTF8 = Charset("utf-8")
# Characters a plain word of a display name may not hold (RFC 5322 "specials"); such a word is
# encoded instead of quoted.
_SPECIALS = frozenset('()<>[]:;@\\,."')
MAX_ENCODED_WORD = 75  # characters (RFC 2047 §2)
MAX_PLAIN_WORD = 70  # longer words are encoded, so that they can be cut to fit a line


class EncodedWordsPolicy(EmailPolicy):
    """EmailPolicy whose Subject and address headers (any unstructured or address header) are
    folded by `folded_header` when they hold non-ASCII text and the policy is not utf8."""

    def fold(self, name: str, value: object) -> str:
        """The header folded for a text serialisation."""
        return _own_fold(self, name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: object) -> bytes:
        """The header folded for a bytes serialisation (what as_bytes and SMTP send)."""
        folded = _own_fold(self, name, value)
        return folded.encode("ascii") if folded else super().fold_binary(name, value)


SMTP = EncodedWordsPolicy(linesep="\r\n")


def _own_fold(policy: EmailPolicy, name: str, value: object) -> str | None:
    """`value` folded by this module, or None where the email package's own folding is kept
    (ASCII text, raw strings, undecodable bytes, other kinds of header, addresses in groups or
    non-ASCII addresses)."""
    if policy.utf8 or not hasattr(value, "name") or not _utf8_encodable(str(value)):
        return None
    width = policy.max_line_length or 78
    if isinstance(value, UnstructuredHeader) and not str(value).isascii():
        return folded_header(name, [_text_tokens(str(value), phrase=False)], width, policy.linesep)
    if isinstance(value, AddressHeader):
        tokens = _address_tokens(value)
        return None if tokens is None else folded_header(name, tokens, width, policy.linesep)
    return None


def _utf8_encodable(text: str) -> bool:
    """False for text holding undecodable bytes of a parsed message (surrogate escapes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _address_tokens(value: AddressHeader) -> list[list[str | tuple[str]]] | None:
    """The tokens of each mailbox of an address header; None (left to the email package) when
    every display name is ASCII, or a mailbox is in a named group or has a non-ASCII address."""
    addresses = value.addresses
    if (
        any(group.display_name is not None for group in value.groups)
        or not all(isinstance(address, Address) for address in addresses)
        or all(address.display_name.isascii() for address in addresses)
    ):
        return None
    tokens = []
    for index, address in enumerate(addresses):
        if not address.addr_spec.isascii():
            return None
        comma = "," if index < len(addresses) - 1 else ""
        name = address.display_name
        if not name:
            tokens.append([address.addr_spec + comma])
            continue
        tokens.append([*_text_tokens(name, phrase=True), f"<{address.addr_spec}>{comma}"])
    return tokens


def _text_tokens(text: str, *, phrase: bool) -> list[str | tuple[str]]:
    """`text` as tokens separated by one space: plain words (str) and runs of the other words
    to encode (a 1-tuple); in a display name (`phrase`) a word with a special character is
    encoded too. Text with white space other than single spaces between words is one run (every
    space encoded)."""
    words = text.split(" ")
    if not all(word and word.isprintable() for word in words):
        return [(text,)]
    tokens: list[str | tuple[str]] = []
    run: list[str] = []
    for word in words:
        if _plain(word, phrase):
            if run:
                tokens.append((" ".join(run),))
                run = []
            tokens.append(word)
        else:
            run.append(word)
    if run:
        tokens.append((" ".join(run),))
    return tokens


def _plain(word: str, phrase: bool) -> bool:
    """True for a word written as it is: ASCII, no "=?" (it would read as an encoded word), in a
    display name no special character, short enough to fold."""
    return (
        len(word) <= MAX_PLAIN_WORD
        and word.isascii()
        and "=?" not in word
        and not (phrase and _SPECIALS.intersection(word))
    )


def folded_header(name: str, mailboxes: list[list[str | tuple[str]]], width: int,
                  linesep: str) -> str:  # fmt: skip
    """The header line `name:` with each token of `mailboxes` after one space, folded before a
    token that would pass `width`. A run (1-tuple) is written as one encoded word when it fits
    one, else as encoded words cut to fill the lines."""
    lines = [f"{name}:"]
    for token in chain.from_iterable(mailboxes):
        if isinstance(token, tuple):
            whole = _UTF8.header_encode(token[0])
            if len(whole) > MAX_ENCODED_WORD:
                room = min(width - len(lines[-1]) - 1, MAX_ENCODED_WORD)
                cut = _UTF8.header_encode_lines(token[0], chain([room], repeat(MAX_ENCODED_WORD)))
                for index, word in enumerate(cut):
                    if index:
                        lines.append("")
                    if word is not None:
                        lines[-1] += " " + word
                continue
            token = whole
        if len(lines[-1]) + 1 + len(token) > width and len(lines[-1]) > len(name) + 1:
            lines.append("")
        lines[-1] += " " + token
    return linesep.join(lines) + linesep
