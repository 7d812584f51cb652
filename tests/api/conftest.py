"""API fixtures: an org whose directory resolves the seed's "Nơi nhận", people in every role
with bearer tokens, and a small client that speaks JSON with a token."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from chibo_flow.documents.parse import parse_text
from chibo_flow.models import (
    AuditEvent,
    Comment,
    Delivery,
    DirectoryEntry,
    Group,
    Membership,
    Org,
    Programme,
    Revision,
    User,
    Vote,
)
from chibo_flow.models.users import Role
from chibo_flow.recipients import learn_alias
from chibo_flow.workflow import apply_transition, create_programme
from tests.conftest import api_token

ORG = "Chi bộ Trường Mầm non Tiên Cường"
OTHER_ORG = "Chi bộ Thôn Đông"
# The approval rule of ORG: one approval never approves, three do.
APPROVALS_REQUIRED = 3

# Who acts in the role × state × action table, and the roles each holds (in ORG unless noted).
ROLES: dict[str, tuple[Role, ...]] = {
    "secretary": (Role.SECRETARY,),
    "other_secretary": (Role.SECRETARY,),
    "committee": (Role.COMMITTEE,),
    "committee_submitter": (Role.SECRETARY, Role.COMMITTEE),
    "member": (Role.MEMBER,),
    "admin": (Role.ADMIN,),
    "outsider": (Role.SECRETARY, Role.COMMITTEE, Role.ADMIN),  # all of them, in OTHER_ORG
}
# Every key of a programme in the API's answers.
PROGRAMME_KEYS = {
    "id",
    "org",
    "org_id",
    "state",
    "version",
    "revision",
    "round",
    "reserved_opinions",
    "number",
    "title",
    "secrecy",
    "urgency",
    "doc",
    "approvals",
    "allowed_actions",
    "created_at",
    "updated_at",
}
VOTERS = ("voter1", "voter2", "voter3")  # committee members who build the approved state
STANDING_COMMITTEE = [("Phạm Văn Dũng", "thuongtruc1@chibo.test"),
                      ("Hoàng Thị Hạnh", "thuongtruc2@chibo.test")]  # fmt: skip
LEADER = ("Ngô Văn Phúc", "phutrach@chibo.test")


@dataclass
class World:
    """The orgs, the people by role key, and their bearer tokens."""

    org: Org
    other_org: Org
    users: dict[str, User]
    tokens: dict[str, str]

    def directory_addresses(self) -> set[str]:
        """Every address the seed's lines reach: the groups' people and the org's Party members."""
        fixed = {email for _, email in [*STANDING_COMMITTEE, LEADER]}
        party = {
            user.email
            for user in self.users.values()
            if any(m.org_id == self.org.id and m.role != Role.ADMIN for m in user.memberships)
        }
        return fixed | party


class ApiClient:
    """The Flask test client with a bearer token (or none)."""

    def __init__(self, client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **kwargs: Any):
        """GET /api/v1 + path."""
        return self.client.get(f"/api/v1{path}", headers=self.headers, **kwargs)

    def post(self, path: str, **kwargs: Any):
        """POST /api/v1 + path."""
        return self.client.post(f"/api/v1{path}", headers=self.headers, **kwargs)

    def patch(self, path: str, **kwargs: Any):
        """PATCH /api/v1 + path."""
        return self.client.patch(f"/api/v1{path}", headers=self.headers, **kwargs)

    def delete(self, path: str, **kwargs: Any):
        """DELETE /api/v1 + path."""
        return self.client.delete(f"/api/v1{path}", headers=self.headers, **kwargs)


@pytest.fixture(scope="session")
def seed_doc(seed_text) -> dict[str, Any]:
    """The seed parsed once, as a ProgrammeDoc dict."""
    return parse_text(seed_text).to_dict()


