"""PAdES signatures of the final copy: signing it with the deployment's certificate, and reading
the signatures of any PDF back against the configured trust anchors.

One signing certificate per deployment, from configuration (chibo_flow.config): a PKCS#12 file and
its passphrase (`SIGNING_PKCS12_PATH`, `SIGNING_PKCS12_PASSPHRASE`), or a key on a PKCS#11 token
or HSM (`SIGNING_PKCS11_LIB`, `SIGNING_PKCS11_TOKEN`, `SIGNING_PKCS11_KEY_LABEL`,
`SIGNING_PKCS11_CERT_LABEL`, `SIGNING_PKCS11_PIN`). PAdES B-B, or B-T when `SIGNING_TSA_URL`
names an RFC 3161 timestamp authority; when the certificate names where its CA publishes
revocations (a CRL distribution point, an OCSP responder), the signature carries that
revocation information in the document security store of its own revision (B-LT, with B-T).
The signature is an incremental update: the signed file begins with the rendered PDF byte for
byte.

Revocations are read from the CRLs the file carries and from those the deployment has
(`SIGNING_CRLS`, kept fresh by whoever publishes them, e.g. the demo CA's file), offline: a
certificate revoked by either is reported as such.
"""

import functools
import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import pypdf
from asn1crypto import crl, pem, x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    ModificationLevel,
    ReferenceUpdate,
    StandardDiffPolicy,
    WhitelistRule,
)
from pyhanko.sign.general import SigningError
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.stamp import TextStamp, TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from chibo_flow import messages
from chibo_flow.documents.format import PAGE
from chibo_flow.timefmt import to_local
from chibo_flow.workflow import WorkflowError

FIELD_NAME = "ChuKySoCoQuan"
# Signatures a PDF may name to be checked: an issued copy carries one (an externally signed one
# a few more); each costs a certificate chain and a digest of the whole file.
MAX_SIGNATURES = 10
STAMP_FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
STAMP_FONT_SIZE = 8
# Unicode ranges the block's text may use: Latin with Vietnamese letters and combining marks.
STAMP_CHARACTERS = [(0x20, 0x250), (0x300, 0x324), (0x1EA0, 0x1F00), (0x2010, 0x2030)]
STAMP_SIZE_PT = (190, 40)  # width, height of the visible signature block
STAMP_TEXT = "Ký số bởi: %(signer)s\nCơ quan: %(org)s\nThời gian ký: %(when)s"
MM = 72 / 25.4  # PDF points per millimetre
SIGNATURE_ROOM, SIGNATURE_ROOM_TSA = 16 * 1024, 32 * 1024  # bytes reserved for the CMS
# The revocation information goes into the signature's own revision (no VRI dictionary, which
# would need the signature's bytes): the signed file is one revision over the rendering.
DSS_WITH_SIGNATURE = DSSContentSettings(
    placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False
)
SIGNER_ANCHOR = "party-doc__signer"  # templates/documents/print.css
STAMP_GAP_PT = 6  # between the block and the signer's name below it
VIEWER_STAMP_TOP_MM = 8  # the viewer's stamp of a "mật" copy: this far below the page's top
PRINTED, LOCKED = 4, 128  # annotation flags: printed with the page, not movable in a reader
# Catalog entries a signing tool writes: the signature field, permissions, metadata, LTV data.
SIGNING_CATALOG_KEYS = {"/AcroForm", "/Perms", "/Metadata", "/DSS", "/Extensions"}
# Changes after signing that leave the signed content as it was shown (notes, filled fields).
ANNOTATION_LEVELS = (ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING,
                     ModificationLevel.ANNOTATIONS)  # fmt: skip


