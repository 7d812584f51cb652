"""Secrets kept encrypted at rest (TOTP secrets): Fernet (AES-128-CBC with HMAC-SHA256) under
the deployment's ENCRYPTION_KEY (chibo_flow.config.checked_encryption_keys; several keys allow
rotating it: the first encrypts, any decrypts). A database dump alone reveals none of them."""

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


@functools.lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _configured() -> MultiFernet:
    return _fernet(tuple(current_app.config["ENCRYPTION_KEYS"]))


def encrypt(text: str) -> str:
    """`text` encrypted under the first configured key, as ASCII."""
    return _configured().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The text `encrypt` gave `token` for, under any configured key; raises RuntimeError when
    no key opens it (ENCRYPTION_KEY changed without keeping the old key after it)."""
    try:
        return _configured().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise RuntimeError(
            "an encrypted value cannot be decrypted with ENCRYPTION_KEY: keep the previous key "
            "after the new one (separated by a comma)"
        ) from None
