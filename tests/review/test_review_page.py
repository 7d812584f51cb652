"""The committee reviews a resubmitted programme: what changed since their last vote, the round
at a glance, and votes of earlier rounds that no longer count."""

import json
import re

from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.models import AuditEvent, Comment, ReviewView, Vote
from chibo_flow.workflow import apply_transition, approvals_received
from tests.review.support import NEW_WORDS, OLD_WORDS, SECTION_II, edit_text, review_text, vote
from tests.web.support import bring_to, flashes, page_text, snapshot, transition


def anchor(path: list[str]) -> str:
    """The value of a section in the anchor selects."""
    return json.dumps(path, ensure_ascii=False)


def request_changes_on_section_ii(world, browser):
    """Member 1 approves, member 2 asks for changes on section II (through the review page)."""
    programme = bring_to(world, "review")
    assert "Đã ghi nhận" in page_text(vote(browser(world.users["committee"]), programme, "approve"))
    response = vote(
        browser(world.users["committee2"]),
        programme,
        "request_changes",
        anchor=anchor(SECTION_II),
        comment="Mục II cần viết đầy đủ “cán bộ, đảng viên”.",
    )
    assert flashes(response, "success") == [messages.ACTION_DONE["request_changes"]]
    return programme


def test_the_reason_is_a_thread_anchored_on_the_chosen_section(db, world, browser):
    programme = request_changes_on_section_ii(world, browser)

    db.session.expire_all()
    thread = db.session.scalar(select(Comment))
    assert (thread.anchor, thread.parent_id, thread.resolved_at) == (SECTION_II, None, None)
    assert thread.vote.decision == "request_changes"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "request_changes"))
    assert event.data == {"vote": thread.vote_id, "reserve": True, "thread": thread.id,
                          "anchor": SECTION_II, "outcome": "returned", "round": 1,
                          "revision": 1}  # fmt: skip

    secretary = browser(world.users["secretary"])
    detail = page_text(secretary.get(f"/programmes/{programme.id}"))
    assert "Ý kiến góp ý chưa giải quyết (1)" in detail
    assert "Trần Thị Bình ·" in detail and "· II. Nhiệm vụ trọng tâm" in detail
    page = secretary.get(f"/programmes/{programme.id}/review").get_data(as_text=True)
    section = re.search(r'<section class="review-section[^"]*" id="muc-2".*?</section>', page, re.S)
    assert "Mục II cần viết đầy đủ" in page_text(section.group(0))


def test_resubmission_shows_the_word_diff_and_clears_the_votes(db, world, browser):
    programme = request_changes_on_section_ii(world, browser)
    secretary = browser(world.users["secretary"])
    assert flashes(edit_text(secretary, programme, OLD_WORDS, NEW_WORDS), "success")
    transition(secretary, programme.id, "submit", programme.version)
    db.session.expire_all()
    assert (programme.state, programme.review_round) == ("review", 2)
    assert approvals_received(programme) == 0  # member 1's approval was for round 1

    member2 = browser(world.users["committee2"])
    page = member2.get(f"/programmes/{programme.id}/review").get_data(as_text=True)
    text = page_text(page)
    assert "Những thay đổi kể từ Dự thảo lần 1" in text
    changed = "II. Nhiệm vụ trọng tâm › 1. Công tác chính trị tư tưởng"
    assert f"{changed} : có sửa đổi (thêm 4 từ, bỏ 1 từ)" in text  # the summary links
    assert f"{changed} — có sửa đổi (thêm 4 từ, bỏ 1 từ)" in text  # the section's diff
    assert "Đảm bảo 100% <del>CBĐV</del><ins>cán bộ, đảng viên</ins> trong chi bộ" in page
    assert "0/2 ý kiến tán thành · còn cần 2" in text
    assert "Nguyễn Văn An — chưa cho ý kiến" in text
    assert "Trần Thị Bình — chưa cho ý kiến" in text

    # Seen now: reloading shows the same diff (the base is the revision voted on before).
    assert "Những thay đổi kể từ Dự thảo lần 1" in review_text(member2, programme)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ReviewView)) >= 2

    response = vote(member2, programme, "approve")
    assert "1/2 ý kiến tán thành · còn cần 1" in page_text(response)
    assert "Trần Thị Bình — tán thành lúc" in page_text(response)
    response = vote(browser(world.users["committee"]), programme, "approve")
    assert flashes(response, "success") == [messages.PROGRAMME_APPROVED]
    assert "Số 01-CTr/CB" in page_text(response)
    db.session.expire_all()
    rounds = db.session.execute(
        select(Vote.review_round, Vote.decision, func.count()).group_by(
            Vote.review_round, Vote.decision
        )
    ).all()
    assert sorted(rounds) == [(1, "approve", 1), (1, "request_changes", 1), (2, "approve", 2)]


