"""Số ký hiệu: assigned on approval, counting per (org, document type, term), unique under races."""

import threading
from datetime import date
from functools import partial

import pytest
from sqlalchemy import select

from chibo_flow.extensions import db as _db
from chibo_flow.models import Programme, User
from chibo_flow.workflow import apply_transition
from tests.workflow.support import in_review, race, setup_org


def test_numbers_count_per_type_and_term(make, db):
    org, secretary, (voter, _) = setup_org(make)
    numbers = []
    for title in ("HÀNH ĐỘNG NĂM 2023", "HÀNH ĐỘNG NĂM 2024"):
        programme = in_review(make, org, secretary, title)
        apply_transition(programme, "approve", voter, version=programme.version)
        numbers.append(programme.number)
    assert numbers == ["01-CTr/CB", "02-CTr/CB"]

    # A new cấp ủy term starts counting again from 01.
    org.term_start = date(2025, 1, 1)
    db.session.commit()
    programme = in_review(make, org, secretary, "HÀNH ĐỘNG NĂM 2025")
    apply_transition(programme, "approve", voter, version=programme.version)
    assert programme.number == "01-CTr/CB"


# SQLite serialises writers, so only PostgreSQL can race two approvals for real.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_racing_approvals_get_distinct_numbers(app, make, db):
    """Two approvals computing the next number at the same moment: both commit, no duplicate."""
    org, secretary, voters = setup_org(make)
    ids = [in_review(make, org, secretary, f"HÀNH ĐỘNG {n}").id for n in (1, 2)]
    voter_ids = [v.id for v in voters]
    both_numbered = threading.Barrier(2, timeout=10)

    def hold_until_both_numbered(session, flush_context, instances) -> None:
        # Before the first flush that carries a number, wait for the other thread to get
        # there too, so both read the same "last number" before either writes.
        numbered = any(isinstance(o, Programme) and o.number_seq for o in session.dirty)
        if numbered and not session.info.get("raced"):
            session.info["raced"] = True
            both_numbered.wait()

    def approve(programme_id: int, voter_id: int) -> None:
        programme = _db.session.get(Programme, programme_id)
        voter = _db.session.get(User, voter_id)
        apply_transition(programme, "approve", voter, version=programme.version)

    jobs = (partial(approve, *pair) for pair in zip(ids, voter_ids, strict=True))
    errors = race(app, hold_until_both_numbered, *jobs)

    assert errors == []
    db.session.expire_all()
    rows = db.session.scalars(select(Programme).order_by(Programme.number)).all()
    assert [(p.state, p.number) for p in rows] == [
        ("approved", "01-CTr/CB"),
        ("approved", "02-CTr/CB"),
    ]
