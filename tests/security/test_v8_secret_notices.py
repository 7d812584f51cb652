"""A "mật" draft under review (ASVS 8: data protection): the review notices by email (review
request, không tán thành, trình lại, thông qua) name the document only as "văn bản mật" and
carry neither its trích yếu, nor the sections that changed, nor a reason's text; they say to
read it after login."""

import json

from sqlalchemy import select

from chibo_flow.models import Delivery
from chibo_flow.notifications.compose import compose_for
from chibo_flow.workflow import apply_transition
from tests.review.support import NEW_WORDS, OLD_WORDS, SECTION_II

REASON = "Mục II cần viết đầy đủ “cán bộ, đảng viên”."


def _notices_of_a_secret_review(db, world) -> list[Delivery]:
    """The notices of a mật draft: submitted, one opinion against (with a reason on section
    II), edited and resubmitted, approved."""
    programme, secretary = world.programme, world.users["secretary"]
    committee, committee2 = world.users["committee"], world.users["committee2"]
    apply_transition(programme, "edit", secretary, version=programme.version,
                     marks={"secrecy": "mat"})  # fmt: skip
    apply_transition(programme, "submit", secretary, version=programme.version)
    apply_transition(programme, "approve", committee, version=programme.version)
    apply_transition(programme, "request_changes", committee2, version=programme.version,
                     comment=REASON, anchor=SECTION_II)  # fmt: skip
    edited = json.loads(json.dumps(programme.doc, ensure_ascii=False).replace(OLD_WORDS, NEW_WORDS))
    apply_transition(programme, "edit", secretary, version=programme.version, doc=edited)
    assert programme.secrecy == "mat"
    apply_transition(programme, "submit", secretary, version=programme.version)
    for member in (committee, committee2):
        apply_transition(programme, "approve", member, version=programme.version)
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Delivery)
            .where(Delivery.programme_id == programme.id, Delivery.kind != "final_copy")
            .order_by(Delivery.id)
        )
    )


def test_review_notices_of_a_secret_draft_carry_no_title_text_or_reason(db, world):
    title = world.programme.title
    notices = _notices_of_a_secret_review(db, world)
    kinds = {notice.kind for notice in notices}
    assert {"review_request", "changes_requested", "resubmitted", "approved_notice"} <= kinds

    secrets = [title, SECTION_II[0], REASON, NEW_WORDS, OLD_WORDS]
    for notice in notices:
        message = compose_for(notice)
        parts = [
            str(message["Subject"]),
            message.get_body(("plain",)).get_content(),
            message.get_body(("html",)).get_content(),
        ]
        leaked = [s for s in secrets for part in parts if s.casefold() in part.casefold()]
        assert leaked == [], (notice.kind, leaked)
        assert list(message.iter_attachments()) == []
        assert "văn bản mật" in parts[0]
        assert "đọc văn bản trên hệ thống sau khi đăng nhập" in parts[1]
