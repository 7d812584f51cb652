"""Vietnamese text typed in the pre-Unicode encodings: TCVN3 (ABC, the .VnTime fonts) and VNI.

Both put Vietnamese letters on the byte values 0x80-0xFF that Windows shows as Latin-1 letters
("§¶ng" for "Đảng", "Ñaûng" in VNI). A file or a Word run in one of them is read as Latin-1 /
Windows-1252 text and converted here; `best_reading` chooses between the possible readings of
a text by how Vietnamese each one looks.
"""

import re
import unicodedata

TCVN3 = "TCVN3"
VNI = "VNI"

# TCVN3 (ABC): one byte per letter. Upper-case toned letters have no code of their own; the
# "H" fonts (.VnTimeH) draw the lower-case codes as capitals.
_TCVN3_CODES = "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦"
_TCVN3_LETTERS = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ"
_TCVN3_TABLE = str.maketrans(_TCVN3_CODES, _TCVN3_LETTERS)

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_TONED_CAPITAL_RE = re.compile(
    "([AĂÂEÊIOÔƠUƯY])([àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ])"
)

# VNI: a base letter followed by one mark byte (tone, vowel shape, or both).
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
_VNI_MARKS = {
    "ù": _ACUTE,
    "ø": _GRAVE,
    "û": _HOOK,
    "õ": _TILDE,
    "ï": _DOT,
    "â": _CIRCUMFLEX,
    "ê": _BREVE,
    "á": _CIRCUMFLEX + _ACUTE,
    "à": _CIRCUMFLEX + _GRAVE,
    "å": _CIRCUMFLEX + _HOOK,
    "ã": _CIRCUMFLEX + _TILDE,
    "ä": _CIRCUMFLEX + _DOT,
    "é": _BREVE + _ACUTE,
    "è": _BREVE + _GRAVE,
    "ú": _BREVE + _HOOK,
    "ü": _BREVE + _TILDE,
    "ë": _BREVE + _DOT,
}
_VNI_LETTERS = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị"}
_VNI_LETTERS |= {"î": "ỵ"}
_VNI_LETTERS |= {code.upper(): letter.upper() for code, letter in _VNI_LETTERS.items()}
_VNI_MARKS |= {code.upper(): mark for code, mark in _VNI_MARKS.items()}
_VNI_BASES = frozenset("aeiouyAEIOUY")

# Common words of Party documents, folded: the more of them a reading has, the more Vietnamese.
_COMMON_WORDS = frozenset(
    {
        "và",
        "của",
        "các",
        "đảng",
        "chi",
        "bộ",
        "năm",
        "thực",
        "hiện",
        "những",
        "được",
        "trong",
        "người",
        "việc",
        "cán",
        "viên",
        "với",
        "có",
        "không",
        "là",
        "cho",
        "về",
        "đã",
        "tháng",
        "ngày",
        "công",
        "tác",
        "lãnh",
        "đạo",
        "nhiệm",
        "vụ",
        "ủy",
        "cấp",
        "sự",
        "phát",
        "triển",
    }
)
_WORD_RE = re.compile(r"\w+")


def from_tcvn3(text: str, capitals: bool = False) -> str:
    """Convert TCVN3 text (as Latin-1 characters) to Unicode NFC; `capitals` for .VnTimeH runs.

    A capital with a tone has no code of its own: it is typed as the capital followed by the
    toned small letter ("A¶" for "Ả", "¤é" for "Ộ"), and read back as one capital here.
    """
    converted = _TONED_CAPITAL_RE.sub(_toned_capital, text.translate(_TCVN3_TABLE))
    return unicodedata.normalize("NFC", converted.upper() if capitals else converted)


def _toned_capital(match: re.Match[str]) -> str:
    capital, small = match.group(1), match.group(2)
    shape = "".join(c for c in unicodedata.normalize("NFD", small) if c not in _TONES)
    if unicodedata.normalize("NFC", shape).upper() == capital:
        return small.upper()
    return match.group()


def from_vni(text: str) -> str:
    """Convert VNI text (as Windows-1252 characters) to Unicode NFC."""
    out: list[str] = []
    base = ""
    for char in text:
        if char in _VNI_MARKS and base in _VNI_BASES:
            out.append(_VNI_MARKS[char])
        else:
            letter = _VNI_LETTERS.get(char, char)
            out.append(letter)
            base = unicodedata.normalize("NFD", letter)[0]
    return unicodedata.normalize("NFC", "".join(out))


def font_encoding(font: str | None) -> str | None:
    """The legacy encoding a Word font implies (".VnTime" → TCVN3, "VNI-Times" → VNI), or None."""
    name = (font or "").strip().lower()
    if name.startswith(".vn"):
        return TCVN3
    if name.startswith("vni"):
        return VNI
    return None


def is_capitals_font(font: str) -> bool:
    """True for the TCVN3 fonts that draw every letter as a capital (.VnTimeH, .VnArialH)."""
    return font.startswith(".Vn") and font.rstrip().endswith("H")


def convert(text: str, encoding: str, capitals: bool = False) -> str:
    """Convert `text` from the legacy `encoding` (TCVN3 or VNI) to Unicode NFC."""
    return from_tcvn3(text, capitals) if encoding == TCVN3 else from_vni(text)


def vietnamese_score(text: str) -> int:
    """How many common Vietnamese words `text` holds (higher: more likely the right reading)."""
    return sum(1 for word in _WORD_RE.findall(text.lower()) if word in _COMMON_WORDS)


def best_reading(text: str) -> tuple[str, str | None]:
    """Return `text` with its lines typed in TCVN3 or VNI converted, when that reads better.

    Only lines that Windows-1252 can hold can be legacy text (a Unicode Vietnamese line
    almost always has one: ơ, ư, đ, ạ, ...); the others are kept as they are. The second
    item names the conversion made (None when nothing was converted).
    """
    lines = text.split("\n")
    legacy = [i for i, line in enumerate(lines) if not line.isascii() and _is_windows_text(line)]
    if not legacy:
        return text, None
    sample = "\n".join(lines[i] for i in legacy)
    best_encoding, best_score = None, vietnamese_score(sample)
    for encoding in (TCVN3, VNI):
        score = vietnamese_score(_convert_lines(sample, encoding))
        if score > best_score * 1.5 + 1:
            best_encoding, best_score = encoding, score
    if best_encoding is None:
        return text, None
    for i in legacy:
        lines[i] = _convert_lines(lines[i], best_encoding)
    return "\n".join(lines), best_encoding


def _convert_lines(text: str, encoding: str) -> str:
    return from_tcvn3_lines(text) if encoding == TCVN3 else from_vni(text)


def _is_windows_text(line: str) -> bool:
    """True for a line Windows-1252 can hold: legacy text, curly quotes and dashes included."""
    try:
        line.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def from_tcvn3_lines(text: str) -> str:
    """Convert TCVN3 text whose lines typed in capitals (.VnTimeH) come out in capitals too."""
    lines = []
    for line in text.split("\n"):
        ascii_letters = [c for c in line if c.isascii() and c.isalpha()]
        capitals = bool(ascii_letters) and all(c.isupper() for c in ascii_letters)
        lines.append(from_tcvn3(line, capitals=capitals))
    return "\n".join(lines)
