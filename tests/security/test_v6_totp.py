"""ASVS 5.0 V6.5/V6.6 second factor: TOTP for secretary, committee and admin accounts, enrolled
at first login; a code works once; hashed one-time recovery codes; an admin's reset is audited;
the password and a code are asked again before changing the password, the email or the factor;
`flask users otp` for the demo only."""

import hashlib
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select, update

from chibo_flow import messages
from chibo_flow.auth import totp
from chibo_flow.auth.email_change import email_change_url
from chibo_flow.auth.reset import reset_url
from chibo_flow.models import (
    AuditEvent,
    LoginFailure,
    LoginSession,
    Membership,
    RecoveryCode,
    User,
)
from chibo_flow.models._types import utcnow
from chibo_flow.models.users import Role
from tests.conftest import PASSWORD, log_in, unused_code
from tests.support import flask_cli, wait_for
from tests.web.support import flashes, page_text


def password_step(client, user: User):
    return client.post("/login", data={"email": user.email, "password": PASSWORD})


def enrol(client, user: User) -> list[str]:
    """Enrol through the pages; the recovery codes shown."""
    page = client.get("/login/enrol")
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page.get_data(as_text=True))[1]
    done = client.post("/login/enrol", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    return re.findall(
        r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.get_data(as_text=True)
    )


@pytest.mark.parametrize("key", ["secretary", "committee", "admin"])
def test_roles_that_need_a_second_factor_enrol_at_first_login(db, client, world, key):
    user = world.users[key]
    response = password_step(client, user)
    assert response.headers["Location"] == "/login/enrol"
    assert client.get("/").status_code == 302  # not logged in yet

    page = client.get("/login/enrol")
    body = page.get_data(as_text=True)
    assert "<svg" in body and "<script" not in body  # the QR code inline, no script
    wrong = client.post("/login/enrol", data={"code": "000000"})
    assert flashes(wrong, "danger") == [messages.OTP_FAILED]

    codes = enrol(client, user)
    assert len(codes) == totp.RECOVERY_CODES
    db.session.refresh(user)
    assert user.has_factor
    stored = set(db.session.scalars(select(RecoveryCode.code_sha256)))
    assert stored == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    assert client.get("/").status_code == 200


def test_a_member_logs_in_with_the_password_alone(client, world):
    response = password_step(client, world.users["member"])
    assert response.headers["Location"] == "/"


def test_an_enrolled_person_needs_a_code_and_a_code_works_once(app, db, world):
    secretary = world.users["secretary"]
    totp.current_code(secretary)  # enrolled before, as `flask users otp` does
    first, second = app.test_client(), app.test_client()

    assert password_step(first, secretary).headers["Location"] == "/login/otp"
    assert first.get("/").status_code == 302
    code = unused_code(secretary)
    assert first.post("/login/otp", data={"code": code}).headers["Location"] == "/"

    password_step(second, secretary)
    replay = second.post("/login/otp", data={"code": code})
    assert flashes(replay, "danger") == [messages.OTP_FAILED]
    assert second.get("/").status_code == 302
    old = pyotp.TOTP(secretary.totp_secret).at(time.time() - 5 * totp.STEP_S)
    assert flashes(second.post("/login/otp", data={"code": old}), "danger") == [messages.OTP_FAILED]


def test_the_second_step_expires(client, world):
    secretary = world.users["secretary"]
    totp.current_code(secretary)
    password_step(client, secretary)
    with client.session_transaction() as session:
        pending = session["pending_login"]
        session["pending_login"] = {**pending, "at": pending["at"] - 301}
    late = client.post("/login/otp", data={"code": unused_code(secretary)}, follow_redirects=True)
    assert flashes(late, "warning") == [messages.OTP_PENDING_EXPIRED]
    assert late.request.path == "/login"


def test_a_recovery_code_logs_in_once(app, client, world):
    secretary = world.users["secretary"]
    password_step(client, secretary)
    codes = enrol(client, secretary)
    client.post("/logout")

    password_step(client, secretary)
    used = client.post("/login/otp", data={"code": codes[0].upper()}, follow_redirects=True)
    assert messages.RECOVERY_CODE_USED.format(left=9) in flashes(used, "info")
    assert used.request.path == "/"
    client.post("/logout")

    again = app.test_client()
    password_step(again, secretary)
    refused = again.post("/login/otp", data={"code": codes[0]})
    assert flashes(refused, "danger") == [messages.OTP_FAILED]


def test_wrong_codes_count_towards_the_lockout(db, client, world):
    secretary = world.users["secretary"]
    totp.current_code(secretary)
    password_step(client, secretary)
    for _ in range(5):
        client.post("/login/otp", data={"code": "123456"})
    db.session.refresh(secretary)
    assert secretary.locked_until is not None
    paused = client.post("/login/otp", data={"code": unused_code(secretary)}, follow_redirects=True)
    assert paused.request.path == "/login"  # even the right code, and told why, not "too late"
    assert flashes(paused, "warning") == [messages.OTP_TRIES_PAUSED.format(minutes=15)]
    assert flashes(password_step(client, secretary), "danger") == [messages.LOGIN_FAILED]


def test_a_role_given_while_logged_in_asks_for_enrolment_first(db, world, browser):
    member = world.users["member"]
    client = browser(member)
    db.session.add(Membership(user=member, org=world.org, role=Role.COMMITTEE))
    db.session.commit()
    assert client.get("/").headers["Location"] == "/login/enrol"
    enrol(client, member)
    home = client.get("/")
    assert home.status_code == 200, home.headers.get("Location")


# --- an admin resets a member's factor ---------------------------------------------------------


def test_an_admin_resets_a_members_factor_audited_and_their_sessions_end(db, world, browser):
    committee = world.users["committee"]
    member_client = browser(committee)
    admin = browser(world.users["admin"])
    page = admin.get(f"/admin/security/{committee.id}")
    assert "đang bật" in page_text(page)

    done = admin.post(f"/admin/security/{committee.id}/reset-factor", follow_redirects=True)
    assert flashes(done, "info") == [messages.OTP_RESET_DONE.format(name=committee.name)]
    db.session.refresh(committee)
    assert not committee.has_factor and committee.totp_secret is None
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "second_factor_reset")
    )
    assert event.actor_id == world.users["admin"].id
    assert event.data["user_id"] == committee.id
    assert member_client.get("/").status_code == 302  # logged out
    assert password_step(member_client, committee).headers["Location"] == "/login/enrol"


