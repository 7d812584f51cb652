"""THE role × state × action table, through the API.

The expectations are written out here from DESIGN.md §3 (not computed from workflow.py):
every allowed cell moves the programme to the right state, every other cell is refused with
the right status and changes nothing.
"""

import pytest
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.models import Delivery, Programme
from chibo_flow.workflow import apply_transition
from tests.api.conftest import APPROVALS_REQUIRED, ROLES, VOTERS, assert_error, snapshot

STATES = ("draft", "review", "approved")
ACTIONS = ("edit", "submit", "approve", "request_changes", "request_changes_no_comment", "withdraw")
SECRETARIES = {"secretary", "other_secretary", "committee_submitter"}
# (state, action) → the role keys that may do it; the submitter is "committee_submitter" in
# that role's cases and "secretary" in all others.
ALLOWED = {
    ("draft", "edit"): SECRETARIES,
    ("draft", "submit"): SECRETARIES,
    ("review", "approve"): {"committee"},  # the submitter's own approval never counts
    ("review", "request_changes"): {"committee"},  # nor can the submitter disapprove it
    ("review", "withdraw"): SECRETARIES,  # the submitter, or any secretary
}
NEW_STATE = {
    "edit": "draft",
    "submit": "review",
    "approve": "review",
    # One disapproval of four leaves three who may still approve (3 required): still review.
    "request_changes": "review",
    "withdraw": "draft",
}
EDITED_TEXT_MARK = ("NĂM 2023**", "NĂM 2024**")


def can_see(role: str, state: str) -> bool:
    """Members see approved programmes only; people of another org see nothing."""
    return role != "outsider" and (role != "member" or state == "approved")


def expected(role: str, state: str, action: str) -> tuple[int, str | None]:
    """(status, code) of the refusal, or (200, None) when the cell is allowed."""
    if not can_see(role, state):
        return 404, "not_found"
    if action == "request_changes_no_comment":
        if role in ALLOWED.get((state, "request_changes"), ()):
            return 422, "invalid"
        return 403, "forbidden"
    if role in ALLOWED.get((state, action), ()):
        return 200, None
    return 403, "forbidden"


CELLS = [(role, state, action) for role in ROLES for state in STATES for action in ACTIONS]
ALLOWED_CELLS = [cell for cell in CELLS if expected(*cell)[0] == 200]


def send(api, role: str, programme_id: int, action: str, version: int, seed_text: str):
    """The request a client makes for `action`."""
    client = api(role)
    if action == "edit":
        text = seed_text.replace(*EDITED_TEXT_MARK)
        return client.patch(f"/programmes/{programme_id}", json={"version": version, "text": text})
    body = {"action": action.removesuffix("_no_comment"), "version": version}
    if action == "request_changes":
        body["comment"] = "Đề nghị bổ sung chỉ tiêu kết nạp đảng viên."
    return client.post(f"/programmes/{programme_id}/transitions", json=body)


def submitter_for(role: str) -> str:
    return "committee_submitter" if role == "committee_submitter" else "secretary"


@pytest.mark.parametrize(("role", "state", "action"), CELLS)
def test_role_state_action(db, world, api, build, seed_text, role, state, action):
    programme = build(state, submitter=submitter_for(role))
    before = snapshot(db, programme.id)

    response = send(api, role, programme.id, action, before["version"], seed_text)

    status, code = expected(role, state, action)
    if status != 200:
        assert_error(response, status, code)
        assert snapshot(db, programme.id) == before
        return
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    after = snapshot(db, programme.id)
    assert body["state"] == after["state"] == NEW_STATE[action]
    # A vote that leaves the programme in review keeps its version (other members' pages stay
    # current); every other transition moves it on.
    assert body["version"] == after["version"]
    if action in ("approve", "request_changes") and after["state"] == "review":
        assert after["version"] == before["version"]
    else:
        assert after["version"] > before["version"]
    assert after["AuditEvent"] == before["AuditEvent"] + 1
    assert after["Vote"] == before["Vote"] + (action in ("approve", "request_changes"))
    assert after["Comment"] == before["Comment"] + (action == "request_changes")
    assert after["Revision"] == before["Revision"] + (action == "edit")
    assert after["Delivery"] == 0 and after["number"] is None
    if action == "edit":
        assert "2024" in body["title"] and "2024" in after["title"]
    if action == "approve":
        assert body["approvals"] == {"required": APPROVALS_REQUIRED, "received": 1}
    history = api(role).get(f"/programmes/{programme.id}/history").get_json()["items"]
    assert history[-1]["action"] == action
    assert history[-1]["from_state"] == state
    assert history[-1]["to_state"] == NEW_STATE[action]
    assert history[-1]["actor"]["email"] == world.users[role].email


@pytest.mark.parametrize(("role", "state", "action"), ALLOWED_CELLS)
def test_stale_version_is_refused_in_every_allowed_cell(
    db, world, api, build, seed_text, role, state, action
):
    programme = build(state, submitter=submitter_for(role))
    before = snapshot(db, programme.id)

    response = send(api, role, programme.id, action, before["version"] - 1, seed_text)

    error = assert_error(response, 409, "conflict")
    assert error["message"] == messages.STALE_VERSION
    assert snapshot(db, programme.id) == before


def test_last_approval_approves_numbers_and_writes_one_delivery_per_address(db, world, api, build):
    programme = build("review")
    for key in VOTERS[: APPROVALS_REQUIRED - 1]:
        apply_transition(programme, "approve", world.users[key], version=programme.version)
    assert programme.state == "review"

    response = api("committee").post(
        f"/programmes/{programme.id}/transitions",
        json={"action": "approve", "version": programme.version},
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["state"] == "approved"
    assert body["number"] == "01-CTr/CB"
    assert body["approvals"] == {"required": APPROVALS_REQUIRED, "received": APPROVALS_REQUIRED}
    assert body["allowed_actions"] == []
    db.session.expire_all()
    assert db.session.get(Programme, programme.id).number == "01-CTr/CB"
    rows = list(
        db.session.scalars(
            select(Delivery).where(
                Delivery.programme_id == programme.id, Delivery.kind == "final_copy"
            )
        )
    )
    addresses = [row.address for row in rows]
    assert len(addresses) == len(set(addresses))
    assert set(addresses) == world.directory_addresses()
    assert all(row.purpose != "luu" and not row.line.startswith("Lưu") for row in rows)
    listed = api("secretary").get(f"/programmes/{programme.id}/deliveries").get_json()["items"]
    assert {item["address"] for item in listed} == set(addresses)
