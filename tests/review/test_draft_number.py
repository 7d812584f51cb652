"""One draft number: people see "Dự thảo lần n" (the revision) on the programme page, the review
page and in the emails; the optimistic-lock version, which grows with every transition, is never
shown to them."""

from sqlalchemy import select

from chibo_flow.models import Delivery
from chibo_flow.notifications.compose import compose_for
from chibo_flow.workflow import apply_transition
from tests.review.support import NEW_WORDS, OLD_WORDS, SECTION_II, edit_text
from tests.review.test_notifications import body
from tests.web.support import bring_to, page_text


def test_pages_and_emails_say_du_thao_lan_n_never_the_version(db, world, browser):
    secretary = world.users["secretary"]
    programme = bring_to(world, "review")
    member = world.users["committee"]
    apply_transition(programme, "request_changes", member, version=programme.version,
                     comment="Sửa mục II.", anchor=SECTION_II)  # fmt: skip
    edit_text(browser(secretary), programme, OLD_WORDS, NEW_WORDS)
    db.session.expire_all()
    apply_transition(programme, "submit", secretary, version=programme.version)
    db.session.expire_all()
    assert (programme.revision, programme.version) == (2, 5)

    for key, path in (("secretary", ""), ("committee", "/review"), ("committee2", "/review")):
        text = page_text(browser(world.users[key]).get(f"/programmes/{programme.id}{path}"))
        assert "Dự thảo lần 2" in text, (key, path)
        assert "hiên bản" not in text and "Dự thảo lần 5" not in text, (key, path)

    emails = {
        (row.kind, row.address, row.notice_key.split("-")[0]): body(compose_for(row))
        for row in db.session.scalars(select(Delivery).where(Delivery.kind != "final_copy"))
    }
    assert (
        "(vòng duyệt 1, Dự thảo lần 1)" in emails["review_request", "committee2@chibo.test", "r1"]
    )
    assert "(vòng duyệt 2, Dự thảo lần 2)" in emails["resubmitted", "committee@chibo.test", "r2"]
    assert (
        "(vòng duyệt 1, Dự thảo lần 1)" in emails["changes_requested", "secretary@chibo.test", "r1"]
    )
    assert (
        "(vòng duyệt 2, Dự thảo lần 2)" in emails["review_request", "committee2@chibo.test", "r2"]
    )
    for text in emails.values():
        assert "hiên bản" not in text and "lần 5" not in text
