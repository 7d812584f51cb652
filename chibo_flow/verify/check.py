"""Whether an uploaded PDF is an issued final copy: by its signature, else (unsigned legacy
copies) byte for byte. The one judgement behind the verify page and POST /api/v1/verify.

A signed copy is genuine when the revision its signature covers is, byte for byte, a copy this
system issued (so the signature is intact) and whatever was appended after signing only adds notes
or fills fields. The copy it claims to be is found by that match, else by the verification code
printed in its footer.

Whoever holds a code or a file learns whether it is genuine, its issuer, number and date; the
title (trích yếu) too, but never of a "mật" document, whose trích yếu is itself secret.
"""

import hashlib
import io
import re
from dataclasses import dataclass

import pypdf
from flask import current_app
from pypdf.errors import PyPdfError
from sqlalchemy import select

from chibo_flow.documents.final_copy import final_copy_by_code
from chibo_flow.documents.format import SECRET
from chibo_flow.documents.signing import SignatureCheck, check_signatures, open_signed
from chibo_flow.extensions import db
from chibo_flow.models import FinalCopy, Programme

PRINTED_CODE = re.compile(r"Mã xác thực:\s*([A-Z2-7]{10,16})")
# Bounds on reading the last page of an upload for its printed code: decoded bytes of one
# stream (whatever its filter) and of a page's contents, and operands parsed.
_PAGE_BYTES = 1024 * 1024
PRINTED_PAGE_LIMITS = {
    "zlib_maximum_output_length": _PAGE_BYTES,
    "lzw_maximum_output_length": _PAGE_BYTES,
    "run_length_maximum_output_length": _PAGE_BYTES,
    "brotli_maximum_output_length": _PAGE_BYTES,
    "array_based_stream_maximum_output_length": _PAGE_BYTES,
    "stream_parsing_work_maximum_count": 200_000,
}


@dataclass(frozen=True)
class Verdict:
    """What a check found: whether the file is genuine, which issued copy it is (or claims to
    be), and its signature (None for an unsigned or unreadable file)."""

    readable: bool
    genuine: bool
    final_copy: FinalCopy | None
    signature: SignatureCheck | None
    other_copy: bool = False  # genuine, but of another document than the one expected


def check_copy(data: bytes, expected: FinalCopy | None = None) -> Verdict:
    """Judge `data` against the issued copies (against `expected` when the page of a code asks).

    The file is read once; of its signatures only the one the verdict rests on is validated:
    the latest whose signed revision is an issued copy, else the latest (an upload may name up
    to MAX_SIGNATURES, each costing a chain, a digest of the whole file and a comparison of
    every revision after it)."""
    signed = open_signed(data)
    if signed is None:
        return Verdict(readable=False, genuine=False, final_copy=expected, signature=None)
    if not signed.signatures:
        match = _issued_with_sha256(hashlib.sha256(data).hexdigest())
        return _verdict(match, expected, None, data, genuine=match is not None)
    chosen, match = signed.signatures[-1], None
    view = memoryview(data)
    for candidate in reversed(signed.signatures):
        revision = view[: signed.signed_revision_end(candidate)]
        match = _issued_with_sha256(hashlib.sha256(revision).hexdigest())
        if match is not None:
            chosen = candidate
            break
    checked = check_signatures(signed, current_app.config, [chosen])
    if checked is None:
        return Verdict(readable=False, genuine=False, final_copy=expected, signature=None)
    (signature,) = checked
    unchanged = not signature.changed_after_signing or signature.annotations_only
    genuine = match is not None and signature.valid and unchanged
    return _verdict(match, expected, signature, data, genuine=genuine)


def _verdict(match, expected, signature, data: bytes, genuine: bool) -> Verdict:
    claimed = expected or match or _printed_copy(data)
    other = match is not None and expected is not None and match.id != expected.id
    return Verdict(True, genuine and not other, claimed, signature, other_copy=other)


def public_title(programme: Programme) -> str | None:
    """The trích yếu the verification page and API may show: None for a "mật" document."""
    return None if programme.secrecy == SECRET else programme.title


def _issued_with_sha256(digest: str) -> FinalCopy | None:
    return db.session.scalar(select(FinalCopy).where(FinalCopy.sha256 == digest))


def _printed_copy(data: bytes) -> FinalCopy | None:
    """The issued copy whose verification code the file's last page prints, if readable within
    PRINTED_PAGE_LIMITS (a page of ours is tens of kilobytes; a public upload must not make
    this read a decompression bomb of a page)."""
    try:
        with pypdf.apply_configuration(**PRINTED_PAGE_LIMITS):
            pages = pypdf.PdfReader(io.BytesIO(data)).pages
            text = pages[-1].extract_text() if pages else ""
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError):
        return None
    found = PRINTED_CODE.search(text or "")
    return final_copy_by_code(found.group(1)) if found else None