class AnnotationAdditionRule(WhitelistRule):
    """Allows what a reader does when it adds a note: pages whose only change is more entries in
    /Annots, and new (non-widget) annotations with the new objects they reference. pyHanko's
    default policy explains no annotation and would call a sticky note an arbitrary change."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterator[ReferenceUpdate]:
        xrefs = new.reader.xrefs

        def existed(ref: generic.Reference) -> bool:
            return xrefs.get_historical_ref(ref, old.revision) is not None

        for ref in xrefs.explicit_refs_in_revision(new.revision):
            page = new(ref)
            if not existed(ref) or not isinstance(page, generic.DictionaryObject):
                continue
            if not _only_annotations_added(old(ref), page):
                continue
            yield ReferenceUpdate(ref)
            for note in _raw_annotations(page) - _raw_annotations(old(ref)):
                if not isinstance(note, generic.IndirectObject) or existed(note.reference):
                    continue
                if note.get_object().get("/Subtype") != "/Widget":
                    yield from map(ReferenceUpdate, _new_references(note, existed))


def _raw_annotations(page: generic.DictionaryObject) -> set:
    annotations = page.get("/Annots")
    return set(annotations) if isinstance(annotations, generic.ArrayObject) else set()


def _only_annotations_added(before, after) -> bool:
    """`after` is the page `before` with annotations added to its /Annots, nothing else changed."""
    return (
        _same_except(before, after, {"/Annots"})
        and after.get("/Type") == "/Page"
        and _raw_annotations(before) <= _raw_annotations(after)
    )


def _only_signature_widgets_added(before, after) -> bool:
    """`after` is the page `before` with widgets added to its /Annots (a signature's: no action
    of their own, /A or /AA, and nothing else)."""
    added = _raw_annotations(after) - _raw_annotations(before)
    return _only_annotations_added(before, after) and all(
        isinstance(widget := annotation.get_object(), generic.DictionaryObject)
        and widget.get("/Subtype") == "/Widget"
        and not {"/A", "/AA"} & set(widget)
        for annotation in added
    )


def _new_references(start: generic.IndirectObject, existed) -> Iterator[generic.Reference]:
    """`start` and every object it reaches through references that did not exist before."""
    pending, seen = [start], set()
    while pending:
        item = pending.pop()
        if isinstance(item, generic.IndirectObject):
            if item.reference in seen or existed(item.reference):
                continue
            seen.add(item.reference)
            yield item.reference
            item = item.get_object()
        if isinstance(item, generic.DictionaryObject):
            pending.extend(item.raw_get(k) for k in item if k not in ("/P", "/Parent"))
        elif isinstance(item, generic.ArrayObject):
            pending.extend(item)


# pyHanko's default rules, and notes added after signing reported at the ANNOTATIONS level.
DIFF_POLICY = StandardDiffPolicy(
    global_rules=[
        *DEFAULT_DIFF_POLICY.global_rules,
        AnnotationAdditionRule().as_qualified(ModificationLevel.ANNOTATIONS),
    ],
    form_rule=DEFAULT_DIFF_POLICY.form_rule,
)


class SigningNotConfigured(WorkflowError):
    """No signing certificate is configured (or its file is missing): the copy cannot be issued
    (503 with the reason, wherever it is asked for; a Celery task fails and is retried)."""

    status = 503
    code = "signing_not_configured"

    def __init__(self, message: str = messages.SIGNING_NOT_CONFIGURED) -> None:
        super().__init__(message)


@functools.cache
def _stamp_font() -> bytes:
    """Liberation Serif's Latin and Vietnamese letters rescaled to 1000 units per em, once per
    process (~0.3 s): pyHanko writes glyph widths in font units where PDF expects thousandths of
    an em, so a font of 2048 units (as Liberation's) would be spaced twice too wide."""
    font = TTFont(STAMP_FONT)
    options = subset.Options()
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for first, last in STAMP_CHARACTERS for c in range(first, last)])
    subsetter.subset(font)
    scale_upem(font, 1000)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class _StampFont(GlyphAccumulatorFactory):
    """pyHanko's font factory, fed the rescaled font (see _stamp_font)."""

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(_stamp_font()),
                                font_size=self.font_size, obj_stream=obj_stream)  # fmt: skip


# --- signing -----------------------------------------------------------------------------------


