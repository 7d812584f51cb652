"""Recipients met for the first time: at submit, a "Nơi nhận" line the directory does not know
("Ban Tuyên giáo Huyện ủy") gets a new directory entry from the picker when the org lets the
secretary add one, or a request the admin sees and answers; either way the line is learnt as an
alias, so the programme can be submitted."""

import pytest
from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.models import (
    Alias,
    AuditEvent,
    Delivery,
    DirectoryEntry,
    Group,
    Programme,
    RecipientRequest,
)
from chibo_flow.models.users import Role
from tests.support import wait_for
from tests.web.support import flashes, page_text

NEW_LINE = "Ban Tuyên giáo Huyện ủy"


@pytest.fixture
def programme(world, make, seed_text):
    """A draft whose Nơi nhận names a body the directory has never seen."""
    text = seed_text.replace("- Lưu. CB.", f"- {NEW_LINE} (b/c);\n- Lưu. CB.")
    return make.programme(world.org, world.users["secretary"], text)


def _allow(db, world, allowed: bool) -> None:
    world.org.secretaries_add_recipients = allowed
    db.session.commit()


def test_the_picker_offers_a_new_entry_when_the_org_allows_it(db, world, browser, programme):
    _allow(db, world, True)
    client = browser(world.users["secretary"])
    page = page_text(client.get(f"/programmes/{programme.id}"))
    assert "Nơi nhận mới, chưa có trong danh bạ" in page
    assert "Thêm vào danh bạ" in page

    done = client.post(f"/programmes/{programme.id}/recipients/new", data={
        "label": NEW_LINE, "name": NEW_LINE,
        "addresses": "Trần Văn Tuyên <tuyengiao@huyenuy.test>\nbtg2@huyenuy.test"},
        follow_redirects=True)  # fmt: skip

    assert flashes(done, "success") == [
        messages.RECIPIENT_ADDED.format(group=NEW_LINE, label=NEW_LINE, count=2)
    ]
    assert "Gửi tới 2 người" in page_text(done)
    assert "Trần Văn Tuyên <tuyengiao@huyenuy.test>" in page_text(done)
    group = db.session.scalar(select(Group).where(Group.name == NEW_LINE))
    assert sorted(e.email for e in group.entries) == ["btg2@huyenuy.test", "tuyengiao@huyenuy.test"]
    assert db.session.scalar(select(Alias).where(Alias.label == NEW_LINE)).group_id == group.id
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "map_recipient"))
    assert audit.programme_id == programme.id
    client.post(f"/programmes/{programme.id}/transition",
                data={"action": "submit", "version": programme.version})  # fmt: skip
    db.session.expire_all()
    assert db.session.get(Programme, programme.id).state == "review"  # every line resolves now


def test_a_person_is_a_group_of_one(db, world, browser, programme):
    _allow(db, world, True)
    client = browser(world.users["secretary"])
    data = {"label": NEW_LINE, "name": "", "addresses": "tuyengiao@huyenuy.test"}
    client.post(f"/programmes/{programme.id}/recipients/new", data=data)
    entry = db.session.scalar(select(DirectoryEntry).where(
        DirectoryEntry.email == "tuyengiao@huyenuy.test"))  # fmt: skip
    assert entry.name == NEW_LINE and [g.name for g in entry.groups] == [NEW_LINE]


@pytest.mark.parametrize(
    ("addresses", "message"),
    [
        ("tuyengiao@", messages.DIRECTORY_EMAIL_INVALID.format(email="tuyengiao@")),
        ("   ", messages.RECIPIENT_ADDRESSES_REQUIRED),
    ],
)
def test_a_bad_address_saves_nothing(db, world, browser, programme, addresses, message):
    _allow(db, world, True)
    client = browser(world.users["secretary"])
    done = client.post(f"/programmes/{programme.id}/recipients/new",
                       data={"label": NEW_LINE, "name": NEW_LINE, "addresses": addresses},
                       follow_redirects=True)  # fmt: skip
    assert flashes(done, "danger") == [message]
    assert db.session.scalar(select(Group).where(Group.name == NEW_LINE)) is None


