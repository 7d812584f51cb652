"""Web UI fixtures: an org whose directory resolves the seed's "Nơi nhận", people in every role,
and a browser-like client per person, logged in through the real form."""

from collections.abc import Callable

import pytest

from chibo_flow.models import DirectoryEntry, Group, Membership, User
from chibo_flow.models.users import Role
from chibo_flow.recipients import learn_alias
from tests.conftest import PASSWORD_HASH, log_in
from tests.web.support import World

OTHER_ORG = "Chi bộ Thôn Đông"
# Who acts, and the roles each holds (in the world's org; the outsider holds all in OTHER_ORG).
PEOPLE: dict[str, tuple[Role, ...]] = {
    "secretary": (Role.SECRETARY,),
    "committee": (Role.COMMITTEE,),
    "committee2": (Role.COMMITTEE,),
    "member": (Role.MEMBER,),
    "admin": (Role.ADMIN,),
    "outsider": (Role.SECRETARY, Role.COMMITTEE, Role.ADMIN),
}
NAMES = {
    "secretary": "Vũ Thị Xuyên",
    "committee": "Nguyễn Văn An",
    "committee2": "Trần Thị Bình",
    "member": "Đỗ Thị Lan",
    "admin": "Quản trị hệ thống",
    "outsider": "Lý Văn Khoa",
}


@pytest.fixture
def world(db, make, seed_text) -> World:
    """The seed's chi bộ (two approvals needed), its directory and people, the seed as a draft."""
    org = make.org(approvals=2)
    other = make.org(name=OTHER_ORG, code="CBTD")
    users = {}
    for key, roles in PEOPLE.items():
        user = User(email=f"{key}@chibo.test", name=NAMES[key], password_hash=PASSWORD_HASH)
        db.session.add(user)
        db.session.flush()
        for role in roles:
            db.session.add(
                Membership(user=user, org=other if key == "outsider" else org, role=role)
            )
        users[key] = user
    standing = Group(org_id=org.id, name="Thường trực Đảng ủy xã")
    standing.entries = [DirectoryEntry(org_id=org.id, name="Phạm Văn Dũng",
                                       email="thuongtruc1@chibo.test")]  # fmt: skip
    leader = Group(org_id=org.id, name="Lãnh đạo phụ trách chi bộ")
    leader.entries = [DirectoryEntry(org_id=org.id, name="Ngô Văn Phúc",
                                     email="phutrach@chibo.test")]  # fmt: skip
    members = Group(org_id=org.id, name="Cán bộ, đảng viên chi bộ", members_of_org_id=org.id)
    db.session.add_all([standing, leader, members])
    db.session.flush()
    learn_alias(org, "Thường trực ĐU", standing)
    learn_alias(org, "CB, đảng viên", members)
    db.session.commit()
    programme = make.programme(org, users["secretary"], seed_text)
    return World(org=org, other_org=other, users=users, programme=programme)


@pytest.fixture
def browser(app) -> Callable[[User], object]:
    """browser(user): a new test client logged in as `user` through the login forms."""

    def open_as(user: User):
        client = app.test_client()
        log_in(client, user)
        return client

    return open_as


@pytest.fixture
def third(world, make) -> User:
    """A third committee member in the world's org: 3 members, 2 approvals required (the
    majority rule: one disapproval leaves the round open, two return it)."""
    return make.user(Role.COMMITTEE, world.org, email="capuy3@chibo.test", name="Lê Văn Cường")
