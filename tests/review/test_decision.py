"""The committee's decision as recorded: a disapproval held when the round closes approved is a
reserved opinion (bảo lưu ý kiến), shown on the approved page and in the API; the decision
record lists every round's opinions."""

import pytest
from sqlalchemy import select

from chibo_flow.auth.sessions import issue_token
from chibo_flow.models import AuditEvent, DomainEvent, EventKind
from chibo_flow.models.users import Role
from chibo_flow.workflow import apply_transition
from tests.api.conftest import ApiClient
from tests.review.support import SECTION_II
from tests.web.support import bring_to, page_text

REASON = "Đề nghị bổ sung chỉ tiêu kết nạp đảng viên mới trong mục II."


@pytest.fixture
def third(world, make):
    """A third committee member: three members, two approvals required (the rule 2 of 3)."""
    return make.user(Role.COMMITTEE, world.org, email="committee3@chibo.test", name="Lê Văn Cường")


def give(world, programme, key: str, action: str, **kwargs):
    """One member's opinion through the workflow (`key`: a person of the world)."""
    apply_transition(programme, action, world.users[key], version=programme.version, **kwargs)


def approve_over_dissent(world, third):
    """Member 1 approves, member 2 disapproves with a reason on section II, member 3 approves."""
    programme = bring_to(world, "review")
    give(world, programme, "committee", "approve")
    give(world, programme, "committee2", "request_changes", comment=REASON, anchor=SECTION_II)
    assert programme.state == "review"  # 1 of 2, and member 3 may still approve
    apply_transition(programme, "approve", third, version=programme.version)
    assert programme.state == "approved"
    return programme


def api_as(client, user) -> ApiClient:
    return ApiClient(client, issue_token(user))


def test_a_disapproval_held_at_the_close_is_a_reserved_opinion_on_the_approved_page(
    db, world, third, browser
):
    programme = approve_over_dissent(world, third)

    text = page_text(browser(world.users["member"]).get(f"/programmes/{programme.id}"))

    assert "Ý kiến bảo lưu" in text
    assert f"Đồng chí Trần Thị Bình bảo lưu ý kiến: {REASON}" in text


def test_the_reserved_opinion_is_in_the_api(db, world, third, client):
    programme = approve_over_dissent(world, third)

    body = api_as(client, world.users["member"]).get(f"/programmes/{programme.id}").get_json()

    assert body["state"] == "approved"
    [reserved] = body["reserved_opinions"]
    assert reserved["member"] == {"email": "committee2@chibo.test", "name": "Trần Thị Bình"}
    assert reserved["opinion"] == "disapprove"
    assert reserved["reason"] == REASON
    assert reserved["on_behalf_of"] is None
    assert reserved["at"].endswith("+00:00")


def test_the_closing_audit_row_and_event_record_the_reserved_opinion(db, world, third):
    programme = approve_over_dissent(world, third)

    closing = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.programme_id == programme.id, AuditEvent.to_state == "approved"
        )
    )
    closed = db.session.scalar(
        select(DomainEvent).where(
            DomainEvent.programme_id == programme.id, DomainEvent.kind == EventKind.ROUND_CLOSED
        )
    )

    assert closing.actor_id == third.id
    assert [entry["member"] for entry in closing.data["reserved"]] == ["Trần Thị Bình"]
    assert closed.data["reserved"] == closing.data["reserved"]


def test_an_opinion_changed_to_approve_before_the_close_is_not_reserved(
    db, world, third, browser, client
):
    programme = bring_to(world, "review")
    give(world, programme, "committee2", "request_changes", comment=REASON)
    give(world, programme, "committee2", "approve")  # persuaded before the round closed
    give(world, programme, "committee", "approve")

    assert programme.state == "approved"
    api = api_as(client, world.users["member"])
    assert api.get(f"/programmes/{programme.id}").get_json()["reserved_opinions"] == []
    page = page_text(browser(world.users["member"]).get(f"/programmes/{programme.id}"))
    assert "bảo lưu" not in page


def test_before_approval_nothing_is_reserved(db, world, third, client):
    programme = bring_to(world, "review")
    give(world, programme, "committee", "request_changes", comment=REASON)
    give(world, programme, "committee2", "request_changes", comment="Chưa rõ kinh phí.")

    assert programme.state == "draft"  # two of three disapprove: 2 approvals are out of reach
    api = api_as(client, world.users["secretary"])
    assert api.get(f"/programmes/{programme.id}").get_json()["reserved_opinions"] == []