def test_without_permission_she_asks_the_admin_who_answers(db, world, browser, programme):
    secretary = browser(world.users["secretary"])
    page = page_text(secretary.get(f"/programmes/{programme.id}"))
    assert "Đề nghị quản trị viên thêm" in page
    refused = secretary.post(f"/programmes/{programme.id}/recipients/new",
                             data={"label": NEW_LINE, "addresses": "a@huyenuy.test"},
                             follow_redirects=True)  # fmt: skip
    assert flashes(refused, "danger") == [messages.RECIPIENT_ADD_NOT_ALLOWED]

    asked = secretary.post(f"/programmes/{programme.id}/recipients/request",
                           data={"label": NEW_LINE, "note": "Email: btg@huyenuy.test"},
                           follow_redirects=True)  # fmt: skip
    assert flashes(asked, "success") == [messages.RECIPIENT_REQUESTED.format(label=NEW_LINE)]
    assert "Đã đề nghị quản trị viên thêm nơi nhận này" in page_text(asked)
    secretary.post(f"/programmes/{programme.id}/recipients/request", data={"label": NEW_LINE})
    assert db.session.scalar(select(func.count(RecipientRequest.id))) == 1  # once while open

    admin = browser(world.users["admin"])
    directory = admin.get(f"/admin/directory/{world.org.id}")
    assert "Đề nghị thêm nơi nhận" in page_text(directory)
    assert "Email: btg@huyenuy.test" in page_text(directory)
    request_id = db.session.scalar(select(RecipientRequest.id))
    answered = admin.post(f"/admin/directory/{world.org.id}/requests/{request_id}",
                          data={"name": NEW_LINE, "addresses": "btg@huyenuy.test"},
                          follow_redirects=True)  # fmt: skip

    assert flashes(answered, "success") == [
        messages.RECIPIENT_ADDED.format(group=NEW_LINE, label=NEW_LINE, count=1)
    ]
    assert "Đề nghị thêm nơi nhận" not in page_text(answered)
    assert db.session.scalar(select(RecipientRequest.done_at)) is not None
    assert "Gửi tới 1 người" in page_text(secretary.get(f"/programmes/{programme.id}"))


def test_another_orgs_admin_cannot_answer(db, world, browser, programme):
    browser(world.users["secretary"]).post(f"/programmes/{programme.id}/recipients/request",
                                           data={"label": NEW_LINE})  # fmt: skip
    request_id = db.session.scalar(select(RecipientRequest.id))
    outsider = browser(world.users["outsider"])
    response = outsider.post(f"/admin/directory/{world.org.id}/requests/{request_id}",
                             data={"name": NEW_LINE, "addresses": "x@huyenuy.test"})  # fmt: skip
    assert response.status_code == 403
    assert db.session.scalar(select(Group).where(Group.name == NEW_LINE)) is None


@pytest.mark.parametrize("key", ["committee", "member", "outsider"])
def test_only_the_secretary_adds_or_asks(db, world, browser, programme, key):
    _allow(db, world, True)
    client = browser(world.users[key])
    added = client.post(f"/programmes/{programme.id}/recipients/new",
                        data={"label": NEW_LINE, "addresses": "a@huyenuy.test"})  # fmt: skip
    asked = client.post(f"/programmes/{programme.id}/recipients/request", data={"label": NEW_LINE})
    assert added.status_code in (302, 403, 404) and asked.status_code in (302, 403, 404)
    assert db.session.scalar(select(Group).where(Group.name == NEW_LINE)) is None
    assert db.session.scalar(select(func.count(RecipientRequest.id))) == 0


def test_the_request_is_emailed_to_the_orgs_admins(
    db, world, browser, programme, smtp_server, celery_worker
):
    # The outsider administers another org only: the request is not his to answer.
    assert world.users["outsider"].has_role(Role.ADMIN, world.other_org)
    secretary = browser(world.users["secretary"])
    for _ in range(2):  # asked twice while open: one request, one email
        secretary.post(f"/programmes/{programme.id}/recipients/request",
                       data={"label": NEW_LINE, "note": "Email: btg@huyenuy.test"})  # fmt: skip

    [sent] = wait_for(lambda: smtp_server.messages("recipient_requested"))

    assert sent.envelope_to == "admin@chibo.test"
    assert sent.subject == (
        "[Chi bộ Trường Mầm non Tiên Cường] Đề nghị thêm nơi nhận cho: "
        "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023"
    )
    text = sent.message.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith("Kính gửi đồng chí Quản trị hệ thống,")
    assert "Đồng chí Vũ Thị Xuyên (Chi bộ Trường Mầm non Tiên Cường) đề nghị" in text
    assert f"dòng “{NEW_LINE}”" in text
    assert "Ghi chú của đồng chí ấy: Email: btg@huyenuy.test" in text
    assert f"http://chibo.test/admin/directory/{world.org.id}" in text
    html = sent.message.get_body(preferencelist=("html",)).get_content()
    assert f'href="http://chibo.test/admin/directory/{world.org.id}"' in html

    def recorded():
        db.session.expire_all()
        rows = db.session.scalars(select(Delivery).where(Delivery.kind == "recipient_requested"))
        found = [(row.address, row.status) for row in rows]
        return found if all(status == "sent" for _, status in found) else None

    assert wait_for(recorded) == [("admin@chibo.test", "sent")]  # in the delivery log, once
