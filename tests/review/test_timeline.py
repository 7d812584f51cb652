"""The timeline: time spent in each state and each review round, and the history as CSV that
Excel opens with Vietnamese intact."""

import csv
import io
from datetime import UTC, datetime, timedelta

from chibo_flow.models import AuditEvent
from chibo_flow.review.timeline import duration_text, timeline
from chibo_flow.workflow import apply_transition
from tests.review.support import SECTION_II
from tests.web.support import bring_to, page_text

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def event(hours: float, action: str, from_state: str | None, to_state: str, **data) -> AuditEvent:
    """An audit event `hours` after START (not stored: the timeline only reads them)."""
    return AuditEvent(at=START + timedelta(hours=hours), action=action, from_state=from_state,
                      to_state=to_state, data=data or None)  # fmt: skip


def test_time_in_each_state_and_round():
    events = [
        event(0, "create", None, "draft"),
        event(2, "edit", "draft", "draft"),
        event(3, "submit", "draft", "review", round=1),
        event(27, "approve", "review", "review", round=1),
        event(30, "comment", None, "review"),
        event(51, "request_changes", "review", "draft", round=1),
        event(53, "edit", "draft", "draft"),
        event(54, "submit", "draft", "review", round=2),
        event(78, "approve", "review", "approved", round=2),
    ]

    result = timeline(events, now=START + timedelta(days=30))

    assert [(p.state, p.duration) for p in result.periods] == [
        ("draft", timedelta(hours=3)),
        ("review", timedelta(hours=48)),
        ("draft", timedelta(hours=3)),
        ("review", timedelta(hours=24)),
        ("approved", timedelta(days=30, hours=-78)),
    ]
    assert result.totals["review"] == timedelta(hours=72)
    assert result.totals["draft"] == timedelta(hours=6)
    assert [(r.number, r.outcome, r.duration) for r in result.rounds] == [
        (1, "request_changes", timedelta(hours=48)),
        (2, "approved", timedelta(hours=24)),
    ]


def test_a_round_still_in_review_runs_until_now():
    events = [event(0, "create", None, "draft"), event(1, "submit", "draft", "review", round=1)]

    result = timeline(events, now=START + timedelta(hours=50))

    assert [(r.outcome, r.end, r.duration) for r in result.rounds] == [
        (None, None, timedelta(hours=49))
    ]


def test_durations_read_naturally():
    assert duration_text(timedelta(days=2, hours=3, minutes=10)) == "2 ngày 3 giờ"
    assert duration_text(timedelta(hours=1, minutes=5)) == "1 giờ 5 phút"
    assert duration_text(timedelta(seconds=30)) == "dưới 1 phút"


def test_the_timeline_page_and_the_csv_export(db, world, browser):
    programme = bring_to(world, "review")
    apply_transition(
        programme, "request_changes", world.users["committee2"], version=programme.version,
        comment="Mục II, dòng “CBĐV”: viết đầy đủ.", anchor=SECTION_II,
    )  # fmt: skip
    client = browser(world.users["secretary"])

    page = page_text(client.get(f"/programmes/{programme.id}/timeline"))
    assert "Các vòng duyệt" in page
    assert "Thời gian ở mỗi trạng thái Dự thảo dưới 1 phút Đang trình duyệt dưới 1 phút" in page
    assert "Kết quả Thời gian 1" in page
    assert "Trở về dự thảo (không thể đủ số tán thành) dưới 1 phút" in page

    response = client.get(f"/programmes/{programme.id}/history.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "Thời điểm", "Người thực hiện", "Thao tác", "Từ trạng thái", "Sang trạng thái",
        "Vòng duyệt", "Dự thảo lần", "Thay mặt", "Ghi chú",
    ]  # fmt: skip
    assert [row[1:] for row in rows[1:]] == [
        ["Vũ Thị Xuyên", "Tạo dự thảo", "", "Dự thảo", "", "", "", ""],
        ["Vũ Thị Xuyên", "Trình duyệt", "Dự thảo", "Đang trình duyệt", "1", "1", "", ""],
        ["Trần Thị Bình", "Không tán thành", "Đang trình duyệt", "Dự thảo", "1", "1", "",
         "Mục II, dòng “CBĐV”: viết đầy đủ."],
    ]  # fmt: skip
    assert all(len(row[0]) == len("2026-11-25 14:05:00") for row in rows[1:])
    outsider = browser(world.users["outsider"])
    assert outsider.get(f"/programmes/{programme.id}/history.csv").status_code == 404
