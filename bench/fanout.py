"""`make bench`: approving and mailing a programme to many recipients, on PostgreSQL + Redis.

(a) Approval latency: 20 programmes reaching 1 address, 20 reaching 500 and 20 reaching 5,000
    are approved in turn (apply_transition in this process: the request's whole work, from the
    checks to what the dispatcher does after commit). Prints p50/p95 of each size and the p95
    ratio 5,000 : 1 (target ≤ 1.2).
(b) Fan-out: a programme reaching 5,000 addresses is approved with a real Celery worker running
    (prefork ×4, as deployed); the time until the SMTP server (aiosmtpd in this process) has all
    5,000 messages is compared with a plain smtplib loop sending the same 5,000 messages, byte
    for byte (final copy PDF attached), to the same server over one connection (the mailer opens
    one per batch). Each side runs ROUNDS times and its best run counts. Prints both rates and
    their ratio (target ≥ 0.8), and the worker's memory (its processes' resident set, summed)
    at its peak during the fan-out against idle (target ≤ 1.5).

Loopback only, bounded (a few tens of seconds). Exits 1 when a target is missed.
"""

import math
import os
import smtplib
import statistics
import sys
import threading
import time
import uuid
from email.utils import parseaddr
from pathlib import Path

from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import select

from chibo_flow import create_app
from chibo_flow.auth.passwords import hash_password
from chibo_flow.demo import SEED_FILE
from chibo_flow.documents.parse import parse_upload
from chibo_flow.extensions import db
from chibo_flow.models import (
    DirectoryEntry,
    DomainEvent,
    EventKind,
    Group,
    Membership,
    Org,
    Programme,
    User,
)
from chibo_flow.models.users import Role
from chibo_flow.workflow import apply_transition, create_programme
from tests.support import (
    REDIS_URL,
    ROOT,
    CeleryWorker,
    config_for,
    forget_redis_queue,
    free_port,
    postgres_database,
)

SIZES = (1, 500, 5000)  # the ratio is judged on the last against the first
APPROVALS = 20  # per size, after WARMUP approvals of each that are not counted
WARMUP = 2
FANOUT = 5000
WORKER_POOL, WORKER_CONCURRENCY = "prefork", 4  # as deploy/ runs the worker
ROUNDS = 2  # (b) runs this many times on each side; the best of each is compared
TIMEOUT_S = 300
TARGET_LATENCY_RATIO = 1.2
TARGET_RATE_RATIO = 0.8
TARGET_MEMORY_RATIO = 1.5
OUTPUT = ROOT / "bench" / "output"


class CountingHandler:
    """aiosmtpd handler keeping the messages to the addresses it expects (not, say, the review
    notices of the same programmes) in memory, and when the first and the last arrived. The
    copies behind one line share their body: it is kept once (5,000 copies of the PDF would
    take most of a gigabyte)."""

    def __init__(self) -> None:
        # (from, to, (headers, body)): the content is headers + body, the body object shared
        self.messages: list[tuple[str, str, tuple[bytes, bytes]]] = []
        self._bodies: dict[bytes, bytes] = {}
        self.first_at = self.last_at = 0.0
        self.addresses: set[str] = set()
        self.all_in = threading.Event()

    def expect(self, addresses: set[str]) -> None:
        """Start afresh; `all_in` is set when a message to each of `addresses` has arrived."""
        self.messages, self.addresses = [], addresses
        self.all_in.clear()

    async def handle_DATA(self, server, session, envelope) -> str:
        if envelope.rcpt_tos[0] not in self.addresses:
            return "250 OK"
        self.messages.append((envelope.mail_from, envelope.rcpt_tos[0], self._shared(envelope)))
        self.last_at = time.monotonic()
        if len(self.messages) == 1:
            self.first_at = self.last_at
        if len(self.messages) >= len(self.addresses):
            self.all_in.set()
        return "250 OK"

    def _shared(self, envelope) -> tuple[bytes, bytes]:
        """The message's content as (headers, body), the body shared with the copies that have
        the same."""
        head, separator, body = envelope.content.partition(b"\r\n\r\n")
        return head + separator, self._bodies.setdefault(body, body)