@pytest.fixture
def world(db) -> World:
    """ORG (3 approvals required) with its directory, OTHER_ORG, and one user per role key."""
    org = _org(db, ORG, "CB")
    other_org = _org(db, OTHER_ORG, "TĐ")
    users = {}
    for key, roles in ROLES.items():
        users[key] = _user(db, key, roles, other_org if key == "outsider" else org)
    for key in VOTERS:
        users[key] = _user(db, key, (Role.COMMITTEE,), org)
    _directory(db, org)
    db.session.commit()
    return World(org, other_org, users, {key: api_token(user) for key, user in users.items()})


@pytest.fixture
def api(client, world):
    """ApiClient for a role key: api("secretary"); api(None) sends no token."""
    return lambda key: ApiClient(client, world.tokens[key] if key else None)


@pytest.fixture
def build(world, seed_doc):
    """Build a programme in a state through the workflow: build("review", submitter="...")."""

    def build_programme(state: str, submitter: str = "secretary") -> Programme:
        author = world.users[submitter]
        programme = create_programme(world.org, author, seed_doc)
        if state in ("review", "approved"):
            apply_transition(programme, "submit", author, version=programme.version)
        if state == "approved":
            for key in VOTERS:
                apply_transition(programme, "approve", world.users[key], version=programme.version)
        assert programme.state == state
        return programme

    return build_programme


def snapshot(db, programme_id: int) -> dict[str, Any]:
    """Everything a refused request must leave as it was."""
    db.session.expire_all()
    programme = db.session.get(Programme, programme_id)

    def count(model) -> int:
        return db.session.scalar(
            select(func.count(model.id)).where(model.programme_id == programme_id)
        )

    return {
        "state": programme.state,
        "version": programme.version,
        "number": programme.number,
        "title": programme.title,
        "current_revision_id": programme.current_revision_id,
        "submitted_by_id": programme.submitted_by_id,
        "review_round": programme.review_round,
        **{model.__name__: count(model) for model in (Revision, Vote, Comment, AuditEvent)},
        # The final copy's emails (review notifications are tested in tests/review).
        "Delivery": db.session.scalar(
            select(func.count(Delivery.id)).where(
                Delivery.programme_id == programme_id, Delivery.kind == "final_copy"
            )
        ),
    }


def assert_error(response, status: int, code: str) -> dict[str, str]:
    """The one error shape: exactly {"error": {"code", "message"}}, message in Vietnamese."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert list(body) == ["error"]
    assert sorted(body["error"]) == ["code", "message"]
    assert body["error"]["code"] == code
    assert body["error"]["message"].strip()
    return body["error"]


def _org(db, name: str, code: str) -> Org:
    org = Org(name=name, code=code, place="Tiên Cường", term_start=date(2022, 1, 1),
              approvals_required=APPROVALS_REQUIRED)  # fmt: skip
    db.session.add(org)
    db.session.flush()
    return org


def _user(db, key: str, roles: tuple[Role, ...], org: Org) -> User:
    """A user without a password (the API authenticates with tokens)."""
    user = User(email=f"{key.replace('_', '-')}@chibo.test", name=f"Đồng chí {key}")
    db.session.add(user)
    db.session.flush()
    db.session.add_all(Membership(user=user, org=org, role=role) for role in roles)
    db.session.flush()
    return user


def _directory(db, org: Org) -> None:
    """Groups and aliases so that every "Nơi nhận" line of the seed resolves (as the demo does)."""
    standing = Group(org_id=org.id, name="Thường trực Đảng ủy xã")
    standing.entries = [DirectoryEntry(org_id=org.id, name=name, email=email)
                        for name, email in STANDING_COMMITTEE]  # fmt: skip
    leader = Group(org_id=org.id, name="Lãnh đạo phụ trách chi bộ")
    leader.entries = [DirectoryEntry(org_id=org.id, name=LEADER[0], email=LEADER[1])]
    members = Group(org_id=org.id, name="Cán bộ, đảng viên chi bộ", members_of_org_id=org.id)
    db.session.add_all([standing, leader, members])
    db.session.flush()
    learn_alias(org, "Thường trực ĐU", standing)
    learn_alias(org, "CB, đảng viên", members)
