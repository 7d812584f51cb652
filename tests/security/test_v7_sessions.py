"""ASVS 5.0 V7 Session management: idle timeout (per org) and absolute lifetime enforced on the
server, one's own sessions listed and ended, every session ended on a password change, an admin
ends a member's sessions (audited). Time is advanced by moving the session's timestamps back."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from chibo_flow import messages
from chibo_flow.models import AuditEvent, LoginSession
from chibo_flow.models._types import utcnow
from tests.web.support import flashes, page_text


def age_sessions(db, *, idle: timedelta = timedelta(0), age: timedelta | None = None) -> None:
    """As if `idle` had passed since the last request, and the logins were `age` old."""
    values = {"last_seen_at": utcnow() - idle}
    if age is not None:
        values["created_at"] = utcnow() - age
    db.session.execute(update(LoginSession).values(**values))
    db.session.commit()


def logged_out(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("idle_minutes", "expired"), [(29, False), (31, True)])
def test_a_session_idle_for_the_orgs_time_ends(db, world, browser, idle_minutes, expired):
    client = browser(world.users["member"])
    age_sessions(db, idle=timedelta(minutes=idle_minutes))
    assert logged_out(client) is expired
    ended_at = db.session.scalar(select(LoginSession.ended_at))
    assert (ended_at is not None) is expired


@pytest.mark.parametrize(
    "aged", [{"idle": timedelta(minutes=31)}, {"age": timedelta(hours=12, minutes=1)}],
    ids=["idle", "absolute"],
)  # fmt: skip
def test_the_next_page_after_a_timeout_says_the_session_expired(db, world, browser, aged):
    """Not a silent login page: the person is told why they must log in again, and comes back
    to the page they opened."""
    client = browser(world.users["member"])
    age_sessions(db, **aged)

    response = client.get("/", follow_redirects=True)

    assert response.request.path == "/login"
    assert response.request.args["next"] == "/"
    assert messages.SESSION_EXPIRED in page_text(response)
    assert messages.LOGIN_REQUIRED not in page_text(response)
    again = client.get("/", follow_redirects=True)
    assert messages.SESSION_CLOSED in page_text(again), "the cookie names an ended session"


def test_a_visitor_without_a_session_is_asked_to_log_in(client):
    response = client.get("/", follow_redirects=True)

    assert response.request.path == "/login"
    assert messages.LOGIN_REQUIRED in page_text(response)
    assert messages.SESSION_EXPIRED not in page_text(response)


def test_activity_keeps_a_session_alive(db, world, browser):
    client = browser(world.users["member"])
    age_sessions(db, idle=timedelta(minutes=20))
    assert not logged_out(client)
    db.session.expire_all()
    last_seen = db.session.scalar(select(LoginSession.last_seen_at))
    assert utcnow() - last_seen < timedelta(minutes=1)  # the request counted as activity


def test_the_idle_time_is_an_org_setting_and_the_shortest_applies(db, world, browser):
    client = browser(world.users["member"])
    world.org.session_idle_minutes = 5
    db.session.commit()
    age_sessions(db, idle=timedelta(minutes=6))
    assert logged_out(client)


def test_a_session_ends_after_its_absolute_lifetime_even_when_busy(app, db, world, browser):
    client = browser(world.users["member"])
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    assert lifetime == timedelta(hours=12)
    age_sessions(db, age=lifetime - timedelta(minutes=1))
    assert not logged_out(client)
    age_sessions(db, age=lifetime + timedelta(minutes=1))
    assert logged_out(client)


def test_ones_sessions_are_listed_and_one_can_be_ended(db, world, browser):
    secretary = world.users["secretary"]
    phone, desk = browser(secretary), browser(secretary)
    page = desk.get("/account/sessions")
    assert page_text(page).count("Kết thúc") == 2
    assert "Phiên này" in page_text(page)

    phone_id = db.session.scalars(select(LoginSession.id).order_by(LoginSession.created_at)).first()
    ended = desk.post(f"/account/sessions/{phone_id}/end", follow_redirects=True)
    assert flashes(ended, "info") == [messages.SESSION_ENDED]
    assert logged_out(phone)
    assert not logged_out(desk)
    assert page_text(desk.get("/account/sessions")).count("Kết thúc") == 1


def test_ending_someone_elses_session_is_not_found(db, world, browser):
    browser(world.users["committee"])
    other_id = db.session.scalar(select(LoginSession.id))
    member = browser(world.users["member"])
    assert member.post(f"/account/sessions/{other_id}/end").status_code == 404
    assert (
        db.session.scalar(select(LoginSession.ended_at).where(LoginSession.id == other_id)) is None
    )


def test_a_password_change_ends_every_other_session(db, world, browser):
    member = world.users["member"]
    elsewhere, here = browser(member), browser(member)
    new = "mật khẩu mới của đảng viên"
    changed = here.post(
        "/account/password",
        data={"current_password": "mat-khau-thu-nghiem", "password": new, "confirm": new},
        follow_redirects=True,
    )
    assert flashes(changed, "info") == [messages.PASSWORD_CHANGED]
    assert logged_out(elsewhere)
    assert not logged_out(here)  # a new session for the browser that changed it
    open_rows = db.session.scalars(select(LoginSession).where(LoginSession.ended_at.is_(None)))
    assert len(open_rows.all()) == 1


def test_an_admin_ends_a_members_sessions_audited(db, world, browser):
    member = world.users["member"]
    one, two = browser(member), browser(member)
    admin = browser(world.users["admin"])
    assert page_text(admin.get(f"/admin/security/{member.id}")).count("Trình duyệt") >= 1

    done = admin.post(f"/admin/security/{member.id}/end-sessions", follow_redirects=True)
    assert flashes(done, "info") == [
        messages.MEMBER_SESSIONS_ENDED.format(count=2, name=member.name)
    ]
    assert logged_out(one) and logged_out(two)
    assert not logged_out(admin)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sessions_ended"))
    assert (event.actor_id, event.data["user_id"], event.data["count"]) == (
        world.users["admin"].id,
        member.id,
        2,
    )


def test_an_admin_of_another_org_cannot_end_them(world, browser):
    member = world.users["member"]
    client = browser(member)
    outsider = browser(world.users["outsider"])
    assert outsider.post(f"/admin/security/{member.id}/end-sessions").status_code == 404
    assert not logged_out(client)


def test_non_admins_cannot_open_the_admin_pages(world, browser):
    secretary = browser(world.users["secretary"])
    assert secretary.get(f"/admin/security/{world.users['member'].id}").status_code == 403
