"""Reminders and escalation, with time passed in (no waiting): a pending vote is reminded once
per interval of the org's reminder_after_days; after escalate_after_days the secretary is told
who holds the round up."""

from datetime import timedelta

from sqlalchemy import select

from chibo_flow import events
from chibo_flow.models import AuditEvent, Delivery
from chibo_flow.notifications.compose import compose_for
from chibo_flow.review.reminders import remind
from chibo_flow.timefmt import local_time
from chibo_flow.workflow import apply_transition
from tests.review.support import notices
from tests.web.support import bring_to


def submitted_at(db, programme_id: int):
    return db.session.scalar(
        select(AuditEvent.at).where(
            AuditEvent.programme_id == programme_id, AuditEvent.action == "submit"
        )
    )


def written(db, now) -> list[tuple[str, str, str]]:
    """Run the reminder task's work at `now` and announce its events as the task does:
    (kind, address, key) of the rows the dispatcher wrote for them."""
    recorded = remind(now)
    events.announce(recorded)
    ids = [event_id for event_id, _ in recorded]
    query = select(Delivery).where(Delivery.event_id.in_(ids)).order_by(Delivery.id)
    return [(row.kind, row.address, row.notice_key) for row in db.session.scalars(query)]


def test_pending_votes_are_reminded_once_per_interval_then_escalated(db, world):
    world.org.opinion_days = 10  # the deadline comes later (test_the_deadline_passing)
    db.session.commit()
    programme = bring_to(world, "review")
    apply_transition(programme, "approve", world.users["committee"], version=programme.version)
    start = submitted_at(db, programme.id)
    day = timedelta(days=1)

    assert written(db, start + 2 * day - timedelta(minutes=1)) == []
    assert written(db, start + 2 * day) == [("reminder", "committee2@chibo.test", "r1-i1")]
    assert written(db, start + 3 * day) == []  # same interval: nothing again
    assert written(db, start + 4 * day) == [("reminder", "committee2@chibo.test", "r1-i2")]
    assert written(db, start + 5 * day) == [("escalation", "secretary@chibo.test", "r1-i1")]
    assert written(db, start + 5 * day + timedelta(hours=1)) == []

    escalation = db.session.scalar(select(Delivery).where(Delivery.kind == "escalation"))
    text = compose_for(escalation).get_body(preferencelist=("plain",)).get_content()
    assert "đã trình duyệt hơn 5 ngày (vòng duyệt 1) mà chưa đủ ý kiến." in text
    assert "Đã có 1/2 ý kiến tán thành; còn cần 1." in text
    assert "- Trần Thị Bình <committee2@chibo.test>" in text
    assert "Nguyễn Văn An" not in text
    reminder = db.session.scalar(select(Delivery).where(Delivery.notice_key == "r1-i2"))
    text = compose_for(reminder).get_body(preferencelist=("plain",)).get_content()
    assert "đã chờ ý kiến của đồng chí hơn 4 ngày (vòng duyệt 1)" in text
    assert "http://chibo.test/review/" in text


def test_the_intervals_are_the_orgs(db, world):
    world.org.reminder_after_days, world.org.escalate_after_days = 1, 3
    db.session.commit()
    programme = bring_to(world, "review")
    start = submitted_at(db, programme.id)

    assert [kind for kind, _, key in written(db, start + timedelta(days=3))] == [
        "reminder",
        "reminder",
        "escalation",
    ]


def test_nothing_once_the_round_is_over(db, world):
    programme = bring_to(world, "approved")
    start = submitted_at(db, programme.id)

    assert remind(start + timedelta(days=30)) == []
    assert notices(db, programme.id, "reminder") == []


def test_the_deadline_passing_tells_the_secretary_once_who_has_not_answered(db, world):
    programme = bring_to(world, "review")  # org default: 5 days
    apply_transition(programme, "approve", world.users["committee"], version=programme.version)
    deadline = programme.review_deadline
    key = f"r1-d{deadline:%Y%m%d%H%M}"

    before = [r for r in written(db, deadline - timedelta(minutes=1)) if r[0] == "deadline_passed"]
    at = written(db, deadline)

    assert before == []
    assert ("deadline_passed", "secretary@chibo.test", key) in at
    later = written(db, deadline + timedelta(hours=1))
    assert [r for r in later if r[0] == "deadline_passed"] == []  # once
    notice = db.session.scalar(select(Delivery).where(Delivery.kind == "deadline_passed"))
    text = compose_for(notice).get_body(preferencelist=("plain",)).get_content()
    assert "đã hết hạn cho ý kiến" in text
    assert "- Trần Thị Bình <committee2@chibo.test>" in text
    assert "Nguyễn Văn An" not in text


