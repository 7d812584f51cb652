"""ASVS 5.0 V6 Authentication: lockout, per-address rate limit, the same answer and the same
work for every email, password rules, password reset by a single-use expiring link, no
redirect to another site after login, no weak SECRET_KEY outside development."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, update

from chibo_flow import create_app, messages
from chibo_flow.auth.passwords import common_passwords
from chibo_flow.auth.reset import reset_url
from chibo_flow.auth.sessions import issue_token
from chibo_flow.extensions import db as _db
from chibo_flow.models import DomainEvent, LoginFailure, LoginSession, User
from chibo_flow.models._types import utcnow
from tests.conftest import PASSWORD, log_in
from tests.support import REDIS_URL, config_for, flask_cli, wait_for
from tests.web.support import flashes, page_text

WRONG = "khong-phai-mat-khau"


def post_login(client, email: str, password: str, address: str = "127.0.0.1", next_path=""):
    query = f"?next={next_path}" if next_path else ""
    return client.post(
        f"/login{query}",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def sessions_of(db, user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user.id)
    )


# --- lockout -----------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_whatever_the_password(db, client, world):
    member = world.users["member"]
    for _ in range(5):
        refused = post_login(client, member.email, WRONG)
        assert flashes(refused, "danger") == [messages.LOGIN_FAILED]

    right = post_login(client, member.email, PASSWORD)
    assert right.status_code == 200
    assert flashes(right, "danger") == [messages.LOGIN_FAILED]  # the same message
    assert sessions_of(db, member) == 0
    db.session.refresh(member)
    assert member.locked_until > utcnow() + timedelta(minutes=14)

    # Fifteen minutes later the lock has passed (and the failures that made it are older).
    db.session.execute(update(User).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.session.execute(update(LoginFailure).values(at=utcnow() - timedelta(minutes=15)))
    db.session.commit()
    assert post_login(client, member.email, PASSWORD).status_code == 302


def test_failures_older_than_the_window_or_before_a_login_do_not_count(db, client, world):
    member = world.users["member"]
    for _ in range(4):
        post_login(client, member.email, WRONG)
    db.session.execute(update(LoginFailure).values(at=utcnow() - timedelta(minutes=16)))
    db.session.commit()
    for _ in range(4):
        post_login(client, member.email, WRONG)
    assert post_login(client, member.email, PASSWORD).status_code == 302  # 4 in the window
    client.post("/logout")

    for _ in range(4):  # 8 in the window now, but 4 since the last login
        post_login(client, member.email, WRONG)
    assert post_login(client, member.email, PASSWORD).status_code == 302


def test_a_lock_emails_the_owner_once(db, client, world, smtp_server, celery_worker):
    member = world.users["member"]
    for _ in range(8):
        post_login(client, member.email, WRONG)

    [mail] = wait_for(lambda: smtp_server.messages("account_locked"))
    assert mail.message["To"].addresses[0].addr_spec == member.email
    text = mail.message.get_body(("plain",)).get_content()
    assert "tạm khóa đăng nhập trong 15 phút" in text
    assert "http://chibo.test/login/reset" in text
    assert len(smtp_server.messages("account_locked")) == 1


# --- rate limit per address --------------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def limited_client(request, env):
    """A client of an app counting rate limits in memory (embedded) or in Redis (production)."""
    storage = "memory://" if request.param == "memory" else REDIS_URL
    app = create_app(config_for({**env, "RATELIMIT_STORAGE_URI": storage}))
    yield app.test_client()
    with app.app_context():
        _db.engine.dispose()


def test_more_than_20_attempts_a_minute_from_one_address_get_429(limited_client, world):
    for _ in range(20):
        assert post_login(limited_client, "ai@chibo.test", WRONG, "203.0.113.7").status_code == 200

    refused = post_login(limited_client, "member@chibo.test", PASSWORD, "203.0.113.7")
    assert refused.status_code == 429
    assert messages.TOO_MANY_REQUESTS in page_text(refused)
    # Reading the form is not counted, and another address is not held back.
    assert (
        limited_client.get("/login", environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 200
    )
    other = post_login(limited_client, "member@chibo.test", PASSWORD, "203.0.113.8")
    assert other.status_code == 302


# --- the same answer and the same work for every email ----------------------------------------


@pytest.fixture
def verifications(monkeypatch) -> list[str]:
    """Every argon2 verification the app runs (argon2's own, still run)."""
    calls: list[str] = []
    original = PasswordHasher.verify

    def counting(self, hash, password):
        calls.append(hash)
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return calls


@pytest.mark.parametrize("case", ["unknown email", "wrong password", "locked", "deactivated"])
def test_every_refusal_costs_one_argon2_verification_and_says_the_same(
    db, client, world, verifications, case
):
    member = world.users["member"]
    email, password = member.email, PASSWORD
    if case == "unknown email":
        email = "khong-co@chibo.test"
    elif case == "wrong password":
        password = WRONG
    elif case == "locked":
        member.locked_until = utcnow() + timedelta(minutes=10)
    else:
        member.active = False
    db.session.commit()

    response = post_login(client, email, password)
    assert response.status_code == 200
    assert flashes(response, "danger") == [messages.LOGIN_FAILED]
    assert len(verifications) == 1
    assert verifications[0].startswith("$argon2id$")


# --- password rules ----------------------------------------------------------------------------


def change_password(client, new: str):
    return client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": new, "confirm": new},
    )


