"""ASVS V2 (validation): ids beyond the database's integers are a 404 on every route; NUL
bytes and lone surrogates are refused (422 JSON in the API, 400 with a Vietnamese page on the
web); JSON nested too deep is refused; text, documents, paragraphs and comments are bounded;
`text` xor `doc`, as the OpenAPI document says. Refused input stores nothing."""

import json
import re

import pytest
from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.documents.parse import parse_text
from chibo_flow.models import Comment, Programme, Vote
from chibo_flow.security.limits import (
    MAX_COMMENT_CHARS,
    MAX_DOCUMENT_CHARS,
    MAX_JSON_DEPTH,
    MAX_PARAGRAPH_CHARS,
    MAX_TEXT_CHARS,
    count_text,
)
from tests.api.conftest import assert_error
from tests.web.support import bring_to, flashes, page_text

OUT_OF_RANGE = [2**31, 2**63, 10**30]
# A value for each other kind of URL part.
SAMPLES = {"default": "x", "string": "x", "path": "x"}
URL_PART = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def routes_with_ids(app) -> list[tuple[str, str]]:
    """(method, rule) of every route that takes an integer id."""
    found = []
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS"})[0]
        found.append((method, rule.rule))
    return sorted(found)


def url_with(rule: str, number: int) -> str:
    """The rule's URL with every integer part set to `number` and the others to a sample."""

    def part(match: re.Match) -> str:
        converter, arguments = match.group(1) or "default", match.group(2)
        if converter == "int":
            return str(number)
        if converter == "any":
            return arguments.split(",")[0].strip().strip("'\"")
        return SAMPLES[converter]

    return URL_PART.sub(part, rule)


def test_every_route_with_an_id_is_listed(app):
    rules = [rule for _, rule in routes_with_ids(app)]
    assert "/programmes/<int:programme_id>" in rules
    assert "/api/v1/programmes/<int:programme_id>/transitions" in rules
    assert len(rules) >= 20


@pytest.mark.parametrize("number", OUT_OF_RANGE)
def test_ids_out_of_range_are_not_found_everywhere(app, world, browser, token, number):
    secretary = world.users["secretary"]
    web = browser(secretary)
    headers = token(secretary)
    for method, rule in routes_with_ids(app):
        url = url_with(rule, number)
        if url.startswith("/api/"):
            response = web.open(url, method=method, headers=headers, json={})
            assert_error(response, 404, "not_found")
        else:
            response = web.open(url, method=method, data={})
            assert response.status_code == 404, (method, url, response.status_code)
            assert messages.NOT_FOUND in page_text(response)


def test_an_out_of_range_filter_on_the_delivery_status_page_is_not_found(world, browser):
    admin = browser(world.users["admin"])
    assert admin.get(f"/admin/deliveries?programme={2**31}").status_code == 404
    assert admin.get(f"/admin/deliveries?programme={2**31 - 1}").status_code == 200


def test_a_vote_for_an_out_of_range_member_is_refused_in_words(db, world, browser):
    programme = bring_to(world, "review")
    committee = browser(world.users["committee"])
    response = committee.post(
        f"/programmes/{programme.id}/review/vote",
        data={"action": "approve", "version": programme.version, "on_behalf_of": str(2**40)},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert flashes(response, "danger") == [messages.BAD_REQUEST]


# --- characters ---------------------------------------------------------------------------------

BAD_STRINGS = {"nul": "Chi bộ\x00Đông", "surrogate": "Chi bộ \ud800 Đông"}


def programme_count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Programme.id)))


@pytest.mark.parametrize("kind", BAD_STRINGS)
@pytest.mark.parametrize("where", ["text", "org", "key"])
def test_bad_characters_in_json_are_refused(db, world, client, token, seed_text, kind, where):
    bad = BAD_STRINGS[kind]
    body = {"text": seed_text}
    if where == "key":
        body[bad] = "x"
    else:
        body[where] = bad if where == "org" else seed_text + bad
    before = programme_count(db)

    response = client.post(
        "/api/v1/programmes",
        data=json.dumps(body),  # \ud800 travels as the escape a JSON client would send
        content_type="application/json",
        headers=token(world.users["secretary"]),
    )

    error = assert_error(response, 422, "invalid")
    assert error["message"] == messages.INPUT_BAD_CHARACTERS
    assert programme_count(db) == before


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/programmes?state=draft%00",
        "/api/v1/programmes?org=%00",
        "/api/v1/directory/people?org=Chi%20b%E1%BB%99%00",
    ],  # fmt: skip
)
def test_nul_in_the_api_query_is_refused(world, client, token, path):
    response = client.get(path, headers=token(world.users["admin"]))
    error = assert_error(response, 422, "invalid")
    assert error["message"] == messages.INPUT_BAD_CHARACTERS


