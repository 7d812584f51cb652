"""The org pages an admin runs a chi bộ from: the tree, creating and editing a chi bộ, members,
roles and accounts, invitations (accepted, expired, reused, revoked). An admin of chi bộ A
cannot touch chi bộ B or the parent."""

import re

import pytest
from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.auth.invitations import invitation_url
from chibo_flow.models import AuditEvent, Invitation, LoginSession, Membership, Org, User
from chibo_flow.models.users import Role
from chibo_flow.workflow_errors import NotAllowed
from tests.conftest import PASSWORD
from tests.support import wait_for
from tests.web.support import flashes, page_text

PARENT = "Đảng bộ xã Tiên Cường"
CELL_A = "Chi bộ Trường Mầm non Tiên Cường"
CELL_B = "Chi bộ Thôn Đông"
PEOPLE = {
    "parent_admin": ("parent", Role.ADMIN),
    "a_admin": ("a", Role.ADMIN),
    "b_admin": ("b", Role.ADMIN),
    "a_secretary": ("a", Role.SECRETARY),
    "a_member": ("a", Role.MEMBER),
}
NEW_PASSWORD = "một câu dễ nhớ của đồng chí"


@pytest.fixture
def tree(db, make):
    """A Đảng ủy with two chi bộ and the people of PEOPLE (key → user)."""
    parent = make.org(name=PARENT, code="ĐU", approvals=None)
    orgs = {
        "parent": parent,
        "a": make.org(name=CELL_A, code="CB", approvals=None, parent=parent),
        "b": make.org(name=CELL_B, code="TĐ", approvals=None, parent=parent),
    }
    people = {
        key: make.user(role, orgs[org], email=f"{key.replace('_', '-')}@chibo.test")
        for key, (org, role) in PEOPLE.items()
    }
    return orgs, people


def _pages(org_id: int, member_id: int) -> list[str]:
    return [
        f"/admin/orgs/{org_id}",
        f"/admin/orgs/{org_id}/members",
        f"/admin/orgs/{org_id}/members/{member_id}",
        f"/admin/orgs/{org_id}/import",
        f"/admin/orgs/{org_id}/members.csv",
    ]


@pytest.mark.parametrize(
    ("key", "target", "status"),
    [
        ("parent_admin", "parent", 200),
        ("parent_admin", "a", 200),
        ("a_admin", "a", 200),
        ("a_admin", "b", 403),
        ("a_admin", "parent", 403),
        ("b_admin", "a", 403),
        ("a_secretary", "a", 403),
        ("a_member", "a", 403),
    ],
)
def test_who_may_open_which_org_page(browser, tree, key, target, status):
    orgs, people = tree
    client = browser(people[key])
    member = people["a_member"] if target == "a" else people[key]
    for path in _pages(orgs[target].id, member.id):
        assert client.get(path).status_code == status, path


@pytest.mark.parametrize(
    ("key", "target", "status"),
    [("a_admin", "b", 403), ("b_admin", "a", 403), ("a_admin", "parent", 403)],
)
def test_changes_to_anothers_org_are_refused(db, browser, tree, key, target, status):
    orgs, people = tree
    client = browser(people[key])
    org = orgs[target]
    edit = client.post(f"/admin/orgs/{org.id}", data={"name": "Đổi tên", "code": "X"})
    add = client.post(f"/admin/orgs/{org.id}/members", data={
        "name": "Người lạ", "email": "la@chibo.test", "roles": "member"})  # fmt: skip
    deactivate = client.post(f"/admin/orgs/{org.id}/members/{people['a_member'].id}/deactivate")

    assert {edit.status_code, add.status_code, deactivate.status_code} == {status}
    db.session.expire_all()
    assert db.session.get(Org, org.id).name == org.name
    assert db.session.scalar(select(User).where(User.email == "la@chibo.test")) is None
    assert db.session.get(User, people["a_member"].id).active


def test_the_tree_shows_only_what_the_admin_administers(browser, tree):
    orgs, people = tree
    assert {CELL_A, CELL_B, PARENT} <= set(_h2(browser(people["parent_admin"]).get("/admin/orgs/")))
    assert _h2(browser(people["a_admin"]).get("/admin/orgs/")) == [CELL_A]