def main() -> int:
    """Run both measurements and print the report; 1 if a target is missed."""
    OUTPUT.mkdir(exist_ok=True)
    handler = CountingHandler()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    queue = f"bench-fanout-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    try:
        with postgres_database() as url:
            env = {
                "DATABASE_URL": url,
                "SECRET_KEY": "bench-only",
                "CELERY_BROKER_URL": REDIS_URL,
                "CELERY_QUEUE": queue,
                "SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
                "MAIL_FROM": "Chi bộ Flow <no-reply@chibo.bench>",
                "RELAY_INTERVAL_S": "3600",  # the direct path only: no relay during the run
            }
            app = create_app(config_for(env))
            with app.app_context():
                upgrade()
                committee, docs = set_up_org()
                latencies = approval_latencies(committee, docs)
                # (a) queued 40 render tasks (and nothing sends them): drop them before (b).
                forget_redis_queue(queue)
                programmes = [in_review(docs[FANOUT]) for _ in range(ROUNDS)]
                runs, memory = fanout_seconds(env, handler, programmes, committee)
                app_seconds, first_seconds = min(runs)
                db.session.remove()
                db.engine.dispose()
            smtp_url = f"smtp://127.0.0.1:{smtp.port}"
            raw_seconds = min(raw_loop_seconds(handler, smtp_url) for _ in range(ROUNDS))
    finally:
        forget_redis_queue(queue)
        smtp.stop()
    return report(latencies, app_seconds, first_seconds, raw_seconds, memory)


def set_up_org() -> tuple[User, dict[int, dict]]:
    """An org whose directory has a group per size; the committee member who approves, and the
    seed document addressed to each group."""
    org = Org(name="Chi bộ đo tải", code="CB", approvals_required=1, place="Tiên Cường")
    db.session.add(org)
    db.session.flush()
    users = {}
    for role in (Role.SECRETARY, Role.COMMITTEE):
        user = User(email=f"{role}@chibo.bench", name=f"Người {role}",
                    password_hash=hash_password("bench-only"))  # fmt: skip
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user=user, org=org, role=role))
        users[role] = user
    base = parse_upload(SEED_FILE.read_bytes(), SEED_FILE.name).to_dict()
    docs = {}
    for size in SIZES:
        name = f"Danh sách {size} người nhận"
        group = Group(org_id=org.id, name=name)
        group.entries = [
            DirectoryEntry(org_id=org.id, name=f"Người nhận {n:03d}", email=address)
            for n, address in enumerate(addresses(size), 1)
        ]
        db.session.add(group)
        docs[size] = base | {
            "recipients": [
                {"label": name, "purpose": "de_biet"},
                {"label": "Lưu CB", "purpose": "luu"},
            ]
        }
    db.session.commit()
    return users[Role.COMMITTEE], docs


def addresses(size: int) -> list[str]:
    """The addresses of the directory group of `size` people."""
    return [f"nhan{size}-{n:03d}@chibo.bench" for n in range(1, size + 1)]


def in_review(doc: dict) -> Programme:
    """A new programme of the bench org with `doc`, submitted for approval."""
    secretary = db.session.scalar(select(User).where(User.email == "secretary@chibo.bench"))
    org = db.session.scalar(select(Org).where(Org.code == "CB"))
    programme = create_programme(org, secretary, doc)
    apply_transition(programme, "submit", secretary, version=programme.version)
    return programme


def approval_latencies(committee: User, docs: dict[int, dict]) -> dict[int, list[float]]:
    """Seconds per approval, by size, the sizes taking turns (WARMUP rounds not counted)."""
    programmes = {
        size: [in_review(docs[size]) for _ in range(WARMUP + APPROVALS)] for size in SIZES
    }
    times: dict[int, list[float]] = {size: [] for size in SIZES}
    for round_ in range(WARMUP + APPROVALS):
        for size in SIZES:
            programme = programmes[size][round_]
            started = time.perf_counter()
            apply_transition(programme, "approve", committee, version=programme.version)
            took = time.perf_counter() - started
            assert programme.state == "approved" and frozen_recipients(programme) == size
            if round_ >= WARMUP:
                times[size].append(took)
    return times


def frozen_recipients(programme: Programme) -> int:
    """How many addresses the programme's approval froze."""
    query = select(DomainEvent.recipients).where(
        DomainEvent.programme_id == programme.id, DomainEvent.kind == EventKind.APPROVED
    )
    return db.session.scalar(query)


def tree_rss(pid: int) -> int:
    """Resident set of process `pid` and its descendants, summed, in bytes."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        proc = Path(f"/proc/{current}")
        try:
            status = (proc / "status").read_text()
            children = (proc / "task" / str(current) / "children").read_text().split()
        except OSError:  # ended meanwhile
            continue
        rss = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        total += int(rss.split()[1]) * 1024
        todo += [int(child) for child in children]
    return total


class PeakMemory:
    """Samples a process tree's resident set every 0.1 s in a thread; `peak` is the largest."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, tree_rss(self.pid))

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


