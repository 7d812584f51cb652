"""/api/v1/directory: people, groups and aliases, for admins of the org only."""

import pytest
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.models import Alias, DirectoryEntry, Group
from chibo_flow.recipients import LineStatus, resolve_line
from tests.api.conftest import LEADER, ORG, OTHER_ORG, STANDING_COMMITTEE, assert_error


def test_lists_the_people_groups_and_aliases_of_the_admins_org(api):
    admin = api("admin")

    people = admin.get("/directory/people")
    assert people.status_code == 200
    assert [(p["name"], p["email"]) for p in people.get_json()["items"]] == sorted(
        [*STANDING_COMMITTEE, LEADER]
    )
    groups = {g["name"]: g for g in admin.get("/directory/groups").get_json()["items"]}
    assert [m["email"] for m in groups["Thường trực Đảng ủy xã"]["members"]] == [
        "thuongtruc2@chibo.test",  # Hoàng Thị Hạnh sorts before Phạm Văn Dũng
        "thuongtruc1@chibo.test",
    ]
    assert groups["Thường trực Đảng ủy xã"]["aliases"] == ["Thường trực ĐU"]
    assert groups["Cán bộ, đảng viên chi bộ"]["members_of"] == ORG
    aliases = admin.get("/directory/aliases", query_string={"org": ORG}).get_json()["items"]
    assert {(a["label"], a["group"]) for a in aliases} == {
        ("CB, đảng viên", "Cán bộ, đảng viên chi bộ"),
        ("Thường trực ĐU", "Thường trực Đảng ủy xã"),
    }


def test_add_a_person(db, api, world):
    response = api("admin").post(
        "/directory/people",
        json={"name": "Đinh Văn Tâm", "email": "Tam@Chibo.test", "position": "Phó Bí thư"},
    )

    assert response.status_code == 201
    assert response.get_json() == {
        "id": response.get_json()["id"],
        "name": "Đinh Văn Tâm",
        "email": "tam@chibo.test",
        "position": "Phó Bí thư",
        "groups": [],
    }
    entry = db.session.scalar(
        select(DirectoryEntry).where(DirectoryEntry.email == "tam@chibo.test")
    )
    assert entry.org_id == world.org.id


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        (
            {"name": "Ai đó", "email": "thuongtruc1@chibo.test"},
            409,
            "conflict",
            messages.DIRECTORY_EMAIL_TAKEN.format(email="thuongtruc1@chibo.test", org=ORG),
        ),
        (
            {"name": "Ai đó", "email": "không có a còng"},
            422,
            "invalid",
            messages.DIRECTORY_EMAIL_INVALID.format(email="không có a còng"),
        ),
        ({"name": "  ", "email": "a@b.vn"}, 422, "invalid", messages.DIRECTORY_NAME_REQUIRED),
        ({"email": "a@b.vn"}, 422, "invalid", messages.API_INVALID_FIELDS.format(fields="name")),
    ],
    ids=["taken", "bad-email", "blank-name", "no-name"],
)
def test_a_refused_person_answers_the_error_shape(db, api, body, status, code, message):
    before = len(list(db.session.scalars(select(DirectoryEntry))))

    error = assert_error(api("admin").post("/directory/people", json=body), status, code)

    assert error["message"] == message
    assert len(list(db.session.scalars(select(DirectoryEntry)))) == before


def test_add_groups_of_people_and_of_the_orgs_members(db, api, world):
    admin = api("admin")
    admin.post("/directory/people", json={"name": "Đinh Văn Tâm", "email": "tam@chibo.test"})

    fixed = admin.post(
        "/directory/groups",
        json={"name": "Ban Tuyên giáo", "people": ["tam@chibo.test", LEADER[1]]},
    )
    assert fixed.status_code == 201
    assert {m["email"] for m in fixed.get_json()["members"]} == {"tam@chibo.test", LEADER[1]}

    members = admin.post("/directory/groups", json={"name": "Đảng viên chi bộ", "members_of": ORG})
    assert members.status_code == 201
    assert {m["email"] for m in members.get_json()["members"]} == (
        world.directory_addresses() - {email for _, email in [*STANDING_COMMITTEE, LEADER]}
    )

    unknown = admin.post("/directory/groups", json={"name": "Nhóm lạ", "people": ["ai@chibo.test"]})
    assert assert_error(unknown, 422, "invalid")["message"] == (
        messages.DIRECTORY_PERSON_UNKNOWN.format(org=ORG, email="ai@chibo.test")
    )
    taken = admin.post("/directory/groups", json={"name": "BAN TUYEN GIAO"})
    assert_error(taken, 409, "conflict")
    assert db.session.scalar(select(Group).where(Group.name == "Nhóm lạ")) is None


def test_a_learnt_alias_resolves_the_next_line(db, api, world):
    assert resolve_line(world.org, "Đ/c phụ trách", "none").status == LineStatus.UNRESOLVED

    response = api("admin").post(
        "/directory/aliases",
        json={"label": "Đ/c phụ trách", "group": "lanh dao phu trach chi bo"},
    )

    assert response.status_code == 201
    assert response.get_json()["group"] == "Lãnh đạo phụ trách chi bộ"
    resolved = resolve_line(world.org, "đ/c Phụ Trách", "none")
    assert [p.email for p in resolved.people] == [LEADER[1]]
    missing = api("admin").post(
        "/directory/aliases", json={"label": "Ban Dân vận", "group": "Ban Dân vận"}
    )
    assert assert_error(missing, 422, "invalid")["message"] == (
        messages.DIRECTORY_GROUP_UNKNOWN.format(org=ORG, name="Ban Dân vận")
    )
    assert db.session.scalar(select(Alias).where(Alias.label == "Ban Dân vận")) is None


@pytest.mark.parametrize("key", ["secretary", "committee", "member"])
@pytest.mark.parametrize("path", ["/directory/people", "/directory/groups", "/directory/aliases"])
def test_only_admins_of_the_org(db, api, key, path):
    assert_error(api(key).get(path), 403, "forbidden")
    assert_error(api(key).post(path, json={"name": "X", "email": "x@x.vn"}), 403, "forbidden")


def test_an_admin_of_another_org_sees_only_their_own(api):
    outsider = api("outsider")

    error = assert_error(
        outsider.get("/directory/people", query_string={"org": ORG}), 403, "forbidden"
    )
    assert error["message"] == messages.DIRECTORY_ORG_UNKNOWN.format(org=ORG)
    own = outsider.get("/directory/groups")
    assert own.status_code == 200 and own.get_json() == {"items": []}
    added = outsider.post(
        "/directory/groups",
        json={"org": OTHER_ORG, "name": "Đảng viên mầm non", "members_of": ORG},
    )
    assert assert_error(added, 422, "invalid")["message"] == (
        messages.DIRECTORY_MEMBERS_OF_NOT_ALLOWED.format(org=OTHER_ORG)
    )


def test_without_a_token(api):
    assert_error(api(None).get("/directory/people"), 401, "unauthorized")