def _h2(response) -> list[str]:
    return [page_text(h) for h in re.findall(r"<h2>(.*?)</h2>", response.get_data(as_text=True))]


ORG_FORM = {"code": "TT", "place": "Tiên Cường", "term_start": "2025-10-01",
            "approvals_required": "", "opinion_days": "7", "reminder_after_days": "2",
            "escalate_after_days": "5", "session_idle_minutes": "20",
            "signing_mode": "system"}  # fmt: skip


def test_an_admin_creates_a_chi_bo_under_theirs(db, browser, tree):
    orgs, people = tree
    client = browser(people["parent_admin"])
    form = client.get(f"/admin/orgs/new?parent={orgs['parent'].id}")
    assert "Cấp ủy hiện có 0 đồng chí" in page_text(form)

    done = client.post("/admin/orgs/new", data={**ORG_FORM, "name": "Chi bộ Thôn Tây",
                       "parent_id": orgs["parent"].id}, follow_redirects=True)  # fmt: skip

    assert flashes(done, "success") == [messages.ORG_CREATED.format(name="Chi bộ Thôn Tây")]
    created = db.session.scalar(select(Org).where(Org.name == "Chi bộ Thôn Tây"))
    assert (created.parent_id, created.opinion_days, created.session_idle_minutes) == (
        orgs["parent"].id, 7, 20)  # fmt: skip
    assert created.approvals_required is None  # a majority of the committee


def test_approvals_above_the_committee_are_refused_and_shown_beside_it(db, browser, make, tree):
    orgs, people = tree
    make.user(Role.COMMITTEE, orgs["a"])
    make.user(Role.COMMITTEE, orgs["a"])
    client = browser(people["a_admin"])
    page = client.get(f"/admin/orgs/{orgs['a'].id}")
    assert "Cấp ủy hiện có 2 đồng chí" in page_text(page)

    data = {**ORG_FORM, "name": CELL_A, "parent_id": orgs["parent"].id, "approvals_required": "3"}
    refused = client.post(f"/admin/orgs/{orgs['a'].id}", data=data)

    assert refused.status_code == 422
    assert flashes(refused, "danger") == [
        messages.ORG_APPROVALS_TOO_MANY.format(required=3, size=2)
    ]
    db.session.expire_all()
    assert db.session.get(Org, orgs["a"].id).approvals_required is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("opinion_days", "mười", messages.NUMBER_INVALID),
        ("opinion_days", "0", "Số ngày cho ý kiến phải là số nguyên từ 1 đến 90."),
        ("session_idle_minutes", "100000", "phải là số nguyên từ 5 đến 480"),
        ("term_start", "mùng 1", messages.ORG_TERM_START_INVALID),
    ],
)
def test_bad_settings_get_a_plain_message(db, browser, tree, field, value, message):
    orgs, people = tree
    client = browser(people["a_admin"])
    response = client.post(f"/admin/orgs/{orgs['a'].id}", data={
        **ORG_FORM, "name": CELL_A, "parent_id": orgs["parent"].id, field: value})  # fmt: skip

    assert response.status_code == 422
    assert message in page_text(response)
    db.session.expire_all()
    assert db.session.get(Org, orgs["a"].id).opinion_days == 5


def test_closing_a_chi_bo_keeps_its_documents(db, browser, make, tree, seed_text):
    orgs, people = tree
    programme = make.programme(orgs["a"], people["a_secretary"], seed_text)
    client = browser(people["parent_admin"])

    client.post(f"/admin/orgs/{orgs['a'].id}", data={
        **ORG_FORM, "name": CELL_A, "parent_id": orgs["parent"].id, "closed": "y"})  # fmt: skip

    db.session.expire_all()
    assert db.session.get(Org, orgs["a"].id).closed_at is not None
    assert db.session.get(type(programme), programme.id).org_id == orgs["a"].id
    assert "Đã giải thể" in page_text(client.get("/admin/orgs/"))
    with pytest.raises(NotAllowed, match="đã giải thể"):
        make.programme(orgs["a"], people["a_secretary"], seed_text)


