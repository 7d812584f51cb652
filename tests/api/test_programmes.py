"""Contract tests: create, list, filter, get, patch and import programmes through /api/v1."""

import io
import unicodedata

import pytest
from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.documents import reading
from chibo_flow.documents.reading import TOO_LARGE_MESSAGE
from chibo_flow.models import MeetingVote, Membership, Programme
from chibo_flow.models.users import Role
from chibo_flow.review import meetings
from chibo_flow.uploads import megabytes
from tests.api.conftest import (
    APPROVALS_REQUIRED,
    ORG,
    OTHER_ORG,
    PROGRAMME_KEYS,
    assert_error,
    snapshot,
)
from tests.documents.real_corpus import REAL, expected_fields
from tests.documents.samples import corrupt_doc, office, programme_docx, scanned_pdf
from tests.support import office_slots_taken

SEED_TITLE = "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023"


def programme_count(db) -> int:
    return db.session.scalar(select(func.count(Programme.id)))


def test_secretary_creates_a_draft_from_text(db, world, api, seed_text):
    response = api("secretary").post("/programmes", json={"text": seed_text})

    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == PROGRAMME_KEYS
    assert body["org"] == ORG
    assert body["org_id"] == world.org.id  # §4b: clients learn org ids from programmes
    assert body["state"] == "draft"
    assert body["number"] is None
    assert body["title"] == SEED_TITLE
    assert body["doc"]["recipients"][0] == {"label": "Thường trực ĐU", "purpose": "bao_cao"}
    assert body["approvals"] == {"required": APPROVALS_REQUIRED, "received": 0}
    assert body["allowed_actions"] == ["edit", "submit"]
    assert body["created_at"].endswith("+00:00")
    assert ORG.encode() in response.data  # UTF-8, not \u escapes
    stored = db.session.get(Programme, body["id"])
    assert (stored.state, stored.version, stored.title) == ("draft", body["version"], SEED_TITLE)
    assert stored.created_by.email == world.users["secretary"].email


def test_create_from_a_doc_object_keeps_it(db, world, api, seed_doc):
    response = api("secretary").post("/programmes", json={"doc": seed_doc, "org": ORG})

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["doc"] == seed_doc
    assert db.session.get(Programme, response.get_json()["id"]).doc == seed_doc


def test_text_is_stored_nfc(db, world, api, seed_text):
    decomposed = unicodedata.normalize("NFD", seed_text)

    response = api("secretary").post("/programmes", json={"text": decomposed})

    assert response.status_code == 201
    assert response.get_json()["title"] == SEED_TITLE
    assert db.session.get(Programme, response.get_json()["id"]).title == SEED_TITLE


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, messages.API_TEXT_OR_DOC),
        ({"org": ORG}, messages.API_TEXT_OR_DOC),
        ({"text": "x", "doc": {}}, messages.API_TEXT_OR_DOC),
        ({"text": "  \n "}, messages.EMPTY_DOCUMENT),
        ({"doc": {"title": "Thiếu các trường khác"}}, None),
        ({"doc": "không phải đối tượng"}, None),
        ({"text": 42}, None),
        ({"text": "I. Mục", "colour": "đỏ"}, None),
    ],
    ids=[
        "empty-body",
        "org-only",
        "text-and-doc",
        "blank-text",
        "bad-doc",
        "doc-not-object",
        "text-not-string",
        "unknown-field",
    ],
)
def test_create_refuses_a_body_without_a_usable_document(db, world, api, body, message):
    response = api("secretary").post("/programmes", json=body)

    error = assert_error(response, 422, "invalid")
    if message:
        assert error["message"] == message
    assert programme_count(db) == 0


def test_create_refuses_an_empty_doc_object(db, world, api, seed_doc):
    empty = {**seed_doc, "title": None, "sections": []}

    response = api("secretary").post("/programmes", json={"doc": empty})

    assert assert_error(response, 422, "invalid")["message"] == messages.EMPTY_DOCUMENT
    assert programme_count(db) == 0


def test_a_bad_doc_object_is_explained(db, world, api, seed_doc):
    bad = {**seed_doc, "recipients": [{"label": "Thường trực ĐU", "purpose": "gui"}]}

    response = api("secretary").post("/programmes", json={"doc": bad})

    message = assert_error(response, 422, "invalid")["message"]
    assert "recipients[0].purpose" in message
    assert programme_count(db) == 0


@pytest.mark.parametrize("role", ["committee", "member", "admin"])
def test_only_secretaries_create(db, world, api, seed_text, role):
    assert_error(api(role).post("/programmes", json={"text": seed_text}), 403, "forbidden")
    assert programme_count(db) == 0


