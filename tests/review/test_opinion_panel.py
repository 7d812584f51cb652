"""A committee member gives an opinion on the review page: "Tán thành" asks once on the same
page, naming the draft ("Dự thảo lần n") and what changed since the member last saw it; an undo
is offered until the round closes; a GET never records an opinion; "Không tán thành" needs a
reason. With three members and two approvals required (the majority rule)."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.models import Vote
from chibo_flow.models._types import utcnow
from chibo_flow.workflow import apply_transition
from tests.review.support import NEW_WORDS, OLD_WORDS, edit_text, review_text, vote
from tests.web.support import bring_to, flashes, page_text, snapshot


def confirmation(page: str) -> str:
    """The text of the "Tán thành" confirmation (the <details> opened by its button)."""
    match = re.search(r'<details class="confirm" id="tan-thanh">(.*?)</details>', page, re.S)
    assert match, "no confirmation of Tán thành"
    return page_text(match.group(1))


def current_votes(db, programme_id: int) -> list[tuple[str, str]]:
    db.session.expire_all()
    rows = db.session.execute(
        select(Vote.user_id, Vote.decision)
        .where(Vote.programme_id == programme_id, Vote.superseded_at.is_(None))
        .order_by(Vote.id)
    )
    return [tuple(row) for row in rows]


def test_approving_asks_once_naming_the_draft_then_offers_an_undo(db, world, browser, third):
    programme = bring_to(world, "review")
    member = browser(world.users["committee"])
    before = snapshot(db, programme.id)

    page = member.get(f"/programmes/{programme.id}/review").get_data(as_text=True)
    # Opening the page (what a link in an email does) records nothing.
    assert snapshot(db, programme.id)[:4] == before[:4]
    asked = confirmation(page)
    assert asked.startswith("Tán thành Đồng chí tán thành Dự thảo lần 1 của chương trình")
    assert "Đây là bản đầu tiên đồng chí xem" in asked
    assert "Xác nhận tán thành Dự thảo lần 1" in asked
    # The one button that records the opinion is inside the confirmation.
    assert page.count('name="action" value="approve"') == 1

    response = vote(member, programme, "approve")
    assert flashes(response, "success") == [messages.ACTION_DONE["approve"]]
    assert response.request.path == f"/programmes/{programme.id}/review"
    text = page_text(response)
    assert "Đồng chí đã tán thành Dự thảo lần 1 lúc" in text
    assert "1/2 ý kiến tán thành · còn cần 1" in text
    assert "Rút lại ý kiến" in text
    assert "Xác nhận tán thành" not in text  # given already: nothing to confirm again

    response = vote(member, programme, "retract_opinion")
    assert flashes(response, "success") == [messages.ACTION_DONE["retract_opinion"]]
    text = page_text(response)
    assert "0/2 ý kiến tán thành · còn cần 2" in text
    assert "Nguyễn Văn An — chưa cho ý kiến" in text
    assert "Rút lại ý kiến" not in text
    assert current_votes(db, programme.id) == []


def test_the_confirmation_shows_what_changed_since_the_member_last_saw_it(db, world, browser):
    programme = bring_to(world, "review")
    member = browser(world.users["committee"])
    review_text(member, programme)  # seen: Dự thảo lần 1
    secretary = browser(world.users["secretary"])
    apply_transition(programme, "withdraw", world.users["secretary"], version=programme.version)
    edit_text(secretary, programme, OLD_WORDS, NEW_WORDS)
    db.session.expire_all()
    apply_transition(programme, "submit", world.users["secretary"], version=programme.version)

    asked = confirmation(member.get(f"/programmes/{programme.id}/review").get_data(as_text=True))
    assert "Đồng chí tán thành Dự thảo lần 2" in asked
    assert (
        "Những thay đổi kể từ Dự thảo lần 1 đồng chí đã xem: II. Nhiệm vụ trọng tâm › "
        "1. Công tác chính trị tư tưởng : có sửa đổi (thêm 4 từ, bỏ 1 từ)"
    ) in asked


def test_the_undo_is_offered_until_the_round_closes(db, world, browser, third):
    programme = bring_to(world, "review")
    first = browser(world.users["committee"])
    vote(first, programme, "approve")
    assert "Rút lại ý kiến" in review_text(first, programme)
    vote(browser(world.users["committee2"]), programme, "approve")  # 2 of 3: approved

    db.session.expire_all()
    assert programme.state == "approved"
    text = review_text(first, programme)
    assert "Rút lại ý kiến" not in text and "Xác nhận tán thành" not in text
    before = snapshot(db, programme.id)
    response = vote(first, programme, "retract_opinion")
    assert flashes(response, "danger") == [messages.TRANSITION_NOT_ALLOWED]
    assert snapshot(db, programme.id) == before


def test_a_disapproval_needs_a_reason_and_can_be_changed_to_approval(db, world, browser, third):
    programme = bring_to(world, "review")
    member = browser(world.users["committee2"])
    before = snapshot(db, programme.id)
    response = vote(member, programme, "request_changes", comment="   ")
    # Said beside the reason's box, the form open again (422), not flashed after a redirect.
    assert response.status_code == 422
    assert messages.COMMENT_REQUIRED in page_text(response)
    assert 'id="khong-tan-thanh" open' in response.get_data(as_text=True)
    assert snapshot(db, programme.id) == before

    response = vote(member, programme, "request_changes", comment="Mục II cần số liệu.")
    text = page_text(response)
    assert "Đồng chí đã không tán thành Dự thảo lần 1 lúc" in text
    # One disapproval of three leaves the round open (two can still approve).
    assert "0/2 ý kiến tán thành · còn cần 2 · 1 không tán thành" in text
    assert "Trần Thị Bình — không tán thành lúc" in text

    response = vote(member, programme, "approve")
    assert flashes(response, "success") == [messages.ACTION_DONE["approve"]]
    assert current_votes(db, programme.id) == [(world.users["committee2"].id, "approve")]


def test_a_get_never_records_an_opinion(db, world, browser, third):
    programme = bring_to(world, "review")
    member = browser(world.users["committee"])
    for path in (
        f"/programmes/{programme.id}/review/vote?action=approve&version={programme.version}",
        f"/programmes/{programme.id}/review?action=approve",
        f"/programmes/{programme.id}/transition?action=approve",
    ):
        assert member.get(path).status_code in (200, 405)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0


def test_the_programme_page_sends_members_to_the_review_page_to_give_opinions(world, browser):
    programme = bring_to(world, "review")
    page = browser(world.users["committee"]).get(f"/programmes/{programme.id}")
    body = page.get_data(as_text=True)
    assert 'value="approve"' not in body
    assert f'href="/programmes/{programme.id}/review#cho-y-kien"' in body


def test_the_round_says_the_rule_who_has_not_answered_and_an_overdue_deadline(
    db, world, browser, third
):
    programme = bring_to(world, "review")
    vote(browser(world.users["committee"]), programme, "approve")
    text = review_text(browser(world.users["committee2"]), programme)
    assert "Thông qua khi 2/3 cấp ủy viên tán thành (thiểu số phục tùng đa số)" in text
    assert "Trần Thị Bình — chưa cho ý kiến" in text and "Lê Văn Cường — chưa cho ý kiến" in text
    assert "(đã quá hạn)" not in text

    programme.review_deadline = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert "(đã quá hạn)" in review_text(browser(world.users["committee2"]), programme)


def test_an_opinion_taken_back_puts_the_programme_back_on_the_member_s_list(world, browser):
    programme = bring_to(world, "review")
    member = browser(world.users["committee"])

    def awaiting() -> bool:
        page = page_text(member.get("/"))
        waiting = page.split("Chờ tôi duyệt", 1)[1].split("Đang trình duyệt", 1)[0]
        return "HÀNH ĐỘNG" in waiting

    assert awaiting()
    vote(member, programme, "approve")
    assert not awaiting()
    vote(member, programme, "retract_opinion")
    assert awaiting()