# --- members and invitations -------------------------------------------------------------------


def _invite(client, org: Org, email: str, roles=("member",), name="Đỗ Văn Mới"):
    return client.post(
        f"/admin/orgs/{org.id}/members",
        data={"name": name, "email": email, "position": "Phó trưởng thôn", "roles": list(roles)},
        follow_redirects=True,
    )


def _link(smtp_server, email: str) -> str:
    """The invitation link in the newest invitation mail to `email`."""
    mails = wait_for(lambda: [m for m in smtp_server.messages("invitation")
                              if m.message["To"].addresses[0].addr_spec == email])  # fmt: skip
    text = mails[0].message.get_body(("plain",)).get_content()
    return next(w for w in text.split() if w.startswith("http://chibo.test/moi/")).removeprefix(
        "http://chibo.test"
    )


def test_a_new_member_is_invited_sets_a_password_and_is_signed_in(
    app, db, browser, tree, smtp_server, celery_worker
):
    orgs, people = tree
    admin = browser(people["a_admin"])
    added = _invite(admin, orgs["a"], "moi@chibo.test")
    assert flashes(added, "success") == [
        messages.MEMBER_INVITED.format(name="Đỗ Văn Mới", email="moi@chibo.test")
    ]
    assert "Đã gửi thư mời, chờ đặt mật khẩu" in page_text(added)
    user = db.session.scalar(select(User).where(User.email == "moi@chibo.test"))
    assert user.password_hash is None and user.position == "Phó trưởng thôn"

    path = _link(smtp_server, "moi@chibo.test")
    member = app.test_client()
    assert "Chi bộ Trường Mầm non Tiên Cường" in page_text(member.get(path))
    done = member.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert member.get("/").status_code == 200  # signed in

    again = app.test_client().get(path, follow_redirects=True)
    assert flashes(again, "danger") == [messages.INVITATION_LINK_INVALID]
    login = app.test_client().post("/login", data={"email": "moi@chibo.test",
                                                   "password": NEW_PASSWORD})  # fmt: skip
    assert login.status_code == 302
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member_added"))
    assert audit.data["invited"] is True and audit.actor_id == people["a_admin"].id


def test_a_committee_member_enrols_the_second_factor_after_the_password(app, db, browser, tree):
    orgs, people = tree
    _invite(browser(people["a_admin"]), orgs["a"], "capuy@chibo.test", roles=("committee",))
    user = db.session.scalar(select(User).where(User.email == "capuy@chibo.test"))
    path = invitation_url(user).removeprefix("http://chibo.test")
    client = app.test_client()

    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert done.headers["Location"] == "/login/enrol"
    assert "Mã QR" in client.get("/login/enrol").get_data(as_text=True)
    assert client.get("/").status_code == 302  # not signed in before the factor


