"""/api/v1/orgs: the orgs a caller belongs to or administers, and the admin's changes to the
orgs under them (an admin of chi bộ A cannot touch chi bộ B or the parent)."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from chibo_flow.auth.passwords import hash_password
from chibo_flow.auth.sessions import user_for_token
from chibo_flow.models import (
    AuditEvent,
    Invitation,
    LoginSession,
    Membership,
    Org,
    Programme,
    User,
)
from chibo_flow.models.users import Role
from chibo_flow.workflow import create_programme
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import api_token
from tests.member_sheets import as_csv, as_xlsx, members, with_three_bad_rows
from tests.support import wait_for

PARENT = "Đảng bộ xã Tiên Cường"
CELL_A = "Chi bộ Trường Mầm non Tiên Cường"
CELL_B = "Chi bộ Thôn Đông"
# Who holds which role where (org key), for the role × action table.
PEOPLE = {
    "parent_admin": ("parent", Role.ADMIN),
    "a_admin": ("a", Role.ADMIN),
    "b_admin": ("b", Role.ADMIN),
    "a_secretary": ("a", Role.SECRETARY),
    "a_member": ("a", Role.MEMBER),
}


@pytest.fixture
def tree(db):
    """A Đảng ủy with two chi bộ, the people of PEOPLE and their tokens."""
    parent = Org(name=PARENT, code="ĐU", place="Tiên Cường")
    db.session.add(parent)
    db.session.flush()
    cells = {
        "a": Org(name=CELL_A, code="CB", parent_id=parent.id, place="Tiên Cường"),
        "b": Org(name=CELL_B, code="TĐ", parent_id=parent.id, place="Tiên Cường"),
    }
    db.session.add_all(cells.values())
    db.session.flush()
    found = {"parent": parent, **cells}
    tokens = {}
    for key, (org_key, role) in PEOPLE.items():
        user = User(email=f"{key.replace('_', '-')}@chibo.test", name=f"Đồng chí {key}")
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user=user, org=found[org_key], role=role))
        db.session.flush()
        tokens[key] = api_token(user)
    db.session.commit()
    return found, tokens


@pytest.fixture
def as_(client, tree):
    return lambda key: ApiClient(client, tree[1][key])


@pytest.mark.parametrize(
    ("key", "names"),
    [
        ("parent_admin", {PARENT, CELL_A, CELL_B}),
        ("a_admin", {CELL_A}),
        ("a_secretary", {CELL_A}),
        ("a_member", {CELL_A}),
    ],
)
def test_get_orgs_lists_own_orgs_with_their_children(as_, tree, key, names):
    response = as_(key).get("/orgs")

    assert response.status_code == 200
    items = response.get_json()["items"]
    assert {item["name"] for item in items} == names
    orgs = tree[0]
    for item in items:
        org = next(o for o in orgs.values() if o.id == item["id"])
        assert {k: item[k] for k in ("id", "name", "code", "parent_id")} == {
            "id": org.id, "name": org.name, "code": org.code, "parent_id": org.parent_id,
        }  # fmt: skip


def test_get_orgs_needs_a_token(client, tree):
    assert_error(client.get("/api/v1/orgs"), 401, "unauthorized")


NEW_CELL = {"name": "Chi bộ Thôn Tây", "code": "TT", "place": "Tiên Cường",
            "term_start": "2025-10-01", "approvals_required": 2}  # fmt: skip


@pytest.mark.parametrize(
    ("key", "parent", "status"),
    [
        ("parent_admin", "parent", 201),
        ("parent_admin", "a", 201),
        ("a_admin", "a", 201),
        ("a_admin", "parent", 403),
        ("a_admin", "b", 403),
        ("b_admin", "a", 403),
        ("a_secretary", "a", 403),
        ("a_member", "a", 403),
    ],
)
def test_who_may_create_an_org_where(db, as_, tree, key, parent, status):
    orgs = tree[0]
    response = as_(key).post("/orgs", json={**NEW_CELL, "parent_id": orgs[parent].id})

    assert response.status_code == status, response.get_data(as_text=True)
    created = db.session.scalar(select(Org).where(Org.name == NEW_CELL["name"]))
    if status == 201:
        assert response.get_json() == {
            "id": created.id, "name": "Chi bộ Thôn Tây", "code": "TT",
            "parent_id": orgs[parent].id, "place": "Tiên Cường", "term_start": "2025-10-01",
            "approvals_required": 2, "committee_size": 0, "opinion_days": 5,
            "reminder_after_days": 2, "escalate_after_days": 5, "session_idle_minutes": 30,
            "signing_mode": "system", "secretaries_add_recipients": False, "closed": False,
        }  # fmt: skip
        assert created.term_start == date(2025, 10, 1)
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "org_created"))
        assert audit.data["org_id"] == created.id
    else:
        assert_error(response, 403, "forbidden")
        assert created is None


@pytest.mark.parametrize(
    ("key", "target", "status"),
    [
        ("parent_admin", "parent", 200),
        ("parent_admin", "b", 200),
        ("a_admin", "a", 200),
        ("a_admin", "b", 403),
        ("a_admin", "parent", 403),
        ("b_admin", "a", 403),
        ("a_secretary", "a", 403),
        ("a_member", "a", 403),
    ],
)
def test_who_may_change_which_org(db, as_, tree, key, target, status):
    org = tree[0][target]
    response = as_(key).patch(f"/orgs/{org.id}", json={"place": "Xã Tiên Cường"})

    assert response.status_code == status
    db.session.expire_all()
    assert (db.session.get(Org, org.id).place == "Xã Tiên Cường") == (status == 200)


def test_an_unknown_org_is_refused_like_anothers(as_):
    assert_error(as_("a_admin").patch("/orgs/999999", json={"place": "X"}), 403, "forbidden")


def test_moving_a_cell_keeps_its_programmes(db, as_, tree, seed_text):
    orgs = tree[0]
    secretary = db.session.scalar(select(User).where(User.email == "a-secretary@chibo.test"))
    programme = create_programme(orgs["a"], secretary, {"title": "Chương trình hành động"})
    new_parent = Org(name="Đảng bộ Trường học", code="ĐBTH", parent_id=orgs["parent"].id)
    db.session.add(new_parent)
    db.session.commit()

    response = as_("parent_admin").patch(f"/orgs/{orgs['a'].id}", json={"parent_id": new_parent.id})

    assert response.status_code == 200
    assert response.get_json()["parent_id"] == new_parent.id
    db.session.expire_all()
    assert db.session.get(Programme, programme.id).org_id == orgs["a"].id


@pytest.mark.parametrize(
    ("key", "target", "parent", "status"),
    [
        ("a_admin", "a", "b", 403),  # not an admin of the new parent
        ("parent_admin", "parent", "a", 422),  # under its own child
        ("parent_admin", "a", "a", 422),  # under itself
    ],
)
def test_moves_that_are_refused(db, as_, tree, key, target, parent, status):
    orgs = tree[0]
    before = orgs[target].parent_id
    response = as_(key).patch(f"/orgs/{orgs[target].id}", json={"parent_id": orgs[parent].id})

    assert_error(response, status, "forbidden" if status == 403 else "invalid")
    db.session.expire_all()
    assert db.session.get(Org, orgs[target].id).parent_id == before


def test_approvals_cannot_exceed_the_committee(db, as_, tree):
    cell = tree[0]["a"]
    for n in range(2):
        user = User(email=f"capuy{n}@chibo.test", name=f"Cấp ủy {n}")
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user=user, org=cell, role=Role.COMMITTEE))
    db.session.commit()
    admin = as_("a_admin")

    refused = admin.patch(f"/orgs/{cell.id}", json={"approvals_required": 3})
    accepted = admin.patch(f"/orgs/{cell.id}", json={"approvals_required": 2})

    assert "2 đồng chí" in assert_error(refused, 422, "invalid")["message"]
    assert accepted.status_code == 200
    assert accepted.get_json()["committee_size"] == 2
    assert accepted.get_json()["approvals_required"] == 2


@pytest.mark.parametrize(
    "body",
    [
        {"name": CELL_B},  # taken
        {"name": "   "},
        {"code": ""},
        {"approvals_required": 0},
        {"term_start": "mùng 1"},
        {"unknown": 1},
    ],
)
def test_bad_changes_are_refused_with_a_message(db, as_, tree, body):
    cell = tree[0]["a"]
    response = as_("a_admin").patch(f"/orgs/{cell.id}", json=body)

    assert response.status_code in (409, 422)
    assert_error(response, response.status_code, "conflict" if "name" in body and body["name"]
                 .strip() else "invalid")  # fmt: skip
    db.session.expire_all()
    assert db.session.get(Org, cell.id).name == CELL_A
    assert not db.session.scalar(select(func.count(AuditEvent.id)))


def test_the_spec_documents_orgs(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/orgs"])
    assert "patch" in paths["/api/v1/orgs/{org_id}"]


@pytest.mark.parametrize(
    ("key", "target", "status"),
    [
        ("parent_admin", "a", 200),
        ("a_admin", "a", 200),
        ("a_admin", "b", 403),
        ("a_admin", "parent", 403),
        ("a_secretary", "a", 403),
        ("a_member", "a", 403),
    ],
)
def test_who_may_list_an_orgs_members(as_, tree, key, target, status):
    response = as_(key).get(f"/orgs/{tree[0][target].id}/members")

    assert response.status_code == status
    if status == 200:
        assert [(m["email"], m["roles"], m["active"]) for m in response.get_json()["items"]] == [
            ("a-admin@chibo.test", ["admin"], True),
            ("a-member@chibo.test", ["member"], True),
            ("a-secretary@chibo.test", ["secretary"], True),
        ]


def _person(db, email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_change_roles_is_audited(db, as_, tree):
    cell = tree[0]["a"]
    member = _person(db, "a-member@chibo.test")

    response = as_("a_admin").patch(
        f"/orgs/{cell.id}/members/{member.id}", json={"roles": ["committee", "member"]}
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["roles"] == ["committee", "member"]
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member_changed"))
    assert audit.data["roles"] == ["committee", "member"]


@pytest.mark.parametrize(("key", "status"), [("a_admin", 200), ("b_admin", 403),
                                             ("a_secretary", 403)])  # fmt: skip
def test_deactivating_ends_sessions_and_tokens_and_keeps_history(db, as_, tree, key, status):
    cell, tokens = tree[0]["a"], tree[1]
    member = _person(db, "a-member@chibo.test")
    db.session.add(LoginSession(user_id=member.id))
    db.session.commit()

    response = as_(key).patch(f"/orgs/{cell.id}/members/{member.id}", json={"active": False})

    assert response.status_code == status
    db.session.expire_all()
    member = db.session.get(User, member.id)
    assert member.active is (status != 200)
    open_sessions = db.session.scalar(
        select(func.count(LoginSession.id)).where(
            LoginSession.user_id == member.id, LoginSession.ended_at.is_(None)
        )
    )
    assert open_sessions == (0 if status == 200 else 1)
    assert (user_for_token(tokens["a_member"]) is None) == (status == 200)
    assert member.memberships  # their history and roles stay


@pytest.mark.parametrize("roles", [[], ["thủ quỹ"]])
def test_unknown_or_no_roles_are_refused(db, as_, tree, roles):
    cell = tree[0]["a"]
    member = _person(db, "a-member@chibo.test")

    response = as_("a_admin").patch(f"/orgs/{cell.id}/members/{member.id}", json={"roles": roles})

    assert_error(response, 422, "invalid")
    db.session.expire_all()
    assert [m.role for m in db.session.get(User, member.id).memberships] == ["member"]


def test_a_committee_smaller_than_the_approvals_is_refused(db, as_, tree):
    cell = tree[0]["a"]
    member = _person(db, "a-member@chibo.test")
    admin = as_("a_admin")
    assert admin.patch(f"/orgs/{cell.id}/members/{member.id}",
                       json={"roles": ["committee"]}).status_code == 200  # fmt: skip
    assert admin.patch(f"/orgs/{cell.id}", json={"approvals_required": 1}).status_code == 200

    response = admin.patch(f"/orgs/{cell.id}/members/{member.id}", json={"roles": ["member"]})

    assert "0 đồng chí" in assert_error(response, 422, "invalid")["message"]


# --- settings, members, invitations and the spreadsheet ----------------------------------------


def test_settings_and_closing_through_the_api(db, as_, tree):
    cell = tree[0]["a"]
    response = as_("a_admin").patch(f"/orgs/{cell.id}", json={
        "opinion_days": 7, "session_idle_minutes": 15, "signing_mode": "external",
        "secretaries_add_recipients": True, "closed": True})  # fmt: skip

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["opinion_days"], body["session_idle_minutes"], body["signing_mode"]) == (
        7, 15, "external")  # fmt: skip
    assert body["secretaries_add_recipients"] is True and body["closed"] is True
    db.session.expire_all()
    assert db.session.get(Org, cell.id).closed_at is not None


@pytest.mark.parametrize(
    "body",
    [{"opinion_days": 0}, {"session_idle_minutes": 100000}, {"signing_mode": "bút"}],
)
def test_settings_out_of_range_are_refused(db, as_, tree, body):
    cell = tree[0]["a"]
    assert_error(as_("a_admin").patch(f"/orgs/{cell.id}", json=body), 422, "invalid")


NEW_MEMBER = {"email": "Moi@Chibo.test", "name": "Đỗ Văn Mới", "position": "Trưởng thôn",
              "roles": ["member"]}  # fmt: skip


@pytest.mark.parametrize(
    ("key", "target", "status"),
    [
        ("parent_admin", "a", 201),
        ("a_admin", "a", 201),
        ("a_admin", "b", 403),
        ("a_admin", "parent", 403),
        ("b_admin", "a", 403),
        ("a_secretary", "a", 403),
        ("a_member", "a", 403),
    ],
)
def test_who_may_invite_a_member_where(db, as_, tree, key, target, status):
    org = tree[0][target]
    response = as_(key).post(f"/orgs/{org.id}/members", json=NEW_MEMBER)

    assert response.status_code == status, response.get_data(as_text=True)
    user = _person(db, "moi@chibo.test")
    if status == 201:
        body = response.get_json()
        assert (body["email"], body["position"], body["roles"]) == (
            "moi@chibo.test", "Trưởng thôn", ["member"])  # fmt: skip
        assert body["invitation"]["state"] == "pending"
        assert user.password_hash is None
    else:
        assert user is None


def test_an_invitation_email_carries_the_link_that_sets_the_password(
    app, db, as_, tree, smtp_server, celery_worker
):
    cell = tree[0]["a"]
    as_("a_admin").post(f"/orgs/{cell.id}/members", json=NEW_MEMBER)

    [mail] = wait_for(lambda: smtp_server.messages("invitation"))
    text = mail.message.get_body(("plain",)).get_content()
    link = next(w for w in text.split() if w.startswith("http://chibo.test/moi/"))
    assert "Chi bộ Trường Mầm non Tiên Cường" in text
    client = app.test_client()
    password = "mật khẩu của riêng tôi"
    done = client.post(link.removeprefix("http://chibo.test"),
                       data={"password": password, "confirm": password})  # fmt: skip
    assert done.status_code == 302
    listed = as_("a_admin").get(f"/orgs/{cell.id}/invitations").get_json()["items"]
    assert [(m["email"], m["invitation"]["state"]) for m in listed] == [
        ("moi@chibo.test", "accepted")]  # fmt: skip


def test_resend_and_revoke_an_invitation(db, as_, tree):
    cell = tree[0]["a"]
    admin = as_("a_admin")
    member_id = admin.post(f"/orgs/{cell.id}/members", json=NEW_MEMBER).get_json()["id"]
    path = f"/orgs/{cell.id}/members/{member_id}/invitation"

    resent = admin.post(path)
    revoked = admin.delete(path)
    again = admin.delete(path)

    assert resent.status_code == 200
    assert db.session.scalar(select(func.count(Invitation.id))) == 2  # the first one replaced
    assert revoked.get_json()["invitation"]["state"] == "revoked"
    assert_error(again, 422, "invalid")
    assert_error(as_("b_admin").post(path), 403, "forbidden")
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["member_added", "invitation_resent", "invitation_revoked"]


def test_an_existing_account_is_given_roles_not_an_invitation(db, as_, tree):
    cell_b = tree[0]["b"]
    _person(db, "a-member@chibo.test").password_hash = hash_password("mật khẩu đã có")
    db.session.commit()
    response = as_("parent_admin").post(f"/orgs/{cell_b.id}/members", json={
        "email": "a-member@chibo.test", "name": "Tên khác", "roles": ["committee"]})  # fmt: skip

    assert response.status_code == 201
    assert response.get_json()["invitation"] is None
    again = as_("parent_admin").post(f"/orgs/{cell_b.id}/members", json={
        "email": "a-member@chibo.test", "name": "Tên khác", "roles": ["member"]})  # fmt: skip
    assert_error(again, 409, "conflict")


def test_import_refuses_the_whole_file_naming_the_rows(db, as_, tree):
    cell = tree[0]["a"]
    data = as_xlsx(with_three_bad_rows(members()))
    response = as_("a_admin").post(f"/orgs/{cell.id}/members/import",
                                   data={"file": (io.BytesIO(data), "dang-vien.xlsx")},
                                   content_type="multipart/form-data")  # fmt: skip

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert [row["row"] for row in error["rows"]] == [20, 31, 52]
    assert "Thủ quỹ" in error["rows"][1]["message"]
    assert _person(db, "dangvien01@tiencuong.test") is None


def test_import_then_export_the_same_columns(db, as_, tree):
    cell = tree[0]["a"]
    admin = as_("a_admin")
    response = admin.post(f"/orgs/{cell.id}/members/import",
                          data={"file": (io.BytesIO(as_csv(members(8))), "dang-vien.csv")},
                          content_type="multipart/form-data")  # fmt: skip

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json() == {"created": 8}
    exported = admin.get(f"/orgs/{cell.id}/members/export?format=csv")
    assert exported.headers["Content-Type"].startswith("text/csv")
    text = exported.get_data(as_text=True)
    assert "Nguyễn Văn An 1,dangvien01@tiencuong.test,Trưởng thôn,Bí thư / phó bí thư" in text
    assert_error(as_("b_admin").get(f"/orgs/{cell.id}/members/export"), 403, "forbidden")


def test_the_spec_documents_members_and_invitations(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/orgs/{org_id}/members"])
    assert "post" in paths["/api/v1/orgs/{org_id}/members/import"]
    assert "get" in paths["/api/v1/orgs/{org_id}/invitations"]
    assert {"post", "delete"} <= set(paths["/api/v1/orgs/{org_id}/members/{user_id}/invitation"])
