"""The committee reviews on the programme page: approve, request changes, and what is refused."""

import re

from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.models import Comment, Delivery, Membership, Programme, Vote
from chibo_flow.models.users import Role
from tests.web.support import bring_to, flashes, page_text, snapshot, transition


def _section(response, title: str) -> str:
    """The text of one list on the home page ("Chờ tôi duyệt", "Dự thảo", ...)."""
    match = re.search(
        rf"<section class=\"list-section\"[^>]*>\s*<h2[^>]*>{title} .*?</section>",
        response.get_data(as_text=True),
        re.S,
    )
    return page_text(match.group(0)) if match else ""


def _votes(db, programme_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Vote).where(Vote.programme_id == programme_id)
    )


def test_secretary_submits_and_the_committee_sees_it_waiting(db, world, browser):
    programme = world.programme
    secretary = browser(world.users["secretary"])
    committee = browser(world.users["committee"])
    assert "HÀNH ĐỘNG" not in _section(committee.get("/"), "Chờ tôi duyệt")

    response = transition(secretary, programme.id, "submit", programme.version)
    assert flashes(response, "success") == [messages.ACTION_DONE["submit"]]
    assert "Đang trình duyệt" in page_text(response)

    waiting = _section(committee.get("/"), "Chờ tôi duyệt")
    assert "Chương trình: HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023" in waiting
    assert "Người trình: Vũ Thị Xuyên" in waiting
    assert "HÀNH ĐỘNG" not in _section(secretary.get("/"), "Chờ tôi duyệt")
    assert "HÀNH ĐỘNG" in _section(secretary.get("/"), "Đang trình duyệt")


def test_committee_approves_then_the_second_approval_passes_it(db, world, browser):
    programme = bring_to(world, "review")
    first = browser(world.users["committee"])
    response = transition(first, programme.id, "approve", programme.version)
    assert flashes(response, "success") == [messages.ACTION_DONE["approve"]]
    text = page_text(response)
    assert "1/2 ý kiến tán thành" in text
    assert "Nguyễn Văn An — tán thành lúc" in text
    assert "HÀNH ĐỘNG" not in _section(first.get("/"), "Chờ tôi duyệt")
    db.session.expire_all()
    assert (programme.state, _votes(db, programme.id)) == ("review", 1)

    second = browser(world.users["committee2"])
    response = transition(second, programme.id, "approve", programme.version)
    assert flashes(response, "success") == [messages.PROGRAMME_APPROVED]
    text = page_text(response)
    assert "2/2 ý kiến tán thành" in text
    assert "Số 01-CTr/CB" in text
    assert "Gửi thư tới nơi nhận" in text
    assert "thuongtruc1@chibo.test Phạm Văn Dũng Thường trực ĐU để báo cáo Chờ gửi" in text
    db.session.expire_all()
    assert programme.state == "approved"
    final_copies = select(func.count()).where(Delivery.kind == "final_copy")
    assert db.session.scalar(final_copies) == 6
    assert "HÀNH ĐỘNG" in _section(browser(world.users["member"]).get("/"), "Đã thông qua")


def test_request_changes_needs_a_reason(db, world, browser):
    programme = bring_to(world, "review")
    committee = browser(world.users["committee"])
    before = snapshot(db, programme.id)
    response = transition(committee, programme.id, "request_changes", programme.version, "  ")
    assert flashes(response, "danger") == [messages.COMMENT_REQUIRED]
    assert snapshot(db, programme.id) == before

    page = committee.get(f"/programmes/{programme.id}/review").get_data(as_text=True)
    assert re.search(
        r'<textarea id="vote-comment" name="comment" [^>]*\brequired\b[^>]*></textarea>', page
    )
    assert '<label for="vote-comment">Lý do không tán thành (bắt buộc)</label>' in page

    reason = "Đề nghị bổ sung chỉ tiêu kết nạp đảng viên mới."
    response = transition(committee, programme.id, "request_changes", programme.version, reason)
    assert flashes(response, "success") == [messages.ACTION_DONE["request_changes"]]
    db.session.expire_all()
    assert programme.state == "draft"
    assert db.session.scalar(select(Comment.body)) == reason
    secretary_view = page_text(browser(world.users["secretary"]).get(f"/programmes/{programme.id}"))
    assert "Ý kiến góp ý chưa giải quyết (1) Không tán thành Nguyễn Văn An ·" in secretary_view
    assert reason in secretary_view
    assert "Không tán thành Đang trình duyệt → Dự thảo " + reason in secretary_view