def test_org_must_be_named_when_secretary_of_several(db, world, api, seed_text):
    secretary = world.users["secretary"]
    db.session.add(Membership(user=secretary, org=world.other_org, role=Role.SECRETARY))
    db.session.commit()

    ambiguous = api("secretary").post("/programmes", json={"text": seed_text})
    named = api("secretary").post("/programmes", json={"text": seed_text, "org": OTHER_ORG})

    assert assert_error(ambiguous, 422, "invalid")["message"] == messages.API_ORG_AMBIGUOUS
    assert named.status_code == 201
    assert named.get_json()["org"] == OTHER_ORG
    assert programme_count(db) == 1


def test_org_of_someone_else_is_refused(db, world, api, seed_text):
    response = api("secretary").post("/programmes", json={"text": seed_text, "org": OTHER_ORG})

    assert assert_error(response, 422, "invalid")["message"] == messages.API_ORG_UNKNOWN.format(
        org=OTHER_ORG
    )
    assert programme_count(db) == 0


def test_list_shows_what_each_role_may_see_and_filters_by_state(db, world, api, build):
    draft, review, approved = build("draft"), build("review"), build("approved")

    def ids(role: str, query: str = "") -> list[int]:
        response = api(role).get(f"/programmes{query}")
        assert response.status_code == 200
        assert list(response.get_json()) == ["items"]
        return [item["id"] for item in response.get_json()["items"]]

    everything = [approved.id, review.id, draft.id]  # newest first
    for role in ("secretary", "committee", "admin"):
        assert ids(role) == everything
    assert ids("member") == [approved.id]
    assert ids("outsider") == []
    assert ids("committee", "?state=review") == [review.id]
    assert ids("secretary", "?state=draft") == [draft.id]
    assert ids("member", "?state=review") == []
    assert_error(api("secretary").get("/programmes?state=published"), 422, "invalid")


def test_get_returns_the_programme_with_the_callers_actions(db, world, api, build):
    programme = build("review")

    as_committee = api("committee").get(f"/programmes/{programme.id}").get_json()
    as_secretary = api("secretary").get(f"/programmes/{programme.id}").get_json()

    assert as_committee["id"] == programme.id and as_committee["state"] == "review"
    assert as_committee["allowed_actions"] == ["approve", "request_changes"]
    assert as_secretary["allowed_actions"] == [
        "withdraw",
        "extend_deadline",
        "record_meeting_vote",
    ]
    assert as_secretary["approvals"] == {"required": APPROVALS_REQUIRED, "received": 0}


def test_another_orgs_programme_is_not_found(db, world, api, build):
    programme = build("approved")

    assert_error(api("outsider").get(f"/programmes/{programme.id}"), 404, "not_found")
    assert_error(api("secretary").get("/programmes/999999"), 404, "not_found")


def test_patch_replaces_the_draft(db, world, api, build, seed_text):
    programme = build("draft")
    version = programme.version
    text = seed_text.replace("NĂM 2023**", "NĂM 2024**")

    response = api("other_secretary").patch(
        f"/programmes/{programme.id}", json={"version": version, "text": text}
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["title"] == SEED_TITLE.replace("2023", "2024")
    assert response.get_json()["version"] > version
    db.session.expire_all()
    assert db.session.get(Programme, programme.id).title == SEED_TITLE.replace("2023", "2024")


def test_stale_patch_is_refused_and_changes_nothing(db, world, api, build, seed_text):
    programme = build("draft")
    stale = programme.version
    path = f"/programmes/{programme.id}"
    assert (
        api("secretary").patch(path, json={"version": stale, "text": seed_text}).status_code == 200
    )
    before = snapshot(db, programme.id)

    text = seed_text.replace("2023", "2030")
    response = api("other_secretary").patch(path, json={"version": stale, "text": text})

    assert assert_error(response, 409, "conflict")["message"] == messages.STALE_VERSION
    assert snapshot(db, programme.id) == before


CURRENT = object()  # stands for the programme's current version


@pytest.mark.parametrize(
    "body",
    [
        {"version": CURRENT, "text": "  "},
        {"version": CURRENT, "doc": {"title": "x"}},
        {"version": CURRENT},
        {"version": None, "text": "I. Mục"},
        {"version": "1", "text": "I. Mục"},
        {"text": "I. Mục"},
    ],
    ids=["blank-text", "bad-doc", "no-document", "null-version", "string-version", "no-version"],
)
def test_patch_refuses_an_unusable_body(db, world, api, build, body):
    programme = build("draft")
    before = snapshot(db, programme.id)
    body = {key: programme.version if value is CURRENT else value for key, value in body.items()}

    assert_error(api("secretary").patch(f"/programmes/{programme.id}", json=body), 422, "invalid")
    assert snapshot(db, programme.id) == before


def test_patch_of_a_programme_in_review_is_forbidden(db, world, api, build, seed_text):
    programme = build("review")
    before = snapshot(db, programme.id)

    response = api("secretary").patch(
        f"/programmes/{programme.id}", json={"version": programme.version, "text": seed_text}
    )

    assert assert_error(response, 403, "forbidden")["message"] == messages.TRANSITION_NOT_ALLOWED
    assert snapshot(db, programme.id) == before


def test_import_a_text_file_creates_a_draft(db, world, api, seed_text):
    response = api("secretary").post(
        "/programmes/import", data={"file": (io.BytesIO(seed_text.encode()), "chuong-trinh.txt")}
    )

    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["state"], body["title"], body["org"]) == ("draft", SEED_TITLE, ORG)
    assert db.session.get(Programme, body["id"]).title == SEED_TITLE


