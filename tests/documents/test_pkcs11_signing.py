"""Signing with a key kept on a PKCS#11 token: a SoftHSM token (Debian's softhsm2) holding a key
and certificate of the tests' CA signs the final copy, which validates as intact and trusted."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pkcs11
import pytest
from cryptography.hazmat.primitives import serialization
from pkcs11 import Attribute
from pkcs11.util.rsa import decode_rsa_private_key
from pkcs11.util.x509 import decode_x509_certificate

from chibo_flow.demo import ORG
from chibo_flow.documents.certificates import issue_signing_certificate
from chibo_flow.documents.final_copy import new_verify_code, render_pdf
from chibo_flow.documents.signing import read_signatures, sign_pdf
from tests.support import signing_env, suite_ca
from tests.verify.support import demo_programme

pytestmark = pytest.mark.one_database  # see tests/conftest.py

SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN, PIN, LABEL = "chibo-flow", "246810", "ky-so-co-quan"


@pytest.fixture(scope="session")
def token(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A SoftHSM token with the demo chi bộ's key and certificate; its settings. One per test
    run: the PKCS#11 module reads SOFTHSM2_CONF once, when a process first loads it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield _token(tmp_path_factory.mktemp("softhsm"), monkeypatch)


def _token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN,
                    "--so-pin", "13579111"], check=True, capture_output=True)  # fmt: skip
    key, certificate = issue_signing_certificate(suite_ca(), ORG, "Đảng bộ xã Tiên Cường")
    lib = pkcs11.lib(SOFTHSM)
    with lib.get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        traditional = key.private_bytes(serialization.Encoding.DER,
                                        serialization.PrivateFormat.TraditionalOpenSSL,
                                        serialization.NoEncryption())  # fmt: skip
        attributes = decode_rsa_private_key(traditional)
        session.create_object({**attributes, Attribute.TOKEN: True, Attribute.LABEL: LABEL,
                               Attribute.ID: b"\x01", Attribute.SIGN: True})  # fmt: skip
        cert = decode_x509_certificate(certificate.public_bytes(serialization.Encoding.DER))
        session.create_object({**cert, Attribute.TOKEN: True, Attribute.LABEL: LABEL,
                               Attribute.ID: b"\x01"})  # fmt: skip
    return {"SIGNING_PKCS11_LIB": SOFTHSM, "SIGNING_PKCS11_TOKEN": TOKEN,
            "SIGNING_PKCS11_KEY_LABEL": LABEL, "SIGNING_PKCS11_PIN": PIN}  # fmt: skip


def test_a_key_on_a_pkcs11_token_signs_the_final_copy(app, db, token):
    programme = demo_programme("approved")
    pdf = render_pdf(programme, new_verify_code())

    signed = sign_pdf(pdf, ORG, {**app.config, **token})

    anchors = {"SIGNING_TRUST_ANCHORS": [signing_env()["SIGNING_TRUST_ANCHORS"]]}
    (signature,) = read_signatures(signed, anchors)
    assert (signature.valid, signature.trusted, signature.signer) == (True, True, ORG)
    assert signed.startswith(pdf)
