"""The OpenAPI document: public, valid, generated from the code, listing every endpoint."""

import json

from openapi_spec_validator import validate

from tests.api.conftest import PROGRAMME_KEYS

PATHS = {
    "/api/v1/programmes": {"get", "post"},
    "/api/v1/programmes/import": {"post"},
    "/api/v1/programmes/{programme_id}": {"get", "patch"},
    "/api/v1/programmes/{programme_id}/transitions": {"post"},
    "/api/v1/programmes/{programme_id}/history": {"get"},
    "/api/v1/programmes/{programme_id}/decision": {"get"},
    "/api/v1/programmes/{programme_id}/decision.pdf": {"get"},
    "/api/v1/programmes/{programme_id}/meeting-vote": {"post"},
    "/api/v1/programmes/{programme_id}/deliveries": {"get"},
    "/api/v1/programmes/{programme_id}/final.pdf": {"get"},
    "/api/v1/programmes/{programme_id}/final.docx": {"get"},
    "/api/v1/programmes/{programme_id}/signed.pdf": {"post"},
    "/api/v1/inbox": {"get"},
    "/api/v1/inbox/{programme_id}/confirm": {"post"},
    "/api/v1/verify": {"post"},
    "/api/v1/directory/people": {"get", "post"},
    "/api/v1/directory/groups": {"get", "post"},
    "/api/v1/directory/aliases": {"get", "post"},
    "/api/v1/orgs": {"get", "post"},
    "/api/v1/orgs/{org_id}": {"patch"},
    "/api/v1/orgs/{org_id}/members": {"get", "post"},
    "/api/v1/orgs/{org_id}/members/{user_id}": {"patch"},
    "/api/v1/orgs/{org_id}/overview": {"get"},
    "/api/v1/registers/outgoing": {"get"},
    "/api/v1/registers/incoming": {"get"},
    "/api/v1/registers/incoming/{entry_id}/confirm": {"post"},
    "/api/v1/orgs/{org_id}/members/import": {"post"},
    "/api/v1/orgs/{org_id}/members/export": {"get"},
    "/api/v1/orgs/{org_id}/invitations": {"get"},
    "/api/v1/orgs/{org_id}/members/{user_id}/invitation": {"post", "delete"},
}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def test_openapi_document_is_public_and_valid(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert {path: set(ops) & HTTP_METHODS for path, ops in spec["paths"].items()} == PATHS


def test_openapi_declares_bearer_tokens_and_the_error_shape(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    components = spec["components"]

    assert spec["security"] == [{"bearerAuth": []}]
    bearer = components["securitySchemes"]["bearerAuth"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    error = components["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert set(components["schemas"]["ErrorDetail"]["properties"]) == {"code", "message", "rows"}
    programme = components["schemas"]["Programme"]["properties"]
    assert set(programme) >= PROGRAMME_KEYS
    transition = components["schemas"]["Transition"]["properties"]["action"]
    assert transition["enum"] == [
        "submit",
        "approve",
        "request_changes",
        "retract_opinion",
        "reserve_opinion",
        "unreserve_opinion",
        "withdraw",
        "extend_deadline",
    ]


def test_the_verify_endpoint_is_documented_as_public(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    verify = spec["paths"]["/api/v1/verify"]["post"]
    assert verify["security"] == []
    assert "multipart/form-data" in verify["requestBody"]["content"]


def test_the_import_endpoint_names_every_format_it_reads(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    operation = spec["paths"]["/api/v1/programmes/import"]["post"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    upload = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    described = json.dumps([operation.get("summary"), upload], ensure_ascii=False)
    for kind in (".docx", ".doc", ".odt", ".rtf", "PDF", ".html", ".mht", ".txt", "TCVN3"):
        assert kind in described
