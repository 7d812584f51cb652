"""Comment threads: anchored to a section or the whole document, replies, resolve and reopen,
who may take part, and every step in the audit trail."""

import html
import json
import re

import pytest
from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.models import AuditEvent, Comment
from chibo_flow.security.limits import MAX_COMMENT_CHARS, count_text
from tests.review.support import SECTION_II, review_text
from tests.web.support import bring_to, flashes, page_text, snapshot

SECTION_II_1 = [*SECTION_II, "1. Công tác chính trị tư tưởng"]


def post_thread(client, programme, body: str, anchor: list[str] | None = None):
    data = {"body": body, "anchor": json.dumps(anchor, ensure_ascii=False) if anchor else ""}
    return client.post(f"/programmes/{programme.id}/threads", data=data, follow_redirects=True)


def audit(db, programme_id: int) -> list[tuple[str, str | None, dict | None]]:
    db.session.expire_all()
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.programme_id == programme_id, AuditEvent.action.in_(
            ("comment", "reply", "resolve", "reopen")
        ))
        .order_by(AuditEvent.id)
    )  # fmt: skip
    return [(event.action, event.comment, event.data) for event in events]


def test_a_thread_on_a_section_with_a_reply_then_resolved_and_reopened(db, world, browser):
    programme = bring_to(world, "review")
    member = browser(world.users["committee"])
    secretary = browser(world.users["secretary"])

    response = post_thread(member, programme, "Nên nêu rõ số đảng viên.", SECTION_II_1)
    assert flashes(response, "success") == [messages.REVIEW_COMMENT_ADDED]
    thread = db.session.scalar(select(Comment))
    assert thread.anchor == SECTION_II_1

    response = secretary.post(
        f"/programmes/{programme.id}/threads/{thread.id}/replies",
        data={"body": "Đã bổ sung ở bản sau."},
        follow_redirects=True,
    )
    assert flashes(response, "success") == [messages.REVIEW_REPLY_ADDED]
    text = page_text(response)
    assert "Chưa giải quyết Nguyễn Văn An ·" in text
    assert "Nên nêu rõ số đảng viên. Vũ Thị Xuyên ·" in text
    assert "Đã bổ sung ở bản sau." in text

    resolve = f"/programmes/{programme.id}/threads/{thread.id}/resolve"
    response = secretary.post(resolve, data={"resolved": "1"}, follow_redirects=True)
    assert flashes(response, "success") == [messages.REVIEW_THREAD_RESOLVED.format(revision=1)]
    assert "Đã giải quyết ở Dự thảo lần 1 Nguyễn Văn An" in page_text(response)
    detail = page_text(secretary.get(f"/programmes/{programme.id}"))
    assert "Ý kiến góp ý chưa giải quyết" not in detail

    response = member.post(resolve, data={"resolved": "1"}, follow_redirects=True)
    assert flashes(response, "danger") == [messages.REVIEW_THREAD_ALREADY]
    response = member.post(resolve, data={"resolved": "0"}, follow_redirects=True)
    assert flashes(response, "success") == [messages.REVIEW_THREAD_REOPENED]
    assert "Ý kiến góp ý chưa giải quyết (1)" in page_text(
        secretary.get(f"/programmes/{programme.id}")
    )

    reply_id = db.session.scalar(select(Comment.id).where(Comment.parent_id == thread.id))
    assert audit(db, programme.id) == [
        ("comment", "Nên nêu rõ số đảng viên.", {"thread": thread.id, "anchor": SECTION_II_1}),
        ("reply", "Đã bổ sung ở bản sau.", {"thread": thread.id, "comment": reply_id}),
        ("resolve", None, {"thread": thread.id, "revision": 1}),  # the draft that addressed it
        ("reopen", None, {"thread": thread.id}),
    ]
    history = page_text(secretary.get(f"/programmes/{programme.id}"))
    assert "Trả lời góp ý" in history and "Đánh dấu đã giải quyết" in history


