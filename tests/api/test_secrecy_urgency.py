"""Độ mật and độ khẩn through /api/v1: carried, set on POST and PATCH, higher levels refused."""

import io

import pytest

from chibo_flow import messages
from chibo_flow.auth.sessions import issue_token
from chibo_flow.models import Programme
from tests.api.conftest import ApiClient, assert_error


def test_a_new_draft_is_ordinary_unless_told(db, world, api, seed_text):
    body = api("secretary").post("/programmes", json={"text": seed_text}).get_json()

    assert (body["secrecy"], body["urgency"]) == ("thuong", "thuong")


def test_post_and_patch_set_secrecy_and_urgency(db, world, api, seed_text):
    secretary = api("secretary")
    created = secretary.post(
        "/programmes", json={"text": seed_text, "secrecy": "mat", "urgency": "khan"}
    ).get_json()
    assert (created["secrecy"], created["urgency"]) == ("mat", "khan")

    response = secretary.patch(
        f"/programmes/{created['id']}", json={"urgency": "hoa_toc", "version": created["version"]}
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["urgency"] == "hoa_toc"
    assert response.get_json()["doc"] == created["doc"], "marks alone keep the content"
    stored = db.session.get(Programme, created["id"])
    assert (stored.secrecy, stored.urgency) == ("mat", "hoa_toc")


@pytest.mark.parametrize("level", ["toi_mat", "tuyet_mat"])
def test_toi_mat_and_tuyet_mat_are_refused(db, world, api, seed_text, level):
    response = api("secretary").post("/programmes", json={"text": seed_text, "secrecy": level})

    error = assert_error(response, 422, "invalid")
    assert error["message"] == messages.SECRECY_REFUSED
    assert db.session.query(Programme).count() == 0


@pytest.mark.parametrize(
    ("field", "value"), [("secrecy", "bi_mat"), ("urgency", "gap"), ("secrecy", "")]
)
def test_unknown_levels_are_refused(db, world, api, seed_text, field, value):
    response = api("secretary").post("/programmes", json={"text": seed_text, field: value})

    assert_error(response, 422, "invalid")


def test_marks_cannot_change_in_review(db, world, api, seed_text):
    secretary = api("secretary")
    created = secretary.post("/programmes", json={"text": seed_text}).get_json()
    submitted = secretary.post(
        f"/programmes/{created['id']}/transitions",
        json={"action": "submit", "version": created["version"]},
    ).get_json()
    assert submitted["state"] == "review", submitted

    response = secretary.patch(
        f"/programmes/{created['id']}", json={"secrecy": "mat", "version": submitted["version"]}
    )

    assert response.status_code in (403, 409), response.get_data(as_text=True)
    assert db.session.get(Programme, created["id"]).secrecy == "thuong"


def test_the_stamps_of_an_imported_file_set_the_marks(db, world, api, seed_text):
    secretary = api("secretary")
    upload = (io.BytesIO(("MẬT\nTHƯỢNG KHẨN\n\n" + seed_text).encode()), "chuong-trinh.txt")
    imported = secretary.post("/programmes/import", data={"file": upload}).get_json()
    assert (imported["secrecy"], imported["urgency"]) == ("mat", "thuong_khan")
    assert "MẬT" not in str(imported["doc"]), "the stamp is not part of the content"

    typed = secretary.post("/programmes", json={"text": "KHẨN\n" + seed_text}).get_json()
    assert (typed["secrecy"], typed["urgency"]) == ("thuong", "khan")
    chosen = secretary.post(
        "/programmes", json={"text": "KHẨN\n" + seed_text, "urgency": "thuong"}
    ).get_json()
    assert chosen["urgency"] == "thuong", "what the request says wins"

    refused = secretary.post("/programmes", json={"text": "TUYỆT MẬT\n" + seed_text})
    assert assert_error(refused, 422, "invalid")["message"] == messages.SECRECY_REFUSED


def test_without_a_second_factor_a_secret_write_is_refused_before_it_changes_anything(
    db, world, client, api, seed_text
):
    """A token of an account that has no second factor yet (`flask users token` right after
    `flask demo`) is refused with 403 (its role needs the factor: every request is, and a "mật"
    programme would be): creating, importing, editing or acting on one changes nothing, instead
    of being saved behind a 403 the client would retry."""
    secretary = world.users["secretary"]
    ordinary = api("secretary").post("/programmes", json={"text": seed_text}).get_json()
    secret = (
        api("secretary").post("/programmes", json={"text": seed_text, "secrecy": "mat"}).get_json()
    )
    secretary.totp_secret = None
    secretary.totp_confirmed_at = None
    db.session.commit()
    assert not secretary.has_factor
    without = ApiClient(client, issue_token(secretary))
    upload = (io.BytesIO(("MẬT\n\n" + seed_text).encode()), "chuong-trinh.txt")

    answers = [
        without.post("/programmes", json={"text": seed_text, "secrecy": "mat"}),
        without.post("/programmes/import", data={"file": upload}),
        without.patch(
            f"/programmes/{ordinary['id']}", json={"secrecy": "mat", "version": ordinary["version"]}
        ),
        without.patch(
            f"/programmes/{secret['id']}", json={"urgency": "khan", "version": secret["version"]}
        ),
        without.post(
            f"/programmes/{secret['id']}/transitions",
            json={"action": "submit", "version": secret["version"]},
        ),
    ]

    for response in answers:
        error = assert_error(response, 403, "second_factor_required")
        assert error["message"] == messages.API_FACTOR_REQUIRED
    db.session.expire_all()
    stored = {p.id: (p.secrecy, p.urgency, p.state, p.version) for p in db.session.query(Programme)}
    assert stored == {
        ordinary["id"]: ("thuong", "thuong", "draft", ordinary["version"]),
        secret["id"]: ("mat", "thuong", "draft", secret["version"]),
    }
