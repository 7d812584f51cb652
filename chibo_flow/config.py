"""Configuration: embedded defaults for one machine, every value overridable from the environment."""

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path


def _broker_beside(database_url: str, instance_path: str) -> str:
    """Celery's SQLAlchemy broker in a SQLite file next to the SQLite database (one queue per db)."""
    prefix = "sqlite:///"
    if database_url.startswith(prefix) and database_url != prefix:
        path = Path(database_url[len(prefix) :])
        return f"sqla+sqlite:///{path.with_suffix('.broker.sqlite')}"
    return f"sqla+sqlite:///{Path(instance_path) / 'celery-broker.sqlite'}"


class Config:
    """Embedded default: SQLite, Celery's SQLAlchemy broker, the local SMTP capture server."""

    TESTING = False
    MAX_CONTENT_LENGTH = 6 * 1024 * 1024  # uploads are checked at 5 MB; this bounds the request
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    DISPLAY_TIMEZONE = "Asia/Ho_Chi_Minh"
    API_TITLE = "chibo_flow API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    DELIVERY_MAX_ATTEMPTS = 6
    DELIVERY_RETRY_BASE_S = 5.0
    DELIVERY_STUCK_AFTER_S = 600

    def __init__(self, instance_path: str, env: Mapping[str, str] = os.environ) -> None:
        self.SECRET_KEY = env.get("SECRET_KEY", "dev-only-not-secret")
        self.SQLALCHEMY_DATABASE_URI = env.get("DATABASE_URL") or (
            f"sqlite:///{Path(instance_path) / 'chibo_flow.sqlite'}"
        )
        self.SMTP_URL = env.get("SMTP_URL", "smtp://127.0.0.1:8025")
        self.MAIL_FROM = env.get("MAIL_FROM", "Chi bộ Flow <no-reply@chibo.local>")
        self.PUBLIC_URL = env.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
        self.MAILBOX_DIR = env.get("MAILBOX_DIR", str(Path(instance_path) / "mailbox"))
        relay_interval = float(env.get("RELAY_INTERVAL_S", "30"))
        self.RELAY_INTERVAL_S = relay_interval
        broker_url = env.get("CELERY_BROKER_URL") or _broker_beside(
            self.SQLALCHEMY_DATABASE_URI, instance_path
        )
        self.CELERY = {
            "broker_url": broker_url,
            # One queue name per deployment, so several can share one Redis.
            "task_default_queue": env.get("CELERY_QUEUE", "chibo_flow"),
            "task_ignore_result": True,
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "broker_connection_retry_on_startup": True,
            "broker_connection_timeout": 2,
            # An approval must never hang on a dead broker: publishing gives up quickly and the
            # relay re-queues the pending deliveries once the broker is back.
            "task_publish_retry": True,
            "task_publish_retry_policy": {
                "max_retries": 2,
                "interval_start": 0,
                "interval_step": 0.3,
                "interval_max": 0.5,
            },
            "beat_schedule": {
                "relay-pending-deliveries": {
                    "task": "chibo_flow.notifications.relay.relay_pending",
                    "schedule": relay_interval,
                }
            },
        }
        if broker_url.startswith(("redis://", "rediss://")):
            self.CELERY["broker_transport_options"] = {
                "visibility_timeout": 3600,  # far longer than the longest send
                "socket_connect_timeout": 1,
                "socket_timeout": 5,
            }


class TestConfig(Config):
    """Tests: CSRF off for form posts built by tests, fast retries."""

    TESTING = True
    WTF_CSRF_ENABLED = False
    DELIVERY_RETRY_BASE_S = 0.2


class ProductionConfig(Config):
    """Production: SECRET_KEY must come from the environment; cookies only over HTTPS."""

    SESSION_COOKIE_SECURE = True

    def __init__(self, instance_path: str, env: Mapping[str, str] = os.environ) -> None:
        if not env.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production")
        super().__init__(instance_path, env)