@pytest.mark.parametrize(
    ("name", "title"),
    [
        (
            "derived-cong-van-2449-cv-du-ubnd-tinh-lao-cai-rtf.rtf",
            "về việc triển khai thực hiện Chương trình hành động số 104-CTr/TU ngày 30/8/2026 "
            "của Tỉnh ủy Lào Cai",
        ),
        (
            "derived-huong-dan-37-hd-btgdvtw-ban-tin-sinh-hoat-chi-bo-odt.odt",
            "VỀ VIỆC ĐỔI MỚI, NÂNG CAO CHẤT LƯỢNG, HIỆU QUẢ BẢN TIN SINH HOẠT CHI BỘ TRONG GIAI "
            "ĐOẠN MỚI",
        ),
        (
            "derived-cong-van-2449-cv-du-ubnd-tinh-lao-cai-vntime-html.html",
            "về việc triển khai thực hiện Chương trình hành động số 104-CTr/TU ngày 30/8/2026 "
            "của Tỉnh ủy Lào Cai",
        ),
    ],
    ids=["rtf", "odt", "saved-web-page"],
)
def test_import_an_rtf_odt_or_saved_web_page_creates_its_draft(db, world, api, name, title):
    """Real documents (tests/fixtures/real) as WordPad, Writer and a browser keep them."""
    data = (REAL / name).read_bytes()
    response = api("secretary").post("/programmes/import", data={"file": (io.BytesIO(data), name)})

    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["state"], body["title"]) == ("draft", title)
    assert body["doc"]["header"]["number"] == expected_fields(REAL / name)["number"]
    assert db.session.get(Programme, body["id"]).title == title


def test_create_from_the_html_source_of_a_page_reads_the_page(db, world, api):
    """The youth union's article as HTML source (web-hd-21-…-thanhdoan) sent as the text."""
    text = (REAL / "web-hd-21-btgtw-2017-thanhdoan-hcm-raw-html.txt").read_text(encoding="utf-8")
    response = api("secretary").post("/programmes", json={"text": text})

    assert response.status_code == 201, response.get_data(as_text=True)
    headings = [section["heading"] for section in response.get_json()["doc"]["sections"]]
    assert "I. MỤC ĐÍCH, YÊU CẦU" in headings
    assert not any("<" in heading for heading in headings)


def test_import_a_picture_renamed_docx_is_refused_with_the_reason(db, world, api):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

    response = api("secretary").post(
        "/programmes/import", data={"file": (io.BytesIO(png), "chuong-trinh.docx")}
    )

    assert assert_error(response, 422, "invalid")["message"] == messages.FILE_NOT_DOCUMENT
    assert programme_count(db) == 0


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (scanned_pdf(), "ban-quet.pdf", messages.FILE_PDF_SCANNED),
        (corrupt_doc(), "cu.doc", messages.FILE_DOC_UNREADABLE),
    ],
    ids=["scanned-pdf", "corrupt-doc"],
)
def test_import_of_an_unreadable_file_says_why_and_stores_nothing(
    db, world, api, data, filename, message
):
    response = api("secretary").post(
        "/programmes/import", data={"file": (io.BytesIO(data), filename)}
    )

    assert assert_error(response, 422, "invalid")["message"] == message
    assert programme_count(db) == 0


def test_import_of_a_too_large_upload_is_refused(app, db, world, api, seed_text):
    app.config["MAX_CONTENT_LENGTH"] = 4096  # small, so the test client keeps the body in memory
    big = io.BytesIO(seed_text.encode())

    response = api("secretary").post("/programmes/import", data={"file": (big, "ct.txt")})

    # The API's wording: no page to go back to, no file field showing the limit.
    message = messages.API_TOO_LARGE.format(limit=megabytes(4096))
    assert assert_error(response, 413, "too_large")["message"] == message
    assert programme_count(db) == 0