@pytest.mark.parametrize("where", ["query", "form"])
def test_nul_on_the_pages_is_refused_in_vietnamese(db, world, browser, seed_text, where):
    secretary = browser(world.users["secretary"])
    before = programme_count(db)
    if where == "query":
        response = secretary.get("/?draft_page=1%00")
    else:
        response = secretary.post("/programmes/new", data={"text": seed_text + "\x00"})

    assert response.status_code == 400
    assert "text/html" in response.content_type
    assert messages.INPUT_BAD_CHARACTERS in page_text(response)
    assert programme_count(db) == before


def test_broken_utf8_in_a_form_is_read_as_replacement_characters_not_a_crash(world, browser):
    secretary = browser(world.users["secretary"])
    response = secretary.post(
        "/programmes/new",
        data=b"text=%ED%A0%80",  # the UTF-8 bytes of a lone surrogate: not valid UTF-8
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code < 500


# --- nesting ------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 100_000])
def test_deeply_nested_json_is_refused(db, world, client, token, depth):
    body = '{"doc": ' + "[" * depth + "]" * depth + "}"
    before = programme_count(db)

    response = client.post("/api/v1/programmes", data=body, content_type="application/json",
                           headers=token(world.users["secretary"]))  # fmt: skip

    error = assert_error(response, 422, "invalid")
    assert error["message"] == messages.INPUT_TOO_DEEP.format(limit=MAX_JSON_DEPTH)
    assert programme_count(db) == before


def test_json_nested_within_the_limit_is_read_as_usual(world, client, token):
    body = {"doc": {"sections": [{"heading": "I", "paragraphs": [], "children": []}]}}
    response = client.post("/api/v1/programmes", json=body,
                           headers=token(world.users["secretary"]))  # fmt: skip
    assert response.status_code == 422  # a shape error of the document, said in words
    assert response.get_json()["error"]["message"] != messages.INPUT_TOO_DEEP.format(
        limit=MAX_JSON_DEPTH
    )


# --- lengths ------------------------------------------------------------------------------------


def with_paragraphs(seed_text: str, count: int, chars: int) -> str:
    """The seed with `count` more paragraphs of about `chars` characters each."""
    paragraph = "- " + " ".join(["đảng viên gương mẫu"] * (chars // 20 + 1)) + "."
    return seed_text.replace("\n1. ", "\n" + "\n".join([paragraph] * count) + "\n1. ", 1)


def long_paragraph_text(seed_text: str) -> str:
    """The seed with one paragraph longer than a paragraph may be."""
    return with_paragraphs(seed_text, 1, MAX_PARAGRAPH_CHARS + 100)


CASES = {
    "text": (lambda seed: seed + "x" * MAX_TEXT_CHARS,
             messages.INPUT_TOO_LONG.format(limit=count_text(MAX_TEXT_CHARS))),
    "paragraph": (long_paragraph_text,
                  messages.PARAGRAPH_TOO_LONG.format(limit=count_text(MAX_PARAGRAPH_CHARS))),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_too_long_text_is_refused_through_the_api(db, world, client, token, seed_text, case):
    make_text, message = CASES[case]
    before = programme_count(db)
    response = client.post("/api/v1/programmes", json={"text": make_text(seed_text)},
                           headers=token(world.users["secretary"]))  # fmt: skip
    assert assert_error(response, 422, "invalid")["message"] == message
    assert programme_count(db) == before


def test_a_document_longer_than_the_limit_is_refused(db, world, client, token, seed_text):
    text = with_paragraphs(seed_text, MAX_DOCUMENT_CHARS // 1000 + 5, 1000)
    assert len(text) < MAX_TEXT_CHARS
    before = programme_count(db)

    response = client.post("/api/v1/programmes", json={"text": text},
                           headers=token(world.users["secretary"]))  # fmt: skip

    message = assert_error(response, 422, "invalid")["message"]
    limit = count_text(MAX_DOCUMENT_CHARS)
    assert message.startswith(messages.DOCUMENT_TOO_LONG.split("{count}")[0].format(limit=limit))
    assert programme_count(db) == before


def test_a_too_long_paragraph_on_the_new_draft_page(db, world, browser, seed_text):
    secretary = browser(world.users["secretary"])
    before = programme_count(db)
    response = secretary.post("/programmes/new", data={"text": long_paragraph_text(seed_text)})
    assert response.status_code == 422
    assert flashes(response, "danger") == [
        messages.PARAGRAPH_TOO_LONG.format(limit=count_text(MAX_PARAGRAPH_CHARS))
    ]
    assert programme_count(db) == before


def test_a_too_long_comment_is_refused_through_the_api(db, world, client, token):
    programme = bring_to(world, "review")
    response = client.post(
        f"/api/v1/programmes/{programme.id}/transitions",
        json={
            "action": "request_changes",
            "version": programme.version,
            "comment": "Cần bổ sung. " * (MAX_COMMENT_CHARS // 10),
        },  # fmt: skip
        headers=token(world.users["committee"]),
    )
    assert_error(response, 422, "invalid")
    db.session.refresh(programme)
    assert programme.state == "review"


def test_the_draft_pdf_of_a_too_long_draft_is_refused_at_once(db, world, browser, seed_text):
    """A draft saved before the limits existed: no PDF is laid out for it, the page says why."""
    revision = world.programme.current_revision
    revision.content = {**revision.content, "title": "đảng viên " * (MAX_PARAGRAPH_CHARS // 9)}
    db.session.commit()
    secretary = browser(world.users["secretary"])

    response = secretary.get(f"/programmes/{world.programme.id}/ban-in.pdf")

    assert response.status_code == 422
    assert messages.PARAGRAPH_TOO_LONG.format(limit=count_text(MAX_PARAGRAPH_CHARS)) in page_text(
        response
    )


# --- text xor doc -------------------------------------------------------------------------------


@pytest.mark.parametrize("schema", ["ProgrammeCreate", "ProgrammeEdit"])
def test_the_openapi_document_says_text_xor_doc(client, schema):
    spec = client.get("/api/v1/openapi.json").get_json()
    definition = spec["components"]["schemas"][schema]
    if schema == "ProgrammeCreate":
        assert definition["oneOf"] == [{"required": ["text"]}, {"required": ["doc"]}]
    else:  # an edit may change only the secrecy/urgency marks, never send text and doc both
        assert definition["not"] == {"required": ["text", "doc"]}
        assert {"required": ["secrecy"]} in definition["anyOf"]
    assert definition["properties"]["text"]["maxLength"] == MAX_TEXT_CHARS
    assert definition["additionalProperties"] is False


@pytest.mark.parametrize("body", [{}, "both"])
def test_text_xor_doc_is_enforced(db, world, client, token, seed_text, body):
    if body == "both":
        body = {"text": seed_text, "doc": parse_text(seed_text).to_dict()}
    before = programme_count(db)
    response = client.post("/api/v1/programmes", json=body,
                           headers=token(world.users["secretary"]))  # fmt: skip
    assert assert_error(response, 422, "invalid")["message"] == messages.API_TEXT_OR_DOC
    assert programme_count(db) == before


@pytest.mark.parametrize("where", ["vote", "thread"])
def test_a_too_long_comment_on_the_review_page_is_refused_in_words(db, world, browser, where):
    programme = bring_to(world, "review")
    committee = browser(world.users["committee"])
    long_comment = "Cần bổ sung. " * (MAX_COMMENT_CHARS // 10)
    if where == "vote":
        path, data = "review/vote", {"action": "request_changes", "version": programme.version,
                                     "comment": long_comment}  # fmt: skip
    else:
        path, data = "threads", {"body": long_comment}

    response = committee.post(f"/programmes/{programme.id}/{path}", data=data,
                              follow_redirects=True)  # fmt: skip

    assert flashes(response, "danger") == [
        messages.COMMENT_TOO_LONG.format(limit=count_text(MAX_COMMENT_CHARS))
    ]
    assert response.status_code == 422
    assert f">{long_comment}</textarea>" in response.get_data(as_text=True)  # kept in its box
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Vote.id))) == 0
    assert db.session.scalar(select(func.count(Comment.id))) == 0
    assert db.session.get(Programme, programme.id).state == "review"


@pytest.mark.parametrize("page", ["0", "-3", "99", "10000000000000000000000"])
def test_any_page_number_on_the_delivery_status_page_shows_a_page(world, browser, page):
    admin = browser(world.users["admin"])
    response = admin.get(f"/admin/deliveries?page={page}")
    assert response.status_code == 200
    assert "Tình trạng gửi thư" in page_text(response)
