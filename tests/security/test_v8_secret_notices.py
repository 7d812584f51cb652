"""A "mật" document by email (ASVS 8: data protection): no email part carries its text, its
trích yếu or a PDF. The review notices (review request, không tán thành, trình lại, thông qua)
name it only as "văn bản mật", without the sections that changed or a reason's text; the final
copy's recipients get a notice to read it after login, nothing attached."""

import json

from sqlalchemy import select

from chibo_flow.models import Delivery
from chibo_flow.notifications.compose import compose_for
from chibo_flow.workflow import apply_transition
from tests.review.support import NEW_WORDS, OLD_WORDS, SECTION_II

REASON = "Mục II cần viết đầy đủ “cán bộ, đảng viên”."


def _notices_of_a_secret_review(db, world) -> list[Delivery]:
    """The emails of a mật draft: submitted, one opinion against (with a reason on section
    II), edited and resubmitted, approved, its final copy sent."""
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
            select(Delivery).where(Delivery.programme_id == programme.id).order_by(Delivery.id)
        )
    )


def test_no_email_of_a_secret_document_carries_its_title_text_reason_or_pdf(db, world):
    title = world.programme.title
    notices = _notices_of_a_secret_review(db, world)
    kinds = {notice.kind for notice in notices}
    review = {"review_request", "changes_requested", "resubmitted", "approved_notice"}
    assert review | {"final_copy"} <= kinds

    secrets = [title, SECTION_II[0], REASON, NEW_WORDS, OLD_WORDS]
    for notice in notices:
        message = compose_for(notice)
        bodies = [message.get_body((subtype,)) for subtype in ("plain", "html")]
        parts = [str(message["Subject"])] + [b.get_content() for b in bodies if b is not None]
        leaked = [s for s in secrets for part in parts if s.casefold() in part.casefold()]
        assert leaked == [], (notice.kind, leaked)
        assert list(message.iter_attachments()) == []
        assert "application/pdf" not in message.as_string()
        assert "đăng nhập" in parts[1]
        if notice.kind in review:
            assert "văn bản mật" in parts[0]
