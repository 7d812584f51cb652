"""THE majority rule as a table: whatever order the committee gives its opinions in
(approve, disapprove, change of opinion, retraction, withdrawal, a delegate's opinion), the
round ends where tập trung dân chủ says, and a disapproval never discards approvals given.

The expected state comes from the rule as DESIGN.md §3 states it, restated here in
`expected_state` (approvals reach `required` → approved; members who have not disapproved
fall below `required` → draft), not from workflow.py.
"""

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from chibo_flow.extensions import db
from chibo_flow.models import Delegation, Vote
from chibo_flow.models._types import utcnow
from chibo_flow.models.users import Role
from chibo_flow.timefmt import local_date
from chibo_flow.workflow import apply_transition
from chibo_flow.workflow_errors import WorkflowError
from tests.workflow.support import in_review, setup_org

ACTIONS = {"a": "approve", "d": "request_changes", "r": "retract_opinion"}


def expected_state(steps: list[tuple[str, int]], members: int, required: int) -> str:
    """Where the rule says `steps` end: ("a"|"d"|"r", member) opinions, ("w", 0) withdraw."""
    opinions: dict[int, str] = {}
    for kind, member in steps:
        if kind == "w":
            return "draft"
        if kind == "r":
            opinions.pop(member, None)
            continue
        opinions[member] = kind
        approvals = sum(1 for o in opinions.values() if o == "a")
        disapprovals = sum(1 for o in opinions.values() if o == "d")
        if approvals >= required:
            return "approved"
        if members - disapprovals < required:
            return "draft"
    return "review"


def committee(make, members: int, required: int):
    org, secretary, voters = setup_org(make, approvals=required)
    voters += [make.user(Role.COMMITTEE, org) for _ in range(members - len(voters))]
    db.session.commit()
    return org, secretary, voters


def play(make, members: int, required: int, steps, delegate_for: int | None = None):
    """Apply `steps` (member index; with `delegate_for` that member's opinions are given by
    the next member as delegate) until the round closes; returns the programme and voters."""
    org, secretary, voters = committee(make, members, required)
    if delegate_for is not None:
        today = local_date(utcnow())
        db.session.add(Delegation(org_id=org.id, from_user_id=voters[delegate_for].id,
                                  to_user_id=voters[(delegate_for + 1) % members].id,
                                  starts_on=today, ends_on=today + timedelta(days=3)))  # fmt: skip
        db.session.commit()
    programme = in_review(make, org, secretary, "HÀNH ĐỘNG NĂM 2023")
    for kind, member in steps:
        if programme.state != "review":
            break
        if kind == "w":
            apply_transition(programme, "withdraw", secretary, version=programme.version)
            continue
        actor, on_behalf = voters[member], None
        if member == delegate_for:
            actor, on_behalf = voters[(member + 1) % members], voters[member]
        apply_transition(programme, ACTIONS[kind], actor, version=programme.version,
                         comment="Chưa rõ chỉ tiêu." if kind == "d" else None,
                         on_behalf_of=on_behalf)  # fmt: skip
    return programme, voters


def orders(members: int, limit: int | None = None):
    """Every choice of approve/disapprove per member, each in every order (or the first
    `limit` orders)."""
    for choice in itertools.product("ad", repeat=members):
        perms = itertools.permutations(range(members))
        for order in itertools.islice(perms, limit):
            yield [(choice[m], m) for m in order]


THREE = list(orders(3))
# Changes of opinion, retractions and withdrawals among the first opinions.
CHANGES = [
    [("d", 0), ("a", 0), ("a", 1)],  # change to approve: approved
    [("a", 0), ("d", 0), ("d", 1)],  # change to disapprove: two disapprove → returned
    [("a", 0), ("r", 0), ("a", 1)],  # retracted approval does not count
    [("a", 0), ("r", 0), ("a", 1), ("a", 2)],
    [("d", 0), ("r", 0), ("d", 1), ("a", 2)],  # retracted disapproval: still possible
    [("d", 0), ("r", 0), ("a", 1), ("a", 0)],
    [("a", 0), ("w", 0)],  # withdrawn
    [("d", 0), ("a", 1), ("w", 0)],
]


@pytest.mark.parametrize("steps", THREE + CHANGES, ids=str)
def test_three_members_two_required(make, db, steps):
    programme, _ = play(make, 3, 2, steps)

    assert programme.state == expected_state(steps, 3, 2)


@pytest.mark.parametrize("steps", THREE[::6] + CHANGES[:3], ids=str)
def test_a_delegate_s_opinion_counts_for_the_member(make, db, steps):
    programme, voters = play(make, 3, 2, steps, delegate_for=0)

    assert programme.state == expected_state(steps, 3, 2)
    given = db.session.scalars(select(Vote).where(Vote.user_id == voters[0].id)).all()
    assert given and all(vote.cast_by_id == voters[1].id for vote in given)


@pytest.mark.parametrize("steps", list(orders(5, limit=2)), ids=str)
def test_five_members_three_required(make, db, steps):
    programme, _ = play(make, 5, 3, steps)

    assert programme.state == expected_state(steps, 5, 3)


def test_a_disapproval_never_discards_approvals_given(make, db):
    programme, voters = play(make, 5, 3, [("a", 0), ("a", 1), ("d", 2)])

    assert programme.state == "review"
    current = db.session.scalars(
        select(Vote).where(Vote.programme_id == programme.id, Vote.superseded_at.is_(None))
    ).all()
    assert sorted((v.user_id, v.decision) for v in current) == sorted(
        [(voters[0].id, "approve"), (voters[1].id, "approve"), (voters[2].id, "request_changes")]
    )
    apply_transition(programme, "approve", voters[3], version=programme.version)
    assert programme.state == "approved"  # the dissent stays on record (bảo lưu ý kiến)
    assert db.session.scalar(select(Vote.reason).where(Vote.user_id == voters[2].id))


def test_a_changed_opinion_keeps_the_first_in_the_record(make, db):
    programme, voters = play(make, 3, 2, [("d", 0), ("a", 0)])

    rows = db.session.scalars(
        select(Vote).where(Vote.user_id == voters[0].id).order_by(Vote.id)
    ).all()
    assert [(v.decision, v.superseded_at is not None) for v in rows] == [
        ("request_changes", True),
        ("approve", False),
    ]


def test_the_same_opinion_twice_and_retracting_nothing_are_refused(make, db):
    programme, voters = play(make, 3, 2, [("a", 0)])

    with pytest.raises(WorkflowError):
        apply_transition(programme, "approve", voters[0], version=programme.version)
    with pytest.raises(WorkflowError):
        apply_transition(programme, "retract_opinion", voters[1], version=programme.version)
    assert programme.state == "review"
