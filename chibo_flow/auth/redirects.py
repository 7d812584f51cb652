"""Where to go after login: only a path on this site, never another site in disguise."""

from urllib.parse import unquote, urlsplit

from flask import url_for


def safe_next(target: str | None) -> str:
    """`target` if it is a same-site relative path, else the programme list. Refused: anything
    with a scheme or host, a leading `//`, any backslash and any control character, in the path
    as given or percent-decoded once more (browsers drop tabs and newlines, so `/<TAB>/evil.example`
    is `//evil.example`, and read `\\` as `/`)."""
    decoded = unquote(target or "")
    parts = urlsplit(decoded)
    if (
        not target
        or not target.startswith("/")
        or decoded.startswith("//")
        or "\\" in decoded
        or parts.scheme
        or parts.netloc
        or any(ord(c) < 0x20 or ord(c) == 0x7F for c in decoded)
    ):
        return url_for("programmes.index")
    return target
