"""Contract tests: history, deliveries and final copies of a programme."""

from datetime import UTC, datetime

import pytest

from chibo_flow import messages
from chibo_flow.workflow import apply_transition
from tests.api.conftest import assert_error

DELIVERY_KEYS = {
    "address",
    "name",
    "line",
    "purpose",
    "reply_code",
    "status",
    "attempts",
    "last_reply",
    "message_id",
    "sent_at",
    "opened_at",
    "confirmed_at",
}


def test_history_lists_every_step_in_order(db, world, api, build):
    programme = build("review")
    committee = world.users["committee"]
    apply_transition(
        programme,
        "request_changes",
        committee,
        version=programme.version,
        comment="Bổ sung chỉ tiêu.",
    )

    response = api("secretary").get(f"/programmes/{programme.id}/history")

    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [(i["action"], i["from_state"], i["to_state"]) for i in items] == [
        ("create", None, "draft"),
        ("submit", "draft", "review"),
        # One disapproval while the others may still approve: the round stays open.
        ("request_changes", "review", "review"),
    ]
    secretary = world.users["secretary"]
    assert items[0]["actor"] == {"email": secretary.email, "name": secretary.name}
    assert items[2]["actor"] == {"email": committee.email, "name": committee.name}
    assert [i["comment"] for i in items] == [None, None, "Bổ sung chỉ tiêu."]
    times = [datetime.fromisoformat(i["at"]) for i in items]
    assert all(t.utcoffset().total_seconds() == 0 for t in times)
    assert times == sorted(times) and times[-1] <= datetime.now(UTC)
    assert set(items[0]) == {"at", "actor", "action", "from_state", "to_state", "comment"}


def test_history_of_an_invisible_programme_is_not_found(db, world, api, build):
    programme = build("draft")

    assert_error(api("member").get(f"/programmes/{programme.id}/history"), 404, "not_found")
    assert_error(api("outsider").get(f"/programmes/{programme.id}/history"), 404, "not_found")


def test_deliveries_of_an_approved_programme(db, world, api, build):
    programme = build("approved")

    response = api("committee").get(f"/programmes/{programme.id}/deliveries")

    assert response.status_code == 200
    items = response.get_json()["items"]
    assert {item["address"] for item in items} == world.directory_addresses()
    for item in items:
        assert set(item) == DELIVERY_KEYS
        assert item["status"] in {"pending", "sending", "sent", "failed"}
        assert item["purpose"] in {"bao_cao", "thuc_hien", "none"}
        assert item["message_id"].startswith("<") and item["message_id"].endswith(">")
        assert item["reply_code"] is None  # nothing sent yet
        assert item["opened_at"] is None and item["confirmed_at"] is None
    lines = {item["address"]: item["line"] for item in items}
    assert lines["phutrach@chibo.test"] == "Lãnh đạo phụ trách chi bộ"
    assert lines["thuongtruc1@chibo.test"] == "Thường trực ĐU"


def test_a_draft_has_no_deliveries(db, world, api, build):
    programme = build("draft")

    response = api("admin").get(f"/programmes/{programme.id}/deliveries")

    assert response.status_code == 200
    assert response.get_json() == {"items": []}


def test_members_may_not_see_deliveries(db, world, api, build):
    programme = build("approved")

    assert_error(api("member").get(f"/programmes/{programme.id}/deliveries"), 403, "forbidden")
    assert_error(api("outsider").get(f"/programmes/{programme.id}/deliveries"), 404, "not_found")


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_final_copies_are_not_rendered_yet(db, world, api, build, kind):
    programme = build("approved")

    response = api("member").get(f"/programmes/{programme.id}/final.{kind}")

    assert assert_error(response, 404, "not_rendered")["message"] == messages.API_NOT_RENDERED
    outsider = api("outsider").get(f"/programmes/{programme.id}/final.{kind}")
    assert_error(outsider, 404, "not_found")
