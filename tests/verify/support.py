"""Helpers for final-copy tests: the demo's seed draft taken through the real workflow, and an
app holding its final copy for a whole test module (rendering takes about a second)."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from chibo_flow import create_app
from chibo_flow.demo import DEMO_USERS, load_demo
from chibo_flow.documents.final_copy import final_copy_for
from chibo_flow.extensions import db
from chibo_flow.models import FinalCopy, Programme, User
from chibo_flow.workflow import apply_transition
from tests.support import config_for, empty_tables

SECRETARY, COMMITTEE_1, COMMITTEE_2 = (DEMO_USERS[i].email for i in range(3))
PUBLIC_URL = "http://chibo.test"


@contextmanager
def loopback_server(handler: Callable[..., BaseHTTPRequestHandler]) -> Iterator[str]:
    """An HTTP server on loopback answering with `handler`, in a thread of its own, until the
    block ends; its base URL (no trailing slash). A CA's CRL, OCSP or timestamp service."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def answering_posts(answer: Callable[[bytes], bytes], content_type: str) -> Iterator[str]:
    """A loopback service answering the body of each POST with `answer(body)` (an RFC 3161
    timestamp authority, an OCSP responder); its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            reply = answer(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format, *args) -> None:  # noqa: A002 (http.server's name)
            pass

    with loopback_server(Handler) as base:
        yield f"{base}/"


def demo_user(email: str) -> User:
    """A demo login by email."""
    return db.session.scalar(select(User).where(User.email == email))


def demo_programme(until: str) -> Programme:
    """The demo's seed draft, submitted ("review") and then approved twice ("approved")."""
    load_demo()
    programme = db.session.scalar(select(Programme))
    apply_transition(programme, "submit", demo_user(SECRETARY), version=programme.version)
    if until == "approved":
        for email in (COMMITTEE_1, COMMITTEE_2):
            apply_transition(programme, "approve", demo_user(email), version=programme.version)
    assert programme.state == until
    return programme


@contextmanager
def issued_seed(database_url: str, tmp_dir: Path, signing: dict[str, str] | None = None
                ) -> Iterator[tuple[Flask, FinalCopy]]:  # fmt: skip
    """Inside an app context: the demo seed approved and its final copy (signed with the
    `signing` settings over the tests' own); emptied on exit."""
    env = {"DATABASE_URL": database_url, "PUBLIC_URL": PUBLIC_URL,
           "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_dir / 'broker.sqlite'}",
           **(signing or {})}  # fmt: skip
    app = create_app(config_for(env))
    with app.app_context():
        try:
            yield app, final_copy_for(demo_programme("approved"))
        finally:
            db.session.remove()
            empty_tables(db)
            db.engine.dispose()
