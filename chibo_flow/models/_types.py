"""Column helpers shared by the models: UTC timestamps and NFC text."""

import unicodedata
from datetime import UTC, datetime

from sqlalchemy import DateTime, String, TypeDecorator

from chibo_flow.security.encryption import decrypt, encrypt


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the callable used for timestamp defaults)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime; use timezone-aware UTC")
        return value.astimezone(UTC) if value is not None else None

    def result_processor(self, dialect, coltype):
        # PostgreSQL's timestamptz comes back timezone-aware: no call per value there (a list page
        # reads ~150 timestamps).
        if dialect.name == "postgresql":
            return None
        return super().result_processor(dialect, coltype)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class NFCString(TypeDecorator):
    """Text stored as Unicode NFC, so comparisons of Vietnamese words are exact."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return unicodedata.normalize("NFC", value) if value is not None else None


class EncryptedString(TypeDecorator):
    """Text stored encrypted under ENCRYPTION_KEY (chibo_flow.security.encryption) and read
    back in clear: the column holds the Fernet token, so it needs room for ~1.4 × the text
    plus 100 characters."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return encrypt(value) if value is not None else None

    def process_result_value(self, value, dialect):
        return decrypt(value) if value is not None else None