@contextmanager
def configured_signer(config: Mapping[str, Any]) -> Iterator[signers.Signer]:
    """The deployment's signer: from the PKCS#11 token when a library is configured, else from
    the PKCS#12 file; raises SigningNotConfigured when neither is there."""
    if config.get("SIGNING_PKCS11_LIB"):
        session = open_pkcs11_session(
            config["SIGNING_PKCS11_LIB"],
            token_criteria=TokenCriteria(label=config.get("SIGNING_PKCS11_TOKEN") or None),
            user_pin=config.get("SIGNING_PKCS11_PIN") or None,
        )
        try:
            yield PKCS11Signer(
                session,
                key_label=config.get("SIGNING_PKCS11_KEY_LABEL") or None,
                cert_label=config.get("SIGNING_PKCS11_CERT_LABEL")
                or config.get("SIGNING_PKCS11_KEY_LABEL")
                or None,
                other_certs_to_pull=None,
            )
        finally:
            session.close()
        return
    path = config.get("SIGNING_PKCS12_PATH")
    if not path or not Path(path).is_file():
        raise SigningNotConfigured()
    passphrase = config.get("SIGNING_PKCS12_PASSPHRASE") or ""
    signer = _pkcs12_signer(path, Path(path).stat().st_mtime_ns, passphrase)
    if signer is None:
        raise SigningNotConfigured()
    yield signer


@functools.lru_cache(maxsize=4)
def _pkcs12_signer(path: str, modified_ns: int, passphrase: str) -> signers.SimpleSigner | None:
    """The PKCS#12 file opened once per process and version of the file: decrypting it costs
    ~0.1 s (its key derivation is slow on purpose), more than the signature itself."""
    loaded = signers.SimpleSigner.load_pkcs12(path, passphrase=passphrase.encode() or None)
    if loaded is None:
        return None
    return _ParsedKeySigner(loaded.signing_cert, loaded.signing_key, loaded.cert_registry)


