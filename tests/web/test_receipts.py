"""Recipients of the final copy, as each would try it: the personal link of their email opens the
document without an account and "Xác nhận đã nhận" is a POST; a logged-in recipient of another
org finds it under "Văn bản đến" and nothing else of that org; refused links say why."""

import hashlib
import re
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.models import Delivery, FinalCopy, Membership, Org, User
from chibo_flow.models._types import utcnow
from chibo_flow.models.users import Role
from chibo_flow.notifications.compose import compose_for
from chibo_flow.receipts.links import revoke
from tests.conftest import PASSWORD_HASH
from tests.web.support import bring_to, flashes, page_text

STANDING = "thuongtruc1@chibo.test"  # "Thường trực ĐU (b/c)": the superior committee's member
LEADER = "phutrach@chibo.test"  # "Lãnh đạo phụ trách chi bộ": no account


def row(db, address: str) -> Delivery:
    """The final-copy email to `address`, fresh from the database."""
    db.session.expire_all()
    return db.session.scalar(
        select(Delivery).where(Delivery.address == address, Delivery.kind == "final_copy")
    )


def personal_link(db, address: str) -> str:
    """The path of the personal link in the email `address` receives (its plain-text part)."""
    text = compose_for(row(db, address)).get_body(("plain",)).get_content()
    (link,) = re.findall(r"http://chibo\.test(/nhan/\S+)", text)
    return link


@pytest.fixture
def approved(world):
    """The seed, approved: one Delivery row per address its lines reach."""
    return bring_to(world, "approved")


@pytest.fixture
def standing(db, world) -> User:
    """The superior committee's member: an account in the parent org, not in the chi bộ."""
    parent = Org(name="Đảng bộ xã Tiên Cường", code="ĐU", place="Tiên Cường")
    db.session.add(parent)
    world.org.parent = parent
    user = User(email=STANDING, name="Phạm Văn Dũng", password_hash=PASSWORD_HASH)
    db.session.add_all([user, Membership(user=user, org=parent, role=Role.MEMBER)])
    db.session.commit()
    return user


def test_the_leader_without_an_account_opens_reads_downloads_and_confirms(
    db, app, approved, client
):
    link = personal_link(db, LEADER)

    page = client.get(link)

    assert page.status_code == 200
    shown = page_text(page)
    assert "Chương trình số 01-CTr/CB: HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023" in shown
    assert "Gửi tới: Lãnh đạo phụ trách chi bộ" in shown
    assert "Xác nhận đã nhận" in shown
    assert "I. Mục đích yêu cầu" in shown, "the document itself, read only"
    opened = row(db, LEADER)
    assert opened.opened_at is not None and opened.confirmed_at is None
    # A second GET (a mail scanner, a reload) confirms nothing and keeps the first opening.
    client.get(link)
    assert row(db, LEADER).confirmed_at is None
    assert row(db, LEADER).opened_at == opened.opened_at

    pdf = client.get(f"{link}/ban-in.pdf")
    assert pdf.status_code == 200 and pdf.content_type == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == db.session.scalar(select(FinalCopy)).sha256
    assert client.get(f"{link}/ban-in.docx").status_code == 200

    confirmed = client.post(link, follow_redirects=True)

    assert flashes(confirmed, "success") == [messages.RECEIPT_CONFIRMED]
    assert "Đã xác nhận nhận văn bản lúc" in page_text(confirmed)
    done = row(db, LEADER)
    assert done.confirmed_at is not None and done.confirmed_by_id is None
    client.post(link)
    assert row(db, LEADER).confirmed_at == done.confirmed_at, "kept once"


def test_confirming_needs_the_pages_form_not_a_forged_post(db, app, approved, client):
    link = personal_link(db, LEADER)
    app.config["WTF_CSRF_ENABLED"] = True  # as in production (TestConfig turns it off)

    forged = client.post(link)

    assert forged.status_code == 400
    assert messages.CSRF_FAILED in page_text(forged)
    assert row(db, LEADER).confirmed_at is None
    page = client.get(link).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(link, data={"csrf_token": token}).status_code == 302
    assert row(db, LEADER).confirmed_at is not None


def test_each_link_opens_only_its_own_delivery(db, approved, client):
    client.post(personal_link(db, LEADER))
    assert row(db, LEADER).confirmed_at is not None
    assert row(db, "member@chibo.test").confirmed_at is None
    assert row(db, STANDING).opened_at is None


