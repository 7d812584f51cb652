"""An OCSP responder (RFC 6960) on loopback for the tests: the CA answers for the certificates
it issued, "good" unless their serial number is in `revoked`, and signs with its own key."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from chibo_flow.documents.certificates import Issuer
from tests.verify.support import answering_posts

RESPONSE_TYPE = "application/ocsp-response"


@dataclass
class Responder:
    """The responder's URL, the serial numbers it is to call revoked (changeable while it
    runs) and those it was asked about."""

    url: str
    revoked: set[int] = field(default_factory=set)
    asked: list[int] = field(default_factory=list)


def answer(issuer: Issuer, request: ocsp.OCSPRequest, revoked: set[int]) -> bytes:
    """The CA's signed answer to `request` (DER), its nonce echoed."""
    now = datetime.now(UTC).replace(microsecond=0)
    is_revoked = request.serial_number in revoked
    builder = (
        ocsp.OCSPResponseBuilder()
        .add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=request.serial_number,
            algorithm=request.hash_algorithm,
            cert_status=ocsp.OCSPCertStatus.REVOKED if is_revoked else ocsp.OCSPCertStatus.GOOD,
            this_update=now - timedelta(minutes=5),
            next_update=now + timedelta(days=1),
            revocation_time=now - timedelta(hours=1) if is_revoked else None,
            revocation_reason=x509.ReasonFlags.key_compromise if is_revoked else None,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, issuer.certificate)
    )
    for extension in request.extensions:
        if isinstance(extension.value, x509.OCSPNonce):
            builder = builder.add_extension(extension.value, critical=False)
    response = builder.sign(issuer.key, hashes.SHA256())
    return response.public_bytes(serialization.Encoding.DER)


@contextmanager
def ocsp_responder(issuer: Issuer) -> Iterator[Responder]:
    """The OCSP responder of `issuer`, running until the block ends."""
    responder = Responder(url="")

    def respond(body: bytes) -> bytes:
        request = ocsp.load_der_ocsp_request(body)
        responder.asked.append(request.serial_number)
        return answer(issuer, request, responder.revoked)

    with answering_posts(respond, RESPONSE_TYPE) as url:
        responder.url = url
        yield responder