class _ParsedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner with its RSA key parsed once: SimpleSigner parses (and checks) the
    key again for every signature, ~80 ms for RSA-2048; other keys go through SimpleSigner."""

    @functools.cached_property
    def _private_key(self) -> PrivateKeyTypes:
        return serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        key = self._private_key
        if mechanism.signature_algo == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm, dry_run)


def sign_pdf(pdf: bytes, organisation: str, config: Mapping[str, Any]) -> bytes:
    """`pdf` signed PAdES by the configured certificate, with a visible block (signer, org,
    time) in the signature area of the last page; timestamped when a TSA is configured, with
    the certificate's revocation status when it names a source. Raises SigningNotConfigured
    when the certificate is revoked or its status cannot be had."""
    with configured_signer(config) as signer:
        tsa_url = config.get("SIGNING_TSA_URL")
        context = _signing_context(signer, config)
        metadata = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=messages.SIGNING_REASON,
            use_pades_lta=False,
            embed_validation_info=context is not None,
            validation_context=context,
            dss_settings=DSS_WITH_SIGNATURE,
        )
        style = TextStampStyle(
            stamp_text=STAMP_TEXT,
            text_box_style=TextBoxStyle(
                font=_StampFont(STAMP_FONT, font_size=STAMP_FONT_SIZE),
                font_size=STAMP_FONT_SIZE,
            ),
            border_width=1,
            background=None,
        )
        page, box = stamp_box(pdf)
        pdf_signer = signers.PdfSigner(
            metadata,
            signer=signer,
            timestamper=HTTPTimeStamper(tsa_url) if tsa_url else None,
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=page, box=box),
        )
        text = {
            "signer": common_name(signer.signing_cert),
            "org": organisation,
            "when": to_local(datetime.now(UTC)).strftime("%d/%m/%Y %H:%M"),
        }
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        # Room for the CMS (certificates, and the timestamp token), so pyHanko need not sign
        # a dummy first to measure it.
        reserved = SIGNATURE_ROOM_TSA if tsa_url else SIGNATURE_ROOM
        try:
            signed = pdf_signer.sign_pdf(
                writer, appearance_text_params=text, bytes_reserved=reserved
            )
        except SigningError as error:
            if context is None:
                raise
            raise SigningNotConfigured(messages.SIGNING_CERTIFICATE_NOT_VALID) from error
        return signed.getvalue()


def stamp_viewer(pdf: bytes, text: str) -> bytes:
    """`pdf` with `text` (whose copy this is) printed in the top margin of every page, as stamp
    annotations in an incremental update: the signed revision stays intact, and reading the
    signatures back reports a note added after signing (`annotations_only`), not a change."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    style = TextStampStyle(
        stamp_text="%(text)s",
        text_box_style=TextBoxStyle(
            font=_StampFont(STAMP_FONT, font_size=STAMP_FONT_SIZE), font_size=STAMP_FONT_SIZE
        ),
        border_width=0,
        background=None,
    )
    stamp = TextStamp(writer, style, text_params={"text": text})
    appearance = stamp.as_appearances().as_pdf_object()
    width, height = stamp.box.width, stamp.box.height
    left = PAGE.margin_left_mm * MM
    for index in range(int(writer.root["/Pages"]["/Count"])):
        page_ref, _ = writer.find_page_for_modification(index)
        page = page_ref.get_object()
        top = float(page["/MediaBox"][3]) - VIEWER_STAMP_TOP_MM * MM
        note = generic.DictionaryObject({
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Stamp"),
            generic.pdf_name("/Rect"): generic.ArrayObject(
                generic.FloatObject(v) for v in (left, top - height, left + width, top)
            ),
            generic.pdf_name("/Contents"): generic.TextStringObject(text),
            generic.pdf_name("/F"): generic.NumberObject(PRINTED | LOCKED),
            generic.pdf_name("/AP"): appearance,
        })  # fmt: skip
        notes = list(page.get("/Annots", []))
        page[generic.pdf_name("/Annots")] = generic.ArrayObject([*notes, writer.add_object(note)])
        writer.update_container(page)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _signing_context(signer: signers.Signer, config: Mapping[str, Any]) -> ValidationContext | None:
    """How the signer's certificate is checked and its revocation status gathered before
    signing: None when the certificate names no revocation source (PAdES B-B). The CRLs of
    SIGNING_CRLS serve for the CAs they cover; the others are fetched from the certificate's
    sources (its CRL distribution points, its OCSP responder), as are the TSA's, whose chain
    pyHanko checks too (its root must then be among SIGNING_TRUST_ANCHORS). A CRL of
    SIGNING_CRLS past its next update is passed over (the current one is fetched instead), so
    a file nobody refreshed never stops the signing while the CA's address answers. Status that
    cannot be had fails the signing (hard-fail): the task is retried rather than the copy
    issued without it."""
    certificate = signer.signing_cert
    if not (certificate.crl_distribution_points or certificate.ocsp_urls):
        return None
    published = [c for c in published_crls(config) if _current(c)]
    covered = any(c["tbs_cert_list"]["issuer"] == certificate.issuer for c in published)
    chain = list(signer.cert_registry or [])
    roots = trust_anchors(config) + [c for c in chain if c.self_signed != "no"]
    fetching = not covered or bool(config.get("SIGNING_TSA_URL"))
    return ValidationContext(trust_roots=roots, other_certs=chain, crls=published,
                             allow_fetching=fetching, revocation_mode="hard-fail")  # fmt: skip