def test_members_who_have_not_answered_are_reminded_once_a_day_before_the_deadline(db, world):
    programme = bring_to(world, "review")  # org default: 5 days
    apply_transition(programme, "approve", world.users["committee"], version=programme.version)
    deadline = programme.review_deadline
    key = f"r1-n{deadline:%Y%m%d%H%M}"
    day = timedelta(days=1)

    def near(now):
        return [row for row in written(db, now) if row[0] == "deadline_near"]

    assert near(deadline - day - timedelta(minutes=1)) == []
    assert near(deadline - day) == [("deadline_near", "committee2@chibo.test", key)]
    assert near(deadline - timedelta(hours=1)) == []  # never twice
    assert near(deadline) == []  # past it, the secretary is told instead
    notice = db.session.scalar(select(Delivery).where(Delivery.kind == "deadline_near"))
    message = compose_for(notice)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert message["Subject"].startswith("[Chi bộ Trường Mầm non Tiên Cường] Sắp hết hạn cho ý")
    assert f"sắp hết hạn cho ý kiến: {local_time(deadline)}." in text
    assert "Đã có 1/2 ý kiến tán thành; còn cần 1." in text
    assert "- Trần Thị Bình <committee2@chibo.test>" in text
    assert "http://chibo.test/review/" in text  # the signed link to the review page


def test_an_extended_deadline_is_reminded_again_before_it_passes(db, world):
    world.org.reminder_after_days = world.org.escalate_after_days = 30
    db.session.commit()
    programme = bring_to(world, "review")
    first = programme.review_deadline
    assert [r[0] for r in written(db, first - timedelta(days=1))] == ["deadline_near"] * 2
    later = first + timedelta(hours=12)
    apply_transition(programme, "extend_deadline", world.users["secretary"],
                     version=programme.version, params={"deadline": later})  # fmt: skip

    assert [r[2] for r in written(db, first)] == [f"r1-n{later:%Y%m%d%H%M}"] * 2


def test_an_urgent_round_is_reminded_halfway_to_its_deadline(db, world):
    programme = world.programme
    apply_transition(programme, "edit", world.users["secretary"], version=programme.version,
                     marks={"urgency": "hoa_toc"})  # fmt: skip
    programme = bring_to(world, "review")  # hỏa tốc: one day
    start, deadline = submitted_at(db, programme.id), programme.review_deadline
    assert abs(deadline - start - timedelta(days=1)) < timedelta(seconds=1)
    halfway = start + timedelta(hours=12)

    def near(now):
        return [row[1] for row in written(db, now) if row[0] == "deadline_near"]

    assert near(halfway - timedelta(minutes=1)) == []
    assert sorted(near(halfway)) == [
        "committee2@chibo.test",
        "committee@chibo.test",
    ]


def test_the_notices_of_who_has_not_answered_share_one_list(db, world):
    world.org.escalate_after_days = 1
    db.session.commit()
    programme = bring_to(world, "review")
    apply_transition(programme, "approve", world.users["committee"], version=programme.version)
    written(db, programme.review_deadline)  # escalation and deadline_passed at once

    for kind in ("escalation", "deadline_passed"):
        notice = db.session.scalar(select(Delivery).where(Delivery.kind == kind))
        html = compose_for(notice).get_body(preferencelist=("html",)).get_content()
        assert "<p>Đã có 1/2 ý kiến tán thành; còn cần 1.</p>" in html
        assert "<li>Trần Thị Bình &lt;committee2@chibo.test&gt;</li>" in html


def test_near_the_deadline_its_reminder_replaces_the_periodic_one(db, world):
    programme = bring_to(world, "review")  # defaults: reminded every 2 days, 5 days to answer
    start, deadline = submitted_at(db, programme.id), programme.review_deadline
    day = timedelta(days=1)

    assert {kind for kind, _, _ in written(db, start + 2 * day)} == {"reminder"}
    on_day_4 = {kind for kind, _, _ in written(db, deadline - day + timedelta(minutes=1))}

    assert on_day_4 == {"deadline_near"}  # one email a member, not two on the same day
    assert notices(db, programme.id, "reminder") == [
        ("reminder", "committee@chibo.test", "r1-i1"),
        ("reminder", "committee2@chibo.test", "r1-i1"),
    ]
