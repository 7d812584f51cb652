"""ASVS 5.0 V8.2 an admin acts on a member's account (its second factor, its login sessions,
its chức vụ) only when they administer every org the member belongs to: adding someone of
another org to one's own chi bộ (an existing account is added without asking them) gives no
hold over their login or what their orgs show of them, which their own orgs' admins keep."""

import pytest
from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.auth import totp
from chibo_flow.models import LoginSession, Membership
from chibo_flow.models.users import Role
from tests.conftest import log_in
from tests.web.support import page_text


@pytest.fixture
def enlisted(db, world, client, token):
    """The world's committee member, with a second factor and a login, added as a member of
    the outsider's org by the outsider (its admin) through the API."""
    committee = world.users["committee"]
    totp.current_code(committee)
    log_in(client, committee)
    added = client.post(
        f"/api/v1/orgs/{world.other_org.id}/members",
        json={"email": committee.email, "name": committee.name, "roles": ["member"]},
        headers=token(world.users["outsider"]),
    )
    assert added.status_code == 201
    return committee


def open_sessions(db, user) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    )


@pytest.mark.parametrize("action", ["reset-factor", "end-sessions"])
def test_an_admin_of_one_of_the_members_orgs_only_cannot_change_their_login(
    db, world, browser, enlisted, action
):
    outsider = browser(world.users["outsider"])

    refused = outsider.post(f"/admin/security/{enlisted.id}/{action}")

    assert refused.status_code == 403
    assert messages.ACCOUNT_ELSEWHERE in page_text(refused)
    db.session.refresh(enlisted)
    assert enlisted.has_factor
    assert open_sessions(db, enlisted) == 1


def test_nor_see_their_sessions(world, browser, enlisted):
    page = browser(world.users["outsider"]).get(f"/admin/security/{enlisted.id}")

    assert page.status_code == 403
    assert messages.ACCOUNT_ELSEWHERE in page_text(page)
    assert "127.0.0.1" not in page_text(page)


def test_an_admin_of_every_org_of_the_member_still_resets_their_factor(
    db, world, browser, enlisted
):
    db.session.add(Membership(user=world.users["admin"], org=world.other_org, role=Role.ADMIN))
    db.session.commit()
    admin = browser(world.users["admin"])

    assert admin.get(f"/admin/security/{enlisted.id}").status_code == 200
    assert admin.post(f"/admin/security/{enlisted.id}/reset-factor").status_code == 302
    db.session.refresh(enlisted)
    assert not enlisted.has_factor
    assert open_sessions(db, enlisted) == 0


def test_nor_change_their_position_through_the_api(db, world, client, token, enlisted):
    """A person's chức vụ is their account's, shown in every org they belong to."""
    enlisted.position = "Cấp ủy viên"
    db.session.commit()

    refused = client.patch(
        f"/api/v1/orgs/{world.other_org.id}/members/{enlisted.id}",
        json={"position": "Đảng viên dự bị"},
        headers=token(world.users["outsider"]),
    )

    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"] == messages.MEMBER_POSITION_ELSEWHERE
    db.session.refresh(enlisted)
    assert enlisted.position == "Cấp ủy viên"


def test_nor_on_the_members_page_where_their_roles_there_still_change(db, world, browser, enlisted):
    enlisted.position = "Cấp ủy viên"
    db.session.commit()
    outsider = browser(world.users["outsider"])
    page = f"/admin/orgs/{world.other_org.id}/members/{enlisted.id}"

    refused = outsider.post(page, data={"position": "Đảng viên dự bị", "roles": ["member"]})
    kept = outsider.post(page, data={"position": "Cấp ủy viên", "roles": ["committee"]})

    assert refused.status_code == 403
    assert messages.MEMBER_POSITION_ELSEWHERE in page_text(refused)
    assert kept.status_code == 302
    db.session.refresh(enlisted)
    assert enlisted.position == "Cấp ủy viên"
    roles = {(m.org_id, m.role) for m in enlisted.memberships}
    assert (world.other_org.id, Role.COMMITTEE) in roles


def test_adding_an_existing_account_keeps_its_position(db, world, client, token):
    committee = world.users["committee"]
    committee.position = "Cấp ủy viên"
    db.session.commit()

    added = client.post(
        f"/api/v1/orgs/{world.other_org.id}/members",
        json={
            "email": committee.email,
            "name": committee.name,
            "position": "Đảng viên dự bị",
            "roles": ["member"],
        },
        headers=token(world.users["outsider"]),
    )

    assert added.status_code == 201
    assert added.get_json()["position"] == "Cấp ủy viên"
    db.session.refresh(committee)
    assert committee.position == "Cấp ủy viên"
