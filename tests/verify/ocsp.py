"""An OCSP responder (RFC 6960) on loopback for the tests: the CA answers for the certificates
it issued, "good" unless their serial number is in `revoked`, and signs with its own key."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from chibo_flow.documents.certificates import Issuer

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

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            request = ocsp.load_der_ocsp_request(body)
            responder.asked.append(request.serial_number)
            reply = answer(issuer, request, responder.revoked)
            self.send_response(200)
            self.send_header("Content-Type", RESPONSE_TYPE)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format, *args) -> None:  # noqa: A002 (http.server's name)
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    responder.url = f"http://127.0.0.1:{server.server_port}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield responder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
