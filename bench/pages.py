"""`make bench`: the programme list page (/) against a bare Flask page, on PostgreSQL.

A throwaway database gets the migrations, the demo and 10,000 programmes of the demo chi bộ
(nearly all approved, as after years of use, plus a few drafts and some in review). Both apps
run under gunicorn with 2 workers. The baseline (bench/baseline.py) shows the 50 newest approved
programmes from one query with a minimal template; a đảng viên's list page shows the same 50
rows, a secretary's shows them below the drafts and the programmes in review. The baseline and
the pages are loaded in turn over loopback, in rounds, with wrk when installed, else a Python
thread loop. Prints the median rates and the median of each page's ratio to the baseline in the
same round, the member's page being the target (≥ 0.7), and the SQL statements one list page
runs at 10 and at 10,000 programmes (target: equal, i.e. no query per row). Exits 1 when a
target is missed.
"""

import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from statistics import median
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPCookieProcessor, build_opener, urlopen

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, func, insert, select, text, update

from chibo_flow import create_app
from chibo_flow.auth import totp
from chibo_flow.demo import (
    DEMO_PASSWORD,
    DEMO_USERS,
    ORG,
    PARTY_MEMBERS,
    SEED_FILE,
    DemoUser,
    load_demo,
)
from chibo_flow.documents.parse import parse_upload
from chibo_flow.extensions import db
from chibo_flow.models import Org, Programme, Revision, User
from chibo_flow.models._types import utcnow
from chibo_flow.models.programmes import State
from tests.support import ROOT, config_for, free_port, postgres_database, wait_for

PROGRAMMES = 10_000
SMALL = [State.REVIEW] * 2 + [State.DRAFT] * 2 + [State.APPROVED] * 5  # + the demo's draft = 10
LARGE_OPEN = [State.REVIEW] * 5 + [State.DRAFT] * 5
WORKERS = 2
CONNECTIONS = 4
WARMUP_S = 1
DURATION_S = 3
# Rounds of one measurement per page and one of the baseline, back to back: the ratio of each
# round cancels drifts of the machine's speed (a shared virtual machine's speed moves by a third
# within minutes), and the median over the rounds ignores the rounds a burst of load spoiled.
ROUNDS = 8
MAX_REQUESTS = 100_000  # per measurement, for the Python loop
TARGET_RATIO = 0.7
USER_AGENT = "chibo-bench"
SECRETARY = DEMO_USERS[0]
MEMBER = PARTY_MEMBERS[0]  # a đảng viên: the list page shows the approved programmes only
OUTPUT = ROOT / "bench" / "output"


def main() -> int:
    """Run the benchmark and print the report; 1 if a target is missed."""
    OUTPUT.mkdir(exist_ok=True)
    with postgres_database() as url, tempfile.TemporaryDirectory() as tmp:
        env, app = demo_app(url, Path(tmp))
        statements_small = {user: statements_per_page(app, user) for user in (MEMBER, SECRETARY)}
        started = time.monotonic()
        with app.app_context():
            add_programmes(LARGE_OPEN + [State.APPROVED] * (PROGRAMMES - 10 - len(LARGE_OPEN)))
            total = db.session.scalar(select(func.count()).select_from(Programme))
            db.engine.dispose()
        print(f"loaded {total:,} programmes in {time.monotonic() - started:.1f} s", flush=True)
        statements_large = {user: statements_per_page(app, user) for user in (MEMBER, SECRETARY)}

        return compare_with_baseline(app, env, statements_small, statements_large, total)


