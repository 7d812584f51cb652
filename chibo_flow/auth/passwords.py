"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106) and the rules a new
password must meet (ASVS 5.0 V6.2: at least 8 characters, 64 and more allowed, no composition
rules, not one of the most common passwords)."""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from chibo_flow import messages

MIN_LENGTH = 8
MAX_LENGTH = 256  # far above what anyone types; bounds the work of hashing one request
# The 10,000 most common passwords (source and licence in the file's header).
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if `password` matches the stored hash. Without a stored hash (an unknown email, a
    user who never set a password) a dummy hash is verified instead and False returned, so every
    attempt costs the same time."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not the password of anyone")


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords, lower case."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problem(password: str) -> str | None:
    """Why `password` cannot be chosen (a message for the person), or None if it can."""
    if len(password) < MIN_LENGTH:
        return messages.PASSWORD_TOO_SHORT.format(min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return messages.PASSWORD_TOO_LONG.format(max=MAX_LENGTH)
    if password.lower() in common_passwords():
        return messages.PASSWORD_TOO_COMMON
    return None
