"""Bảo lưu ý kiến by choice: a member who does not agree says, with their opinion or later
until the round closes, whether they reserve it should the majority approve (reserved unless
they say "Không bảo lưu"); the decision record, its PDF and the API list exactly those who
reserved."""

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from chibo_flow.models import AuditEvent
from chibo_flow.workflow import apply_transition
from tests.api.conftest import ApiClient
from tests.conftest import api_token
from tests.review.support import review_text, vote
from tests.web.support import bring_to, page_text

REASON = "Đề nghị bổ sung chỉ tiêu kết nạp đảng viên mới trong mục II."
RESERVED = f"Đồng chí Trần Thị Bình bảo lưu ý kiến: {REASON}"


def api_as(client, user) -> ApiClient:
    return ApiClient(client, api_token(user))


def pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def dissent_on_the_page(world, browser, **choice):
    """Member 2 disapproves on the review page (with `choice`: the reserve radio), as the
    form posts it; returns her client and the programme in review."""
    programme = bring_to(world, "review")
    web = browser(world.users["committee2"])
    page = vote(web, programme, "request_changes", comment=REASON, anchor="", **choice)
    assert "Đã ghi nhận ý kiến không tán thành" in page_text(page)
    return web, programme


def close_approved(world, third, programme):
    """Members 1 and 3 approve: 2 of 3, the round closes approved over member 2's dissent."""
    for member in (world.users["committee"], third):
        apply_transition(programme, "approve", member, version=programme.version)
    assert programme.state == "approved"


def record_of(world, browser, client, programme) -> tuple[dict, str, str, dict]:
    """The API's programme, the decision page's text, its PDF's text and the API's record."""
    web = browser(world.users["member"])
    api = api_as(client, world.users["member"])
    return (
        api.get(f"/programmes/{programme.id}").get_json(),
        page_text(web.get(f"/programmes/{programme.id}/decision")),
        pdf_text(web.get(f"/programmes/{programme.id}/decision.pdf").data),
        api.get(f"/programmes/{programme.id}/decision").get_json(),
    )


def test_the_dissent_form_offers_the_choice_reserved_by_default(db, world, third, browser):
    programme = bring_to(world, "review")

    html = browser(world.users["committee2"]).get(f"/programmes/{programme.id}/review")

    body = html.get_data(as_text=True)
    assert "Nếu đa số tán thành, đồng chí" in page_text(body)
    radios = {
        value: "checked" in tag
        for tag, value in re.findall(r'<input([^>]*name="reserve"[^>]*)value="(\d)"', body)
    }
    assert radios == {"1": True, "0": False}
    assert re.search(r'value="1"[^>]*>\s*<label[^>]*>Bảo lưu ý kiến</label>', body)
    assert re.search(r'value="0"[^>]*>\s*<label[^>]*>Không bảo lưu</label>', body)


def test_a_dissent_given_on_the_page_is_reserved_by_default(db, world, third, browser, client):
    web, programme = dissent_on_the_page(world, browser)  # the radio as it comes, reserved

    assert "Nếu đa số tán thành, đồng chí bảo lưu ý kiến" in review_text(web, programme)
    close_approved(world, third, programme)

    body, page, pdf, record = record_of(world, browser, client, programme)
    assert [o["reason"] for o in body["reserved_opinions"]] == [REASON]
    assert RESERVED in page
    assert "II. Ý kiến bảo lưu" in pdf and f"bảo lưu ý kiến. Lý do: {REASON}" in pdf
    assert RESERVED in pdf
    assert [o["reserved"] for o in record["rounds"][0]["opinions"]] == [True, False, False]


