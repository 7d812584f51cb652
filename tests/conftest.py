"""Fixtures (flaskr style): app on SQLite and PostgreSQL, client, db, builders, login_as,
a real aiosmtpd server and a real Celery worker.

Every database is created by `flask db upgrade` (Alembic), as in production. Services are real:
a test that needs PostgreSQL or Redis fails, never skips, when they are missing.
"""

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.test import TestResponse

from chibo_flow import create_app
from chibo_flow.auth import totp
from chibo_flow.auth.sessions import issue_token
from chibo_flow.documents.parse import parse_text
from chibo_flow.extensions import db as _db
from chibo_flow.models import Membership, Org, Programme, User
from chibo_flow.models.users import Role
from chibo_flow.notifications.capture import MailboxHandler, read_mailbox
from chibo_flow.workflow import create_programme
from tests.support import (
    REDIS_URL,
    SEED,
    CeleryWorker,
    FaultyHandler,
    config_for,
    empty_tables,
    free_port,
    postgres_database,
)

PASSWORD = "mat-khau-thu-nghiem"
# The test password's argon2id hash, made once with light parameters. Logging in checks it with
# the app's own argon2 verification, which reads the parameters from the hash: milliseconds
# instead of the production cost, which is the point of argon2 in production and on a 2-core CI
# machine would cost seconds for every user a test builds and every login.
PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
# The tests' ENCRYPTION_KEY (a Fernet key), shared by the app, `flask` subprocesses and workers.
TEST_ENCRYPTION_KEY = "pavN0uDamJW4q9-hWkEyiQyusEuRcyfHWYWRQ7Z-mHQ="
DATABASES = os.environ.get("TEST_DATABASES", "sqlite,postgresql").split(",")


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The real seed document (../shared/seed), read-only."""
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A migrated, empty database for the session: a SQLite file or a fresh PostgreSQL db."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "chibo_flow.sqlite"
        url = f"sqlite:///{path}"
        _upgrade(url, tmp_path_factory)
        yield url
    else:
        with postgres_database() as url:
            _upgrade(url, tmp_path_factory)
            yield url


def _upgrade(url: str, tmp_path_factory) -> None:
    app = create_app(config_for({"DATABASE_URL": url}))
    with app.app_context():
        upgrade()
        _db.engine.dispose()


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    """Where the test SMTP server stores what it receives."""
    return tmp_path / "mailbox"


@pytest.fixture
def smtp_server(mail_dir) -> Iterator["SmtpServer"]:
    """A real aiosmtpd server on a free port storing messages with the capture handler."""
    server = SmtpServer(mail_dir)
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def faulty_smtp_server(mail_dir) -> Iterator["SmtpServer"]:
    """The test SMTP server with scripted faults (tests.support.FaultyHandler), none until a
    test scripts them."""
    server = SmtpServer(mail_dir, FaultyHandler(mail_dir))
    server.controller.start()
    yield server
    server.handler.release.set()
    server.controller.stop()


class SmtpServer:
    """The test SMTP server: its URL and the messages it has received."""

    def __init__(self, directory: Path, handler=None) -> None:
        self.directory = directory
        self.port = free_port()
        self.handler = handler or MailboxHandler(directory)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.url = f"smtp://127.0.0.1:{self.port}"

    def messages(self, kind: str | None = None):
        """Captured messages, newest first; only the Delivery `kind` given (e.g. "final_copy")."""
        received = read_mailbox(self.directory)
        if kind is None:
            return received
        return [m for m in received if m.message["X-Chibo-Flow-Kind"] == kind]


@pytest.fixture
def env(database_url, tmp_path, smtp_server) -> dict[str, str]:
    """Environment shared by the app under test, `flask` subprocesses and Celery workers."""
    return {
        "DATABASE_URL": database_url,
        "SMTP_URL": smtp_server.url,
        "MAIL_FROM": "Chi bộ Flow <no-reply@chibo.test>",
        "PUBLIC_URL": "http://chibo.test",
        "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}",
        "CELERY_QUEUE": f"test-{os.getpid()}-{tmp_path.name}",
        "RELAY_INTERVAL_S": "1",
        "DELIVERY_RETRY_BASE_S": "0.2",
        "MAILBOX_DIR": str(tmp_path / "mailbox"),
        "ENCRYPTION_KEY": TEST_ENCRYPTION_KEY,
    }


@pytest.fixture
def app(env) -> Iterator:
    """The app on the session's database, emptied after each test."""
    app = create_app(config_for(env))

    def forget_cached_user() -> None:
        # The fixture keeps one app context (one `g`) open for the whole test, while in
        # production each request has its own: forget Flask-Login's cached user per request,
        # before any other hook reads it.
        g.pop("_login_user", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget_cached_user)

    with app.app_context():
        yield app
        _db.session.remove()
        empty_tables(_db)
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The Flask-SQLAlchemy handle bound to the test app."""
    return _db


@pytest.fixture
def client(app):
    """A test client for the web UI and the API."""
    return app.test_client()


@pytest.fixture
def redis_env(env) -> dict[str, str]:
    """The same environment with Redis as the Celery broker (a db number of our own)."""
    return {**env, "CELERY_BROKER_URL": REDIS_URL}


@pytest.fixture
def celery_worker(env, tmp_path) -> Iterator[CeleryWorker]:
    """A real Celery worker process (with beat, so the relay runs) on the test's broker."""
    worker = CeleryWorker(env, tmp_path, beat=True).start()
    yield worker
    worker.stop()