def test_import_of_a_document_over_the_document_limit_is_413(
    db, world, api, seed_text, monkeypatch
):
    """Under the request limit but over the size a document may have: too large, not invalid."""
    # Small, so the test client keeps the body in memory (it leaves a spooled file unclosed).
    monkeypatch.setattr(reading, "MAX_UPLOAD_BYTES", len(seed_text.encode()))
    big = io.BytesIO(seed_text.encode() + b"\n")

    response = api("secretary").post("/programmes/import", data={"file": (big, "ct.txt")})

    assert assert_error(response, 413, "too_large")["message"] == TOO_LARGE_MESSAGE
    assert programme_count(db) == 0


def test_import_without_a_file_is_refused(db, world, api):
    assert_error(api("secretary").post("/programmes/import", data={}), 422, "invalid")
    assert programme_count(db) == 0


def test_import_into_a_named_org(db, world, api, seed_text):
    response = api("secretary").post(
        f"/programmes/import?org={ORG}", data={"file": (io.BytesIO(seed_text.encode()), "ct.txt")}
    )

    assert response.status_code == 201
    assert response.get_json()["org"] == ORG


def test_import_by_a_committee_member_is_forbidden(db, world, api, seed_text):
    response = api("committee").post(
        "/programmes/import", data={"file": (io.BytesIO(seed_text.encode()), "ct.txt")}
    )

    assert_error(response, 403, "forbidden")
    assert programme_count(db) == 0


@pytest.mark.parametrize(
    ("votes_for", "state"), [(APPROVALS_REQUIRED, "approved"), (APPROVALS_REQUIRED - 1, "draft")]
)
def test_a_meeting_vote_closes_the_round_by_the_majority_rule(db, world, api, build, votes_for,
                                                              state):  # fmt: skip
    programme = build("review")
    form = {"held_on": "2026-11-30", "present": "4", "votes_for": str(votes_for),
            "votes_against": str(4 - votes_for), "version": str(programme.version),
            "minutes": (io.BytesIO(b"%PDF-1.4 bien ban"), "bien-ban.pdf")}  # fmt: skip

    response = api("secretary").post(f"/programmes/{programme.id}/meeting-vote", data=form)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["state"] == state
    row = db.session.scalar(select(MeetingVote))
    assert (row.present, row.votes_for, row.minutes_type) == (4, votes_for, "application/pdf")


def test_a_meeting_vote_with_minutes_of_another_kind_is_refused(db, world, api, build):
    programme = build("review")
    form = {"held_on": "2026-11-30", "present": "4", "votes_for": "4", "votes_against": "0",
            "version": str(programme.version),
            "minutes": (io.BytesIO(b"MZ\x90\x00"), "bien-ban.pdf")}  # fmt: skip

    response = api("secretary").post(f"/programmes/{programme.id}/meeting-vote", data=form)

    assert_error(response, 422, "invalid")
    assert db.session.scalar(select(MeetingVote)) is None


def test_a_meeting_vote_with_minutes_over_the_limit_is_refused_as_too_large(
    db, world, api, build, monkeypatch
):
    programme = build("review")
    # Small, so the test client keeps the body in memory (it leaves a spooled file unclosed).
    limit = 1024
    monkeypatch.setattr(meetings, "MAX_MINUTES_BYTES", limit)
    minutes = b"%PDF-1.4 " + b"0" * limit
    form = {"held_on": "2026-11-30", "present": "4", "votes_for": "4", "votes_against": "0",
            "version": str(programme.version),
            "minutes": (io.BytesIO(minutes), "bien-ban.pdf")}  # fmt: skip

    response = api("secretary").post(f"/programmes/{programme.id}/meeting-vote", data=form)

    assert_error(response, 413, "too_large")
    assert response.get_json()["error"]["message"] == messages.MEETING_MINUTES_TOO_LARGE.format(
        limit=megabytes(limit)
    )
    assert db.session.scalar(select(MeetingVote)) is None


def test_import_of_a_doc_while_every_conversion_slot_is_taken_asks_to_try_again(
    app, db, world, api, tmp_path
):
    app.config.update(OFFICE_SLOTS_DIR=str(tmp_path), OFFICE_CONVERSIONS=2, OFFICE_WAIT_S=0.5)
    doc = office(programme_docx(), "docx", "doc")

    def upload():
        return api("secretary").post(
            "/programmes/import", data={"file": (io.BytesIO(doc), "chuong-trinh.doc")}
        )

    with office_slots_taken(tmp_path, 2):
        busy = upload()
    assert assert_error(busy, 422, "invalid")["message"] == messages.FILE_CONVERSION_BUSY
    assert programme_count(db) == 0
    assert upload().status_code == 201
    assert programme_count(db) == 1
