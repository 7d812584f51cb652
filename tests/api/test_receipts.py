"""Recipients in the API: a user of another org who received an approved programme finds it in
GET /inbox and may read it and its files (nothing else of it); delivery items say when each
copy was opened and confirmed."""

from sqlalchemy import select

from chibo_flow.documents.final_copy import final_copy_for
from chibo_flow.models import Delivery, Membership, Org, User
from chibo_flow.models.users import Role
from chibo_flow.receipts.confirm import confirmed_by_link
from tests.api.conftest import PROGRAMME_KEYS, ApiClient, assert_error
from tests.conftest import api_token

STANDING = "thuongtruc1@chibo.test"


def _standing(db, client) -> tuple[User, ApiClient]:
    """The superior committee's member, with an account in the parent org only."""
    parent = Org(name="Đảng bộ xã Tiên Cường", code="ĐU")
    user = User(email=STANDING, name="Phạm Văn Dũng")
    db.session.add_all([parent, user, Membership(user=user, org=parent, role=Role.MEMBER)])
    db.session.commit()
    return user, ApiClient(client, api_token(user))


def test_a_recipient_of_another_org_lists_reads_and_downloads_it(db, client, world, api, build):
    programme = build("approved")
    draft = build("draft")
    _, standing = _standing(db, client)

    inbox = standing.get("/inbox")

    assert inbox.status_code == 200
    (item,) = inbox.get_json()["items"]
    assert set(item) == PROGRAMME_KEYS | {"received_as"}
    assert item["id"] == programme.id and item["number"] == "01-CTr/CB"
    assert item["received_as"] == {"line": "Thường trực ĐU", "purpose": "bao_cao", "via": "email",
                                   "opened_at": None, "confirmed_at": None}  # fmt: skip
    assert item["allowed_actions"] == []
    assert standing.get(f"/programmes/{programme.id}").get_json()["state"] == "approved"
    issued = final_copy_for(programme)  # what the worker renders after approval
    for kind in ("pdf", "docx"):
        response = standing.get(f"/programmes/{programme.id}/final.{kind}")
        assert response.status_code == 200, kind
        assert response.data == getattr(issued, kind)
    # Nothing else of the chi bộ: its draft, the programme's history and deliveries.
    assert_error(standing.get(f"/programmes/{draft.id}"), 404, "not_found")
    assert_error(standing.get(f"/programmes/{programme.id}/history"), 404, "not_found")
    assert_error(standing.get(f"/programmes/{programme.id}/deliveries"), 404, "not_found")
    assert standing.get("/programmes").get_json()["items"] == []
    # An unrelated org's user still gets 404, and an empty inbox.
    assert_error(api("outsider").get(f"/programmes/{programme.id}"), 404, "not_found")
    assert api("outsider").get("/inbox").get_json() == {"items": []}


def test_delivery_items_say_when_a_copy_was_opened_and_confirmed(db, world, api, build):
    programme = build("approved")
    row = db.session.scalar(select(Delivery).where(Delivery.address == STANDING))
    confirmed_by_link(row)

    items = api("secretary").get(f"/programmes/{programme.id}/deliveries").get_json()["items"]

    by_address = {item["address"]: item for item in items}
    assert by_address[STANDING]["opened_at"] is not None
    assert by_address[STANDING]["confirmed_at"] is not None
    assert by_address["phutrach@chibo.test"]["confirmed_at"] is None


def test_a_recipient_confirms_receipt_through_the_api_once(db, client, world, api, build):
    programme = build("approved")
    user, standing = _standing(db, client)
    path = f"/inbox/{programme.id}/confirm"

    first = standing.post(path)

    assert first.status_code == 200, first.get_json()
    item = first.get_json()
    assert item["id"] == programme.id and item["received_as"]["via"] == "email"
    confirmed_at = item["received_as"]["confirmed_at"]
    assert confirmed_at is not None and item["received_as"]["opened_at"] is not None
    db.session.expire_all()
    row = db.session.scalar(select(Delivery).where(Delivery.address == STANDING))
    assert row.confirmed_by_id == user.id
    # Idempotent: a second confirmation changes nothing, and the inbox and the sender see it.
    again = standing.post(path)
    assert again.status_code == 200
    assert again.get_json()["received_as"]["confirmed_at"] == confirmed_at
    [listed] = standing.get("/inbox").get_json()["items"]
    assert listed["received_as"]["confirmed_at"] == confirmed_at
    items = api("secretary").get(f"/programmes/{programme.id}/deliveries").get_json()["items"]
    assert {i["address"]: i["confirmed_at"] for i in items}[STANDING] == confirmed_at
    assert all(i["confirmed_at"] is None for i in items if i["address"] != STANDING)


def test_only_a_personal_recipient_may_confirm_through_the_api(db, client, world, api, build, make):
    programme = build("approved")
    draft = build("draft")
    _, standing = _standing(db, client)
    # A member of the chi bộ sees the approved programme but no Nơi nhận line names her.
    member = make.user(Role.MEMBER, world.org, email="dangvien9@chibo.test", name="Đỗ Thị Hoa")

    assert_error(api("outsider").post(f"/inbox/{programme.id}/confirm"), 404, "not_found")
    assert_error(standing.post(f"/inbox/{draft.id}/confirm"), 404, "not_found")
    not_emailed = ApiClient(client, api_token(member)).post(
        f"/inbox/{programme.id}/confirm"
    )  # sees it, was not sent it
    assert_error(not_emailed, 404, "not_found")
    assert "không gửi tới đồng chí qua thư điện tử" in not_emailed.get_json()["error"]["message"]
    assert api(None).post(f"/inbox/{programme.id}/confirm").status_code == 401
    db.session.expire_all()
    assert (
        db.session.scalars(select(Delivery).where(Delivery.confirmed_at.is_not(None))).all() == []
    )
