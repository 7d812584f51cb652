"""Delegation: a committee member lets another member of the same org vote for them over some
days; the delegate's vote is that member's one vote, recorded "on behalf of"."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.models import AuditEvent, Delegation, Membership, Vote
from chibo_flow.models._types import utcnow
from chibo_flow.models.users import Role
from chibo_flow.review.delegation import create_delegation
from chibo_flow.timefmt import local_date
from chibo_flow.workflow import apply_transition, approvals_received
from chibo_flow.workflow_errors import Invalid, NotAllowed
from tests.review.support import review_text, vote
from tests.web.support import bring_to, flashes, page_text, snapshot

ORG = "Chi bộ Trường Mầm non Tiên Cường"


def today() -> date:
    return local_date(utcnow())


@pytest.fixture
def absent(world, make):
    """A third committee member, who delegates to member 1 for today."""
    third = make.user(Role.COMMITTEE, world.org, email="capuy3@chibo.test", name="Lê Văn Cường")
    create_delegation(world.org, third, world.users["committee"], today(), today())
    return third


def test_delegating_through_the_page(db, world, browser):
    client = browser(world.users["committee2"])
    start, end = today(), today() + timedelta(days=6)

    response = client.post(
        "/delegations",
        data={
            "delegate": f"{world.org.id}-{world.users['committee'].id}",
            "starts_on": start.isoformat(),
            "ends_on": end.isoformat(),
        },
        follow_redirects=True,
    )

    assert flashes(response, "success") == [
        messages.DELEGATION_SAVED.format(
            name="Nguyễn Văn An", start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y")
        )
    ]
    assert "Đồng chí ủy quyền cho Nguyễn Văn An" in page_text(response)
    delegation = db.session.scalar(select(Delegation))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "delegate"))
    assert event.data["delegation"] == delegation.id
    assert "Trần Thị Bình ủy quyền cho đồng chí" in page_text(
        browser(world.users["committee"]).get("/delegations")
    )

    response = client.post(f"/delegations/{delegation.id}/revoke", follow_redirects=True)
    assert flashes(response, "success") == [
        messages.DELEGATION_REVOKED.format(name="Nguyễn Văn An")
    ]
    db.session.expire_all()
    assert delegation.revoked_at is not None


def test_the_delegate_votes_on_behalf_once(db, world, browser, absent):
    programme = bring_to(world, "review")
    delegate = browser(world.users["committee"])
    text = review_text(delegate, programme)
    assert "Xác nhận tán thành Dự thảo lần 1 Tán thành thay cho đồng chí Lê Văn Cường" in text
    assert "Lê Văn Cường — chưa cho ý kiến (đã ủy quyền cho đồng chí Nguyễn Văn An)" in text

    response = vote(delegate, programme, "approve", on_behalf_of=str(absent.id))

    assert flashes(response, "success") == [
        messages.REVIEW_VOTED_ON_BEHALF.format(name="Lê Văn Cường")
    ]
    assert "Lê Văn Cường — tán thành lúc" in page_text(response)
    assert "(do đồng chí Nguyễn Văn An biểu quyết thay)" in page_text(response)
    db.session.expire_all()
    (row,) = db.session.scalars(select(Vote))
    assert (row.user_id, row.cast_by_id, row.decision) == (absent.id, world.users["committee"].id,
                                                          "approve")  # fmt: skip
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "approve"))
    assert event.actor_id == world.users["committee"].id
    assert event.data["on_behalf_of"] == {"id": absent.id, "name": "Lê Văn Cường"}

    # A second vote for the same person is refused, by the delegate or by the member.
    before = snapshot(db, programme.id)
    response = vote(delegate, programme, "approve", on_behalf_of=str(absent.id))
    assert flashes(response, "danger") == [
        messages.REVIEW_ALREADY_VOTED_FOR.format(name="Lê Văn Cường")
    ]
    response = vote(browser(absent), programme, "approve")
    assert flashes(response, "danger") == [messages.ALREADY_VOTED]
    assert snapshot(db, programme.id) == before

    # The delegate still has their own vote, and it passes the programme (2 required).
    response = vote(delegate, programme, "approve")
    assert flashes(response, "success") == [messages.PROGRAMME_APPROVED]
    db.session.expire_all()
    assert (programme.state, approvals_received(programme)) == ("approved", 2)


def test_the_delegate_may_request_changes_on_behalf(db, world, absent):
    programme = bring_to(world, "review")
    apply_transition(programme, "request_changes", world.users["committee"],
                     version=programme.version, comment="Thay đồng chí Cường: sửa mục III.",
                     on_behalf_of=absent)  # fmt: skip
    row = db.session.scalar(select(Vote))
    assert (row.user_id, row.decision) == (absent.id, "request_changes")
    # One disapproval does not end the round while the others may still approve.
    assert programme.state == "review"


def test_what_delegation_does_not_allow(db, world, make, absent):
    secretary = world.users["secretary"]
    delegate = world.users["committee"]
    programme = bring_to(world, "review")

    outsider = make.user(Role.COMMITTEE, world.org)
    with pytest.raises(NotAllowed, match=messages.REVIEW_NOT_DELEGATE):
        apply_transition(programme, "approve", outsider, version=programme.version,
                         on_behalf_of=absent)  # fmt: skip
    with pytest.raises(NotAllowed):
        apply_transition(programme, "withdraw", delegate, version=programme.version,
                         on_behalf_of=absent)  # fmt: skip

    # The submitter's vote never counts, through a delegate neither.
    db.session.add(Membership(user=secretary, org=world.org, role=Role.COMMITTEE))
    db.session.commit()
    create_delegation(world.org, secretary, delegate, today(), today())
    with pytest.raises(NotAllowed, match=messages.REVIEW_ON_BEHALF_SELF_APPROVAL):
        apply_transition(programme, "approve", delegate, version=programme.version,
                         on_behalf_of=secretary)  # fmt: skip

    # Only for the dates given.
    later = make.user(Role.COMMITTEE, world.org)
    tomorrow = today() + timedelta(days=1)
    create_delegation(world.org, later, delegate, tomorrow, tomorrow + timedelta(days=2))
    with pytest.raises(NotAllowed, match=messages.REVIEW_NOT_DELEGATE):
        apply_transition(programme, "approve", delegate, version=programme.version,
                         on_behalf_of=later)  # fmt: skip
    assert db.session.scalar(select(Vote.id)) is None


@pytest.mark.parametrize(
    ("to", "start", "end", "error", "message"),
    [
        ("self", 0, 1, Invalid, messages.DELEGATION_SELF),
        ("member", 0, 1, Invalid, messages.DELEGATION_NOT_COMMITTEE.format(org=ORG)),
        ("committee", 2, 1, Invalid, messages.DELEGATION_DATES),
        ("committee", -5, -1, Invalid, messages.DELEGATION_PAST),
        ("committee", 0, 3, Invalid, None),  # overlaps the fixture's delegation
    ],
)
def test_bad_delegations_are_refused(db, world, absent, to, start, end, error, message):
    target = absent if to == "self" else world.users[to]
    with pytest.raises(error) as raised:
        create_delegation(world.org, absent, target, today() + timedelta(days=start),
                          today() + timedelta(days=end))  # fmt: skip
    if message:
        assert raised.value.message == message
    assert db.session.scalar(select(Delegation.id).where(Delegation.id > 1)) is None


def test_a_non_member_of_the_committee_cannot_delegate(db, world):
    with pytest.raises(NotAllowed):
        create_delegation(world.org, world.users["member"], world.users["committee"], today(),
                          today())  # fmt: skip
    with pytest.raises(Invalid, match="Chỉ ủy quyền được cho một cấp ủy viên khác"):
        create_delegation(world.org, world.users["committee"], world.users["secretary"], today(),
                          today())  # fmt: skip


def test_the_delegate_may_take_back_the_opinion_given_for_the_member(db, world, browser, absent):
    programme = bring_to(world, "review")
    delegate = browser(world.users["committee"])
    vote(delegate, programme, "approve", on_behalf_of=str(absent.id))
    text = review_text(delegate, programme)
    assert "Ý kiến của đồng chí Lê Văn Cường: tán thành lúc" in text
    assert "Tán thành thay cho đồng chí Lê Văn Cường" not in text  # given already

    response = vote(delegate, programme, "retract_opinion", on_behalf_of=str(absent.id))
    assert flashes(response, "success") == [
        messages.REVIEW_RETRACTED_ON_BEHALF.format(name="Lê Văn Cường")
    ]
    assert "Tán thành thay cho đồng chí Lê Văn Cường" in page_text(response)
    db.session.expire_all()
    assert approvals_received(programme) == 0
