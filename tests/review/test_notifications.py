"""Review notifications go to the right people, as Delivery rows through the one outbox, and say
what each person needs: a signed link, the reason, what changed."""

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.models import Delivery, Vote
from chibo_flow.models.users import Role
from chibo_flow.notifications.compose import compose_for
from chibo_flow.review.links import read_review_token
from chibo_flow.workflow import apply_transition
from tests.conftest import log_in
from tests.review.support import NEW_WORDS, OLD_WORDS, SECTION_II, edit_text, notices
from tests.support import wait_for
from tests.web.support import bring_to, flashes, page_text


def body(message, subtype: str = "plain") -> str:
    """One part of a composed email, as text."""
    return message.get_body(preferencelist=(subtype,)).get_content()


def link_in(text: str) -> str:
    """The review link in an email's text."""
    return next(word for word in text.split() if word.startswith("http://chibo.test/review/"))


def only(db, programme_id: int, kind: str) -> Delivery:
    (row,) = db.session.scalars(
        select(Delivery).where(Delivery.programme_id == programme_id, Delivery.kind == kind)
    )
    return row


def test_each_transition_notifies_the_right_people(db, world, make):
    third = make.user(Role.COMMITTEE, world.org, email="capuy3@chibo.test", name="Lê Văn Cường")
    secretary, first, second = (world.users[k] for k in ("secretary", "committee", "committee2"))
    programme = world.programme

    apply_transition(programme, "submit", secretary, version=programme.version)
    assert notices(db, programme.id) == [
        ("review_request", "capuy3@chibo.test", "r1"),
        ("review_request", "committee@chibo.test", "r1"),
        ("review_request", "committee2@chibo.test", "r1"),
    ]

    apply_transition(programme, "approve", first, version=programme.version)
    apply_transition(
        programme,
        "request_changes",
        second,
        version=programme.version,
        comment="Bổ sung chỉ tiêu.",
        anchor=SECTION_II,
    )
    # Each disapproval tells the secretary, whether or not it closes the round.
    disapproval = db.session.scalar(select(Vote.id).where(Vote.decision == "request_changes"))
    assert notices(db, programme.id, "changes_requested") == [
        ("changes_requested", "secretary@chibo.test", f"r1-v{disapproval}")
    ]
    assert programme.state == "review"  # 2 of 3 may still approve
    apply_transition(programme, "request_changes", third, version=programme.version,
                     comment="Chưa rõ kinh phí.")  # fmt: skip
    assert programme.state == "draft"
    assert len(notices(db, programme.id, "changes_requested")) == 2

    apply_transition(programme, "submit", secretary, version=programme.version)
    # Everyone gave an opinion in round 1: each is told what changed since.
    assert notices(db, programme.id)[5:] == [
        ("resubmitted", "capuy3@chibo.test", "r2"),
        ("resubmitted", "committee@chibo.test", "r2"),
        ("resubmitted", "committee2@chibo.test", "r2"),
    ]

    for member in (first, second):
        apply_transition(programme, "approve", member, version=programme.version)
    assert programme.state == "approved"
    assert notices(db, programme.id, "approved_notice") == [
        ("approved_notice", "secretary@chibo.test", "r2"),
        ("approved_notice", "capuy3@chibo.test", "r2"),
        ("approved_notice", "committee@chibo.test", "r2"),
        ("approved_notice", "committee2@chibo.test", "r2"),
    ]
    # Never everyone with a role: the member, the admin and the other org's people got nothing.
    addresses = {address for _, address, _ in notices(db, programme.id)}
    assert not addresses & {"member@chibo.test", "admin@chibo.test", "outsider@chibo.test"}


def test_the_review_request_carries_a_signed_link_for_that_person_and_revision(db, world):
    programme = bring_to(world, "review")
    delivery = db.session.scalar(select(Delivery).where(Delivery.address == "committee@chibo.test"))

    message = compose_for(delivery)

    assert message["Subject"] == (
        "[Chi bộ Trường Mầm non Tiên Cường] Đề nghị duyệt: HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023"
    )
    assert message["To"] == "Nguyễn Văn An <committee@chibo.test>"
    assert message["X-Chibo-Flow-Kind"] == "review_request"
    text = body(message)
    assert "Kính gửi đồng chí Nguyễn Văn An," in text
    assert "Vũ Thị Xuyên đã trình cấp ủy" in text
    link = read_review_token(urlsplit(link_in(text)).path.rsplit("/", 1)[1])
    assert (link.user_id, link.programme_id, link.revision_id) == (
        world.users["committee"].id,
        programme.id,
        programme.current_revision_id,
    )
    assert link_in(text) in body(message, "html")


def test_changes_requested_tells_the_submitter_the_reason_and_section(db, world):
    programme = bring_to(world, "review")
    apply_transition(
        programme,
        "request_changes",
        world.users["committee2"],
        version=programme.version,
        comment="Mục II cần viết đầy đủ “cán bộ, đảng viên”.",
        anchor=SECTION_II,
    )

    text = body(compose_for(only(db, programme.id, "changes_requested")))

    assert "Kính gửi đồng chí Vũ Thị Xuyên," in text
    assert "Ý kiến của đồng chí Trần Thị Bình, về mục “II. Nhiệm vụ trọng tâm”:" in text
    assert "Mục II cần viết đầy đủ “cán bộ, đảng viên”." in text
    assert f"http://chibo.test/programmes/{programme.id}" in text


