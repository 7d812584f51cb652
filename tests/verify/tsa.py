"""A timestamp authority (RFC 3161) on loopback for the tests: pyHanko's in-process stamper
behind an HTTP server, with a certificate a CA of the tests issues."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from chibo_flow.documents.certificates import KEY_SIZE, Issuer
from tests.verify.support import answering_posts

REPLY_TYPE = "application/timestamp-reply"


def _tsa_certificate(issuer: Issuer) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    now = datetime.now(UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA thử nghiệm")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(issuer.key, hashes.SHA256())
    )
    return key, certificate


@contextmanager
def timestamp_authority(issuer: Issuer, at: datetime) -> Iterator[str]:
    """A TSA whose certificate `issuer` issued, stamping every request with the time `at`;
    its URL."""
    key, certificate = _tsa_certificate(issuer)
    der = serialization.Encoding.DER
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(der)),
        tsa_key=keys.PrivateKeyInfo.load(key.private_bytes(
            der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        certs_to_embed=[asn1_x509.Certificate.load(issuer.certificate.public_bytes(der))],
        fixed_dt=at,
    )  # fmt: skip

    def stamp(body: bytes) -> bytes:
        return stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()

    with answering_posts(stamp, REPLY_TYPE) as url:
        yield url