def test_an_admin_of_another_org_cannot_reach_the_member(db, world, browser):
    outsider = browser(world.users["outsider"])
    committee = world.users["committee"]
    totp.current_code(committee)
    assert outsider.get(f"/admin/security/{committee.id}").status_code == 404
    assert outsider.post(f"/admin/security/{committee.id}/reset-factor").status_code == 404
    assert committee.name not in page_text(outsider.get("/admin/security/"))
    db.session.refresh(committee)
    assert committee.has_factor


# --- asked again before a change ---------------------------------------------------------------


def test_changing_the_password_asks_for_the_password_and_a_code_again(app, db, world, browser):
    secretary = world.users["secretary"]
    client = browser(secretary)
    new = "một mật khẩu mới đủ dài"
    form = {"current_password": PASSWORD, "password": new, "confirm": new}

    no_code = client.post("/account/password", data=form)
    assert no_code.status_code == 422
    assert flashes(no_code, "danger") == [messages.REAUTH_FAILED]
    wrong_password = client.post(
        "/account/password", data={**form, "current_password": "sai", "current_code": "1"}
    )
    assert flashes(wrong_password, "danger") == [messages.REAUTH_FAILED]

    ok = client.post("/account/password", data={**form, "current_code": unused_code(secretary)})
    assert ok.status_code == 302
    assert password_step(app.test_client(), secretary).status_code == 200  # the old one fails


def test_changing_the_email_and_the_factor_ask_again(db, world, browser):
    secretary = world.users["secretary"]
    client = browser(secretary)
    refused = client.post(
        "/account/email", data={"current_password": PASSWORD, "email": "moi@chibo.test"}
    )
    assert refused.status_code == 422
    changed = client.post(
        "/account/email",
        data={"current_password": PASSWORD, "current_code": unused_code(secretary),
              "email": "Moi@Chibo.test"},
    )  # fmt: skip
    assert changed.status_code == 302
    db.session.refresh(secretary)
    assert secretary.email == "secretary@chibo.test"  # until the link sent to it is opened
    client.get(email_change_url(secretary, "moi@chibo.test").removeprefix("http://chibo.test"))
    db.session.refresh(secretary)
    assert secretary.email == "moi@chibo.test"

    old_secret = secretary.totp_secret
    replaced = client.post(
        "/account/factor",
        data={"current_password": PASSWORD, "current_code": unused_code(secretary)},
    )
    assert replaced.headers["Location"] == "/login/enrol"
    assert client.get("/").headers["Location"] == "/login/enrol"
    enrol(client, secretary)
    db.session.refresh(secretary)
    assert secretary.has_factor and secretary.totp_secret != old_secret


