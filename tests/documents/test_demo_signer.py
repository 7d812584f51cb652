"""`flask demo`'s signing certificate: a demo CA and a certificate of the demo chi bộ, both
marked in their subject as having no legal value, that sign final copies trusted in development;
the CA's CRL, published by the app at the address the certificate names."""

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from chibo_flow import create_app
from chibo_flow.config import DEMO_SIGNING_PASSPHRASE, Config, ProductionConfig
from chibo_flow.demo import NO_LEGAL_VALUE, ORG, create_demo_signer
from tests.conftest import TEST_ENCRYPTION_KEY
from tests.support import config_for

PUBLIC_URL = "http://chibo.test"


def test_the_demo_ca_and_certificate_say_they_have_no_legal_value(tmp_path):
    with create_app(config_for({"PUBLIC_URL": PUBLIC_URL})).app_context():
        files = create_demo_signer(tmp_path, DEMO_SIGNING_PASSPHRASE)

    ca = x509.load_pem_x509_certificate(files.trust_anchor.read_bytes())
    units = ca.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    assert [unit.value for unit in units] == [NO_LEGAL_VALUE]
    signer = {name: value for name, value in _subject(files.pkcs12.read_bytes()).items()}
    assert signer["CN"] == ORG and signer["OU"] == NO_LEGAL_VALUE
    assert files.pkcs12.stat().st_mode & 0o077 == 0, "the key is readable by its owner only"
    with create_app(config_for({"PUBLIC_URL": PUBLIC_URL})).app_context():
        assert create_demo_signer(tmp_path, DEMO_SIGNING_PASSPHRASE) is None, "made once"


def test_the_demo_certificate_names_the_crl_the_app_publishes(tmp_path):
    with create_app(config_for({"PUBLIC_URL": PUBLIC_URL})).app_context():
        files = create_demo_signer(tmp_path, DEMO_SIGNING_PASSPHRASE)

    bundle = pkcs12.load_pkcs12(files.pkcs12.read_bytes(), DEMO_SIGNING_PASSPHRASE.encode())
    points = bundle.cert.certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints)
    (point,) = points.value
    assert [name.value for name in point.full_name] == [
        f"{PUBLIC_URL}/xac-thuc/crl/demo-signer-ca.crl"
    ]
    crl = x509.load_der_x509_crl(files.crl.read_bytes())
    assert crl.issuer == bundle.additional_certs[0].certificate.subject
    assert list(crl) == [], "nothing revoked"


def test_development_signs_with_the_demo_certificate_and_production_never_does(tmp_path):
    development = Config(str(tmp_path), env={})
    keys = {"SECRET_KEY": "s" * 64, "ENCRYPTION_KEY": TEST_ENCRYPTION_KEY}
    production = ProductionConfig(str(tmp_path), env=keys)

    assert str(tmp_path / "signing" / "demo-signer.p12") == development.SIGNING_PKCS12_PATH
    assert [str(tmp_path / "signing" / "demo-signer-ca.pem")] == development.SIGNING_TRUST_ANCHORS
    assert [str(tmp_path / "signing" / "demo-signer-ca.crl")] == development.SIGNING_CRLS
    assert str(tmp_path / "signing") == development.SIGNING_DEMO_DIR
    assert (production.SIGNING_PKCS12_PATH, production.SIGNING_TRUST_ANCHORS) == ("", [])
    assert production.SIGNING_CRLS == []
    settings = {"SIGNING_PKCS12_PATH": "/etc/chibo/ky-so.p12",
                "SIGNING_TRUST_ANCHORS": "/etc/chibo/goc.pem"}  # fmt: skip
    configured = Config(str(tmp_path), env=settings)
    assert configured.SIGNING_DEMO_DIR is None
    assert configured.SIGNING_TRUST_ANCHORS == ["/etc/chibo/goc.pem"]


def _subject(bundle: bytes) -> dict[str, str]:
    certificate = pkcs12.load_pkcs12(bundle, DEMO_SIGNING_PASSPHRASE.encode()).cert.certificate
    names = {NameOID.COMMON_NAME: "CN", NameOID.ORGANIZATIONAL_UNIT_NAME: "OU"}
    return {names[a.oid]: a.value for a in certificate.subject if a.oid in names}