def test_a_first_time_reviewer_sees_no_diff(db, world, browser):
    programme = bring_to(world, "review")
    text = review_text(browser(world.users["committee"]), programme)
    assert "Những thay đổi" not in text
    assert "I. Mục đích yêu cầu" in text


def test_the_programme_page_shows_the_round_at_a_glance(db, world, make, browser):
    third = make.user("committee", world.org, name="Lê Văn Cường")
    programme = bring_to(world, "review")
    apply_transition(programme, "approve", world.users["committee"], version=programme.version)

    text = page_text(browser(world.users["secretary"]).get(f"/programmes/{programme.id}"))
    assert "Ý kiến cấp ủy (vòng duyệt 1) 1/2 ý kiến tán thành · còn cần 1" in text
    assert "Nguyễn Văn An — tán thành lúc" in text
    assert "Trần Thị Bình — chưa cho ý kiến" in text
    assert f"{third.name} — chưa cho ý kiến" in text

    apply_transition(
        programme, "request_changes", third, version=programme.version, comment="Chưa rõ chỉ tiêu."
    )
    text = page_text(browser(world.users["secretary"]).get(f"/programmes/{programme.id}"))
    assert "Lê Văn Cường — không tán thành lúc" in text
    # One disapproval of three: a majority can still be reached, Trần Thị Bình keeps her say.
    assert "Trần Thị Bình — chưa cho ý kiến" in text
    assert "Vòng duyệt này đã kết thúc" not in text

    apply_transition(programme, "request_changes", world.users["committee2"],
                     version=programme.version, comment="Mục II chưa đủ.")  # fmt: skip
    text = page_text(browser(world.users["secretary"]).get(f"/programmes/{programme.id}"))
    assert "Vòng duyệt này đã kết thúc" in text
    assert "chưa có ý kiến" not in text


def test_withdraw_clears_the_round_and_resubmission_starts_a_new_one(db, world, browser):
    programme = bring_to(world, "review")
    apply_transition(programme, "approve", world.users["committee"], version=programme.version)
    assert approvals_received(programme) == 1

    transition(browser(world.users["secretary"]), programme.id, "withdraw", programme.version)
    transition(browser(world.users["secretary"]), programme.id, "submit", programme.version)
    db.session.expire_all()
    assert (programme.review_round, approvals_received(programme)) == (2, 0)
    # The member may vote again in the new round, once.
    assert vote(browser(world.users["committee"]), programme, "approve")
    db.session.expire_all()
    assert approvals_received(programme) == 1


def test_one_current_opinion_per_member_which_they_may_change(db, world, browser):
    programme = bring_to(world, "review")
    member = browser(world.users["committee"])
    vote(member, programme, "approve")
    db.session.expire_all()
    before = snapshot(db, programme.id)

    response = vote(member, programme, "approve")

    assert flashes(response, "danger") == [messages.ALREADY_VOTED]
    assert snapshot(db, programme.id) == before

    response = vote(member, programme, "request_changes", comment="Đổi ý.")

    assert flashes(response, "success") == [messages.ACTION_DONE["request_changes"]]
    db.session.expire_all()
    assert approvals_received(programme) == 0


def test_a_member_takes_their_opinion_back_from_the_review_page(db, world, browser):
    programme = bring_to(world, "review")
    member = browser(world.users["committee"])
    vote(member, programme, "approve")

    response = vote(member, programme, "retract_opinion")

    assert flashes(response, "success") == [messages.ACTION_DONE["retract_opinion"]]
    db.session.expire_all()
    assert (programme.state, approvals_received(programme)) == ("review", 0)
