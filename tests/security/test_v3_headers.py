"""ASVS V3 (web frontend security): the security headers on every blueprint's pages, signed in
and not; `no-store` on everything but static files; HSTS only in production; no
inline script or style in any template (the CSP allows none); no server banner from gunicorn."""

import http.client
import re
import subprocess
import sys

import pytest
from flask import make_response
from flask_login import current_user

from chibo_flow import create_app
from chibo_flow.config import ProductionConfig
from tests.security.support import send_final_copies
from tests.support import ROOT, free_port, wait_for
from tests.web.support import bring_to

pytestmark = pytest.mark.one_database  # see tests/conftest.py

SERVER_START_DEADLINE_S = 180  # gunicorn up and its worker answering, on a loaded machine
READY_PROBE_TIMEOUT_S = 10  # one GET /login while the worker may still be importing the app

# (who, path): who is None for a visitor who has not logged in; {programme} and {org} are the
# world's draft and org. One or more pages of every blueprint and of the API.
PAGES = [
    (None, "/login"),
    (None, "/"),  # the redirect to the login page
    (None, "/xac-thuc/KHONG-CO-MA-NAY"),
    (None, "/khong-co-trang-nay"),
    (None, "/api/v1/openapi.json"),
    (None, "/api/v1/programmes"),  # 401
    ("secretary", "/"),
    ("secretary", "/programmes/new"),
    ("secretary", "/programmes/{programme}"),
    ("secretary", "/programmes/{programme}/edit"),
    ("secretary", "/programmes/{programme}/timeline"),
    ("secretary", "/programmes/{programme}/history.csv"),
    ("secretary", "/programmes/{programme}/ban-in.pdf"),
    ("secretary", "/programmes/4294967296"),  # 404
    ("committee", "/delegations"),
    ("member", "/programmes/{programme}/edit"),  # 404: members do not see drafts
    ("admin", "/admin/deliveries"),
    ("admin", "/admin/mailbox"),
    ("admin", "/admin/directory/"),
    ("admin", "/admin/directory/{org}"),
    ("secretary", "/api/v1/programmes"),
    ("secretary", "/api/v1/programmes/{programme}"),
    ("admin", "/api/v1/directory/people"),
]
REQUIRED_DIRECTIVES = {
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
    "form-action": "'self'",
    "script-src": "'self'",
}


def csp_directives(header: str) -> dict[str, str]:
    """A Content-Security-Policy as {directive: sources}."""
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


@pytest.fixture
def visitor(app):
    """A client that has not logged in."""
    return app.test_client()


def get_as(world, browser, visitor, token, who: str | None, path: str):
    """GET `path` as `who` (None: a visitor): the API with a token, pages through the login."""
    path = path.format(programme=world.programme.id, org=world.org.id)
    if who is None:
        return visitor.get(path)
    user = world.users[who]
    if path.startswith("/api/"):
        return visitor.get(path, headers=token(user))
    return browser(user).get(path)


@pytest.mark.parametrize(("who", "path"), PAGES)
def test_every_page_carries_the_security_headers(world, browser, visitor, token, who, path):
    response = get_as(world, browser, visitor, token, who, path)

    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    policy = csp_directives(response.headers["Content-Security-Policy"])
    for directive, sources in REQUIRED_DIRECTIVES.items():
        assert policy.get(directive) == sources, (directive, policy)
    for directive in ("script-src", "style-src", "default-src"):
        assert "unsafe-inline" not in policy.get(directive, ""), directive
        assert "unsafe-eval" not in policy.get(directive, ""), directive
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin")
    assert "Strict-Transport-Security" not in response.headers  # not in development and tests
    assert "Server" not in response.headers
    assert response.headers["Cache-Control"] == "no-store", response.headers