def test_the_submitter_on_the_committee_cannot_approve_their_own_submission(db, world, browser):
    programme = world.programme
    secretary = world.users["secretary"]
    db.session.add(Membership(user=secretary, org=world.org, role=Role.COMMITTEE))
    db.session.commit()
    client = browser(secretary)
    transition(client, programme.id, "submit", programme.version)
    assert "HÀNH ĐỘNG" not in _section(client.get("/"), "Chờ tôi duyệt")
    page = client.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert 'value="approve"' not in page

    before = snapshot(db, programme.id)
    response = transition(client, programme.id, "approve", programme.version)
    assert flashes(response, "danger") == [messages.SELF_APPROVAL]
    assert snapshot(db, programme.id) == before


def test_a_double_clicked_approve_counts_once(db, world, browser):
    programme = bring_to(world, "review")
    client = browser(world.users["committee"])
    version = programme.version
    first = transition(client, programme.id, "approve", version)
    assert flashes(first, "success") == [messages.ACTION_DONE["approve"]]
    after_first = snapshot(db, programme.id)

    second = transition(client, programme.id, "approve", version)
    assert flashes(second, "danger") == [messages.ALREADY_VOTED]
    assert snapshot(db, programme.id) == after_first
    assert _votes(db, programme.id) == 1


def test_members_approving_from_pages_loaded_at_the_same_time_both_count(db, world, browser):
    programme = bring_to(world, "review")
    version = programme.version  # both members opened the programme before either voted
    first = transition(browser(world.users["committee"]), programme.id, "approve", version)
    assert flashes(first, "success") == [messages.ACTION_DONE["approve"]]

    second = transition(browser(world.users["committee2"]), programme.id, "approve", version)

    assert flashes(second, "success") == [messages.PROGRAMME_APPROVED]
    assert _votes(db, programme.id) == 2
    assert db.session.get(Programme, programme.id).state == "approved"


def test_a_vote_from_a_page_loaded_before_changes_were_requested_is_refused(db, world, browser):
    programme = bring_to(world, "review")
    version = programme.version
    transition(browser(world.users["committee"]), programme.id, "request_changes", version,
               comment="Bổ sung chỉ tiêu kết nạp đảng viên.")  # fmt: skip
    before = snapshot(db, programme.id)

    response = transition(browser(world.users["committee2"]), programme.id, "approve", version)

    assert flashes(response, "danger") == [messages.STALE_VERSION]
    assert snapshot(db, programme.id) == before


def test_the_page_offers_only_what_the_user_may_do(world, browser):
    programme = bring_to(world, "review")

    def buttons(who: str, page: str = "") -> list[str]:
        response = browser(world.users[who]).get(f"/programmes/{programme.id}{page}")
        return re.findall(r'name="action" value="([a-z_]+)"', response.get_data(as_text=True))

    assert buttons("secretary") == ["withdraw"]
    # Opinions are given on the review page, which asks to confirm them; the programme page
    # links there.
    assert buttons("committee") == []
    assert "Cho ý kiến (tán thành / không tán thành)" in page_text(
        browser(world.users["committee"]).get(f"/programmes/{programme.id}")
    )
    assert buttons("committee", "/review") == ["approve", "request_changes"]
    assert buttons("admin") == []


def test_withdraw_returns_the_draft_to_the_secretary(db, world, browser):
    programme = bring_to(world, "review")
    response = transition(browser(world.users["secretary"]), programme.id, "withdraw",
                          programme.version)  # fmt: skip
    assert flashes(response, "success") == [messages.ACTION_DONE["withdraw"]]
    assert "Sửa dự thảo" in page_text(response)
    db.session.expire_all()
    assert programme.state == "draft"
