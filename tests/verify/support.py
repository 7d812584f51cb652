"""Helpers for final-copy tests: the demo's seed draft taken through the real workflow, and an
app holding its final copy for a whole test module (rendering takes about a second)."""

from collections.abc import Iterator
from contextlib import contextmanager
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
