"""The secretary's round actions on the web: a later hạn cho ý kiến, and a vote taken at a cấp ủy
meeting with its minutes, which closes the round by the majority rule; both through the
workflow's table (the same functions as the API), refused plainly, never a 500. The deadline is
shown on each member's home list and review page."""

import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.models import AuditEvent, MeetingVote
from chibo_flow.models._types import utcnow
from chibo_flow.timefmt import local_date, local_time
from tests.web.support import bring_to, flashes, page_text, snapshot

PDF = b"%PDF-1.4\n% bien ban hop\n"


def _local(value: datetime) -> str:
    """A UTC time as the datetime-local field of the form holds it (Asia/Ho_Chi_Minh)."""
    return (value + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M")


def meeting(client, programme, *, minutes=PDF, name="bien-ban.pdf", **counts):
    data = {"version": str(programme.version), "held_on": utcnow().date().isoformat(),
            "present": "3", "votes_for": "2", "votes_against": "1", **counts}  # fmt: skip
    if minutes is not None:
        data["minutes"] = (io.BytesIO(minutes), name)
    return client.post(
        f"/programmes/{programme.id}/vong-duyet/bieu-quyet-hop",
        data=data,
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_the_deadline_is_on_the_members_list_and_review_page(app, world, browser):
    programme = bring_to(world, "review")
    with app.test_request_context():
        shown = local_time(programme.review_deadline)
    member = browser(world.users["committee"])
    assert f"Hạn cho ý kiến: {shown}" in page_text(member.get("/"))
    assert f"Hạn cho ý kiến: {shown}" in page_text(member.get(f"/programmes/{programme.id}/review"))


def test_the_secretary_extends_the_deadline(app, db, world, browser):
    programme = bring_to(world, "review")
    secretary = browser(world.users["secretary"])
    page = page_text(secretary.get(f"/programmes/{programme.id}"))
    assert "Gia hạn hoặc ghi biểu quyết tại cuộc họp" in page
    form = secretary.get(f"/programmes/{programme.id}/vong-duyet").get_data(as_text=True)
    offered = _local(programme.review_deadline + timedelta(days=1))
    assert f'value="{offered}"' in form  # one day more, offered
    with app.test_request_context():
        today = local_date(utcnow()).isoformat()
    assert f'name="held_on" required type="date" value="{today}"' in form  # a meeting today

    later = (programme.review_deadline + timedelta(days=3)).replace(second=0, microsecond=0)
    response = secretary.post(
        f"/programmes/{programme.id}/vong-duyet/gia-han",
        data={"version": str(programme.version), "deadline": _local(later)},
        follow_redirects=True,
    )
    assert flashes(response, "success") == [messages.ACTION_DONE["extend_deadline"]]
    db.session.expire_all()
    assert programme.review_deadline == later.astimezone(UTC)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "extend_deadline"))
    assert event.actor_id == world.users["secretary"].id
    assert event.data["deadline"] == later.isoformat()
    with app.test_request_context():
        shown = local_time(later)
    assert f"Hạn cho ý kiến: {shown}" in page_text(response)
    assert "Gia hạn cho ý kiến" in page_text(response)  # in the history


def test_a_deadline_not_later_or_not_a_date_is_refused_plainly(db, world, browser):
    programme = bring_to(world, "review")
    secretary = browser(world.users["secretary"])
    before = snapshot(db, programme.id)
    path = f"/programmes/{programme.id}/vong-duyet/gia-han"
    earlier = _local(programme.review_deadline - timedelta(days=1))
    for value, message in ((earlier, messages.DEADLINE_NOT_LATER),
                           ("ngày mai", messages.DEADLINE_REQUIRED)):  # fmt: skip
        response = secretary.post(path, data={"version": str(programme.version), "deadline": value})
        assert response.status_code == 422
        assert flashes(response, "danger") == [message]
    assert snapshot(db, programme.id) == before


def test_only_the_org_s_secretary_acts_on_an_open_round(db, world, browser):
    draft_page = browser(world.users["secretary"]).get(
        f"/programmes/{world.programme.id}/vong-duyet"
    )
    assert draft_page.status_code == 403  # no round open
    programme = bring_to(world, "review")
    before = snapshot(db, programme.id)
    for key, status in (("committee", 403), ("member", 404), ("outsider", 404)):
        client = browser(world.users[key])
        assert client.get(f"/programmes/{programme.id}/vong-duyet").status_code == status
        assert meeting(client, programme).status_code == status
        later = {"version": str(programme.version), "deadline": "2030-01-01T17:00"}
        response = client.post(f"/programmes/{programme.id}/vong-duyet/gia-han", data=later)
        assert response.status_code == status
    assert snapshot(db, programme.id) == before
    assert "Gia hạn hoặc ghi biểu quyết" not in page_text(
        browser(world.users["committee"]).get(f"/programmes/{programme.id}")
    )


def test_a_meeting_vote_of_two_for_approves(db, world, browser, third):
    programme = bring_to(world, "review")
    response = meeting(browser(world.users["secretary"]), programme)
    assert flashes(response, "success") == [messages.PROGRAMME_APPROVED]
    text = page_text(response)
    assert "Số 01-CTr/CB" in text
    assert "Biểu quyết tại cuộc họp ngày" in text and "3 đồng chí có mặt, 2 tán thành" in text
    db.session.expire_all()
    assert programme.state == "approved"
    row = db.session.scalar(select(MeetingVote))
    assert (row.present, row.votes_for, row.votes_against, row.minutes_type) == (
        3, 2, 1, "application/pdf")  # fmt: skip
    assert row.minutes == PDF and row.minutes_name == "bien-ban.pdf"
    assert (
        db.session.scalar(select(func.count()).where(AuditEvent.action == "record_meeting_vote"))
        == 1
    )


def test_a_meeting_vote_without_a_majority_returns_the_draft(db, world, browser, third):
    programme = bring_to(world, "review")
    response = meeting(browser(world.users["secretary"]), programme, votes_for="1",
                       votes_against="2")  # fmt: skip
    assert flashes(response, "info") == [messages.MEETING_RETURNED]
    db.session.expire_all()
    assert programme.state == "draft"


def test_bad_meeting_input_is_refused_plainly_and_stores_nothing(db, world, browser, third):
    programme = bring_to(world, "review")
    secretary = browser(world.users["secretary"])
    before = snapshot(db, programme.id)
    cases = [
        ({"present": "4"}, messages.MEETING_COUNTS.format(members=3)),
        ({"votes_for": "3", "votes_against": "1"}, messages.MEETING_COUNTS.format(members=3)),
        ({"present": "ba"}, messages.MEETING_FORM_INCOMPLETE),
        ({"held_on": (utcnow() + timedelta(days=2)).date().isoformat()},
         messages.MEETING_DATE_FUTURE),
        ({"minutes": None}, messages.MEETING_MINUTES_REQUIRED),
        ({"minutes": b"just text"}, messages.MEETING_MINUTES_TYPE),
    ]  # fmt: skip
    for fields, message in cases:
        response = meeting(secretary, programme, **fields)
        assert response.status_code == 422, fields
        assert flashes(response, "danger") == [message], fields
        assert "Ghi kết quả biểu quyết tại cuộc họp" in page_text(response)
    assert snapshot(db, programme.id) == before
    assert db.session.scalar(select(func.count()).select_from(MeetingVote)) == 0