def test_an_altered_link_says_so_plainly(db, approved, client):
    link = personal_link(db, LEADER)
    for broken in (link[:-3] + "abc", "/nhan/khong-phai-duong-dan", link[: len(link) // 2]):
        response = client.get(broken)
        assert response.status_code == 404
        assert messages.RECEIPT_LINK_INVALID in page_text(response)
        assert client.post(broken).status_code == 404
        assert client.get(f"{broken}/ban-in.pdf").status_code == 404
    assert row(db, LEADER).opened_at is None


def test_an_expired_link_says_so_and_opens_nothing(db, world, approved, client, monkeypatch):
    world.org.receipt_link_days = 7
    db.session.commit()
    eight_days_ago = int((utcnow() - timedelta(days=8)).timestamp())
    with monkeypatch.context() as clock:
        clock.setattr(TimestampSigner, "get_timestamp", lambda self: eight_days_ago)
        old = personal_link(db, LEADER)
    fresh = personal_link(db, LEADER)

    for response in (client.get(old), client.post(old), client.get(f"{old}/ban-in.pdf")):
        assert response.status_code == 410
        assert messages.RECEIPT_LINK_EXPIRED in page_text(response)
    assert row(db, LEADER).opened_at is None and row(db, LEADER).confirmed_at is None
    assert client.get(fresh).status_code == 200


def test_a_revoked_link_says_so_and_a_copy_sent_later_works(db, approved, client, monkeypatch):
    an_hour_ago = int((utcnow() - timedelta(hours=1)).timestamp())
    with monkeypatch.context() as clock:
        clock.setattr(TimestampSigner, "get_timestamp", lambda self: an_hour_ago)
        link = personal_link(db, LEADER)
    revoke(row(db, LEADER))
    db.session.commit()

    response = client.get(link)

    assert response.status_code == 410
    assert messages.RECEIPT_LINK_REVOKED in page_text(response)
    assert client.post(link).status_code == 410
    assert row(db, LEADER).confirmed_at is None
    with monkeypatch.context() as clock:  # sent again a little later (links count seconds)
        in_a_minute = int((utcnow() + timedelta(minutes=1)).timestamp())
        clock.setattr(TimestampSigner, "get_timestamp", lambda self: in_a_minute)
        later = personal_link(db, LEADER)
    assert client.get(later).status_code == 200


def test_a_secret_document_is_not_opened_by_link(db, world, client):
    world.programme.secrecy = "mat"
    db.session.commit()
    bring_to(world, "approved")
    link = personal_link(db, LEADER)

    page = client.get(link)

    assert page.status_code == 200
    shown = page_text(page)
    assert messages.RECEIPT_SECRET in shown
    assert "HÀNH ĐỘNG CỦA CHI BỘ" not in shown and "I. Mục đích yêu cầu" not in shown
    assert "/login?next=/van-ban-den/" in page.get_data(as_text=True)
    assert client.get(f"{link}/ban-in.pdf").status_code == 403
    assert client.post(link).status_code == 403
    assert row(db, LEADER).opened_at is None and row(db, LEADER).confirmed_at is None


def test_the_superior_committee_finds_it_under_van_ban_den(db, world, approved, standing, browser):
    member = browser(standing)

    home = member.get("/")
    assert 'href="/van-ban-den"' in home.get_data(as_text=True)
    inbox = page_text(member.get("/van-ban-den"))
    assert "Chương trình số 01-CTr/CB: HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023" in inbox
    assert "Chi bộ Trường Mầm non Tiên Cường Gửi tới: Thường trực ĐU" in inbox
    assert "Chưa xác nhận" in inbox

    page = member.get(f"/van-ban-den/{approved.id}")
    assert page.status_code == 200
    assert "I. Mục đích yêu cầu" in page_text(page)
    assert row(db, STANDING).opened_at is not None
    assert member.get(f"/programmes/{approved.id}/ban-in.pdf").status_code == 200
    assert member.get(f"/programmes/{approved.id}/ban-in.docx").status_code == 200
    # The programme's own page of the chi bộ shows them the received copy, nothing more.
    detail = member.get(f"/programmes/{approved.id}")
    assert detail.status_code == 302
    assert detail.headers["Location"] == f"/van-ban-den/{approved.id}"

    member.post(f"/van-ban-den/{approved.id}/xac-nhan")
    confirmed = row(db, STANDING)
    assert confirmed.confirmed_at is not None and confirmed.confirmed_by_id == standing.id
    assert "Đã xác nhận" in page_text(member.get("/van-ban-den"))


def test_nothing_else_of_the_senders_org_is_visible_to_a_recipient(
    db, world, make, approved, standing, seed_text, browser
):
    draft = make.programme(world.org, world.users["secretary"], seed_text)
    member = browser(standing)

    for path in (
        f"/programmes/{draft.id}",
        f"/programmes/{draft.id}/ban-in.pdf",
        f"/van-ban-den/{draft.id}",
        f"/programmes/{approved.id}/deliveries",
        f"/programmes/{approved.id}/review",
    ):
        assert member.get(path).status_code in (403, 404), path
    assert "01-CTr/CB" not in page_text(member.get("/"))


def test_an_unrelated_orgs_user_still_gets_404(db, world, approved, browser):
    outsider = browser(world.users["outsider"])
    for path in (
        f"/programmes/{approved.id}",
        f"/programmes/{approved.id}/ban-in.pdf",
        f"/van-ban-den/{approved.id}",
    ):
        assert outsider.get(path).status_code == 404, path
    assert outsider.post(f"/van-ban-den/{approved.id}/xac-nhan").status_code == 404
    assert "Chưa có văn bản đến." in page_text(outsider.get("/van-ban-den"))
