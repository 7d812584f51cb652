"""Test helpers shared by the suite: databases, services and polling (no mocks of our stack)."""

import asyncio
import atexit
import email
import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import redis
from flask import Flask
from sqlalchemy import text

from chibo_flow.config import TestConfig
from chibo_flow.documents.certificates import Issuer, make_ca, write_signing_files
from chibo_flow.notifications.capture import MailboxHandler

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "chuong-trinh-hanh-dong-2023.txt"
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _redis_url() -> str:
    """TEST_REDIS_URL (default db 11), one db further for each parallel test process (xdist's
    gw0, gw1, …): two processes never share a queue, kombu's unacknowledged set or a counter."""
    base, number = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11").rsplit("/", 1)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    return f"{base}/{int(number) + int(worker)}"


REDIS_URL = _redis_url()


def assert_in_order(text: str, pieces: list[str]) -> None:
    """Each piece occurs in `text`, after the previous one (a document read top to bottom)."""
    position = 0
    for piece in pieces:
        found = text.find(piece, position)
        assert found >= 0, f"{piece!r} missing or out of order after: {text[position:][:80]!r}"
        position = found + len(piece)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], Any], timeout: float = 30.0, interval: float = 0.1) -> Any:
    """Poll `predicate` until it returns something truthy, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {predicate}")
        time.sleep(interval)


@contextmanager
def postgres_database() -> Iterator[str]:
    """Create a fresh PostgreSQL database for this run and drop it afterwards."""
    name = f"chibo_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        # A test database needs no durability across a crash of PostgreSQL itself: commits
        # return without waiting for the WAL to reach the disk.
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit TO off')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


SIGNING_PASSPHRASE = "mat-khau-chung-thu-thu-nghiem"


@functools.cache
def suite_ca() -> Issuer:
    """The tests' own CA, standing in for the Ban Cơ yếu Chính phủ root (one per test run)."""
    return make_ca("CA thử nghiệm Chi bộ Flow", "Chi bộ Flow — kiểm thử")


