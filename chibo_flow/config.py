"""Configuration: embedded defaults for one machine, every value overridable from the
environment under the names README "Configuration" lists.

The environment is read by pydantic-settings (`Settings`: one typed field per variable, so a bad
number stops the app naming the variable, and secrets are SecretStr, kept out of reprs and logs);
`Config` derives Flask's and Celery's settings from it.
"""

import base64
import hashlib
import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from sqlalchemy.engine import make_url

from chibo_flow.documents.format import URGENCY_SEND_RANK
from chibo_flow.notifications.mailer import server_address
from chibo_flow.uploads import MAX_REQUEST_BYTES

DEV_SECRET_KEY = "dev-only-not-secret"
# The values of CHIBO_FLOW_ENV that run without the production settings: a developer's machine
# and a test run. Every other value (production, staging, a misspelt name) gets them.
DEVELOPMENT, TEST = "development", "test"
PRODUCTION_HSTS = "max-age=31536000; includeSubDomains"  # Strict-Transport-Security sent then
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MIN_SECRET_KEY_LENGTH = 32
DEMO_SIGNING_PASSPHRASE = "chibo-demo-ky-so"  # of the demo's PKCS#12; the demo has no legal value


class Settings(BaseSettings):
    """The environment variables chibo_flow reads, typed, with the defaults of one machine (None:
    derived from the others by `Config`). Secrets have no default outside development."""

    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", frozen=True)

    CHIBO_FLOW_ENV: str = "development"
    FLASK_DEBUG: str = ""  # Flask's own, read as Flask reads it; `flask run --debug` sets it
    SECRET_KEY: SecretStr | None = None
    ENCRYPTION_KEY: SecretStr | None = None
    DATABASE_URL: str | None = None
    CELERY_BROKER_URL: str | None = None
    CELERY_QUEUE: str = "chibo_flow"
    RATELIMIT_STORAGE_URI: str | None = None
    PROXY_HOPS: int = Field(default=0, ge=0, le=5)
    SMTP_URL: str = "smtp://127.0.0.1:8025"
    MAIL_FROM: str = "Chi bộ Flow <no-reply@chibo.local>"
    PUBLIC_URL: str = "http://127.0.0.1:5000"
    MAILBOX_DIR: str | None = None
    RELAY_INTERVAL_S: float = 30
    REVIEW_LINK_MAX_AGE_S: int = 30 * 24 * 3600
    REMINDER_CHECK_INTERVAL_S: float = 3600
    DELIVERY_MAX_ATTEMPTS: int | None = None  # None: the config class's (tests retry faster)
    DELIVERY_RETRY_BASE_S: float | None = None
    DELIVERY_STUCK_AFTER_S: float | None = None
    DELIVERY_BATCH_SIZE: int | None = None
    DISPATCH_INLINE_MAX: int | None = None
    LOGIN_RATE_LIMIT: str | None = None
    API_TOKEN_LIFETIME_DAYS: int | None = None
    VERIFY_RATE_LIMIT: str | None = None
    OFFICE_CONVERSIONS: int = Field(default=2, ge=1, le=16)
    OFFICE_WAIT_S: float = Field(default=10, ge=0, le=20)
    API_RATE_LIMIT: str | None = None
    SIGNING_PKCS12_PATH: str = ""
    SIGNING_PKCS12_PASSPHRASE: SecretStr | None = None
    SIGNING_PKCS11_LIB: str = ""
    SIGNING_PKCS11_TOKEN: str = ""
    SIGNING_PKCS11_KEY_LABEL: str = ""
    SIGNING_PKCS11_CERT_LABEL: str = ""
    SIGNING_PKCS11_PIN: SecretStr = SecretStr("")
    SIGNING_TSA_URL: str = ""
    SIGNING_TRUST_ANCHORS: str = ""
    SIGNING_CRLS: str = ""

    @field_validator("SMTP_URL")
    @classmethod
    def _smtp_url(cls, url: str) -> str:
        """SMTP_URL in one of the mailer's forms with a host (ValueError: the app stops naming
        the variable, instead of the first email failing)."""
        try:
            server_address(url)
        except ValueError:
            raise ValueError(
                "use smtp://host:port, smtp+starttls://user:pass@host:587 or smtps://host:465"
            ) from None
        return url

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        **_: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """One source: the mapping `read` is given (the process environment, or a test's)."""
        return (init_settings,)

    @classmethod
    def read(cls, env: Mapping[str, str]) -> "Settings":
        """The settings in `env`; an empty value counts as unset."""
        return cls(**{name: env[name] for name in cls.model_fields if env.get(name)})

    @property
    def development(self) -> bool:
        """CHIBO_FLOW_ENV unset or `development`: the demo conveniences (the dev SECRET_KEY,
        `flask users otp`) work only then."""
        return self.CHIBO_FLOW_ENV == DEVELOPMENT

    @property
    def production(self) -> bool:
        """Every CHIBO_FLOW_ENV but `development` and `test` (production, staging, a misspelt
        name): the production settings hold, as `Config` applies them."""
        return self.CHIBO_FLOW_ENV not in (DEVELOPMENT, TEST)

    def refuse_debug(self) -> None:
        """With the production settings, FLASK_DEBUG on stops the app (RuntimeError): Flask's
        debugger runs whatever code a visitor types into an error page."""
        debug = self.FLASK_DEBUG.lower() not in ("", "0", "false", "no")
        if self.production and debug:
            raise RuntimeError(
                f"FLASK_DEBUG must be unset or 0 with CHIBO_FLOW_ENV={self.CHIBO_FLOW_ENV}: the "
                "debugger would run any code a visitor sends from an error page"
            )

    def public_url(self) -> str:
        """PUBLIC_URL without its trailing slash. With the production settings it must be
        https://, every email's links pointing there; http:// is accepted only for a loopback
        host (trying a production build on one machine). Else the app stops (RuntimeError)."""
        url = self.PUBLIC_URL.rstrip("/")
        parts = urlsplit(url)
        loopback = parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
        if self.production and not (parts.scheme == "https" and parts.hostname or loopback):
            raise RuntimeError(
                f"PUBLIC_URL must be an https:// address with CHIBO_FLOW_ENV={self.CHIBO_FLOW_ENV} "
                f"(it is {url!r}): the links in every email point there; http:// is accepted only "
                "for a loopback host (127.0.0.1, localhost, ::1)"
            )
        return url

    def secret_key(self) -> str:
        """SECRET_KEY; outside development a missing, default or short one (under
        MIN_SECRET_KEY_LENGTH characters) stops the app from starting (RuntimeError)."""
        key = self.SECRET_KEY.get_secret_value() if self.SECRET_KEY else DEV_SECRET_KEY
        if not self.development and (key == DEV_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH):
            raise RuntimeError(
                f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} "
                'characters outside development, e.g. python -c "import secrets; '
                'print(secrets.token_urlsafe(48))"'
            )
        return key