def test_a_thread_on_the_whole_document(db, world, browser):
    programme = world.programme  # comments are welcome on a draft too
    post_thread(browser(world.users["secretary"]), programme, "Xin ý kiến chung trước khi trình.")

    assert db.session.scalar(select(Comment.anchor)) is None
    text = review_text(browser(world.users["committee"]), programme)
    assert "Góp ý về toàn văn Chưa giải quyết Vũ Thị Xuyên ·" in text


@pytest.mark.parametrize(
    ("who", "state", "body", "anchor", "status", "message"),
    [
        # Refused where the form is offered: the page again (422), the text back in its box.
        ("committee", "review", "  ", None, 422, messages.REVIEW_COMMENT_EMPTY),
        ("committee", "review", "Góp ý", ["IX. Không có"], 422, messages.REVIEW_ANCHOR_UNKNOWN),
        ("committee", "approved", "Góp ý", None, 200, messages.REVIEW_COMMENT_CLOSED),
        ("member", "approved", "Góp ý", None, 200, messages.REVIEW_COMMENT_CLOSED),
        ("admin", "review", "Góp ý", None, 200, messages.FORBIDDEN),
        ("outsider", "review", "Góp ý", None, 404, None),
    ],
)
def test_what_is_refused_changes_nothing(
    db, world, browser, who, state, body, anchor, status, message
):
    programme = bring_to(world, state)
    before = snapshot(db, programme.id), db.session.scalar(select(Comment.id))

    response = post_thread(browser(world.users[who]), programme, body, anchor)

    assert response.status_code == status
    if message:
        assert flashes(response, "danger") == [message]
    assert (snapshot(db, programme.id), db.session.scalar(select(Comment.id))) == before


def test_comment_on_this_section_preselects_it(world, browser):
    programme = bring_to(world, "review")
    client = browser(world.users["committee"])

    page = client.get(f"/programmes/{programme.id}/review").get_data(as_text=True)
    assert f'href="/programmes/{programme.id}/review?muc=2#gop-y"' in page

    page = client.get(f"/programmes/{programme.id}/review?muc=2").get_data(as_text=True)
    selected = json.dumps(SECTION_II, ensure_ascii=False).replace('"', "&#34;")
    assert f'<option value="{selected}" selected>II. Nhiệm vụ trọng tâm</option>' in page


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("  ", messages.REVIEW_COMMENT_EMPTY),
        (
            "Đề nghị làm rõ. " * (MAX_COMMENT_CHARS // 16 + 1),
            messages.COMMENT_TOO_LONG.format(limit=count_text(MAX_COMMENT_CHARS)),
        ),
    ],
)
def test_a_refused_reply_comes_back_in_its_box(db, world, browser, body, message):
    """A reply the server refuses comes back in its thread's box, the box open and focused,
    why beside it (422), as a refused comment or reason does; it was lost to a redirect."""
    programme = bring_to(world, "review")
    post_thread(browser(world.users["committee"]), programme, "Nên nêu rõ số đảng viên.")
    thread = db.session.scalar(select(Comment))
    before = snapshot(db, programme.id), db.session.scalar(select(func.count(Comment.id)))

    response = browser(world.users["secretary"]).post(
        f"/programmes/{programme.id}/threads/{thread.id}/replies",
        data={"body": body},
        follow_redirects=True,
    )

    assert response.status_code == 422
    assert flashes(response, "danger") == [message]
    page = response.get_data(as_text=True)
    box = re.search(rf'<details class="thread__reply" open>.*?<textarea id="reply-{thread.id}"'
                    r'([^>]*)>(.*?)</textarea>', page, re.S)  # fmt: skip
    assert box, "the thread's reply box is not open"
    assert "autofocus" in box.group(1)
    assert html.unescape(box.group(2)) == body
    assert (snapshot(db, programme.id), db.session.scalar(select(func.count(Comment.id)))) == before
