"""Files that are not a readable document get one clear Vietnamese message, never a crash."""

import functools
import io
import random
import zipfile

import docx
import pytest

from chibo_flow import messages
from chibo_flow.documents.parse import DocumentError, parse_docx, parse_upload
from chibo_flow.documents.reading import MAX_UPLOAD_BYTES, OLE_SIGNATURE, TOO_LARGE_MESSAGE
from chibo_flow.security.limits import MAX_DOCUMENT_CHARS, MAX_SOURCE_CHARS, count_text

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@functools.cache
def _zip_of_zeros(megabytes: int) -> bytes:
    """A small deflated zip whose document.xml inflates to `megabytes` MiB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            for _ in range(megabytes):
                member.write(bytes(1024 * 1024))
    return out.getvalue()


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("ghi-chu.txt", "Chi bộ họp ngày 05/01.")
    return out.getvalue()


BAD_FILES = [
    ("empty", b"", "x.docx", messages.FILE_EMPTY),
    ("empty-text", b"", "x.txt", messages.FILE_EMPTY),
    ("blank-text", b" \r\n\t\n", "x.txt", messages.FILE_EMPTY),
    ("too-large", b"a" * (MAX_UPLOAD_BYTES + 1), "x.txt", TOO_LARGE_MESSAGE),
    ("png-named-docx", PNG, "x.docx", messages.FILE_NOT_DOCUMENT),
    ("png-named-txt", PNG, "x.txt", messages.FILE_NOT_DOCUMENT),
    (
        "broken-pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n",
        "x.txt",
        messages.FILE_PDF_UNREADABLE,
    ),
    ("random-binary", random.Random(0).randbytes(4096), "x.bin", messages.FILE_NOT_DOCUMENT),
    ("text-named-docx", "KẾ HOẠCH".encode(), "ke-hoach.docx", messages.FILE_NOT_DOCUMENT),
    (
        "legacy-doc",
        OLE_SIGNATURE + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(512),
        "x.doc",
        messages.FILE_DOC_UNREADABLE,
    ),
    (
        "encrypted-docx",
        OLE_SIGNATURE + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(512),
        "x.docx",
        messages.FILE_ENCRYPTED,
    ),
    ("zip-bomb-60mb", _zip_of_zeros(60), "x.docx", messages.FILE_ZIP_BOMB),
    ("zip-bomb-ratio", _zip_of_zeros(20), "x.docx", messages.FILE_ZIP_BOMB),
    ("corrupt-zip", b"PK\x03\x04" + bytes(range(256)) * 8, "x.docx", messages.FILE_NOT_DOCUMENT),
    ("truncated-docx", _docx_bytes()[:3000], "x.docx", messages.FILE_NOT_DOCUMENT),
    ("zip-not-docx", _plain_zip(), "x.docx", messages.FILE_NOT_DOCUMENT),
    (
        "not-utf8-nor-1258",
        "Chi bộ".encode() + b" \x81\x8d\x8e\x90",
        "x.txt",
        messages.FILE_BAD_ENCODING,
    ),
    ("bad-utf16", b"\xff\xfe" + b"\x00\xd8A\x00", "x.txt", messages.FILE_BAD_ENCODING),
]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_upload_gets_its_message(data, filename, message):
    with pytest.raises(DocumentError) as error:
        parse_upload(data, filename)
    assert error.value.message == message
    assert str(error.value) == message


def test_the_zip_bomb_is_small_on_disk():
    assert len(_zip_of_zeros(60)) < 200 * 1024


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", messages.FILE_EMPTY),
        (OLE_SIGNATURE + bytes(600), messages.FILE_DOC_UNREADABLE),
        (_zip_of_zeros(60), messages.FILE_ZIP_BOMB),
        ("KẾ HOẠCH".encode(), messages.FILE_NOT_DOCUMENT),
    ],
    ids=["empty", "legacy-doc", "zip-bomb", "plain-text"],
)
def test_parse_docx_refuses_the_same_files(data, message):
    with pytest.raises(DocumentError) as error:
        parse_docx(data)
    assert error.value.message == message


def test_a_file_far_longer_than_a_programme_is_refused_before_its_structure_is_read(seed_text):
    """4 MB of real text within the upload limit: it could never be kept (MAX_DOCUMENT_CHARS),
    and reading its structure kept a web worker busy for 5-20 s before saying so."""
    text = "\n".join([seed_text] * (MAX_SOURCE_CHARS // len(seed_text) + 2))
    data = text.encode()
    assert len(data) <= MAX_UPLOAD_BYTES
    with pytest.raises(DocumentError) as refused:
        parse_upload(data, "chuong-trinh.txt")
    said = messages.DOCUMENT_TOO_LONG.split("{count}")[0].format(
        limit=count_text(MAX_DOCUMENT_CHARS)
    )
    assert refused.value.message.startswith(said)