def test_the_bundled_list_holds_the_most_common_passwords():
    common = common_passwords()
    assert len(common) >= 9_900
    assert {"123456", "password", "12345678", "iloveyou", "qwertyuiop"} <= common


@pytest.mark.parametrize("password", ["12345678", "password1", "Iloveyou", "qwertyuiop"])
def test_a_common_password_is_refused(db, world, browser, password):
    client = browser(world.users["member"])
    response = change_password(client, password)
    assert response.status_code == 422
    assert messages.PASSWORD_TOO_COMMON in page_text(response)
    assert (
        post_login(client.application.test_client(), "member@chibo.test", PASSWORD).status_code
        == 302
    )


def test_a_short_password_is_refused(world, browser):
    response = change_password(browser(world.users["member"]), "ngan-7c")
    assert response.status_code == 422
    assert messages.PASSWORD_TOO_SHORT.format(min=8) in page_text(response)


@pytest.mark.parametrize(
    "password",
    [
        "chỉ chữ thường thôi",  # no composition rules
        "Đồng chí Bí thư chi bộ soạn chương trình hành động năm 2023 cho cả nhiệm kỳ!!",  # 64+
        "x" * 200,
    ],
)
def test_long_and_plain_passwords_are_accepted(app, world, browser, password):
    client = browser(world.users["member"])
    assert change_password(client, password).status_code == 302
    fresh = app.test_client()
    assert post_login(fresh, "member@chibo.test", password).status_code == 302


# --- password reset ----------------------------------------------------------------------------


def test_reset_by_email_works_once_and_ends_every_session(
    app, db, world, browser, smtp_server, celery_worker
):
    member = world.users["member"]
    elsewhere = browser(member)
    client = app.test_client()

    asked = client.post("/login/reset", data={"email": "Member@Chibo.test"}, follow_redirects=True)
    assert flashes(asked, "info") == [messages.RESET_REQUESTED]
    unknown = client.post("/login/reset", data={"email": "ai@chibo.test"}, follow_redirects=True)
    assert flashes(unknown, "info") == [messages.RESET_REQUESTED]  # the same answer

    [mail] = wait_for(lambda: smtp_server.messages("password_reset"))
    assert mail.message["To"].addresses[0].addr_spec == member.email
    text = mail.message.get_body(("plain",)).get_content()
    link = next(word for word in text.split() if word.startswith("http://chibo.test/login/reset/"))
    path = link.removeprefix("http://chibo.test")

    assert "Đặt mật khẩu mới" in page_text(client.get(path))
    new = "mật khẩu mới của đồng chí"
    done = client.post(path, data={"password": new, "confirm": new}, follow_redirects=True)
    assert flashes(done, "info") == [messages.RESET_DONE]
    assert post_login(app.test_client(), member.email, PASSWORD).status_code == 200
    assert post_login(app.test_client(), member.email, new).status_code == 302
    assert elsewhere.get("/").status_code == 302  # the session opened before the reset ended

    again = client.get(path, follow_redirects=True)
    assert flashes(again, "danger") == [messages.RESET_LINK_INVALID]
    assert len(smtp_server.messages("password_reset")) == 1  # nothing for the unknown email


