"""Copies of an issued PDF as people and forgers make them: a note added by a PDF reader, a link
running a script, a page replaced in a later revision, a byte changed, a copy signed by someone
else's certificate."""

import io
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign import signers

from chibo_flow.documents.certificates import make_ca, write_signing_files
from chibo_flow.documents.signing import sign_pdf

OTHER_PASSPHRASE = "mat-khau-khac"


def with_note(pdf: bytes, text: str = "Đã đọc, đồng ý.") -> bytes:
    """`pdf` with a sticky note on its first page, saved incrementally (as a PDF reader does)."""
    return _with_annotation(pdf, lambda writer: generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"),
        pdf_name("/Subtype"): pdf_name("/Text"),
        pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(v) for v in (60, 760, 80, 780)),
        pdf_name("/Contents"): generic.TextStringObject(text),
    }))  # fmt: skip


def with_script_link(pdf: bytes, script: str = "app.alert('Bản này đã bị hủy')") -> bytes:
    """`pdf` with a link over its first page that runs `script` when clicked, saved
    incrementally."""
    action = generic.DictionaryObject({
        pdf_name("/S"): pdf_name("/JavaScript"),
        pdf_name("/JS"): generic.TextStringObject(script),
    })  # fmt: skip
    return _with_annotation(pdf, lambda writer: generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"),
        pdf_name("/Subtype"): pdf_name("/Link"),
        pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(v) for v in (0, 0, 595, 842)),
        pdf_name("/A"): writer.add_object(action),
    }))  # fmt: skip


def _with_annotation(pdf: bytes, annotation) -> bytes:
    """`pdf` with the annotation `annotation(writer)` builds added to its first page, saved
    incrementally."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    annotations = list(page.get("/Annots", []))
    page[pdf_name("/Annots")] = generic.ArrayObject(
        [*annotations, writer.add_object(annotation(writer))]
    )
    writer.update_container(page)
    return _written(writer)


def with_page_replaced(pdf: bytes) -> bytes:
    """`pdf` whose first page shows other text, saved incrementally after the signature."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (Forged) Tj ET")
    page[pdf_name("/Contents")] = writer.add_object(stream)
    writer.update_container(page)
    return _written(writer)


def with_byte_flipped(pdf: bytes) -> bytes:
    """`pdf` with one byte of its (signed) content changed."""
    changed = bytearray(pdf)
    changed[len(changed) // 3] ^= 0x01
    return bytes(changed)


def signed_elsewhere(pdf: bytes, directory: Path, org: str) -> bytes:
    """`pdf` signed by a certificate of a CA nobody configured as trusted."""
    ca = make_ca("CA lạ", "Tổ chức không được tin cậy")
    files = write_signing_files(directory, ca, org, org, OTHER_PASSPHRASE, stem="la")
    config = {"SIGNING_PKCS12_PATH": str(files.pkcs12),
              "SIGNING_PKCS12_PASSPHRASE": OTHER_PASSPHRASE}  # fmt: skip
    return sign_pdf(pdf, org, config)


def countersigned_elsewhere(pdf: bytes, directory: Path, org: str) -> bytes:
    """`pdf` signed once more in a field of its own, incrementally, by a certificate of a CA
    nobody configured as trusted (someone who received the copy and signed it too)."""
    ca = make_ca("CA lạ", "Tổ chức không được tin cậy")
    files = write_signing_files(directory, ca, org, org, OTHER_PASSPHRASE, stem="ky-tiep")
    signer = signers.SimpleSigner.load_pkcs12(
        str(files.pkcs12), passphrase=OTHER_PASSPHRASE.encode()
    )
    metadata = signers.PdfSignatureMetadata(field_name="KyTiep", md_algorithm="sha256")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return signers.sign_pdf(writer, metadata, signer=signer).getvalue()


def with_signature_repeated(pdf: bytes, times: int) -> bytes:
    """`pdf` with `times` more signature fields that all name its signature, saved incrementally
    (each one more signature for a checker to validate)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    form = writer.root["/AcroForm"]
    fields = form["/Fields"]
    signature = fields[0].get_object().raw_get("/V")
    for n in range(times):
        field = generic.DictionaryObject({
            pdf_name("/FT"): pdf_name("/Sig"),
            pdf_name("/T"): generic.TextStringObject(f"them-{n}"),
            pdf_name("/V"): signature,
        })  # fmt: skip
        fields.append(writer.add_object(field))
    writer.update_container(form)
    return _written(writer)


def page_of_text_runs(runs: int) -> bytes:
    """A one-page PDF whose page shows "a" `runs` times: a few kilobytes once compressed, its
    content stream a million times as long."""
    content = generic.StreamObject(
        stream_data=b"BT /F1 12 Tf 10 10 Td " + b"(a) Tj " * runs + b"ET"
    )
    content.compress()
    writer = PdfFileWriter()
    font = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"),
        pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica"),
    }))  # fmt: skip
    box = generic.ArrayObject(generic.NumberObject(v) for v in (0, 0, 600, 800))
    page = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Page"),
        pdf_name("/MediaBox"): box,
        pdf_name("/Contents"): writer.add_object(content),
        pdf_name("/Resources"): generic.DictionaryObject(
            {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})}
        ),
    })  # fmt: skip
    writer.insert_page(page)
    return _written(writer)


def _written(writer: IncrementalPdfFileWriter | PdfFileWriter) -> bytes:
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
