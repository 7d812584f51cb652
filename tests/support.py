"""Test helpers shared by the suite: databases, services and polling (no mocks of our stack)."""

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import text

from chibo_flow.config import TestConfig

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "chuong-trinh-hanh-dong-2023.txt"
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


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
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def config_for(env: dict[str, str]) -> type[TestConfig]:
    """A TestConfig reading `env` instead of the process environment."""

    class BoundTestConfig(TestConfig):
        def __init__(self, instance_path: str) -> None:
            super().__init__(instance_path, env)

    return BoundTestConfig


def empty_tables(db) -> None:
    """Delete every row, keeping the migrated schema (fast per-test isolation)."""
    tables = [t.name for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        quoted = ", ".join(f'"{name}"' for name in tables)
        db.session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    else:
        for name in reversed(tables):
            db.session.execute(text(f'DELETE FROM "{name}"'))
    db.session.commit()


def flask_cli(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run `flask --app wsgi ARGS` as a separate process, as an operator would."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


class CeleryWorker:
    """A real `celery -A celery_worker worker` process (and optionally beat) for one test."""

    def __init__(self, env: dict[str, str], log_dir: Path, beat: bool = False) -> None:
        self.env = {**os.environ, **env}
        self.log_path = log_dir / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.beat = beat
        self.process: subprocess.Popen | None = None

    def start(self) -> "CeleryWorker":
        """Start the worker process; returns once it is consuming."""
        args = [
            sys.executable, "-m", "celery", "-A", "celery_worker", "worker",
            "--pool=threads", "--concurrency=4", "--loglevel=INFO", "--without-gossip",
            "--without-mingle", "-n", f"test-{uuid.uuid4().hex[:6]}@%h",
        ]  # fmt: skip
        if self.beat:
            args.append("--beat")
            args += ["--schedule", str(self.log_path.with_suffix(".beat"))]
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        wait_for(lambda: "ready." in self.log() or self.process.poll() is not None, timeout=60)
        if self.process.poll() is not None:
            self.stop()
            raise RuntimeError(f"celery worker exited:\n{self.log()}")
        return self

    def log(self) -> str:
        """Everything the worker printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        """Stop the worker (warm shutdown, then kill)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