def test_an_expired_invitation_is_refused_and_a_resent_one_works(app, db, browser, tree):
    orgs, people = tree
    admin = browser(people["a_admin"])
    app.config["INVITATION_MAX_AGE_S"] = -1  # the week has passed as soon as it is sent
    _invite(admin, orgs["a"], "muon@chibo.test")
    user = db.session.scalar(select(User).where(User.email == "muon@chibo.test"))
    old = invitation_url(user).removeprefix("http://chibo.test")
    refused = app.test_client().post(old, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert refused.status_code == 302 and refused.headers["Location"] == "/login"
    page = admin.get(f"/admin/orgs/{orgs['a'].id}/members/{user.id}")
    assert "Lời mời đã hết hạn" in page_text(page)

    app.config["INVITATION_MAX_AGE_S"] = 3600
    resent = admin.post(f"/admin/orgs/{orgs['a'].id}/members/{user.id}/resend",
                        follow_redirects=True)  # fmt: skip
    assert flashes(resent, "success") == [messages.INVITATION_RESENT.format(name=user.name)]
    new = invitation_url(user).removeprefix("http://chibo.test")
    assert new != old
    assert app.test_client().get(new).status_code == 200
    assert app.test_client().get(old).status_code == 302  # only the newest link works


def test_a_revoked_invitation_no_longer_works(app, db, browser, tree):
    orgs, people = tree
    admin = browser(people["a_admin"])
    _invite(admin, orgs["a"], "thuhoi@chibo.test")
    user = db.session.scalar(select(User).where(User.email == "thuhoi@chibo.test"))
    path = invitation_url(user).removeprefix("http://chibo.test")

    revoked = admin.post(f"/admin/orgs/{orgs['a'].id}/members/{user.id}/revoke",
                         follow_redirects=True)  # fmt: skip

    assert flashes(revoked, "success") == [messages.INVITATION_REVOKED.format(name=user.name)]
    assert "Lời mời đã thu hồi" in page_text(revoked)
    refused = app.test_client().post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert refused.headers["Location"] == "/login"
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash is None


BAD_EMAIL, TAKEN = "khong-phai-email", "a-member@chibo.test"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": BAD_EMAIL}, messages.MEMBER_EMAIL_INVALID.format(email=BAD_EMAIL)),
        ({"email": TAKEN}, messages.MEMBER_ALREADY.format(email=TAKEN, org=CELL_A)),
        ({"roles": []}, messages.ORG_ROLES_INVALID),
    ],
)
def test_a_bad_member_is_refused_with_a_message(db, browser, tree, data, message):
    orgs, people = tree
    form = {"name": "Đỗ Văn Mới", "email": "moi@chibo.test", "roles": ["member"], **data}
    response = browser(people["a_admin"]).post(f"/admin/orgs/{orgs['a'].id}/members", data=form)

    assert response.status_code in (409, 422)
    assert flashes(response, "danger") == [message]
    assert db.session.scalar(select(func.count(Invitation.id))) == 0


def test_changing_roles_is_audited_and_the_member_told(
    db, browser, tree, smtp_server, celery_worker
):
    orgs, people = tree
    member = people["a_member"]
    admin = browser(people["a_admin"])

    saved = admin.post(f"/admin/orgs/{orgs['a'].id}/members/{member.id}",
                       data={"position": "Chi ủy viên", "roles": ["committee", "member"]},
                       follow_redirects=True)  # fmt: skip

    assert flashes(saved, "success") == [messages.MEMBER_SAVED.format(name=member.name)]
    assert "Cấp ủy viên, Đảng viên" in page_text(saved)
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member_changed"))
    assert audit.data["roles"] == ["committee", "member"]
    [mail] = wait_for(lambda: smtp_server.messages("roles_changed"))
    assert mail.envelope_to == member.email
    assert "cấp ủy viên, đảng viên" in mail.message.get_body(("plain",)).get_content()


def test_deactivating_ends_the_members_sessions(db, browser, tree):
    orgs, people = tree
    member = people["a_member"]
    their_browser = browser(member)
    assert their_browser.get("/").status_code == 200

    done = browser(people["a_admin"]).post(
        f"/admin/orgs/{orgs['a'].id}/members/{member.id}/deactivate", follow_redirects=True
    )

    assert flashes(done, "success") == [messages.MEMBER_DEACTIVATED.format(name=member.name)]
    assert their_browser.get("/").status_code == 302
    open_sessions = db.session.scalar(select(func.count(LoginSession.id)).where(
        LoginSession.user_id == member.id, LoginSession.ended_at.is_(None)))  # fmt: skip
    assert open_sessions == 0
    assert db.session.scalar(select(func.count(Membership.id)).where(
        Membership.user_id == member.id)) == 1  # fmt: skip


def test_the_pages_fit_a_phone(browser, tree):
    orgs, people = tree
    client = browser(people["a_admin"])
    page = client.get(f"/admin/orgs/{orgs['a'].id}/members").get_data(as_text=True)
    assert 'name="viewport" content="width=device-width' in page
    assert 'class="stack"' in page  # the table becomes one card per member under 40rem


def test_password_is_never_shown_or_typed_by_the_admin(browser, tree):
    orgs, people = tree
    page = browser(people["a_admin"]).get(f"/admin/orgs/{orgs['a'].id}/members")
    assert 'type="password"' not in page.get_data(as_text=True)
    assert PASSWORD not in page.get_data(as_text=True)
