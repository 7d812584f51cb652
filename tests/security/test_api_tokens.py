"""API tokens (ASVS 5.0 V7/V9): they expire (90 days by default), are listed and revocable on a
page and with the CLI, and only their SHA-256 is stored; the page asks the password (and a code)
again before making one; a token works only with the second factor its role needs, and within
its rate limit."""

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from chibo_flow import create_app, messages
from chibo_flow.auth import totp
from chibo_flow.auth.sessions import issue_token
from chibo_flow.extensions import db as _db
from chibo_flow.models import ApiToken, Membership, Programme
from chibo_flow.models._types import utcnow
from chibo_flow.models.users import Role
from tests.api.conftest import assert_error
from tests.conftest import PASSWORD, api_token, unused_code
from tests.support import REDIS_URL, config_for, run_cli
from tests.web.support import flashes, page_text

# The password asked again on the token form (a member has no second factor).
AGAIN = {"current_password": PASSWORD}


def api_get(client, token: str):
    return client.get("/api/v1/programmes", headers={"Authorization": f"Bearer {token}"})


def test_a_token_expires_after_90_days_by_default(db, client, world):
    token = api_token(world.users["secretary"])
    row = db.session.scalar(select(ApiToken))
    assert row.expires_at - row.created_at == timedelta(days=90)
    assert api_get(client, token).status_code == 200

    db.session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    expired = api_get(client, token)
    assert expired.status_code == 401
    assert expired.json["error"]["message"] == messages.TOKEN_INVALID


def test_only_the_tokens_sha256_is_stored(db, world):
    token = issue_token(world.users["secretary"])
    row = db.session.scalar(select(ApiToken))
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(value) for value in db.session.execute(select(ApiToken.__table__)).one()]
    assert not any(token in value for value in stored)


def test_a_token_made_on_the_page_is_shown_once_listed_and_revocable(db, client, world, browser):
    page_client = browser(world.users["member"])
    made = page_client.post(
        "/account/tokens", data={"label": "Bảng tin chi bộ", "days": "30", **AGAIN}
    )
    assert flashes(made, "info") == [messages.TOKEN_CREATED]
    token = re.search(r'<code class="token" id="new-token">([^<]+)</code>', made.text)[1]
    assert api_get(client, token).status_code == 200

    listing = page_client.get("/account/tokens")
    assert token not in listing.text
    assert "Bảng tin chi bộ" in page_text(listing) and "Đang dùng" in page_text(listing)
    row = db.session.scalar(select(ApiToken))
    assert row.expires_at - row.created_at == timedelta(days=30)

    revoked = page_client.post(f"/account/tokens/{row.id}/revoke", follow_redirects=True)
    assert flashes(revoked, "info") == [messages.TOKEN_REVOKED]
    assert "Đã thu hồi" in page_text(revoked)
    assert api_get(client, token).status_code == 401


def test_a_lifetime_outside_1_to_365_days_is_refused(db, world, browser):
    page_client = browser(world.users["member"])
    refused = page_client.post("/account/tokens", data={"label": "x", "days": "4000", **AGAIN})
    assert refused.status_code == 422
    assert "Số ngày hiệu lực từ 1 đến 365." in page_text(refused)
    assert db.session.scalar(select(ApiToken)) is None


def test_one_cannot_revoke_someone_elses_token(db, client, world, browser):
    token = api_token(world.users["secretary"])
    row = db.session.scalar(select(ApiToken))
    assert (
        browser(world.users["member"]).post(f"/account/tokens/{row.id}/revoke").status_code == 404
    )
    assert api_get(client, token).status_code == 200


def test_the_cli_issues_lists_and_revokes_tokens(app, db, client, world):
    email = world.users["secretary"].email
    totp.current_code(world.users["secretary"])  # enrolled, as the secretary's role requires
    issued = run_cli(app, "users", "token", email, "--days", "7", "--label", "máy chủ báo cáo")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    assert api_get(client, token).status_code == 200

    listed = run_cli(app, "users", "tokens", email)
    [line] = listed.stdout.splitlines()
    token_id, label, *_ = line.split("\t")
    assert label == "máy chủ báo cáo" and token not in listed.stdout
    db.session.expire_all()
    row = db.session.get(ApiToken, int(token_id))
    assert row.expires_at - row.created_at == timedelta(days=7)

    assert run_cli(app, "users", "revoke-token", email, token_id).returncode == 0
    db.session.expire_all()
    assert api_get(client, token).status_code == 401
    again = run_cli(app, "users", "revoke-token", email, token_id)
    assert again.returncode == 1


