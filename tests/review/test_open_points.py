"""The secretary sees the open points where she works: every unresolved opinion and section
comment at the top of her draft page, beside the editor and as a count on the home list; each is
marked resolved with the draft that addressed it (audited)."""

import re

from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.models import AuditEvent, Comment
from chibo_flow.workflow import apply_transition
from tests.review.support import NEW_WORDS, OLD_WORDS, SECTION_II, edit_text, vote
from tests.review.test_review_page import anchor
from tests.web.support import bring_to, flashes, page_text

REASON_1 = "Mục II cần viết đầy đủ “cán bộ, đảng viên”."
REASON_2 = "Đề nghị bổ sung chỉ tiêu kết nạp đảng viên mới."


def returned_by_two(world, browser):
    """Two of the three members (`third` is the other) disapprove with their reasons: the
    draft comes back to the secretary."""
    programme = bring_to(world, "review")
    vote(browser(world.users["committee"]), programme, "request_changes",
         anchor=anchor(SECTION_II), comment=REASON_1)  # fmt: skip
    vote(browser(world.users["committee2"]), programme, "request_changes", comment=REASON_2)
    assert programme.state == "draft"
    return programme


def home_item(page: str, title_words: str) -> str:
    """The visible text of the home page's item whose title has `title_words`."""
    for item in re.findall(r'<li class="programme-item">(.*?)</li>', page, re.S):
        if title_words in item:
            return page_text(item)
    raise AssertionError(f"no item {title_words!r}")


def test_both_reasons_are_at_the_top_of_the_draft_page(db, world, browser, third):
    programme = returned_by_two(world, browser)
    secretary = browser(world.users["secretary"])
    page = secretary.get(f"/programmes/{programme.id}").get_data(as_text=True)
    text = page_text(page)
    assert "Ý kiến góp ý chưa giải quyết (2)" in text
    # At the top: before the actions, the document and the recipients.
    assert text.index("Ý kiến góp ý chưa giải quyết (2)") < text.index("Thao tác")
    assert "Không tán thành Nguyễn Văn An · " in text
    assert "II. Nhiệm vụ trọng tâm " + REASON_1 in text
    assert "Toàn văn " + REASON_2 in text
    assert text.count("Đánh dấu đã giải quyết") == 2  # not revised yet


def test_the_home_list_counts_the_open_points(db, world, browser, third):
    returned_by_two(world, browser)
    secretary = browser(world.users["secretary"])
    item = home_item(secretary.get("/").get_data(as_text=True), "HÀNH ĐỘNG")
    assert "2 ý kiến cần xử lý" in item

    thread = db.session.scalar(select(Comment).order_by(Comment.id).limit(1))
    secretary.post(f"/programmes/{world.programme.id}/threads/{thread.id}/resolve",
                   data={"resolved": "1", "back": "detail"})  # fmt: skip
    item = home_item(secretary.get("/").get_data(as_text=True), "HÀNH ĐỘNG")
    assert "1 ý kiến cần xử lý" in item


def test_the_open_points_are_beside_the_editor_and_resolved_with_the_new_draft(
    db, world, browser, third
):
    programme = returned_by_two(world, browser)
    secretary = browser(world.users["secretary"])
    editor = page_text(secretary.get(f"/programmes/{programme.id}/edit"))
    assert "Ý kiến góp ý chưa giải quyết (2)" in editor
    assert REASON_1 in editor and REASON_2 in editor

    edit_text(secretary, programme, OLD_WORDS, NEW_WORDS)  # Dự thảo lần 2
    db.session.expire_all()
    thread = db.session.scalar(select(Comment).where(Comment.body == REASON_1))
    response = secretary.post(
        f"/programmes/{programme.id}/threads/{thread.id}/resolve",
        data={"resolved": "1", "back": "edit"},
        follow_redirects=True,
    )
    assert response.request.path == f"/programmes/{programme.id}/edit"
    assert flashes(response, "success") == [messages.REVIEW_THREAD_RESOLVED.format(revision=2)]
    text = page_text(response)
    assert "Ý kiến góp ý chưa giải quyết (1)" in text and REASON_1 not in text

    db.session.expire_all()
    assert thread.resolved_revision.seq == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "resolve"))
    assert (event.actor_id, event.data) == (world.users["secretary"].id,
                                            {"thread": thread.id, "revision": 2})  # fmt: skip
    # The review page shows which draft addressed it.
    apply_transition(programme, "submit", world.users["secretary"], version=programme.version)
    review = page_text(browser(world.users["committee"]).get(f"/programmes/{programme.id}/review"))
    assert "Không tán thành Đã giải quyết ở Dự thảo lần 2" in review


def test_only_the_org_s_discussants_resolve(db, world, browser, third):
    programme = returned_by_two(world, browser)
    thread = db.session.scalar(select(Comment).limit(1))
    # A đảng viên does not see a draft at all; another org's secretary neither.
    for key in ("member", "outsider"):
        response = browser(world.users[key]).post(
            f"/programmes/{programme.id}/threads/{thread.id}/resolve",
            data={"resolved": "1", "back": "detail"},
        )
        assert response.status_code == 404
    db.session.expire_all()
    assert (thread.resolved_at, thread.resolved_revision_id) == (None, None)