def test_a_reset_revokes_the_accounts_api_tokens(client, world):
    """A token made by whoever had the account stops working when its owner takes it back."""
    member = world.users["member"]
    token = {"Authorization": f"Bearer {issue_token(member)}"}
    assert client.get("/api/v1/programmes", headers=token).status_code == 200

    path = reset_url(member).removeprefix("http://chibo.test")
    new = "mật khẩu mới của đồng chí"
    assert client.post(path, data={"password": new, "confirm": new}).status_code == 302

    assert client.get("/api/v1/programmes", headers=token).status_code == 401


def undispatched(db) -> int:
    db.session.rollback()  # a new snapshot of what the worker wrote
    return db.session.scalar(
        select(func.count()).select_from(DomainEvent).where(DomainEvent.dispatched_at.is_(None))
    )


def test_an_account_gets_at_most_three_reset_emails_an_hour(
    app, db, world, smtp_server, celery_worker
):
    member = world.users["member"]
    client = app.test_client()
    for n in range(6):
        address = {"REMOTE_ADDR": f"192.0.2.{n}"}
        asked = client.post("/login/reset", data={"email": member.email}, environ_base=address)
        assert asked.status_code == 302  # the same answer every time

    wait_for(lambda: undispatched(db) == 0)
    wait_for(lambda: len(smtp_server.messages("password_reset")) >= 3)
    assert len(smtp_server.messages("password_reset")) == 3
    db.session.execute(update(DomainEvent).values(created_at=utcnow() - timedelta(minutes=61)))
    db.session.commit()
    client.post("/login/reset", data={"email": member.email})
    wait_for(lambda: len(smtp_server.messages("password_reset")) == 4)


def test_an_expired_or_altered_reset_link_is_refused(app, client, world):
    path = reset_url(world.users["member"]).removeprefix("http://chibo.test")
    assert client.get(path).status_code == 200
    assert flashes(client.get(path + "x", follow_redirects=True), "danger") == [
        messages.RESET_LINK_INVALID
    ]
    app.config["PASSWORD_RESET_MAX_AGE_S"] = -1  # the hour has passed
    refused = client.post(path, data={"password": "abc-xyz-123456", "confirm": "abc-xyz-123456"})
    assert refused.status_code == 302
    assert post_login(client, "member@chibo.test", PASSWORD).status_code == 302


def test_a_reset_lifts_the_lock(db, client, world):
    member = world.users["member"]
    member.locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    path = reset_url(member).removeprefix("http://chibo.test")
    new = "mật khẩu mới sau khi bị khóa"
    client.post(path, data={"password": new, "confirm": new})
    assert post_login(client, member.email, new).status_code == 302


# --- no redirect to another site ---------------------------------------------------------------