def compare_with_baseline(
    app: Flask, env: dict[str, str], statements_small: dict, statements_large: dict, total: int
) -> int:
    """Serve the app and the baseline on the database of `env`, load both in rounds and print
    the report (rates, ratios, statements per page at 10 and at `total` programmes) for the
    users counted in `statements_small` (MEMBER first); 1 if a target is missed."""
    with (
        gunicorn("wsgi:app", env, OUTPUT / "gunicorn-app.log") as app_url,
        gunicorn("bench.baseline:app", env, OUTPUT / "gunicorn-baseline.log") as base_url,
    ):
        cookies = {
            user: log_in(app_url, user, recovery_code(app, user)) for user in statements_small
        }
        rows = {
            user: list_page(app_url, user, cookie).count('class="programme-item"')
            for user, cookie in cookies.items()
        }
        with urlopen(f"{base_url}/") as response:
            baseline_rows = programme_links(response.read().decode())
        member_rows = programme_links(list_page(app_url, MEMBER, cookies[MEMBER]))
        assert member_rows == baseline_rows, "the member's page shows other rows"
        urls = {None: (f"{base_url}/", None)}  # None: the baseline
        urls |= {user: (f"{app_url}/", cookie) for user, cookie in cookies.items()}
        rates: dict[DemoUser | None, list[float]] = {key: [] for key in urls}
        for _ in range(ROUNDS):
            for key, (url, cookie) in urls.items():
                rates[key].append(requests_per_second(url, cookie))
        for user, cookie in cookies.items():  # still logged in: every request got the page
            list_page(app_url, user, cookie)

    ratios = {
        user: [r / b for r, b in zip(rates[user], rates[None], strict=True)] for user in cookies
    }
    ratio_ok = median(ratios[MEMBER]) >= TARGET_RATIO
    statements_ok = statements_small == statements_large
    tool = "wrk" if shutil.which("wrk") else "python threads"
    print(f"\nload: {tool}, {CONNECTIONS} connections, {ROUNDS} rounds × {DURATION_S} s each; "
          f"gunicorn {WORKERS} workers each; {total:,} programmes; medians over the rounds, "
          "a ratio is the page's rate over the baseline's in the same round")  # fmt: skip
    print(f"  bare Flask       (one query, 50 rows)        {median(rates[None]):6.0f} req/s")
    labels = {MEMBER: "đảng viên", SECRETARY: "bí thư   "}
    for user in cookies:
        label = labels[user]
        verdict = f"(target ≥ {TARGET_RATIO})  {'OK' if ratio_ok else 'MISSED'}"
        print(
            f"  list page, {label} ({rows[user]:2} rows, {statements_large[user]} statements) "
            f"{median(rates[user]):6.0f} req/s  ratio {median(ratios[user]):.3f} "
            f"(rounds {min(ratios[user]):.2f}–{max(ratios[user]):.2f})  "
            f"{verdict if user == MEMBER else ''}"
        )
    print(
        f"  SQL statements per list page at 10 and at {total:,} programmes: "
        + ", ".join(f"{statements_small[u]} and {statements_large[u]}" for u in statements_small)
        + f"  {'OK' if statements_ok else 'MISSED: grows with rows'}"
    )
    return 0 if ratio_ok and statements_ok else 1


def add_programmes(states: list[str], orgs: list | None = None) -> None:
    """Bulk-insert programmes in `states`, each with one revision (the seed), the n-th of the
    org orgs[n] (anything with id, code and term_start; default: all of the demo org)."""
    demo = db.session.scalar(select(Org).where(Org.name == ORG))
    secretary = db.session.scalar(select(User).where(User.email == SECRETARY.email))
    content = parse_upload(SEED_FILE.read_bytes(), SEED_FILE.name).to_dict()
    start = db.session.scalar(select(func.count()).select_from(Programme))
    now = utcnow()
    rows = []
    for i, state in enumerate(states, start=start + 1):
        org = orgs[i - start - 1] if orgs else demo
        when = now - timedelta(hours=i)
        approved = state == State.APPROVED
        rows.append(
            {
                "org_id": org.id,
                "state": state,
                "version": 1,
                "title": f"{content['title']} ({i})",
                "doc_type": content["doc_type"],
                "review_round": 0 if state == State.DRAFT else 1,
                "submitted_by_id": None if state == State.DRAFT else secretary.id,
                "term_start": org.term_start,
                "number_seq": i if approved else None,
                "number": f"{i}-CTr/{org.code}" if approved else None,
                "approved_at": when if approved else None,
                "created_by_id": secretary.id,
                "created_at": when,
                "updated_at": when,
            }
        )
    for batch in (rows[n : n + 1000] for n in range(0, len(rows), 1000)):
        ids = db.session.scalars(insert(Programme).returning(Programme.id), batch).all()
        revisions = [
            {"programme_id": pid, "seq": 1, "content": content, "created_by_id": secretary.id}
            for pid in ids
        ]
        db.session.execute(insert(Revision), revisions)
    programme, revision = Programme.__table__, Revision.__table__
    db.session.execute(
        update(programme)
        .where(programme.c.current_revision_id.is_(None))
        .values(
            current_revision_id=select(revision.c.id)
            .where(revision.c.programme_id == programme.c.id)
            .scalar_subquery()
        )
    )
    db.session.commit()
    # Fresh planner statistics, as autovacuum keeps them in a database in use: without them
    # PostgreSQL plans the first minutes after a bulk load for an empty table.
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def demo_app(url: str, tmp: Path) -> tuple[dict[str, str], Flask]:
    """The environment on database `url` (its broker and mailbox in `tmp`) and an app on it,
    migrated, with the demo and its first page of programmes (SMALL)."""
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-only",
        "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp / 'broker.sqlite'}",
        "MAILBOX_DIR": str(tmp / "mailbox"),
    }
    app = create_app(config_for(env))
    with app.app_context():
        upgrade()
        load_demo()
        add_programmes(SMALL)
    return env, app