def is_development(env: Mapping[str, str] = os.environ) -> bool:
    """True when CHIBO_FLOW_ENV is unset or `development` (Settings.development)."""
    return Settings.read(env).development


def checked_encryption_keys(settings: Settings, secret_key: str) -> list[str]:
    """The Fernet keys of ENCRYPTION_KEY (several separated by commas: the first encrypts, all
    decrypt, for rotating it), which encrypt secrets at rest (chibo_flow.security.encryption).
    In development one is derived from SECRET_KEY when unset; elsewhere a missing or malformed
    one stops the app from starting (RuntimeError)."""
    configured = settings.ENCRYPTION_KEY.get_secret_value() if settings.ENCRYPTION_KEY else ""
    keys = [key.strip() for key in configured.split(",") if key.strip()]
    if not keys and settings.development:
        digest = hashlib.sha256(f"chibo_flow encryption key:{secret_key}".encode()).digest()
        return [base64.urlsafe_b64encode(digest).decode()]
    try:
        if not keys:
            raise ValueError("unset")
        for key in keys:
            Fernet(key)
    except ValueError:
        raise RuntimeError(
            "ENCRYPTION_KEY must be set to a Fernet key outside development, e.g. python -c "
            '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
        ) from None
    return keys


def _broker_beside(database_url: str, instance_path: str) -> str:
    """Celery's SQLAlchemy broker in a SQLite file beside the SQLite database (a queue per db)."""
    prefix = "sqlite:///"
    if database_url.startswith(prefix) and database_url != prefix:
        path = Path(database_url[len(prefix) :])
        return f"sqla+sqlite:///{path.with_suffix('.broker.sqlite')}"
    return f"sqla+sqlite:///{Path(instance_path) / 'celery-broker.sqlite'}"