def stamp_box(pdf: bytes) -> tuple[int, tuple[float, float, float, float]]:
    """Where the visible signature goes: (page index, box in PDF points). In the room left above
    the signer's name for a handwritten signature (found by the named destination the print
    stylesheet puts there), centred on the signature column; without a name, in the bottom
    margin of the last page."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text_width = PAGE.width_mm - PAGE.margin_left_mm - PAGE.margin_right_mm
    column_left = (PAGE.margin_left_mm + text_width * PAGE.left_column) * MM
    centre = (column_left + (PAGE.width_mm - PAGE.margin_right_mm) * MM) / 2
    width, height = STAMP_SIZE_PT
    left, right = centre - width / 2, centre + width / 2
    signer = reader.named_destinations.get(SIGNER_ANCHOR)
    if signer is not None and signer.top is not None:
        bottom = float(signer.top) + STAMP_GAP_PT
        return reader.get_destination_page_number(signer), (left, bottom, right, bottom + height)
    bottom = 2 * MM
    return len(reader.pages) - 1, (left, bottom, right, bottom + height)


def common_name(certificate: x509.Certificate) -> str:
    """The CN of a certificate's subject (its whole subject when it has none)."""
    subject = certificate.subject.native
    return subject.get("common_name") or certificate.subject.human_friendly


# --- reading signatures back -------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureCheck:
    """One embedded signature as validated: what the verify page and API report."""

    valid: bool  # the signature is intact over the revision it signs
    trusted: bool  # the signer's certificate chains to a trust anchor and is not revoked
    revoked: bool  # the signer's certificate (or a CA above it) is revoked
    signer: str
    signed_at: datetime | None
    changed_after_signing: bool  # later revisions were appended
    annotations_only: bool  # ...and they only add notes or fill fields (False if unchanged)
    signed_revision: bytes  # the file as it was when signed


def trust_anchors(config: Mapping[str, Any]) -> list[x509.Certificate]:
    """The certificates of SIGNING_TRUST_ANCHORS (PEM files, each holding one or more)."""
    return [x509.Certificate.load(der) for der in _der_blocks(config, "SIGNING_TRUST_ANCHORS")]


def published_crls(config: Mapping[str, Any]) -> list[crl.CertificateList]:
    """The CRLs of SIGNING_CRLS (DER or PEM files)."""
    return [crl.CertificateList.load(der) for der in _der_blocks(config, "SIGNING_CRLS")]


def _current(revocations: crl.CertificateList) -> bool:
    """Whether a CRL is still in force: its CA's next update is not yet due."""
    next_update = revocations["tbs_cert_list"]["next_update"].native
    return next_update is None or next_update > datetime.now(UTC)


def _der_blocks(config: Mapping[str, Any], key: str) -> Iterator[bytes]:
    """The DER objects in the files a setting lists (PEM, one or more blocks each, or DER);
    a missing file is skipped."""
    for path in config.get(key) or []:
        file = Path(path)
        if not file.is_file():
            continue
        data = file.read_bytes()
        if pem.detect(data):
            yield from (der for _, _, der in pem.unarmor(data, multiple=True))
        else:
            yield data


@dataclass(frozen=True)
class SignedFile:
    """A PDF opened once for its signatures: pyHanko's reader, the signatures it names (earliest
    first, at most MAX_SIGNATURES; none validated yet) and the file's bytes."""

    reader: PdfFileReader
    signatures: list[EmbeddedPdfSignature]
    data: bytes

    def signed_revision_end(self, signature: EmbeddedPdfSignature) -> int:
        """Where the revision `signature` covers ends: the file up to there is what was signed."""
        *_, start, length = signature.byte_range
        return start + length


