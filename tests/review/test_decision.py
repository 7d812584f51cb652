"""The committee's decision as recorded: a disapproval held when the round closes approved is a
reserved opinion (bảo lưu ý kiến), shown on the approved page and in the API; the decision
record lists every round's opinions."""

import copy
import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from chibo_flow.models import AuditEvent, DomainEvent, EventKind
from chibo_flow.models._types import utcnow
from chibo_flow.models.users import Role
from chibo_flow.review.delegation import create_delegation
from chibo_flow.review.meetings import Meeting
from chibo_flow.timefmt import local_date
from chibo_flow.workflow import apply_transition
from tests.api.conftest import ApiClient
from tests.conftest import api_token
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
    return ApiClient(client, api_token(user))


def today() -> date:
    return local_date(utcnow())


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_disapproval_held_at_the_close_is_a_reserved_opinion_on_the_approved_page(
    db, world, third, browser
):
    programme = approve_over_dissent(world, third)

    text = page_text(browser(world.users["member"]).get(f"/programmes/{programme.id}"))

    assert "Kết quả biểu quyết" in text
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


# --- the decision record ---------------------------------------------------------------------

R1 = "Chưa có chỉ tiêu phát triển đảng viên."
R2 = "Mục II chưa nêu kinh phí."
R3 = "Vẫn đề nghị tách riêng nhiệm vụ của tổ chuyên môn."


def two_rounds(db, world, third):
    """Round 1: member 1 approves, members 2 and 3 disapprove → returned. The secretary
    revises and resubmits. Round 2: member 2 approves then changes to disapprove; member 1
    approves for member 3 (delegated today), then for himself → approved, 2 of 3."""
    programme = bring_to(world, "review")
    give(world, programme, "committee", "approve")
    give(world, programme, "committee2", "request_changes", comment=R1)
    apply_transition(programme, "request_changes", third, version=programme.version, comment=R2)
    assert programme.state == "draft"
    doc = copy.deepcopy(programme.doc)
    doc["title"] += " (đã sửa)"
    give(world, programme, "secretary", "edit", doc=doc)
    give(world, programme, "secretary", "submit")
    give(world, programme, "committee2", "approve")
    give(world, programme, "committee2", "request_changes", comment=R3)
    create_delegation(world.org, third, world.users["committee"], today(), today())
    give(world, programme, "committee", "approve", on_behalf_of=third)
    give(world, programme, "committee", "approve")
    assert programme.state == "approved"
    return programme


def person(key_or_user, world=None) -> dict[str, str]:
    user = world.users[key_or_user] if world else key_or_user
    return {"email": user.email, "name": user.name}


def test_the_decision_record_lists_each_round_field_by_field(db, world, third, client):
    programme = two_rounds(db, world, third)

    response = api_as(client, world.users["member"]).get(f"/programmes/{programme.id}/decision")

    assert response.status_code == 200
    record = response.get_json()
    assert (record["programme_id"], record["state"], record["number"]) == (
        programme.id,
        "approved",
        programme.number,
    )
    first, second = record["rounds"]
    assert (first["number"], first["revision"], first["outcome"]) == (1, 1, "returned")
    assert first["rule"] == {"required": 2, "members": 3}
    assert (first["approvals"], first["disapprovals"], first["waiting"]) == (1, 2, [])
    assert first["submitted_by"] == person("secretary", world)
    assert first["closed_at"] and first["deadline"] and first["submitted_at"]
    assert first["meeting"] is None
    assert [
        (o["member"]["name"], o["opinion"], o["reason"], o["revision"], o["reserved"])
        for o in first["opinions"]
    ] == [
        ("Nguyễn Văn An", "approve", None, 1, False),
        ("Trần Thị Bình", "disapprove", R1, 1, False),
        ("Lê Văn Cường", "disapprove", R2, 1, False),
    ]

    assert (second["number"], second["revision"], second["outcome"]) == (2, 2, "approved")
    assert (second["approvals"], second["disapprovals"]) == (2, 1)
    opinions = second["opinions"]
    assert [(o["member"]["name"], o["opinion"]) for o in opinions] == [
        ("Trần Thị Bình", "approve"),
        ("Trần Thị Bình", "disapprove"),
        ("Nguyễn Văn An", "approve"),  # for member 3
        ("Nguyễn Văn An", "approve"),
    ]
    changed, reserved, delegated, own = opinions
    assert changed["superseded_at"] is not None and not changed["reserved"]
    assert reserved["reason"] == R3 and reserved["reserved"] and reserved["superseded_at"] is None
    assert delegated["on_behalf_of"] == person(third)
    assert own["on_behalf_of"] is None
    assert {o["revision"] for o in opinions} == {2}
    assert record["reserved_opinions"] == [
        {k: reserved[k] for k in ("member", "opinion", "reason", "reserve", "at", "on_behalf_of")}
    ]


