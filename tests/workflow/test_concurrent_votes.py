"""Committee members voting at the same moment: every vote counts, and the last one needed
approves the programme."""

import contextlib
import threading
from functools import partial

import pytest
from sqlalchemy import func, select

from chibo_flow.extensions import db as _db
from chibo_flow.models import Programme, User, Vote
from chibo_flow.workflow import apply_transition
from tests.workflow.support import in_review, race, setup_org


# SQLite serialises writers, so only PostgreSQL can race two votes for real.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_members_approving_at_once_both_count_and_approve_the_programme(app, make, db):
    org, secretary, voters = setup_org(make, approvals=2)
    voter_ids = [voter.id for voter in voters]
    programme = in_review(make, org, secretary, "HÀNH ĐỘNG NĂM 2023")
    version = programme.version  # both members' pages show this version
    both_voting = threading.Barrier(2, timeout=2)

    def hold_until_both_vote(session, flush_context, instances) -> None:
        # Each vote waits (2 s at most) for the other before it is written and counted, so
        # neither would see the other's vote unless votes on one programme run one at a time.
        if any(isinstance(o, Vote) for o in session.new):
            # A broken barrier: the other vote is waiting for this one to finish.
            with contextlib.suppress(threading.BrokenBarrierError):
                both_voting.wait()

    def approve(voter_id: int) -> None:
        mine = _db.session.get(Programme, programme.id)
        apply_transition(mine, "approve", _db.session.get(User, voter_id), version=version)

    errors = race(app, hold_until_both_vote, *(partial(approve, v) for v in voter_ids))

    assert errors == []
    db.session.expire_all()
    votes = select(func.count()).select_from(Vote).where(Vote.programme_id == programme.id)
    assert db.session.scalar(votes) == 2
    approved = db.session.get(Programme, programme.id)
    assert (approved.state, approved.number) == ("approved", "01-CTr/CB")
