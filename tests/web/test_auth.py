"""Logging in and out through the pages."""

import re

from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.models import LoginSession, Membership
from chibo_flow.models.users import Role
from tests.conftest import PASSWORD, log_in
from tests.web.support import bring_to, flashes, page_text, snapshot


def test_login_page_is_vietnamese_with_labels(client):
    page = client.get("/login")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert '<html lang="vi">' in body
    assert '<label for="email">Email</label>' in body
    assert '<label for="password">Mật khẩu</label>' in body


def test_login_ok_lands_on_the_programme_list(client, world):
    response = log_in(client, world.users["secretary"])
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Vũ Thị Xuyên" in page_text(home)
    assert "Dự thảo" in page_text(home)


def test_wrong_password_shows_the_message_and_starts_no_session(db, client, world):
    response = client.post(
        "/login", data={"email": "secretary@chibo.test", "password": "sai-mat-khau"}
    )
    assert response.status_code == 200
    assert flashes(response, "danger") == [messages.LOGIN_FAILED]
    assert db.session.scalars(select(LoginSession)).all() == []
    assert client.get("/").status_code == 302


def test_logout_ends_the_session_and_the_old_cookie_is_refused(db, client, world):
    log_in(client, world.users["secretary"])
    cookie = client.get_cookie("session")
    assert client.get("/").status_code == 200

    logged_out = client.post("/logout", follow_redirects=True)
    assert messages.LOGGED_OUT in flashes(logged_out, "info")
    assert db.session.scalar(select(LoginSession.ended_at)) is not None

    client.set_cookie(cookie.key, cookie.value)  # replay the cookie captured while logged in
    replay = client.get("/")
    assert replay.status_code == 302
    assert replay.headers["Location"].startswith("/login")


def test_roles_changed_by_an_admin_apply_from_the_next_page(db, world, browser):
    # The signed-in user's roles are read with the login session on every page, never kept.
    secretary = browser(world.users["secretary"])
    assert secretary.get("/programmes/new").status_code == 200

    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == world.users["secretary"].id)
    )
    membership.role = Role.MEMBER
    db.session.commit()

    assert secretary.get("/programmes/new").status_code == 403
    assert "Soạn dự thảo" not in page_text(secretary.get("/"))


def test_a_deactivated_users_open_session_is_refused(db, world, browser):
    member = browser(world.users["member"])
    assert member.get("/").status_code == 200

    world.users["member"].active = False
    db.session.commit()

    refused = member.get("/")
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith("/login")


def test_logout_is_a_post_button_in_the_nav(client, world, browser):
    page = browser(world.users["secretary"]).get("/")
    assert '<form class="logout" method="post" action="/logout">' in page.get_data(as_text=True)
    assert client.get("/logout").status_code == 405


def test_next_to_another_site_is_ignored(client, world):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            f"/login?next={target}", data={"email": "member@chibo.test", "password": PASSWORD}
        )
        assert response.headers["Location"] == "/", target
        client.post("/logout")


def test_next_on_this_site_is_followed(client, world):
    target = f"/programmes/{world.programme.id}"
    response = log_in(client, world.users["secretary"], next_path=target)
    assert response.headers["Location"] == target


def _post_forms(client, path: str) -> list[str]:
    body = client.get(path).get_data(as_text=True)
    forms = re.findall(r'<form[^>]*method="post".*?</form>', body, re.S)
    assert forms, path
    return forms


def test_every_form_carries_a_csrf_token_and_posts_without_one_are_refused(app, db, world, browser):
    secretary = browser(world.users["secretary"])
    committee = browser(world.users["committee"])
    app.config["WTF_CSRF_ENABLED"] = True  # as in production (TestConfig turns it off)
    programme = world.programme
    forms = [
        *_post_forms(secretary, "/"),
        *_post_forms(secretary, "/programmes/new"),
        *_post_forms(secretary, f"/programmes/{programme.id}"),
        *_post_forms(secretary, f"/programmes/{programme.id}/edit"),
    ]
    bring_to(world, "review")
    forms += _post_forms(committee, f"/programmes/{programme.id}")
    # 5 logout buttons, new, submit, edit (opinions are given on the review page)
    assert len(forms) == 8
    for form in forms:
        assert re.search(r'name="csrf_token"[^>]*value="[^"]+"', form), form

    before = snapshot(db, programme.id)
    refused = committee.post(
        f"/programmes/{programme.id}/transition",
        data={"action": "approve", "version": programme.version},
    )
    assert refused.status_code == 400
    assert messages.CSRF_FAILED in page_text(refused)
    assert snapshot(db, programme.id) == before
    login = app.test_client().post(
        "/login", data={"email": "secretary@chibo.test", "password": PASSWORD}
    )
    assert login.status_code == 400