def test_the_cli_refuses_a_token_the_api_would_refuse(app, db, world, monkeypatch):
    monkeypatch.setenv("CHIBO_FLOW_ENV", "production")  # development enrols the factor instead
    secretary = world.users["secretary"]  # no second factor enrolled yet
    refused = run_cli(app, "users", "token", secretary.email)
    assert refused.returncode == 1
    assert messages.CLI_TOKEN_FACTOR_REQUIRED.format(email=secretary.email) in refused.stderr
    assert db.session.scalar(select(ApiToken)) is None


def test_the_form_offers_the_default_lifetime_and_refuses_a_non_number(db, world, browser):
    page_client = browser(world.users["member"])
    assert 'name="days" type="number" value="90"' in page_client.get("/account/tokens").text
    refused = page_client.post("/account/tokens", data={"label": "x", "days": "abc", **AGAIN})
    assert refused.status_code == 422
    assert messages.TOKEN_DAYS_RANGE in page_text(refused)


def test_a_token_is_made_only_with_the_password_and_a_code_again(db, world, browser):
    """A signed-in browser left open (or a stolen session cookie) does not turn into a bearer
    token that needs no second factor and outlives the session."""
    secretary = world.users["secretary"]
    page_client = browser(secretary)
    form = {"label": "x", "days": "365"}

    for asked in ({}, AGAIN, {"current_password": "sai", "current_code": unused_code(secretary)}):
        refused = page_client.post("/account/tokens", data={**form, **asked})
        assert refused.status_code == 422
        assert 'id="new-token"' not in refused.text
    assert db.session.scalar(select(ApiToken)) is None
    assert flashes(refused, "danger") == [messages.REAUTH_FAILED]

    made = page_client.post(
        "/account/tokens", data={**form, **AGAIN, "current_code": unused_code(secretary)}
    )
    assert flashes(made, "info") == [messages.TOKEN_CREATED]


# --- the second factor the role needs ----------------------------------------------------------


def test_a_token_of_a_role_that_needs_a_factor_works_only_once_one_is_enrolled(db, client, world):
    """A token made with the password alone (`flask users token` before any login, or a role
    given since) read and wrote as a secretary or committee member who never gave a code."""
    member = world.users["member"]
    token = issue_token(member)
    assert api_get(client, token).status_code == 200  # a member needs no second factor

    db.session.add(Membership(user=member, org=world.org, role=Role.COMMITTEE))
    db.session.commit()
    for refused in (api_get(client, token), client.post(
        "/api/v1/programmes", json={"text": "x"}, headers={"Authorization": f"Bearer {token}"}
    )):  # fmt: skip
        error = assert_error(refused, 403, "second_factor_required")
        assert error["message"] == messages.API_FACTOR_REQUIRED
    assert db.session.scalar(select(func.count()).select_from(Programme)) == 1  # the world's

    totp.current_code(member)  # enrolled
    assert api_get(client, token).status_code == 200


# --- the rate limit of each token ----------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def limited_app(request, env):
    """An app allowing 3 API requests a minute per token, counted in memory (embedded) or in
    Redis (production)."""
    storage = "memory://" if request.param == "memory" else REDIS_URL
    app = create_app(
        config_for({**env, "RATELIMIT_STORAGE_URI": storage, "API_RATE_LIMIT": "3/minute"})
    )
    yield app
    with app.app_context():
        _db.engine.dispose()


def test_each_token_has_its_own_budget_then_a_json_429_with_retry_after(limited_app, world):
    client = limited_app.test_client()
    first, second = api_token(world.users["secretary"]), api_token(world.users["secretary"])
    paths = ["/api/v1/programmes", f"/api/v1/programmes/{world.programme.id}", "/api/v1/orgs"]
    for path in paths:  # one budget across the API
        assert client.get(path, headers={"Authorization": f"Bearer {first}"}).status_code == 200

    refused = api_get(client, first)
    error = assert_error(refused, 429, "rate_limited")
    assert error["message"] == messages.API_RATE_LIMITED
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    # Another token (from the same address) is not held back; no token is a 401, not counted.
    assert api_get(client, second).status_code == 200
    for _ in range(4):
        assert client.get("/api/v1/programmes").status_code == 401
    assert client.get("/api/v1/openapi.json").status_code == 200
