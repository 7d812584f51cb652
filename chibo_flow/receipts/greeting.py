"""Whom a final-copy email greets ("Kính gửi: …"): a person as "đồng chí <name>"; an office
or body (an address named like one, or with no name) by its "Nơi nhận" line with the Party
abbreviations written out, the superior Đảng ủy named in full ("Thường trực ĐU" → "Thường
trực Đảng ủy xã Tiên Cường")."""

import re

from chibo_flow import messages
from chibo_flow.models import Org

# Abbreviations of "Nơi nhận" lines, written out for people to read.
WRITTEN_OUT = {
    "ĐU": "Đảng ủy",
    "ĐB": "Đảng bộ",
    "TT": "Thường trực",
    "BTV": "Ban Thường vụ",
    "BCH": "Ban Chấp hành",
    "UBKT": "Ủy ban Kiểm tra",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "MTTQ": "Mặt trận Tổ quốc",
    "VP": "Văn phòng",
    "ĐV": "đảng viên",
}
# How the name of an office or body begins (a person's name begins otherwise).
OFFICE_WORDS = ("văn phòng", "thường trực", "ban ", "đảng ủy", "đảng bộ", "chi bộ", "chi ủy",
                "cấp ủy", "ủy ban", "hội ", "hội đồng", "đoàn ", "công đoàn", "mặt trận",
                "phòng ", "trường ", "cơ quan", "bộ phận", "tổ ")  # fmt: skip
PARENT_PARTY = "Đảng bộ "  # the superior org's name, "Đảng bộ xã Tiên Cường"


def names_an_office(name: str) -> bool:
    """Whether `name` names an office or body rather than a person ("Văn phòng Đảng ủy")."""
    return name.casefold().startswith(OFFICE_WORDS)


def superior_place(org: Org) -> str:
    """Where `org`'s superior Đảng bộ is ("xã Tiên Cường" under "Đảng bộ xã Tiên Cường"); ""
    when it has none."""
    parent = org.parent.name if org.parent else ""
    return parent.removeprefix(PARENT_PARTY) if parent.startswith(PARENT_PARTY) else ""


def written_out(label: str, place: str) -> str:
    """`label` with its abbreviations written out; "ĐU" and "ĐB" of a chi bộ under the Đảng bộ
    of `place` (`superior_place`) name that Đảng bộ ("Thường trực ĐU" → "Thường trực Đảng ủy
    xã Tiên Cường")."""

    def word(match: re.Match) -> str:
        text = match.group(0)
        if text in ("ĐU", "ĐB") and place:
            return f"{WRITTEN_OUT[text]} {place}"
        return WRITTEN_OUT.get(text, text)

    return re.sub(r"\w+", word, label)


def greeting(name: str | None, line: str, place: str) -> str:
    """Whom an email to `name` behind `line` greets, in a document of an org whose superior
    Đảng bộ is in `place` (`superior_place`)."""
    name = " ".join((name or "").split())
    if name and not names_an_office(name):
        return messages.RECEIPT_GREETING_PERSON.format(name=name)
    return written_out(name or line, place)
