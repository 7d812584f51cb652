"""kill -9 at each step from an approval to the inboxes, and a restart: every address gets the
final copy once; twice only when the kill fell between the server's 250 and the commit of that
row, and then under the same Message-ID.

The steps: the event is committed, the dispatcher expands it into rows (one commit), queues the
tasks, a worker claims a row, sends it, the server answers 250, the row is recorded. Each case
parks the dispatcher or the worker at one point by external means, kills it there, checks what
it left, then starts a worker again (with beat's relay) and counts what each address received.
Three addresses in one batch: when the middle one is in flight, the first is recorded already
and the third queued but not claimed, so each send case covers those points too.

Real parts: Celery worker processes (the embedded broker on SQLite, Redis on PostgreSQL), aiosmtpd
with scripted faults (tests.support.FaultyHandler), locks taken by the test on the app's
database. Dispatching one event twice or by two dispatchers at once: test_faults.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select, text, update

from chibo_flow.models import Delivery, DomainEvent, FinalCopy, Programme, User
from chibo_flow.models.delivery import FINAL_COPY
from tests.conftest import SmtpServer
from tests.notifications.test_faults import (
    approval_event,
    approve,
    in_review,
    received,
    rows_by_address,
    settled,
)
from tests.support import (
    REDIS_URL,
    CeleryWorker,
    TcpRelay,
    forget_redis_queue,
    unread_bytes,
    wait_for,
)

ADDRESSES = ["nguoi1@nhan.test", "nguoi2@nhan.test", "nguoi3@nhan.test"]
FIRST, MIDDLE, LAST = ADDRESSES


@pytest.fixture
def env(env) -> Iterator[dict[str, str]]:
    """The embedded broker on SQLite, Redis (a queue of the test's own, removed afterwards) on
    PostgreSQL; a row two seconds in `sending` is taken to be a killed worker's."""
    postgres = env["DATABASE_URL"].startswith("postgresql")
    broker = REDIS_URL if postgres else env["CELERY_BROKER_URL"]
    yield {**env, "CELERY_BROKER_URL": broker, "DELIVERY_STUCK_AFTER_S": "2"}
    if postgres:
        forget_redis_queue(env["CELERY_QUEUE"])


@pytest.fixture
def smtp_server(faulty_smtp_server) -> SmtpServer:
    """The test SMTP server with scripted faults."""
    return faulty_smtp_server


class BrokerGate:
    """The killed worker's way to the broker, which the test can `hold` so that publishing
    waits: a TCP relay in front of Redis, or the write lock of the embedded broker's SQLite
    file. `close` drops what was held (it never reaches the broker)."""

    def __init__(self, broker_url: str) -> None:
        self.url = broker_url
        self.relay: TcpRelay | None = None
        self.lock: sqlite3.Connection | None = None
        if broker_url.startswith("redis://"):
            parts = urlsplit(broker_url)
            self.relay = TcpRelay(parts.hostname, parts.port or 6379)
            credentials, at, _ = parts.netloc.rpartition("@")
            netloc = f"{credentials}{at}127.0.0.1:{self.relay.port}"
            self.url = parts._replace(netloc=netloc).geturl()

    def hold(self) -> None:
        """From now on a publish through the gate waits."""
        if self.relay:
            self.relay.hold()
        else:
            self.lock = sqlite3.connect(self.url.removeprefix("sqla+sqlite:///"), timeout=30)
            self.lock.execute("BEGIN IMMEDIATE")

    def close(self) -> None:
        """Drop whatever was held."""
        if self.relay:
            self.relay.close()
        if self.lock:
            self.lock.rollback()
            self.lock.close()
            self.lock = None


@dataclass
class Case:
    """One run of the matrix: the programme in review, the parts, and the worker to kill."""

    app: Flask
    db: SQLAlchemy
    env: dict[str, str]
    tmp_path: Path
    smtp_server: SmtpServer
    gate: BrokerGate
    programme: Programme
    committee: User
    worker: CeleryWorker | None = None

    @property
    def postgres(self) -> bool:
        """Whether the case runs on PostgreSQL (else SQLite)."""
        return self.env["DATABASE_URL"].startswith("postgresql")

    def start_worker(self) -> None:
        """The worker to kill: one task at a time, no beat (no relay), through the gate."""
        worker_env = {**self.env, "CELERY_BROKER_URL": self.gate.url}
        self.worker = CeleryWorker(worker_env, self.tmp_path, concurrency=1).start()

    def approve(self, dispatch_in_worker: bool = False) -> int:
        """Issue the programme; with `dispatch_in_worker` its event is expanded by a worker's
        dispatch task (not in the request). Returns the event's id."""
        if dispatch_in_worker:
            self.app.config["DISPATCH_INLINE_MAX"] = 0
            # Nothing queued ahead of the dispatch task (the submission's notices are left to
            # the relay): the worker's first task is the one that meets the test's lock.
            self.app.extensions["celery"].control.purge()
        approve(self.programme, self.committee)
        return approval_event(self.db, self.programme).id

    def parked_at_lock(self, task: str) -> None:
        """Wait until the worker has taken `task` and, on PostgreSQL, waits for a lock the test
        holds (SQLite shows no waiter: its write lock stops the worker wherever it is)."""
        wait_for(lambda: f"{task}[" in self.worker.log(), timeout=60)
        if self.postgres:
            wait_for(lambda: lock_waiters(self.db), timeout=30)


LOCK_WAITERS = text(
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def lock_waiters(db) -> int:
    """How many sessions of the (PostgreSQL) database wait for a lock; asked in a connection of
    its own, as a transaction sees one snapshot of pg_stat_activity."""
    with db.engine.connect() as conn:
        return conn.execute(LOCK_WAITERS).scalar()


@contextmanager
def row_held(db, model, row_id: int) -> Iterator[None]:
    """Hold what a writer of this row waits for, in a connection of the test's own: the row's
    lock on PostgreSQL, the database's write lock on SQLite. Released (rolled back) on exit."""
    with db.engine.connect() as lock:
        lock.execute(update(model).where(model.id == row_id).values(id=model.id))
        yield
        lock.rollback()


def event_state(db, programme: Programme) -> tuple[bool, bool]:
    """Whether the approval's event is dispatched, and whether its final copy is stored."""
    event = approval_event(db, programme)
    copy = db.session.scalar(select(FinalCopy.id).where(FinalCopy.programme_id == programme.id))
    return event.dispatched_at is not None, copy is not None


# --- where each case parks its process; the kill happens at the `yield` ----------------------


@contextmanager
def at_event_committed(case: Case) -> Iterator[None]:
    """The dispatcher (a worker's dispatch task) waits for the event row: nothing expanded."""
    event_id = case.approve(dispatch_in_worker=True)
    with row_held(case.db, DomainEvent, event_id):
        case.start_worker()
        case.parked_at_lock("dispatch_event")
        yield


@contextmanager
def at_rows_expanded(case: Case) -> Iterator[None]:
    """The dispatcher has committed the rows (and the event's mark) and waits to publish: the
    render task is not queued, so neither are the sends."""
    event_id = case.approve(dispatch_in_worker=True)
    with row_held(case.db, DomainEvent, event_id):
        case.start_worker()
        case.parked_at_lock("dispatch_event")
        case.gate.hold()
    wait_for(lambda: event_state(case.db, case.programme)[0], timeout=30)
    yield
    case.gate.close()


@contextmanager
def at_server_step(case: Case, step: str) -> Iterator[None]:
    """The middle address's DATA is in, and the server holds its answer (FaultyHandler step)."""
    handler = case.smtp_server.handler
    handler.script(MIDDLE, [step])
    case.start_worker()
    case.approve()
    assert handler.held.wait(timeout=60), case.worker.log()
    yield
    handler.release.set()  # the server answers a client that is gone


@contextmanager
def at_sent_unanswered(case: Case) -> Iterator[None]:
    """Sent, and the server has stored nothing yet (it answers 451 after the kill)."""
    with at_server_step(case, "hold"):
        yield


@contextmanager
def at_stored_unanswered(case: Case) -> Iterator[None]:
    """The server has stored the message and not answered yet (250 after the kill)."""
    with at_server_step(case, "accept+hold"):
        yield


@contextmanager
def at_answered_unrecorded(case: Case) -> Iterator[None]:
    """The server stored the message and answered 250, the worker read the reply and waits to
    record the row (its lock held by the test)."""
    handler = case.smtp_server.handler
    with at_server_step(case, "accept+hold"):
        middle_id = rows_by_address(case.db)[MIDDLE].id
        with row_held(case.db, Delivery, middle_id):
            handler.release.set()
            assert handler.answered.wait(timeout=30)
            client_port = handler.peers[MIDDLE][-1][1]
            wait_for(lambda: unread_bytes(client_port) == 0, timeout=30)
            if case.postgres:
                case.parked_at_lock("send_deliveries")
            yield


NOTHING = {}
UNTOUCHED = dict.fromkeys(ADDRESSES, ("pending", 0))
MIDDLE_IN_FLIGHT = {FIRST: ("sent", 1), MIDDLE: ("sending", 1), LAST: ("pending", 0)}
# case: (where it parks, the final copy's rows the kill left as {address: (status, attempts)},
# copies the middle address receives in the end)
KILL_POINTS = {
    "event-committed": (at_event_committed, NOTHING, 1),
    "rows-expanded": (at_rows_expanded, UNTOUCHED, 1),
    "sent-unanswered": (at_sent_unanswered, MIDDLE_IN_FLIGHT, 1),
    "stored-unanswered": (at_stored_unanswered, MIDDLE_IN_FLIGHT, 2),
    "answered-unrecorded": (at_answered_unrecorded, MIDDLE_IN_FLIGHT, 2),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_killed_at_each_step_every_address_gets_its_copy_once(
    app, db, make, seed_text, env, tmp_path, smtp_server, point
):
    park, left, middle_copies = KILL_POINTS[point]
    programme, committee = in_review(db, make, seed_text, ADDRESSES)
    gate = BrokerGate(env["CELERY_BROKER_URL"])
    case = Case(app, db, env, tmp_path, smtp_server, gate, programme, committee)
    try:
        with park(case):
            case.worker.kill()
    finally:
        gate.close()
        if case.worker:
            case.worker.stop()

    rows = rows_by_address(db)
    assert {a: (row.status, row.attempts) for a, row in rows.items()} == left
    dispatched, rendered = event_state(db, programme)
    assert dispatched == bool(left)  # the rows and the event's mark: one commit
    assert rendered == (left == MIDDLE_IN_FLIGHT)

    # One task at a time: the relay never runs beside a send, so it cannot take a row two
    # seconds into its send for a killed worker's, however loaded the machine.
    restarted = CeleryWorker(env, tmp_path, beat=True, concurrency=1).start()
    try:
        rows = wait_for(lambda: settled(db, len(ADDRESSES)), timeout=90)
    finally:
        restarted.kill()
        restarted.stop()

    count = select(func.count()).select_from(Delivery).where(Delivery.kind == FINAL_COPY)
    assert db.session.scalar(count) == len(ADDRESSES)  # one row per address, whatever died
    attempts = 2 if left == MIDDLE_IN_FLIGHT else 1
    assert {a: (row.status, row.attempts) for a, row in rows.items()} == {
        FIRST: ("sent", 1), MIDDLE: ("sent", attempts), LAST: ("sent", 1)
    }  # fmt: skip
    copies = received(smtp_server, ADDRESSES)
    assert copies == {
        FIRST: [rows[FIRST].message_id],
        MIDDLE: [rows[MIDDLE].message_id] * middle_copies,
        LAST: [rows[LAST].message_id],
    }
    # Whatever reached the server for the middle address carried its row's Message-ID.
    sent_ids = [message_id for _, message_id in smtp_server.handler.data[MIDDLE]]
    assert sent_ids == [rows[MIDDLE].message_id] * attempts