@functools.cache
def signing_env() -> dict[str, str]:
    """Signing settings of the test apps: a certificate for the demo chi bộ issued by suite_ca(),
    trusted as the deployment's anchor. Written once per run into a temporary directory."""
    directory = Path(tempfile.mkdtemp(prefix="chibo-signing-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    files = write_signing_files(directory, suite_ca(), "Chi bộ Trường Mầm non Tiên Cường",
                                "Đảng bộ xã Tiên Cường", SIGNING_PASSPHRASE)  # fmt: skip
    return {
        "SIGNING_PKCS12_PATH": str(files.pkcs12),
        "SIGNING_PKCS12_PASSPHRASE": SIGNING_PASSPHRASE,
        "SIGNING_TRUST_ANCHORS": str(files.trust_anchor),
    }


def config_for(env: dict[str, str]) -> type[TestConfig]:
    """A TestConfig reading `env` (over the tests' signing settings) instead of the process
    environment."""
    env = {**signing_env(), **env}

    class BoundTestConfig(TestConfig):
        def __init__(self, instance_path: str) -> None:
            super().__init__(instance_path, env)

    return BoundTestConfig


def empty_tables(db) -> None:
    """Delete every row, keeping the migrated schema (fast per-test isolation); ids start at 1
    again. DELETE, not TRUNCATE: PostgreSQL's TRUNCATE gives each table new files (about 0.7 s
    for all of them per test, against 0.04 s for deleting the few rows a test leaves)."""
    postgresql = db.engine.dialect.name == "postgresql"
    if postgresql:  # no foreign-key checks in this transaction (programme ↔ revision is a cycle)
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    if postgresql:
        db.session.execute(text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'"))
    db.session.commit()


def flask_cli(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess:
    """Run `flask --app wsgi ARGS` as a separate process, as an operator would."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env={**os.environ, **signing_env(), **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@dataclass(frozen=True)
class CliResult:
    """What a command run in this process left: its exit code and what it wrote."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(app: Flask, *args: str, stdin: str | None = None) -> CliResult:
    """Run `flask ARGS` in this process with Flask's CLI runner, in an app context of its own
    (its own database session, as a separate process has). For tests of what a command does;
    the operator's path (`flask_cli`, a real process) is tested once per command in test_cli.py.
    An exception the command does not handle is raised, not turned into an exit code."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args), input=stdin, catch_exceptions=False)
    return CliResult(result.exit_code, result.stdout, result.stderr)


def forget_redis_queue(queue: str, url: str = REDIS_URL) -> None:
    """Delete a test's queue from Redis: its lists and bindings, and the unacknowledged messages
    routed to it (a killed worker's); nothing else (never FLUSHALL: Redis may be shared)."""
    client = redis.Redis.from_url(url)
    try:
        # kombu's priority lists (the send ranks, and kombu's default steps)
        priorities = [f"{queue}\x06\x16{step}" for step in range(1, 10)]
        bindings = [f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
        client.delete(queue, *priorities, *bindings)
        for tag, payload in client.hscan_iter("unacked"):
            if json.loads(payload)[-1] == queue:  # [message, exchange, routing key]
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
    finally:
        client.close()


class CeleryWorker:
    """A real `celery -A celery_worker worker` process (and optionally beat) for one test."""

    def __init__(
        self,
        env: dict[str, str],
        log_dir: Path,
        beat: bool = False,
        concurrency: int = 4,
        pool: str = "threads",
    ) -> None:
        self.env = {**os.environ, **signing_env(), **env}
        self.log_path = log_dir / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.beat = beat
        self.concurrency = concurrency
        self.pool = pool
        self.process: subprocess.Popen | None = None

    def start(self) -> "CeleryWorker":
        """Start the worker process; returns once it is consuming."""
        args = [
            sys.executable, "-m", "celery", "-A", "celery_worker", "worker",
            f"--pool={self.pool}", f"--concurrency={self.concurrency}", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "-n", f"test-{uuid.uuid4().hex[:6]}@%h",
        ]  # fmt: skip
        if self.beat:
            args.append("--beat")
            args += ["--schedule", str(self.log_path.with_suffix(".beat"))]
        self._log = self.log_path.open("w")
        # A process group of its own: with --beat the worker forks beat, which a signal to the
        # worker alone would leave running (an orphan queueing relay tasks for later tests).
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            wait_for(lambda: "ready." in self.log() or self.process.poll() is not None, 120)
        except AssertionError:
            self.stop()  # never leave a worker (and its open log) behind for the next test
            raise RuntimeError(f"celery worker not ready within 120 s:\n{self.log()}") from None
        if self.process.poll() is not None:
            self.stop()
            raise RuntimeError(f"celery worker exited:\n{self.log()}")
        return self

    def __enter__(self) -> "CeleryWorker":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def log(self) -> str:
        """Everything the worker printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """`kill -9` the worker and its beat (a crash: no shutdown, no acknowledgements)."""
        self._signal_group(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Stop the worker (warm shutdown, then kill); nothing of its group is left running."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        if self.process:
            self.kill()
        self._log.close()

    def _signal_group(self, sig: signal.Signals) -> None:
        """Send `sig` to every process of the worker's group (gone already: nothing to do)."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)


class FaultyHandler(MailboxHandler):
    """The capture handler with scripted faults: each attempt to an address takes the next step
    of its script, then the server behaves normally. Steps:

    - "451 ..." / "550 ..."   answer the end of DATA with this reply (nothing stored);
    - "rcpt 452 ..."          answer RCPT TO with this reply;
    - "drop"                  close the connection instead of answering DATA (nothing stored);
    - "hold"                  set `held`, wait for `release`, store nothing (the client is gone);
    - "accept+hold"           store the message, set `held`, wait for `release`, answer 250
                              (a held step sets `answered` once its reply is written);
    - "accept+close"          store the message, answer 250, then close the connection (as a
                              server does at its limit of messages per connection).

    `peers` records, per address, the client end of the connection each DATA came on.
    """

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.scripts: dict[str, list[str]] = {}
        self.attempts: Counter[str] = Counter()  # RCPT TO seen per address: one per send attempt
        self.data: dict[str, list[tuple[str, str]]] = {}  # address → [(step, Message-ID)] at DATA
        self.peers: dict[str, list[tuple[str, int]]] = {}
        self.held = threading.Event()
        self.release = threading.Event()
        self.answered = threading.Event()

    def script(self, address: str, steps: list[str]) -> None:
        """Give `address` its faults, in order."""
        self.scripts[address] = list(steps)

    def _next(self, address: str, phase: str) -> str | None:
        steps = self.scripts.get(address) or []
        if steps and steps[0].startswith("rcpt ") == (phase == "rcpt"):
            return steps.pop(0)
        return None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        self.attempts[address] += 1
        step = self._next(address, "rcpt")
        if step is not None:
            return step.removeprefix("rcpt ")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        address = envelope.rcpt_tos[0]
        step = self._next(address, "data")
        message_id = email.message_from_bytes(envelope.content)["Message-ID"]
        self.data.setdefault(address, []).append((step or "250", message_id))
        self.peers.setdefault(address, []).append(session.peer)
        if step is None:
            return await super().handle_DATA(server, session, envelope)
        if step == "accept+close":
            # transport.close() sends what is buffered (the 250) before closing.
            asyncio.get_running_loop().call_soon(server.transport.close)
            return await super().handle_DATA(server, session, envelope)
        if step == "drop":
            server.transport.close()
            return "421 4.4.2 Connection dropped"  # never reaches the client
        if step in ("hold", "accept+hold"):
            if step == "accept+hold":
                await super().handle_DATA(server, session, envelope)
            self.held.set()
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, self.release.wait, 120)
            # aiosmtpd writes the reply returned here before its task next waits, and only then
            # does the loop run what call_soon scheduled.
            loop.call_soon(self.answered.set)
            return "250 OK: stored" if step == "accept+hold" else "451 4.3.0 Client gone"
        return step


def unread_bytes(port: int) -> int:
    """Bytes the local TCP socket bound to 127.0.0.1:`port` has received and its process not
    read yet (Linux's /proc/net/tcp): 0 once a client has read the server's reply."""
    local = f"0100007F:{port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local:
            return int(fields[4].split(":")[1], 16)
    raise LookupError(f"no TCP socket on 127.0.0.1:{port}")


class TcpRelay:
    """A TCP relay to a real server (the tests' Redis) that a test can `hold`: from then on
    what either side sends waits in the relay, as when the network or the server stops
    answering. `close` drops every connection with what it still held, unforwarded."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.flowing = threading.Event()
        self.flowing.set()
        self.closed = False
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def hold(self) -> None:
        """Stop forwarding, in both directions, on every connection."""
        self.flowing.clear()

    def close(self) -> None:
        """Close the relay and its connections; nothing held is forwarded."""
        self.closed = True
        self.flowing.set()
        self.listener.close()
        for sock in self.sockets:
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self.flowing.wait()
                if self.closed:
                    return
                sink.sendall(data)
        except OSError:
            pass  # either end closed
        finally:
            source.close()
            sink.close()


@contextmanager
def office_slots_taken(directory: Path, slots: int) -> Iterator[None]:
    """Every one of `slots` LibreOffice conversion slots in `directory` held by another process
    (as other web workers converting .doc uploads hold them) until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_SLOTS, str(directory), str(slots)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


_HOLD_SLOTS = """
import contextlib, sys, time
from pathlib import Path
from chibo_flow.documents.reading import office_slot
with contextlib.ExitStack() as held:
    for _ in range(int(sys.argv[2])):
        held.enter_context(office_slot(Path(sys.argv[1]), int(sys.argv[2]), 0))
    print("held", flush=True)
    time.sleep(600)
"""
