"""Certificates made here: a CA and a signing certificate it issues, written as a PEM trust
anchor and a PKCS#12 file, and the CA's certificate revocation list (CRL) when the certificate
names where it is published. Used by `flask demo` (a demo CA with no legal value) and by the
tests; real deployments sign with the certificate their CA (e.g. the Ban Cơ yếu Chính phủ) issued.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

KEY_SIZE = 2048
CA_YEARS = 10
SIGNER_YEARS = 3
CRL_DAYS = 7  # a CRL's validity: its CA publishes the next one before then


@dataclass(frozen=True)
class Issuer:
    """A certification authority: its key and self-signed certificate."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


@dataclass(frozen=True)
class SigningFiles:
    """Where a CA's certificate (the trust anchor), a signer's PKCS#12 and the CA's CRL (None
    unless the certificate names one) were written; the signing certificate's serial number."""

    trust_anchor: Path
    pkcs12: Path
    crl: Path | None
    serial: int


def _name(common_name: str, organisation: str, unit: str | None) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
    ]
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def make_ca(common_name: str, organisation: str, unit: str | None = None) -> Issuer:
    """A new self-signed CA allowed to issue signing certificates."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    name = _name(common_name, organisation, unit)
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(sign_certificates=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issuer(key, certificate)


def issue_signing_certificate(
    issuer: Issuer, common_name: str, organisation: str, unit: str | None = None,
    crl_url: str | None = None, ocsp_url: str | None = None,
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:  # fmt: skip
    """A key and a document-signing certificate for it, issued by `issuer`; the certificate
    names `crl_url` as where its CA publishes revocations and `ocsp_url` as its CA's OCSP
    responder, when given."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation, unit))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * SIGNER_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign_certificates=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    )
    if crl_url:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    if ocsp_url:
        responder = x509.AccessDescription(
            AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
        )
        builder = builder.add_extension(
            x509.AuthorityInformationAccess([responder]), critical=False
        )
    return key, builder.sign(issuer.key, hashes.SHA256())


def make_crl(issuer: Issuer, revoked: Iterable[int] = (), days: int = CRL_DAYS) -> bytes:
    """The CA's certificate revocation list (DER), revoking the certificates of these serial
    numbers as of now, valid for `days`."""
    now = datetime.now(UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now - timedelta(minutes=1))
        .next_update(now + timedelta(days=days))
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
        .add_extension(x509.CRLNumber(int(now.timestamp() * 1000)), critical=False)
    )
    for serial in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(now - timedelta(minutes=1))
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _key_usage(sign_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not sign_certificates,
        content_commitment=not sign_certificates,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certificates,
        crl_sign=sign_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def write_signing_files(
    directory: Path, issuer: Issuer, common_name: str, organisation: str, passphrase: str,
    unit: str | None = None, stem: str = "signer", crl_url: str | None = None,
    crl_days: int = CRL_DAYS, ocsp_url: str | None = None,
) -> SigningFiles:  # fmt: skip
    """Issue a signing certificate and write `<stem>.p12` (key, certificate, CA) and the CA's
    PEM (`<stem>-ca.pem`) into `directory`, the PKCS#12 readable by the owner only; with a
    `crl_url`, the certificate names it and the CA's (empty) CRL is written as `<stem>-ca.crl`;
    with an `ocsp_url`, the certificate names it as its CA's OCSP responder."""
    directory.mkdir(parents=True, exist_ok=True)
    key, certificate = issue_signing_certificate(
        issuer, common_name, organisation, unit, crl_url, ocsp_url
    )
    bundle = pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, certificate, [issuer.certificate],
        serialization.BestAvailableEncryption(passphrase.encode()),
    )  # fmt: skip
    crl = directory / f"{stem}-ca.crl" if crl_url else None
    files = SigningFiles(directory / f"{stem}-ca.pem", directory / f"{stem}.p12", crl,
                         certificate.serial_number)  # fmt: skip
    files.trust_anchor.write_bytes(issuer.certificate.public_bytes(serialization.Encoding.PEM))
    files.pkcs12.touch(mode=0o600)
    files.pkcs12.write_bytes(bundle)
    if crl is not None:
        crl.write_bytes(make_crl(issuer, days=crl_days))
    return files