def fanout_seconds(
    env: dict[str, str], handler: CountingHandler, programmes: list[Programme], committee: User
) -> tuple[list[tuple[float, float]], tuple[int, int]]:
    """For each of `programmes`, approved in turn with one worker running: seconds from its
    approval until its FANOUT messages are received, and until the first one is (the final copy
    is rendered before any is sent); and the worker's memory idle (started, fonts loaded) and at
    its peak during the fan-outs."""
    rounds = []
    with CeleryWorker(env, OUTPUT, concurrency=WORKER_CONCURRENCY, pool=WORKER_POOL) as worker:
        time.sleep(2)  # the pool's processes load the fonts as they start
        idle = tree_rss(worker.process.pid)
        with PeakMemory(worker.process.pid) as memory:
            for programme in programmes:
                handler.expect(set(addresses(FANOUT)))
                started = time.monotonic()
                apply_transition(programme, "approve", committee, version=programme.version)
                if not handler.all_in.wait(TIMEOUT_S):
                    got = len(handler.messages)
                    raise SystemExit(f"only {got} of {FANOUT} received; see {worker.log_path}")
                rounds.append((handler.last_at - started, handler.first_at - started))
                recipients = {to for _, to, _ in handler.messages}
                assert len(recipients) == FANOUT, f"{len(recipients)} of {FANOUT} recipients"
    return rounds, (idle, memory.peak)


def raw_loop_seconds(handler: CountingHandler, smtp_url: str) -> float:
    """Seconds a plain smtplib loop takes to send the messages just received, byte for byte, to
    the same server: one connection for all, one transaction per message."""
    sent = list(handler.messages)
    host, port = smtp_url.removeprefix("smtp://").split(":")
    handler.expect({to for _, to, _ in sent})
    started = time.monotonic()
    with smtplib.SMTP(host, int(port), timeout=30) as conn:
        for sender, recipient, content in sent:
            conn.sendmail(parseaddr(sender)[1], [recipient], b"".join(content))
    assert handler.all_in.wait(TIMEOUT_S)
    assert [m[2] for m in handler.messages] == [m[2] for m in sent]
    return handler.last_at - started


def p95(samples: list[float]) -> float:
    """The 95th percentile by nearest rank."""
    return sorted(samples)[math.ceil(0.95 * len(samples)) - 1]


def report(
    latencies: dict[int, list[float]],
    app_seconds: float,
    first_seconds: float,
    raw_seconds: float,
    memory: tuple[int, int],
) -> int:
    """Print the figures and verdicts; 1 if a target is missed."""
    small, large = p95(latencies[SIZES[0]]), p95(latencies[SIZES[-1]])
    latency_ratio = large / small
    latency_ok = latency_ratio <= TARGET_LATENCY_RATIO
    print(f"\n(a) approval latency, {APPROVALS} approvals per size (in process: checks, vote, "
          "number, events, commit, dispatch)")  # fmt: skip
    for size in SIZES:
        samples = latencies[size]
        print(f"  {size:>5} recipient(s)   p50 {1000 * statistics.median(samples):7.1f} ms"
              f"   p95 {1000 * p95(samples):7.1f} ms   p95 ratio to 1: "
              f"{p95(samples) / small:.2f}")  # fmt: skip
    verdict = "OK" if latency_ok else "MISSED"
    print(f"  ratio (p95) {SIZES[-1]} : 1   {latency_ratio:.2f}  (target ≤ {TARGET_LATENCY_RATIO})"
          f"  {verdict}")  # fmt: skip

    app_rate, raw_rate = FANOUT / app_seconds, FANOUT / raw_seconds
    rate_ratio = app_rate / raw_rate
    rate_ok = rate_ratio >= TARGET_RATE_RATIO
    print(f"\n(b) fan-out of {FANOUT} emails (final copy PDF attached), same aiosmtpd server, "
          f"best of {ROUNDS} runs each")  # fmt: skip
    print(f"  approval → all received (worker: {WORKER_POOL} ×{WORKER_CONCURRENCY})"
          f"  {app_seconds:6.2f} s  {app_rate:6.0f} msg/s")  # fmt: skip
    sending_rate = (FANOUT - 1) / (app_seconds - first_seconds)
    print(f"    of which: rendering until the 1st email {first_seconds:6.2f} s; "
          f"then {sending_rate:.0f} msg/s")  # fmt: skip
    print(f"  plain smtplib loop, same bytes          {raw_seconds:6.2f} s  {raw_rate:6.0f} msg/s")
    verdict = "OK" if rate_ok else "MISSED"
    print(f"  ratio                                   {rate_ratio:.2f}"
          f"  (target ≥ {TARGET_RATE_RATIO})  {verdict}")  # fmt: skip

    idle, peak = memory
    memory_ratio = peak / idle
    memory_ok = memory_ratio <= TARGET_MEMORY_RATIO
    verdict = "OK" if memory_ok else "MISSED"
    print(f"\n(c) worker memory (main process and its {WORKER_CONCURRENCY} children, resident)")
    print(f"  idle {idle / 2**20:6.0f} MB; peak during the fan-outs {peak / 2**20:6.0f} MB")
    print(f"  ratio                                   {memory_ratio:.2f}"
          f"  (target ≤ {TARGET_MEMORY_RATIO})  {verdict}")  # fmt: skip
    return 0 if latency_ok and rate_ok and memory_ok else 1


if __name__ == "__main__":
    sys.exit(main())