def open_signed(data: bytes) -> SignedFile | None:
    """`data` read for its signatures without validating any; None when it is not a readable
    PDF or names more than MAX_SIGNATURES signatures (none issued here does; each one a
    checker validates costs a certificate chain and a digest of the whole file)."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(islice(reader.embedded_signatures, MAX_SIGNATURES + 1))
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError):
        return None
    return SignedFile(reader, embedded, data) if len(embedded) <= MAX_SIGNATURES else None


def check_signatures(
    signed: SignedFile, config: Mapping[str, Any], chosen: list[EmbeddedPdfSignature]
) -> list[SignatureCheck] | None:
    """The signatures `chosen` of `signed` validated offline against the trust anchors and the
    revocations known (the file's own and SIGNING_CRLS); None when the file's security store
    cannot be read."""
    if not chosen:
        return []
    try:
        context = _validation_context(signed.reader, config)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError):
        return None
    return [_check(signature, context, signed) for signature in chosen]


def read_signatures(data: bytes, config: Mapping[str, Any]) -> list[SignatureCheck] | None:
    """The signatures of a PDF, earliest first, each validated (check_signatures) ([] for an
    unsigned PDF); None when `data` is not a readable PDF or names more than MAX_SIGNATURES
    signatures. A checker that needs one of them opens the file (open_signed) and validates
    that one alone."""
    signed = open_signed(data)
    return None if signed is None else check_signatures(signed, config, signed.signatures)


def _validation_context(reader: PdfFileReader, config: Mapping[str, Any]) -> ValidationContext:
    """Offline validation against the trust anchors, with the file's document security store
    (certificates, CRLs, OCSP responses) and the deployment's published CRLs."""
    settings = {"trust_roots": trust_anchors(config), "crls": published_crls(config),
                "allow_fetching": False, "revocation_mode": "soft-fail"}  # fmt: skip
    try:
        return DocumentSecurityStore.read_dss(reader).as_validation_context(settings)
    except NoDSSFoundError:
        return ValidationContext(**settings)


def _check(signature: EmbeddedPdfSignature, context: ValidationContext, signed: SignedFile
           ) -> SignatureCheck:  # fmt: skip
    end = signed.signed_revision_end(signature)
    signed_revision = signed.data[:end]
    changed = end < len(signed.data)
    try:
        status = validate_pdf_signature(signature, context, diff_policy=DIFF_POLICY)
    except (SigningError, PdfReadError, ValueError, KeyError, TypeError):
        # A malformed signature: nothing it claims can be relied on.
        return SignatureCheck(False, False, False, "", None, changed, False, signed_revision)
    signed_at = status.timestamp_validity.timestamp if status.timestamp_validity else None
    valid = bool(status.intact and status.valid)
    return SignatureCheck(
        valid=valid,
        trusted=valid and bool(status.trusted),
        revoked=valid and status.revoked,
        signer=common_name(status.signing_cert),
        signed_at=signed_at or status.signer_reported_dt,
        changed_after_signing=changed,
        annotations_only=changed and status.modification_level in ANNOTATION_LEVELS,
        signed_revision=signed_revision,
    )


def only_signed_since(signed_revision: bytes, base: bytes) -> bool:
    """Whether `signed_revision` is `base` followed by revisions that change none of its objects
    beyond what signing writes: the catalog's form and metadata entries, the document info,
    widgets (the signature's) without actions added to pages; new objects are free, since only
    these entries can reach them. A note or a link added is content the approval never saw."""
    if not signed_revision.startswith(base):
        return False
    try:
        base_revision = PdfFileReader(io.BytesIO(base), strict=False).xrefs.total_revisions - 1
        reader = PdfFileReader(io.BytesIO(signed_revision), strict=False)
        old = reader.get_historical_resolver(base_revision)
        xrefs = reader.xrefs
        info = reader.trailer.raw_get("/Info") if "/Info" in reader.trailer else None
        for revision in range(base_revision + 1, xrefs.total_revisions):
            new = reader.get_historical_resolver(revision)
            for ref in xrefs.explicit_refs_in_revision(revision):
                if xrefs.get_historical_ref(ref, base_revision) is None:
                    continue  # a new object
                if isinstance(info, generic.IndirectObject) and ref == info.reference:
                    continue
                before, after = old(ref), new(ref)
                if not (_same_except(before, after, SIGNING_CATALOG_KEYS)
                        or _only_signature_widgets_added(before, after)):  # fmt: skip
                    return False
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError):
        return False
    return True


def _same_except(before, after, keys: set[str]) -> bool:
    """Two dictionaries equal but for `keys`."""
    if not isinstance(before, generic.DictionaryObject) or not isinstance(
        after, generic.DictionaryObject
    ):
        return False
    if set(before) - keys != set(after) - keys:
        return False
    return all(before.raw_get(k) == after.raw_get(k) for k in set(before) - keys)