def statements_per_page(app: Flask, user: DemoUser) -> int:
    """SQL statements `user`'s list page runs, counted in-process on the app's engine."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    code = recovery_code(app, user)
    event.listen(engine, "before_cursor_execute", count)
    try:
        client = app.test_client()
        login = {"email": user.email, "password": DEMO_PASSWORD}
        assert client.post("/login", data=login).status_code == 302, "login failed"
        if code is not None:
            second = client.post("/login/otp", data={"code": code})
            assert second.status_code == 302, "second factor failed"
        client.get("/")  # the first request may load things once per process
        statements.clear()
        response = client.get("/")
        assert response.status_code == 200, response.status
        return len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], log_path: Path) -> Iterator[str]:
    """Serve `app_spec` with gunicorn on a free loopback port; yields its base URL."""
    url = f"http://127.0.0.1:{free_port()}"
    args = [
        sys.executable, "-m", "gunicorn", "--workers", str(WORKERS),
        "--bind", urlsplit(url).netloc, "--chdir", str(ROOT), app_spec,
    ]  # fmt: skip
    with log_path.open("w") as log:
        server = subprocess.Popen(
            args, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_for(lambda: server.poll() is not None or answers(url), timeout=60)
            if server.poll() is not None:
                raise SystemExit(f"gunicorn {app_spec} exited; see {log_path}")
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def answers(url: str) -> bool:
    """True once something answers HTTP at `url`."""
    try:
        with urlopen(f"{url}/", timeout=2):
            return True
    except HTTPError:
        return True
    except (URLError, OSError):
        return False


def recovery_code(app: Flask, user: DemoUser) -> str | None:
    """A fresh one-time recovery code of `user` when their role logs in with a second factor
    (enrolled here if not yet; a TOTP code works once per step, and the bench logs in more than
    once within one), else None."""
    with app.app_context():
        account = db.session.scalar(select(User).where(User.email == user.email))
        if not totp.requires_second_factor(account):
            return None
        if not account.has_factor:
            totp.current_code(account)  # enrols the account, as `flask users otp` does
        return totp.new_recovery_codes(account)[0]


def _csrf_token(form: str) -> str:
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    assert token, "no CSRF token in the form"
    return token.group(1)


def log_in(url: str, user: DemoUser, code: str | None = None) -> str:
    """Log in as `user` through the login form (and the second-factor form with `code`); the
    Cookie header to send."""
    jar = CookieJar()
    opener = build_opener(HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    form = opener.open(f"{url}/login").read().decode()
    data = {"csrf_token": _csrf_token(form), "email": user.email, "password": DEMO_PASSWORD}
    with opener.open(f"{url}/login", urlencode(data).encode()) as response:
        page, ended = response.read().decode(), response.url
    if code is not None:
        data = {"csrf_token": _csrf_token(page), "code": code}
        with opener.open(ended, urlencode(data).encode()) as response:
            ended = response.url
    assert ended == f"{url}/", f"login failed: ended on {ended}"
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def list_page(url: str, user: DemoUser, cookie: str) -> str:
    """The list page's HTML as `user`, logged in (fails if it redirects to the login)."""
    host = urlsplit(url)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    conn.request("GET", "/", headers={"Cookie": cookie, "User-Agent": USER_AGENT})
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    assert response.status == 200 and user.name in body, f"list page: {response.status}"
    # The cookie the load sends is current: the page does not rewrite the session each time.
    assert response.getheader("Set-Cookie") is None, "the list page set a cookie"
    return body


def programme_links(html: str) -> list[str]:
    """The programme pages a page links to, in order."""
    return re.findall(r'href="/programmes/(\d+)"', html)


def requests_per_second(url: str, cookie: str | None) -> float:
    """Requests per second `url` serves over CONNECTIONS connections for DURATION_S."""
    headers = {"User-Agent": USER_AGENT} | ({"Cookie": cookie} if cookie else {})
    measure = wrk if shutil.which("wrk") else thread_loop
    measure(url, headers, WARMUP_S)
    return measure(url, headers, DURATION_S)


def wrk(url: str, headers: dict[str, str], seconds: int) -> float:
    """Measure with wrk; fails on any non-2xx/3xx answer."""
    args = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*args, url], capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    assert "Non-2xx" not in out, out
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def thread_loop(url: str, headers: dict[str, str], seconds: int) -> float:
    """Measure with CONNECTIONS threads sending GETs until the time or MAX_REQUESTS is up."""
    host = urlsplit(url)
    deadline = time.monotonic() + seconds
    done: list[int] = []
    failures: list[int] = []
    lock = threading.Lock()

    def client() -> None:
        while time.monotonic() < deadline and len(done) < MAX_REQUESTS:
            conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
            conn.request("GET", host.path or "/", headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            with lock:
                (done if response.status == 200 else failures).append(response.status)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, f"{len(failures)} requests failed: {sorted(set(failures))}"
    return len(done) / (time.monotonic() - started)


if __name__ == "__main__":
    sys.exit(main())