# --- `flask users otp` -------------------------------------------------------------------------


def test_users_otp_prints_a_code_that_logs_in(env, db, client, world):
    secretary = world.users["secretary"]
    result = flask_cli(env, "users", "otp", secretary.email)
    assert result.returncode == 0, result.stderr
    code = result.stdout.strip()
    assert re.fullmatch(r"\d{6}", code)
    db.session.expire_all()  # the command enrolled the account in its own process
    assert password_step(client, secretary).headers["Location"] == "/login/otp"
    assert client.post("/login/otp", data={"code": code}).headers["Location"] == "/"


@pytest.mark.parametrize("environment", ["production", "staging"])
def test_users_otp_is_refused_outside_development(env, db, world, environment):
    secret_key = "s" * 48
    settings = {**env, "CHIBO_FLOW_ENV": environment, "SECRET_KEY": secret_key,
                "PUBLIC_URL": "https://chibo.test"}  # fmt: skip
    result = flask_cli(settings, "users", "otp", world.users["secretary"].email)
    assert result.returncode == 1
    assert "chỉ dùng khi chạy thử" in result.stderr
    db.session.refresh(world.users["secretary"])
    assert world.users["secretary"].totp_secret is None


def test_sessions_carry_no_factor_secret(db, client, world):
    log_in(client, world.users["secretary"])
    assert db.session.scalar(select(LoginSession.user_id)) == world.users["secretary"].id
    with client.session_transaction() as session:
        assert world.users["secretary"].totp_secret not in str(dict(session))


def test_a_malformed_new_email_is_refused(db, world, browser):
    member = world.users["member"]
    client = browser(member)
    refused = client.post(
        "/account/email", data={"current_password": PASSWORD, "email": "khong co a còng"}
    )
    assert refused.status_code == 422
    assert messages.EMAIL_INVALID in page_text(refused)
    db.session.refresh(member)
    assert member.email == "member@chibo.test"


def test_each_browser_enrols_its_own_secret(app, db, world):
    """Someone who knows the password and opens the enrolment page first does not learn the
    secret the account's owner then scans."""
    owner, other = world.users["secretary"], app.test_client()
    password_step(other, owner)
    seen = re.search(r'<code class="secret">([A-Z2-7]+)</code>', other.get("/login/enrol").text)[1]

    mine = app.test_client()
    password_step(mine, owner)
    assert seen not in mine.get("/login/enrol").text
    enrol(mine, owner)

    later = app.test_client()
    assert password_step(later, owner).headers["Location"] == "/login/otp"
    refused = later.post("/login/otp", data={"code": pyotp.TOTP(seen).now()})
    assert flashes(refused, "danger") == [messages.OTP_FAILED]
    with mine.session_transaction() as session:
        assert totp.ENROLMENT not in session


# --- wrong codes in a row lock the account until it is unlocked --------------------------------


def wrong_code(user: User) -> str:
    """A six-digit code the server accepts at no step near now."""
    now = time.time()
    near = {pyotp.TOTP(user.totp_secret).at(now + d * totp.STEP_S) for d in range(-2, 3)}
    return next(code for code in ("000000", "111111", "222222", "333333", "444444", "555555",
                                  "666666") if code not in near)  # fmt: skip


def a_window_later(db) -> None:
    """Fifteen minutes on: the lock for a while has passed, the failures are out of the window."""
    db.session.execute(update(User).values(locked_until=None))
    db.session.execute(update(LoginFailure).values(at=utcnow() - timedelta(minutes=16)))
    db.session.commit()