def _is_local_capture(smtp_url: str) -> bool:
    """True for plain SMTP without credentials to this machine: the capture server of
    `flask mailbox serve` (the embedded default), not a real relay."""
    url = urlsplit(smtp_url)
    return url.scheme == "smtp" and not url.username and url.hostname in LOOPBACK_HOSTS


# Settings whose default is the config class's attribute (TestConfig retries faster).
OVERRIDABLE = ("DELIVERY_MAX_ATTEMPTS", "DELIVERY_RETRY_BASE_S", "DELIVERY_STUCK_AFTER_S",
               "DELIVERY_BATCH_SIZE", "DISPATCH_INLINE_MAX", "LOGIN_RATE_LIMIT",
               "API_TOKEN_LIFETIME_DAYS", "VERIFY_RATE_LIMIT", "API_RATE_LIMIT")  # fmt: skip


class Config:
    """Embedded default: SQLite, Celery's SQLAlchemy broker, the local SMTP capture server."""

    TESTING = False
    MAX_CONTENT_LENGTH = MAX_REQUEST_BYTES  # a form with the largest upload (uploads.py)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)  # a login session's absolute lifetime
    # (its idle time is set per org: Org.session_idle_minutes)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # True with the production settings
    DISPLAY_TIMEZONE = "Asia/Ho_Chi_Minh"
    HSTS: str | None = None  # Strict-Transport-Security, sent with the production settings only
    API_TITLE = "chibo_flow API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    # Delivery defaults; each can be set from the environment under the same name.
    DELIVERY_MAX_ATTEMPTS = 6  # tries per address before a temporary refusal becomes `failed`
    DELIVERY_RETRY_BASE_S = 5.0  # backoff: a random delay in [base, base × 2^attempts]
    # A row left in `sending` this long is taken to be lost with its worker and is sent again.
    # Keep it well above the longest send (SMTP timeout × the steps of one SMTP session).
    DELIVERY_STUCK_AFTER_S = 600.0
    # Rows per send task: one SMTP connection each, what their emails share composed once.
    DELIVERY_BATCH_SIZE = 50
    # Every Celery task is bounded: at the soft limit the task is interrupted (what it left in
    # `sending` is recovered by the relay after DELIVERY_STUCK_AFTER_S), at the hard limit its
    # process is killed. A batch of 50 emails or one final copy takes seconds; both limits
    # stay below DELIVERY_STUCK_AFTER_S, so the relay never re-sends what is still running.
    TASK_SOFT_TIME_LIMIT_S = 240
    TASK_TIME_LIMIT_S = 300
    # Login throttling: LOCKOUT_FAILURES wrong passwords or codes for one account within
    # LOCKOUT_WINDOW refuse it for LOCKOUT_DURATION; one address may try LOGIN_RATE_LIMIT.
    LOCKOUT_FAILURES = 5
    LOCKOUT_WINDOW = timedelta(minutes=15)
    LOCKOUT_DURATION = timedelta(minutes=15)
    # Wrong second-factor codes in a row (across windows) that lock the account until its
    # password is reset or an admin unlocks it.
    FACTOR_LOCK_FAILURES = 20
    LOGIN_RATE_LIMIT = "20 per minute"
    RATELIMIT_HEADERS_ENABLED = True
    API_TOKEN_LIFETIME_DAYS = 90  # a new API token's default lifetime
    API_RATE_LIMIT = "600/minute"  # requests per API token (limits' notation)
    PASSWORD_RESET_MAX_AGE_S = 3600  # how long a password-reset link works (once)
    # Reset requests for one email that are sent within the window (more get the same answer
    # and no email: nobody floods a mailbox from the reset form).
    PASSWORD_RESET_MAILS = 3
    PASSWORD_RESET_MAIL_WINDOW = timedelta(hours=1)
    INVITATION_MAX_AGE_S = 7 * 24 * 3600  # how long an invitation link works (once)
    EMAIL_CHANGE_MAX_AGE_S = 24 * 3600  # how long the link to a new login email works (once)
    # An event reaching more people than this is expanded into Delivery rows by a worker, not
    # in the request that recorded it (approving costs the same for 1 or 5,000 recipients).
    DISPATCH_INLINE_MAX = 100
    # Without signing configuration, sign with the demo certificate `flask demo` writes into
    # instance/signing/ and trust its demo CA (never in production).
    SIGNING_DEMO_DEFAULTS = True
    # The public verification page and API: uploads per client address (limits' notation).
    VERIFY_RATE_LIMIT = "30/minute"

    def __init__(self, instance_path: str, env: Mapping[str, str] = os.environ) -> None:
        settings = Settings.read(env)
        settings.refuse_debug()
        if settings.production:
            # The production settings, for every CHIBO_FLOW_ENV but development and test:
            # cookies over HTTPS only, HSTS, no demo signing certificate, no capture mailbox.
            self.SESSION_COOKIE_SECURE = True
            self.HSTS = PRODUCTION_HSTS
            self.SIGNING_DEMO_DEFAULTS = False
        self.SECRET_KEY = settings.secret_key()
        self.ENCRYPTION_KEYS = checked_encryption_keys(settings, self.SECRET_KEY)
        self.SQLALCHEMY_DATABASE_URI = settings.DATABASE_URL or (
            f"sqlite:///{Path(instance_path) / 'chibo_flow.sqlite'}"
        )
        url = make_url(self.SQLALCHEMY_DATABASE_URI)
        if url.get_backend_name() == "postgresql":
            # Sessions speak UTC whatever the server's TimeZone: timestamps come back in UTC, as
            # the app stores them, and psycopg need not convert each one to a named zone. (Added
            # to the libpq options the URL may carry, which this setting would otherwise replace.)
            options = f"{url.query.get('options', '')} -c TimeZone=UTC".strip()
            self.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"options": options}}
        self.SMTP_URL = settings.SMTP_URL
        self.MAIL_FROM = settings.MAIL_FROM
        self.PUBLIC_URL = settings.public_url()
        self.MAILBOX_DIR = settings.MAILBOX_DIR or str(Path(instance_path) / "mailbox")
        # The admin's "Hộp thư thử" exists only while mail goes to the local capture server,
        # never with the production settings.
        self.MAILBOX_ENABLED = _is_local_capture(self.SMTP_URL) and not settings.production
        self.RELAY_INTERVAL_S = settings.RELAY_INTERVAL_S
        # Review: how long a signed review link in an email works (how often beat looks for
        # votes to remind is REMINDER_CHECK_INTERVAL_S; the intervals themselves are per org).
        self.REVIEW_LINK_MAX_AGE_S = settings.REVIEW_LINK_MAX_AGE_S
        # LibreOffice conversions of .doc uploads at once, over every process of this instance
        # (chibo_flow.documents.reading.office_slot), and how long an upload waits for one.
        self.OFFICE_CONVERSIONS = settings.OFFICE_CONVERSIONS
        self.OFFICE_WAIT_S = settings.OFFICE_WAIT_S
        self.OFFICE_SLOTS_DIR = str(Path(instance_path) / "office-slots")
        for name in OVERRIDABLE:  # the class's value unless the environment sets one
            if getattr(settings, name) is not None:
                setattr(self, name, getattr(settings, name))
        self._signing(instance_path, settings)
        broker_url = settings.CELERY_BROKER_URL or _broker_beside(
            self.SQLALCHEMY_DATABASE_URI, instance_path
        )
        self.CELERY = {
            "broker_url": broker_url,
            # One queue name per deployment, so several can share one Redis.
            "task_default_queue": settings.CELERY_QUEUE,
            "task_ignore_result": True,
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "task_soft_time_limit": self.TASK_SOFT_TIME_LIMIT_S,
            "task_time_limit": self.TASK_TIME_LIMIT_S,
            "broker_connection_retry_on_startup": True,
            # An approval must never hang on a dead broker: a publish is tried once, bounded by
            # the connect and socket timeouts (below for Redis), and what could not be queued
            # stays pending in the database for the relay. (redis-py reconnects a dropped
            # connection by itself, so a Redis restart costs no lost publish.)
            "broker_connection_timeout": 1,
            "task_publish_retry": False,
            "beat_schedule": {
                "relay-pending-deliveries": {
                    "task": "chibo_flow.notifications.relay.relay_pending",
                    "schedule": settings.RELAY_INTERVAL_S,
                },
                "review-reminders": {
                    "task": "chibo_flow.review.reminders.send_reminders",
                    "schedule": settings.REMINDER_CHECK_INTERVAL_S,
                },
                "receipt-reminders": {
                    "task": "chibo_flow.receipts.reminders.send_receipt_reminders",
                    "schedule": settings.REMINDER_CHECK_INTERVAL_S,
                },
            },
        }
        # Rate limits are counted where every web process sees them: the app's Redis when Celery
        # uses one, else in memory (the embedded default runs one web process).
        redis_broker = broker_url.startswith(("redis://", "rediss://"))
        self.RATELIMIT_STORAGE_URI = settings.RATELIMIT_STORAGE_URI or (
            broker_url if redis_broker else "memory://"
        )
        self.RATELIMIT_KEY_PREFIX = self.CELERY["task_default_queue"]
        # Reverse proxies in front of the app whose X-Forwarded-For / -Proto are believed: the
        # address limits, lockouts and sessions count is the client's, not the proxy's.
        self.PROXY_HOPS = settings.PROXY_HOPS
        if redis_broker:
            self.CELERY["broker_transport_options"] = {
                # An unacknowledged task goes back to the queue after this long; far longer
                # than any send or retry countdown. A killed worker's row is recovered sooner
                # by the relay (DELIVERY_STUCK_AFTER_S).
                "visibility_timeout": 3600,
                "socket_connect_timeout": 1,
                # Above the worker's 1 s BRPOP wait; bounds a publish to a hung Redis.
                "socket_timeout": 2,
                # Connecting is tried once when a publish needs a connection (kombu's default
                # retries for several seconds).
                "max_retries": 0,
                # One Redis list per send rank (notifications.queue: urgent documents and
                # account emails first); a worker takes the most urgent waiting task next.
                "priority_steps": sorted(set(URGENCY_SEND_RANK.values())),
            }

    def _signing(self, instance_path: str, settings: Settings) -> None:
        """The final copy's signing certificate, one per deployment (chibo_flow.documents.signing):
        a PKCS#12 file and passphrase, or a key on a PKCS#11 token; a TSA for RFC 3161 timestamps;
        the trust anchors that signatures of uploaded copies must chain to and the CRLs the
        deployment keeps of their CAs (PEM or DER files, each list separated by the path
        separator ":"). Only the demo's passphrase has a default, and only where the demo
        certificate is used (never in production)."""
        demo = Path(instance_path) / "signing"
        configured = settings.SIGNING_PKCS12_PATH or settings.SIGNING_PKCS11_LIB
        use_demo = self.SIGNING_DEMO_DEFAULTS and not configured
        self.SIGNING_DEMO_DIR = str(demo) if use_demo else None  # `flask demo` writes it
        self.SIGNING_PKCS12_PATH = settings.SIGNING_PKCS12_PATH or (
            str(demo / "demo-signer.p12") if use_demo else ""
        )
        passphrase = settings.SIGNING_PKCS12_PASSPHRASE
        self.SIGNING_PKCS12_PASSPHRASE = (
            passphrase.get_secret_value()
            if passphrase
            else DEMO_SIGNING_PASSPHRASE
            if use_demo
            else ""
        )
        self.SIGNING_PKCS11_LIB = settings.SIGNING_PKCS11_LIB
        self.SIGNING_PKCS11_TOKEN = settings.SIGNING_PKCS11_TOKEN
        self.SIGNING_PKCS11_KEY_LABEL = settings.SIGNING_PKCS11_KEY_LABEL
        self.SIGNING_PKCS11_CERT_LABEL = settings.SIGNING_PKCS11_CERT_LABEL
        self.SIGNING_PKCS11_PIN = settings.SIGNING_PKCS11_PIN.get_secret_value()
        self.SIGNING_TSA_URL = settings.SIGNING_TSA_URL
        anchors = [path for path in settings.SIGNING_TRUST_ANCHORS.split(os.pathsep) if path]
        crls = [path for path in settings.SIGNING_CRLS.split(os.pathsep) if path]
        if use_demo:
            anchors.append(str(demo / "demo-signer-ca.pem"))
            crls.append(str(demo / "demo-signer-ca.crl"))
        self.SIGNING_TRUST_ANCHORS = anchors
        self.SIGNING_CRLS = crls


class TestConfig(Config):
    """Tests: CSRF off for form posts built by tests, fast retries."""

    TESTING = True
    WTF_CSRF_ENABLED = False
    DELIVERY_RETRY_BASE_S = 0.2
    SIGNING_DEMO_DEFAULTS = False  # tests bring their own CA (tests/support.py)


class ProductionConfig(Config):
    """The production settings whatever CHIBO_FLOW_ENV says (Config applies them)."""

    def __init__(self, instance_path: str, env: Mapping[str, str] = os.environ) -> None:
        super().__init__(instance_path, {**env, "CHIBO_FLOW_ENV": "production"})
