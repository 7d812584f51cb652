"""Contract tests: bearer tokens, CSRF exemption and the one error shape everywhere."""

import pytest
from sqlalchemy import func, select

from chibo_flow import create_app, messages
from chibo_flow.models import ApiToken, Programme
from chibo_flow.models._types import utcnow
from tests.api.conftest import assert_error
from tests.support import config_for

ENDPOINTS = [
    ("get", "/programmes"),
    ("post", "/programmes"),
    ("post", "/programmes/import"),
    ("get", "/programmes/1"),
    ("patch", "/programmes/1"),
    ("post", "/programmes/1/transitions"),
    ("get", "/programmes/1/history"),
    ("get", "/programmes/1/deliveries"),
    ("get", "/programmes/1/final.pdf"),
    ("get", "/programmes/1/final.docx"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_needs_a_token(db, world, client, method, path):
    response = getattr(client, method)(f"/api/v1{path}", json={})

    assert assert_error(response, 401, "unauthorized")["message"] == messages.API_TOKEN_MISSING
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Bearer ", "Basic c2VjcmV0YXJ5OnNlY3JldA==", "secretary"],
    ids=["unknown-token", "empty-token", "basic", "bare"],
)
def test_a_bad_token_is_refused(db, world, client, authorization):
    response = client.get("/api/v1/programmes", headers={"Authorization": authorization})

    assert_error(response, 401, "unauthorized")


def test_a_revoked_token_is_refused(db, world, api):
    assert api("secretary").get("/programmes").status_code == 200
    for token in db.session.scalars(select(ApiToken)):
        token.revoked_at = utcnow()
    db.session.commit()

    response = api("secretary").get("/programmes")

    assert assert_error(response, 401, "unauthorized")["message"] == messages.TOKEN_INVALID


def test_an_inactive_users_token_is_refused(db, world, api):
    world.users["secretary"].active = False
    db.session.commit()

    assert_error(api("secretary").get("/programmes"), 401, "unauthorized")


def test_the_api_needs_no_csrf_token(db, world, env, seed_text):
    class CsrfOnConfig(config_for(env)):
        WTF_CSRF_ENABLED = True

    csrf_app = create_app(CsrfOnConfig)
    headers = {"Authorization": f"Bearer {world.tokens['secretary']}"}

    response = csrf_app.test_client().post(
        "/api/v1/programmes", json={"text": seed_text}, headers=headers
    )
    with csrf_app.app_context():
        db.engine.dispose()

    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/v1/nothing-here", 404, "not_found"),
        ("delete", "/api/v1/programmes", 405, "method_not_allowed"),
        ("put", "/api/v1/programmes/1", 405, "method_not_allowed"),
        ("get", "/api/v1/programmes/1", 404, "not_found"),
        ("post", "/api/v1/programmes", 422, "invalid"),
    ],
)
def test_errors_have_one_shape(db, world, api, client, method, path, status, code):
    headers = api("secretary").headers

    response = getattr(client, method)(path, json={"unknown": 1}, headers=headers)

    assert_error(response, status, code)


def test_a_malformed_json_body_is_a_json_error(db, world, api, client):
    response = client.post(
        "/api/v1/programmes",
        data="{not json",
        content_type="application/json",
        headers=api("secretary").headers,
    )

    assert_error(response, 400, "bad_request")
    assert db.session.scalar(select(func.count(Programme.id))) == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"action": "publish", "version": 1}, messages.API_UNKNOWN_ACTION),
        ({"action": "edit", "version": 1}, messages.API_UNKNOWN_ACTION),
        ({"action": "submit"}, messages.API_INVALID_FIELDS.format(fields="version")),
        ({"version": 1}, messages.API_INVALID_FIELDS.format(fields="action")),
    ],
    ids=["unknown", "edit-is-patch", "no-version", "no-action"],
)
def test_transition_bodies_are_validated(db, world, api, build, body, message):
    programme = build("draft")

    response = api("secretary").post(f"/programmes/{programme.id}/transitions", json=body)

    assert assert_error(response, 422, "invalid")["message"] == message
    db.session.expire_all()
    assert db.session.get(Programme, programme.id).state == "draft"


@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        # `curl -d '{"text": ...}'` without -H: a form body, not JSON.
        (
            "/programmes",
            {
                "data": '{"text": "CHƯƠNG TRÌNH"}',
                "content_type": "application/x-www-form-urlencoded",
            },
        ),
        ("/programmes", {"data": "CHƯƠNG TRÌNH", "content_type": "text/plain"}),
        ("/programmes/import", {"json": {"file": "ct.txt"}}),
        ("/verify", {"data": "%PDF-1.7", "content_type": "application/pdf"}),
    ],
    ids=["form-to-json", "text-to-json", "json-to-file", "raw-pdf-to-file"],
)
def test_a_body_of_the_wrong_media_type_is_415(db, world, api, path, kwargs):
    response = api("secretary").post(path, **kwargs)

    assert_error(response, 415, "unsupported_media_type")
    assert db.session.scalar(select(func.count(Programme.id))) == 0


def test_a_json_body_without_its_content_type_is_refused_naming_the_header(db, world, api):
    programme = api("secretary").post(
        "/programmes", data='{"text": "x"}', content_type="application/x-www-form-urlencoded"
    )
    assert assert_error(programme, 415, "unsupported_media_type")["message"] == (
        messages.API_JSON_EXPECTED
    )


def test_a_405_says_which_methods_the_path_allows(db, world, api):
    response = api("secretary").delete("/programmes")

    assert_error(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_a_page_answering_405_says_which_methods_it_allows(db, client):
    response = client.delete("/login")

    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


@pytest.mark.parametrize("body", ["[]", '"văn bản"', "null"], ids=["array", "string", "null"])
def test_a_json_body_that_is_no_object_is_refused_in_vietnamese(db, world, api, body):
    response = api("secretary").post("/programmes", data=body, content_type="application/json")

    assert assert_error(response, 422, "invalid")["message"] == messages.API_BODY_NOT_OBJECT