def test_resubmission_tells_earlier_voters_what_changed(db, world, browser):
    programme = bring_to(world, "review")
    apply_transition(programme, "approve", world.users["committee"], version=programme.version)
    apply_transition(
        programme, "request_changes", world.users["committee2"], version=programme.version,
        comment="Sửa mục II.",
    )  # fmt: skip
    secretary = browser(world.users["secretary"])
    edit_text(secretary, programme, OLD_WORDS, NEW_WORDS)
    db.session.expire_all()
    apply_transition(programme, "submit", world.users["secretary"], version=programme.version)
    delivery = db.session.scalar(
        select(Delivery).where(
            Delivery.kind == "resubmitted", Delivery.address == "committee@chibo.test"
        )
    )

    message = compose_for(delivery)

    assert message["Subject"].endswith(
        "Trình lại sau khi sửa: HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023"
    )
    text = body(message)
    assert "Ý kiến của đồng chí ở vòng trước không còn được tính" in text
    assert (
        "- II. Nhiệm vụ trọng tâm › 1. Công tác chính trị tư tưởng: có sửa đổi (thêm 4 từ, bỏ 1 từ)"
        in text
    )


def test_the_approval_notice_names_the_number_and_approvers(db, world):
    bring_to(world, "approved")
    delivery = db.session.scalar(
        select(Delivery).where(
            Delivery.kind == "approved_notice", Delivery.address == "secretary@chibo.test"
        )
    )

    text = body(compose_for(delivery))

    assert "đã được cấp ủy Chi bộ Trường Mầm non Tiên Cường thông qua, số 01-CTr/CB." in text
    assert "Các đồng chí tán thành: Nguyễn Văn An, Trần Thị Bình." in text


def _link(db, world, address: str = "committee@chibo.test") -> str:
    delivery = db.session.scalar(
        select(Delivery).where(Delivery.kind == "review_request", Delivery.address == address)
    )
    return urlsplit(link_in(body(compose_for(delivery)))).path


def test_the_link_opens_the_review_page_after_login(db, world, client):
    programme = bring_to(world, "review")
    path = _link(db, world)

    response = client.get(path)
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]

    login_url = urlsplit(response.headers["Location"])
    assert login_url.path == "/login"
    [next_path] = parse_qs(login_url.query)["next"]
    response = log_in(client, world.users["committee"], next_path=next_path)
    assert response.headers["Location"] == path
    response = client.get(path, follow_redirects=True)
    assert response.request.path == f"/programmes/{programme.id}/review"
    assert "Ý kiến của đồng chí về Dự thảo lần 1 Tán thành" in page_text(response)


def test_a_link_for_an_old_revision_says_so_plainly(db, world, browser):
    programme = bring_to(world, "review")
    path = _link(db, world)
    secretary = browser(world.users["secretary"])
    apply_transition(programme, "withdraw", world.users["secretary"], version=programme.version)
    edit_text(secretary, programme, OLD_WORDS, NEW_WORDS)
    db.session.expire_all()
    apply_transition(programme, "submit", world.users["secretary"], version=programme.version)

    response = browser(world.users["committee"]).get(path, follow_redirects=True)

    assert flashes(response, "warning") == [messages.REVIEW_LINK_OUTDATED.format(old=1, new=2)]
    assert "Đang trình duyệt Chi bộ Trường Mầm non Tiên Cường Dự thảo lần 2" in page_text(response)


def test_a_link_is_for_its_own_recipient_and_expires(app, db, world, browser):
    bring_to(world, "review")
    path = _link(db, world)

    other = browser(world.users["committee2"]).get(path)
    assert other.status_code == 403
    assert messages.REVIEW_LINK_OTHER_USER in page_text(other)
    assert browser(world.users["committee"]).get(path[:-3] + "xyz").status_code == 404

    app.config["REVIEW_LINK_MAX_AGE_S"] = -1
    response = browser(world.users["committee"]).get(path, follow_redirects=True)
    assert flashes(response, "warning") == [messages.REVIEW_LINK_EXPIRED]


def test_the_emails_reach_the_committee_through_the_worker(db, world, smtp_server, celery_worker):
    programme = bring_to(world, "review")

    received = wait_for(lambda: len(smtp_server.messages()) >= 2 and smtp_server.messages())

    assert sorted(m.envelope_to for m in received) == [
        "committee2@chibo.test",
        "committee@chibo.test",
    ]
    assert {m.subject for m in received} == {
        "[Chi bộ Trường Mầm non Tiên Cường] Đề nghị duyệt: HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023"
    }

    def recorded() -> set | None:
        # The server can hold the message a moment before the worker records its 250.
        db.session.expire_all()
        rows = db.session.scalars(select(Delivery).where(Delivery.programme_id == programme.id))
        states = {(row.kind, row.status, row.attempts) for row in rows}
        return states if all(status == "sent" for _, status, _ in states) else None

    assert wait_for(recorded) == {("review_request", "sent", 1)}