def test_static_files_stay_cacheable_for_signed_in_people(world, browser):
    client = browser(world.users["secretary"])
    with client.get("/static/style.css") as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_view_writing_its_own_public_cache_policy_still_gets_no_store(app, world, browser):
    # Only what a view marks as public material (headers.cache_publicly: the published CRLs)
    # may be cached; a page of someone's data that writes "public, max-age=3600" itself is not.
    @app.get("/thu-nghiem/trang-rieng")
    def own_policy():
        answer = make_response(f"<p>{current_user.name}: {current_user.email}</p>")
        answer.headers["Cache-Control"] = "public, max-age=3600"
        return answer

    response = browser(world.users["secretary"]).get("/thu-nghiem/trang-rieng")

    assert response.status_code == 200 and world.users["secretary"].email in response.text
    assert response.headers["Cache-Control"] == "no-store"


def test_after_logout_the_page_is_neither_cached_nor_served(world, browser):
    client = browser(world.users["secretary"])
    page = f"/programmes/{world.programme.id}"
    shown = client.get(page)
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"

    client.post("/logout")

    again = client.get(page)
    assert again.status_code == 302 and again.headers["Location"].startswith("/login")


def test_the_captured_emails_html_is_framed_only_by_the_mailbox(db, world, browser, smtp_server):
    bring_to(world, "approved")
    send_final_copies(db)
    admin = browser(world.users["admin"])
    key = re.search(r'href="/admin/mailbox/([^"]+)"', admin.get("/admin/mailbox").text).group(1)

    part = admin.get(f"/admin/mailbox/{key}/html")

    policy = csp_directives(part.headers["Content-Security-Policy"])
    assert "sandbox" in policy and policy["frame-ancestors"] == "'self'"
    assert "script-src" not in policy and policy["default-src"] == "'none'"
    assert part.headers["Cache-Control"] == "no-store"


def test_hsts_only_in_production(env, monkeypatch):
    for name, value in {**env, "SECRET_KEY": "k" * 64, "PUBLIC_URL": "https://chibo.test"}.items():
        monkeypatch.setenv(name, value)
    production = create_app(ProductionConfig)

    response = production.test_client().get("/login")

    assert response.status_code == 200
    hsts = response.headers["Strict-Transport-Security"]
    assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts)
    assert int(hsts.split("=")[1].split(";")[0]) >= 180 * 24 * 3600


TEMPLATES = sorted(
    path.relative_to(ROOT / "templates").as_posix()
    for path in (ROOT / "templates").rglob("*.html")
    if path.parts[-2] not in ("email", "documents")  # emails and the PDF are not web pages
)
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\son[a-z]+\s*=|\sstyle\s*=|javascript:", re.I
)


@pytest.mark.parametrize("template", TEMPLATES)
def test_no_template_has_inline_script_or_style(template):
    source = (ROOT / "templates" / template).read_text(encoding="utf-8")
    assert not INLINE.findall(source)


def test_gunicorn_sends_no_server_banner(env, tmp_path):
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",  # the worker may take long to import the app (it is killed past this)
            str(SERVER_START_DEADLINE_S),
            "wsgi:app",
        ],  # fmt: skip
        cwd=ROOT,
        env={**env, "PATH": "/usr/bin:/bin"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        # gunicorn listens before its worker has imported the app (seconds on a loaded machine):
        # ask again until the worker answers, within a generous deadline.
        response = wait_for(lambda: _get_login(port, server), timeout=SERVER_START_DEADLINE_S)
        assert response.status == 200
        assert response.getheader("Server") is None
        assert response.getheader("Content-Security-Policy")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _get_login(port: int, server: subprocess.Popen) -> http.client.HTTPResponse | None:
    """GET /login from the server on `port`, or None while it is not answering yet (not
    listening, or its worker still booting); fails at once if the server has exited."""
    assert server.poll() is None, f"gunicorn exited with status {server.returncode}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=READY_PROBE_TIMEOUT_S)
    try:
        connection.request("GET", "/login")
        response = connection.getresponse()
        response.read()
        return response
    except (ConnectionError, TimeoutError):
        return None
    finally:
        connection.close()
