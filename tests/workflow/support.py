"""Shared by the workflow tests: a chi bộ with a resolvable "Nơi nhận", programmes in review."""

import threading
from collections.abc import Callable
from datetime import date

from sqlalchemy import event
from sqlalchemy.orm import Session

from chibo_flow.extensions import db
from chibo_flow.models import DirectoryEntry, Group, Programme
from chibo_flow.models.users import Role
from chibo_flow.recipients import learn_alias
from chibo_flow.workflow import apply_transition

DOC = """CHƯƠNG TRÌNH
{title}

I. Mục đích yêu cầu

Nội dung.

Nơi nhận:
- Chi ủy (b/c);
- Lưu CB.

TM. CHI BỘ
BÍ THƯ

Vũ Thị Xuyên
"""


def setup_org(make, approvals: int = 1):
    """A chi bộ whose "Chi ủy" line resolves; its secretary and two committee members."""
    org = make.org(approvals=approvals)
    org.term_start = date(2022, 1, 1)
    secretary = make.user(Role.SECRETARY, org)
    voters = [make.user(Role.COMMITTEE, org) for _ in range(2)]
    group = Group(org_id=org.id, name="Chi ủy chi bộ")
    group.entries = [DirectoryEntry(org_id=org.id, name="Chi ủy", email="chiuy@chibo.test")]
    db.session.add(group)
    learn_alias(org, "Chi ủy", group)
    db.session.commit()
    return org, secretary, voters


def in_review(make, org, secretary, title: str) -> Programme:
    """A programme of `org` titled `title`, submitted for review."""
    programme = make.programme(org, secretary, DOC.format(title=title))
    return apply_transition(programme, "submit", secretary, version=programme.version)


def race(app, before_flush: Callable, *jobs: Callable[[], None]) -> list[BaseException]:
    """Run `jobs` at once, each in a thread with its own app context (its own session), with
    `before_flush` listening to every Session (where a test holds one job for the other);
    returns what the jobs raised."""
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            with app.app_context():
                job()
                db.session.remove()
        except BaseException as exc:  # reported to the caller
            errors.append(exc)

    event.listen(Session, "before_flush", before_flush)
    try:
        threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        event.remove(Session, "before_flush", before_flush)
    return errors