OPEN_REDIRECTS = [
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "//evil.example/",
    "/%09/evil.example",  # a tab, which browsers drop: //evil.example
    "/%0d%0a/evil.example",  # CR/LF
    "/%0a/evil.example",
    "/\\evil.example",  # browsers read \ as /
    "/%5cevil.example",
    "\\\\evil.example",
    "/%2f/evil.example",  # an encoded slash
    "/%252f/evil.example",  # encoded twice
    "%2f%2fevil.example",
    " //evil.example",
    "evil.example",
]


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_next_pointing_elsewhere_lands_on_the_programme_list(client, world, target):
    response = post_login(client, "member@chibo.test", PASSWORD, next_path=quote(target, safe="%"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/", target


@pytest.mark.parametrize("target", ["/programmes/1", "/programmes?state=review&page=2"])
def test_next_on_this_site_is_followed_with_its_query(client, world, target):
    response = post_login(client, "member@chibo.test", PASSWORD, next_path=quote(target))
    assert response.headers["Location"] == target


def test_next_survives_the_second_factor_step(client, world):
    target = f"/programmes/{world.programme.id}"
    assert log_in(client, world.users["secretary"], next_path=target).headers["Location"] == target


# --- SECRET_KEY --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "", "dev-only-not-secret", "change-me", "a" * 31])
@pytest.mark.parametrize("environment", ["production", "staging"])
def test_a_weak_secret_key_stops_the_app_outside_development(env, key, environment):
    settings = {**env, "CHIBO_FLOW_ENV": environment}
    if key is not None:
        settings["SECRET_KEY"] = key
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config_for(settings))


@pytest.mark.parametrize("environment", ["production", "staging"])
def test_the_demo_with_its_published_password_is_refused_outside_development(env, db, environment):
    settings = {**env, "CHIBO_FLOW_ENV": environment, "SECRET_KEY": "s" * 48,
                "PUBLIC_URL": "https://chibo.test"}  # fmt: skip
    result = flask_cli(settings, "demo")
    assert result.returncode == 1
    assert "chỉ dùng khi chạy thử" in result.stderr
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_strong_secret_key_is_accepted_and_development_needs_none(env):
    strong = {**env, "CHIBO_FLOW_ENV": "production", "SECRET_KEY": "k" * 16 + "x" * 32,
              "PUBLIC_URL": "https://chibo.test"}  # fmt: skip
    assert create_app(config_for(strong)).config["SECRET_KEY"] == "k" * 16 + "x" * 32
    assert create_app(config_for(env)).config["SECRET_KEY"]


def test_an_overlong_password_at_login_is_refused_plainly(db, client, world):
    response = post_login(client, "member@chibo.test", "x" * 10_000)
    assert response.status_code == 200
    assert "Quá dài: tối đa 256 ký tự." in page_text(response)
    assert sessions_of(db, world.users["member"]) == 0


def test_login_pages_are_never_cached(client, world):
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    password = client.post("/login", data={"email": "secretary@chibo.test", "password": PASSWORD})
    assert password.headers["Location"] == "/login/enrol"
    assert client.get("/login/enrol").headers["Cache-Control"] == "no-store"


# --- behind the production deployment's reverse proxy ---------------------------------------


@pytest.fixture
def proxied_client(env):
    """A client of an app behind one reverse proxy (PROXY_HOPS=1), which forwards each client's
    address in X-Forwarded-For; every request reaches the app from the proxy's own address."""
    app = create_app(config_for({**env, "PROXY_HOPS": "1", "RATELIMIT_STORAGE_URI": "memory://"}))
    yield app.test_client()
    with app.app_context():
        _db.engine.dispose()


def post_through_proxy(client, email: str, password: str, address: str):
    """A login post as the proxy forwards it from the client at `address`."""
    return client.post(
        "/login",
        data={"email": email, "password": password},
        headers={"X-Forwarded-For": address},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )


def test_behind_the_proxy_one_clients_attempts_hold_back_no_one_else(proxied_client, world):
    for _ in range(20):
        assert (
            post_through_proxy(proxied_client, "ai@chibo.test", WRONG, "203.0.113.7").status_code
            == 200
        )
    assert (
        post_through_proxy(proxied_client, "ai@chibo.test", WRONG, "203.0.113.7").status_code == 429
    )

    other = post_through_proxy(proxied_client, "member@chibo.test", PASSWORD, "203.0.113.8")
    assert other.status_code == 302


def test_without_a_proxy_a_forwarded_address_is_not_believed(limited_client, world):
    for n in range(20):
        spoofed = post_through_proxy(limited_client, "ai@chibo.test", WRONG, f"198.51.100.{n}")
        assert spoofed.status_code == 200
    assert (
        post_through_proxy(limited_client, "ai@chibo.test", WRONG, "198.51.100.99").status_code
        == 429
    )