def test_a_meeting_vote_is_in_the_record(db, world, third, client):
    programme = bring_to(world, "review")
    give(world, programme, "committee2", "request_changes", comment=R1)
    meeting = Meeting(held_on=today(), present=3, votes_for=2, votes_against=1,
                      minutes=b"%PDF-1.4 bien ban", minutes_name="biên bản họp.pdf")  # fmt: skip
    give(world, programme, "secretary", "record_meeting_vote", params={"meeting": meeting})

    record = api_as(client, world.users["committee"]).get(f"/programmes/{programme.id}/decision")

    [round_] = record.get_json()["rounds"]
    assert round_["outcome"] == "approved"
    assert (round_["approvals"], round_["disapprovals"], round_["waiting"]) == (2, 1, [])
    assert round_["meeting"] == {
        "held_on": today().isoformat(),
        "present": 3,
        "votes_for": 2,
        "votes_against": 1,
        "minutes_name": "biên bản họp.pdf",
        "recorded_by": person("secretary", world),
    }


def test_the_record_as_a_page_and_a_pdf_in_the_party_format(db, world, third, browser, client):
    programme = two_rounds(db, world, third)
    web = browser(world.users["member"])

    detail = web.get(f"/programmes/{programme.id}").get_data(as_text=True)
    page = page_text(web.get(f"/programmes/{programme.id}/decision"))
    pdfs = [
        web.get(f"/programmes/{programme.id}/decision.pdf"),
        api_as(client, world.users["member"]).get(f"/programmes/{programme.id}/decision.pdf"),
    ]

    assert f'href="/programmes/{programme.id}/decision"' in detail
    assert "Vòng duyệt 1 (dự thảo lần 1)" in page
    assert "Kết quả: trả lại dự thảo để chỉnh sửa (1 tán thành, 2 không tán thành; cần 2/3)" in page
    assert "Kết quả: thông qua (2 tán thành, 1 không tán thành; cần 2/3)" in page
    assert "do đồng chí Nguyễn Văn An cho ý kiến thay theo ủy quyền" in page
    assert "đã đổi ý kiến" in page
    assert f"Đồng chí Trần Thị Bình bảo lưu ý kiến: {R3}" in page
    for response in pdfs:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/pdf"
        assert "bien-ban-" in response.headers["Content-Disposition"]
        text = " ".join(pdf_text(response.data).split())
        assert "BIÊN BẢN" in text
        assert "CHI BỘ TRƯỜNG MẦM NON TIÊN CƯỜNG" in text
        assert "I. Vòng duyệt 1 (dự thảo lần 1)" in text
        assert "thông qua khi có 2/3 đồng chí cấp ủy tán thành" in text
        assert "Đồng chí Trần Thị Bình: không tán thành" in text
        assert "dự thảo lần 2)." in text
        assert f"bảo lưu ý kiến. Lý do: {R3}" in text
        assert "III. Ý kiến bảo lưu" in text
        assert "Số " not in text.split("BIÊN BẢN")[0]  # the record has no number of its own


def test_the_record_is_for_those_who_may_see_the_programme(db, world, third, browser, client):
    programme = bring_to(world, "review")
    give(world, programme, "committee", "request_changes", comment=R1)
    give(world, programme, "committee2", "request_changes", comment=R2)
    assert programme.state == "draft"

    outsider = api_as(client, world.users["outsider"])
    member = api_as(client, world.users["member"])
    secretary = api_as(client, world.users["secretary"])

    for path in ("decision", "decision.pdf"):
        assert outsider.get(f"/programmes/{programme.id}/{path}").status_code == 404
        assert member.get(f"/programmes/{programme.id}/{path}").status_code == 404  # a draft
    assert (
        browser(world.users["outsider"]).get(f"/programmes/{programme.id}/decision").status_code
        == 404
    )
    [round_] = secretary.get(f"/programmes/{programme.id}/decision").get_json()["rounds"]
    assert round_["outcome"] == "returned"
    assert round_["waiting"] == [person(third)]


def test_an_open_round_is_recorded_as_it_stands(db, world, third, browser, client):
    programme = bring_to(world, "review")
    give(world, programme, "committee", "approve")

    record = api_as(client, world.users["secretary"]).get(f"/programmes/{programme.id}/decision")
    page = page_text(browser(world.users["secretary"]).get(f"/programmes/{programme.id}/decision"))

    [round_] = record.get_json()["rounds"]
    assert (round_["outcome"], round_["closed_at"], round_["approvals"]) == (None, None, 1)
    assert round_["deadline"] == programme.review_deadline.isoformat()
    waiting = sorted(round_["waiting"], key=lambda member: member["email"])
    assert waiting == [person("committee2", world), person(third)]
    assert record.get_json()["reserved_opinions"] == []
    assert "Kết quả: đang lấy ý kiến (1 tán thành, 0 không tán thành; cần 2/3)." in page
    assert "Chưa cho ý kiến: đồng chí Lê Văn Cường, đồng chí Trần Thị Bình." in page  # by name