def test_a_member_who_does_not_reserve_is_not_on_record_as_reserving(
    db, world, third, browser, client
):
    web, programme = dissent_on_the_page(world, browser, reserve="0")

    assert "Nếu đa số tán thành, đồng chí không bảo lưu ý kiến" in review_text(web, programme)
    close_approved(world, third, programme)

    body, page, pdf, record = record_of(world, browser, client, programme)
    assert body["reserved_opinions"] == []
    assert "bảo lưu" not in page
    assert "bảo lưu" not in pdf
    assert "Đồng chí Trần Thị Bình: không tán thành" in pdf  # her opinion is still recorded
    [dissent] = [o for o in record["rounds"][0]["opinions"] if o["opinion"] == "disapprove"]
    assert (dissent["reason"], dissent["reserve"], dissent["reserved"]) == (REASON, False, False)
    assert record["reserved_opinions"] == []
    closing = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.programme_id == programme.id, AuditEvent.to_state == "approved"
        )
    )
    assert "reserved" not in closing.data
    detail = page_text(browser(world.users["member"]).get(f"/programmes/{programme.id}"))
    assert "bảo lưu" not in detail


def test_the_choice_can_be_changed_on_the_page_until_the_round_closes(
    db, world, third, browser, client
):
    web, programme = dissent_on_the_page(world, browser)

    done = page_text(vote(web, programme, "unreserve_opinion"))
    assert "Đã ghi nhận: đồng chí không bảo lưu ý kiến nếu đa số tán thành." in done
    assert "Nếu đa số tán thành, đồng chí không bảo lưu ý kiến" in done
    again = page_text(vote(web, programme, "unreserve_opinion"))
    assert "Đồng chí đã chọn không bảo lưu ý kiến này." in again
    back = page_text(vote(web, programme, "reserve_opinion"))
    assert "Nếu đa số tán thành, đồng chí bảo lưu ý kiến" in back
    close_approved(world, third, programme)

    after = page_text(vote(web, programme, "unreserve_opinion"))  # too late: the round closed
    assert "Đã ghi nhận" not in after
    body, page, _, _ = record_of(world, browser, client, programme)
    assert [o["reason"] for o in body["reserved_opinions"]] == [REASON]
    assert RESERVED in page


def test_the_api_takes_the_choice_and_changes_it(db, world, third, client):
    programme = bring_to(world, "review")
    api = api_as(client, world.users["committee2"])
    path = f"/programmes/{programme.id}/transitions"

    given = api.post(path, json={"action": "request_changes", "comment": REASON,
                                 "reserve": False, "version": programme.version})  # fmt: skip
    assert given.status_code == 200, given.get_json()
    body = given.get_json()
    [opinion] = body["round"]["opinions"]
    assert (opinion["opinion"], opinion["reserve"]) == ("disapprove", False)
    assert "reserve_opinion" in body["allowed_actions"]
    assert "unreserve_opinion" not in body["allowed_actions"]

    twice = api.post(path, json={"action": "unreserve_opinion", "version": body["version"]})
    assert twice.status_code == 409
    assert twice.get_json()["error"]["message"] == "Đồng chí đã chọn không bảo lưu ý kiến này."
    changed = api.post(path, json={"action": "reserve_opinion", "version": body["version"]})
    assert changed.status_code == 200
    assert changed.get_json()["round"]["opinions"][0]["reserve"] is True

    approver = api_as(client, world.users["committee"])
    refused = approver.post(path, json={"action": "reserve_opinion", "version": body["version"]})
    assert refused.status_code == 409  # nothing to reserve: no "không tán thành" of his
    assert "Chỉ ý kiến không tán thành mới được bảo lưu" in refused.get_json()["error"]["message"]
    bad = api.post(path, json={"action": "request_changes", "comment": REASON,
                               "reserve": "maybe", "version": body["version"]})  # fmt: skip
    assert bad.status_code == 422

    approver.post(path, json={"action": "approve", "version": body["version"]})
    final = api_as(client, third).post(path, json={"action": "approve", "version": body["version"]})
    assert final.get_json()["state"] == "approved"
    [reserved] = final.get_json()["reserved_opinions"]
    assert (reserved["reason"], reserved["reserve"]) == (REASON, True)