def wrong_codes(app, db, user: User, count: int, first_address: int = 1) -> list:
    """`count` wrong codes at the second step, five a window (the window's lock waited out), each
    window from another address (the per-address limit is not what is tested); the answers."""
    answers = []
    for window in range(0, count, 5):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{first_address + window // 5}"
        assert password_step(client, user).headers["Location"] == "/login/otp"
        for _ in range(min(5, count - window)):
            answers.append(client.post("/login/otp", data={"code": wrong_code(user)}))
        a_window_later(db)
    return answers


def test_twenty_wrong_codes_in_a_row_lock_the_account_until_the_password_is_reset(
    app, db, world, smtp_server, celery_worker
):
    """Someone who has a member's password got five guesses of the code every fifteen minutes
    for ever; after 20 wrong codes in a row the account stays locked."""
    secretary = world.users["secretary"]
    totp.current_code(secretary)
    answers = wrong_codes(app, db, secretary, 20)
    assert all(flashes(a, "danger") == [messages.OTP_FAILED] for a in answers[:19])
    assert answers[19].headers["Location"] == "/login"

    client = app.test_client()
    refused = password_step(client, secretary)  # long after the window's lock
    assert refused.status_code == 200
    assert flashes(refused, "danger") == [messages.FACTOR_LOCKED]  # says what to do
    assert "Quên mật khẩu?" in page_text(refused)
    wrong_password = client.post("/login", data={"email": secretary.email, "password": "sai"})
    assert flashes(wrong_password, "danger") == [messages.LOGIN_FAILED]  # tells nothing more
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0

    [mail] = wait_for(lambda: smtp_server.messages("factor_locked"))
    assert mail.message["To"].addresses[0].addr_spec == secretary.email
    text = mail.message.get_body(("plain",)).get_content()
    assert f"Kính gửi đồng chí {secretary.name}" in text
    assert "sai mã xác thực hai lớp 20 lần liên tiếp" in text
    assert "http://chibo.test/login/reset" in text
    [locked] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account_locked_second_factor")
    )
    assert locked.actor_id is None and locked.data["user_id"] == secretary.id

    # The owner resets the password by the emailed link: unlocked (audited), the code asked again.
    path = reset_url(secretary).removeprefix("http://chibo.test")
    new = "mật khẩu mới của đồng chí"
    client.post(path, data={"password": new, "confirm": new})
    [unlocked] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account_unlocked")
    )
    assert unlocked.actor_id == secretary.id and unlocked.data["second_factor"] is True
    step = client.post("/login", data={"email": secretary.email, "password": new})
    assert step.headers["Location"] == "/login/otp"
    assert client.post("/login/otp", data={"code": unused_code(secretary)}).status_code == 302
    assert len(smtp_server.messages("factor_locked")) == 1


def test_a_right_code_starts_the_count_again(app, db, world):
    secretary = world.users["secretary"]
    totp.current_code(secretary)
    wrong_codes(app, db, secretary, 19)
    log_in(app.test_client(), secretary)
    answers = wrong_codes(app, db, secretary, 19, first_address=10)
    assert all(flashes(a, "danger") == [messages.OTP_FAILED] for a in answers)
    assert password_step(app.test_client(), secretary).headers["Location"] == "/login/otp"


def test_an_admin_unlocks_a_locked_member_audited(app, db, world, browser):
    committee = world.users["committee"]
    totp.current_code(committee)
    wrong_codes(app, db, committee, 20)
    admin = browser(world.users["admin"])
    assert "Tài khoản đang bị khóa" in page_text(admin.get(f"/admin/security/{committee.id}"))

    done = admin.post(f"/admin/security/{committee.id}/unlock", follow_redirects=True)
    assert flashes(done, "info") == [messages.MEMBER_UNLOCKED.format(name=committee.name)]
    assert "Tài khoản đang bị khóa" not in page_text(done)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "account_unlocked"))
    assert event.actor_id == world.users["admin"].id and event.data["user_id"] == committee.id
    log_in(app.test_client(), committee)  # password and code work again


def test_an_admin_of_another_org_cannot_unlock_the_member(app, db, world, browser):
    committee = world.users["committee"]
    totp.current_code(committee)
    wrong_codes(app, db, committee, 20)
    outsider = browser(world.users["outsider"])
    assert outsider.post(f"/admin/security/{committee.id}/unlock").status_code == 404
    assert flashes(password_step(app.test_client(), committee), "danger") == [
        messages.FACTOR_LOCKED
    ]


def test_wrong_codes_sent_at_once_get_no_more_tries_than_one_after_the_other(app, db, world):
    """Each request read the failures, checked its code and then counted it: a dozen codes sent
    at once were all checked before any of them locked the account."""
    secretary = world.users["secretary"]
    totp.current_code(secretary)
    clients = []
    for n in range(12):  # each its own browser, address and database connection
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{n + 1}"
        assert password_step(client, secretary).headers["Location"] == "/login/otp"
        clients.append(client)
    code = wrong_code(secretary)
    start = threading.Barrier(len(clients))

    def guess(client):
        start.wait()
        return client.post("/login/otp", data={"code": code})

    with ThreadPoolExecutor(len(clients)) as pool:
        answers = list(pool.map(guess, clients))

    checked = [a for a in answers if flashes(a, "danger") == [messages.OTP_FAILED]]
    assert len(checked) == app.config["LOCKOUT_FAILURES"]
    assert all(a.headers.get("Location") == "/login" for a in answers if a not in checked)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == len(checked)
    assert db.session.get(User, secretary.id).locked_until > utcnow()