# --- builders -----------------------------------------------------------------------------------


class Builders:
    """Plain builders for orgs, users and programmes (flaskr style)."""

    def __init__(self, db) -> None:
        self.db = db

    def org(self, name="Chi bộ Trường Mầm non Tiên Cường", code="CB", approvals=2, parent=None):
        """An org (created once per name)."""
        org = self.db.session.scalar(select(Org).where(Org.name == name))
        if org is None:
            org = Org(name=name, code=code, approvals_required=approvals, parent=parent,
                      place="Tiên Cường")  # fmt: skip
            self.db.session.add(org)
            self.db.session.commit()
        return org

    def user(self, role: Role | str, org: Org, email: str | None = None, name: str | None = None):
        """A user holding `role` in `org`, with the test password."""
        email = email or f"{role}-{uuid.uuid4().hex[:8]}@chibo.test"
        user = User(email=email, name=name or f"Người dùng {email}",
                    password_hash=PASSWORD_HASH)  # fmt: skip
        self.db.session.add(user)
        self.db.session.flush()
        self.db.session.add(Membership(user=user, org=org, role=Role(role)))
        self.db.session.commit()
        return user

    def programme(self, org: Org, secretary: User, text: str) -> Programme:
        """A draft created by `secretary` from document text."""
        return create_programme(org, secretary, parse_text(text).to_dict())


@pytest.fixture
def make(db) -> Builders:
    """Builders: make.org(), make.user(role, org), make.programme(org, secretary, text)."""
    return Builders(db)


def unused_code(user: User) -> str:
    """A TOTP code of `user` near now that the server has not accepted yet (the suite logs one
    person in more often than anyone could: when the steps the server accepts around now are
    used up, this waits for the next one)."""
    _db.session.refresh(user)
    now = int(time.time()) // totp.STEP_S
    # Never an earlier step than now's: it would fall out of the window if a step ended
    # between this line and the server's check.
    step = max(now, (user.totp_last_step or 0) + 1)
    if step > now + totp.DRIFT_STEPS:
        time.sleep((step - totp.DRIFT_STEPS) * totp.STEP_S - time.time() + 0.05)
    return pyotp.TOTP(user.totp_secret).at(step * totp.STEP_S)


def log_in(
    client: FlaskClient, user: User, next_path: str = "", password: str = PASSWORD
) -> TestResponse:
    """Log `client` in as `user` through the real forms: password, then for secretaries,
    committee members and admins a TOTP code (their factor enrolled first if they have none, as
    `flask users otp` does). Returns the last response (a redirect to where they were going)."""
    if totp.requires_second_factor(user):
        totp.current_code(user)  # enrols a person without a factor
    query = f"?next={next_path}" if next_path else ""
    response = client.post(f"/login{query}", data={"email": user.email, "password": password})
    if response.status_code == 302 and response.headers["Location"] == "/login/otp":
        response = client.post("/login/otp", data={"code": unused_code(user)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def api_token(user: User) -> str:
    """A new API token of `user`, with the second factor their role requires (a token is issued
    to someone who has logged in)."""
    if totp.requires_second_factor(user):
        totp.current_code(user)  # enrols a person without a factor
    return issue_token(user)


@pytest.fixture
def login_as(client):
    """Log the test client in as `user` through the real login forms (log_in)."""

    def login(user: User):
        log_in(client, user)
        return user

    return login


def pytest_configure(config) -> None:
    """Markers used by the suite."""
    config.addinivalue_line("markers", "script(address, replies): scripted SMTP replies")
    config.addinivalue_line(
        "markers",
        "one_database: what the test checks does not depend on the database (a page's layout, a "
        "document's rendering, a header): run it on the first of TEST_DATABASES only",
    )


def pytest_collection_modifyitems(config, items) -> None:
    """Run `one_database` tests on the first database only; every other test that uses the
    database runs on each of TEST_DATABASES."""
    first = DATABASES[0]

    def on_another_database(item) -> bool:
        callspec = getattr(item, "callspec", None)
        database = callspec.params.get("database_url", first) if callspec else first
        return database != first and item.get_closest_marker("one_database") is not None

    kept, dropped = [], []
    for item in items:
        (dropped if on_another_database(item) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
