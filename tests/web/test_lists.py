"""The home page's lists: the same few queries whatever the number of programmes, 50 per page."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from chibo_flow.models import Programme
from chibo_flow.models._types import utcnow
from chibo_flow.programmes import item_cache
from chibo_flow.review import deadlines
from tests.web.support import bring_to, page_text


@pytest.fixture
def add_programmes(db, world):
    """add_programmes(count, state): rows put straight into the table (only the lists are
    measured here), sharing the world's revision."""
    values = {
        "org_id": world.org.id,
        "created_by_id": world.users["secretary"].id,
        "submitted_by_id": world.users["secretary"].id,
        "current_revision_id": world.programme.current_revision_id,
        "title": world.programme.title,
        "review_round": 1,
    }

    def add(count: int, state: str) -> None:
        approved_at = utcnow() if state == "approved" else None
        db.session.add_all(
            Programme(state=state, approved_at=approved_at, **values) for _ in range(count)
        )
        db.session.commit()

    return add


def _statements(db, client, path: str) -> tuple[int, str]:
    """How many SQL statements rendering `path` runs, and the page."""
    seen: list[str] = []
    db.session.expunge_all()  # the tests share the app's session: start from an empty one

    def count(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(seen), response.get_data(as_text=True)


def test_list_queries_do_not_grow_with_the_rows(db, world, add_programmes, browser):
    for state in ("review", "approved"):
        add_programmes(2, state)
    committee = browser(world.users["committee"])
    few, _ = _statements(db, committee, "/")

    for state in ("draft", "review", "approved"):
        add_programmes(30, state)
    many, page = _statements(db, committee, "/")
    assert many == few
    assert page.count('class="programme-item"') == 32 + 32  # awaiting my review + approved


def test_lists_are_paginated_at_50(db, world, add_programmes, browser):
    add_programmes(60, "draft")  # 61 drafts with the world's own
    secretary = browser(world.users["secretary"])
    first = secretary.get("/").get_data(as_text=True)
    assert first.count('class="programme-item"') == 50
    # The total is not counted over the whole list: known only on its last page.
    assert 'Dự thảo <span class="count">(hơn 50)</span>' in first
    assert "<span>Trang 1</span>" in first
    assert "Trang trước" not in first
    next_link = re.search(r'href="(/\?draft_page=2)"', first)
    assert next_link
    second = secretary.get(next_link.group(1)).get_data(as_text=True)
    assert second.count('class="programme-item"') == 11
    assert 'Dự thảo <span class="count">(61)</span>' in second
    assert "<span>Trang 2/2</span>" in second
    assert "Trang sau" not in second
    assert re.search(r'href="/(\?draft_page=1)?"[^>]*>« Trang trước', second)


def test_an_item_shows_the_programme_as_it_is_now(db, world, browser):
    # Items are rendered once and reused while their row is unchanged: a change must show.
    secretary = browser(world.users["secretary"])
    item = f'href="/programmes/{world.programme.id}">Chương trình: {world.programme.title}<'
    assert item in secretary.get("/").get_data(as_text=True)

    world.programme.title = "Thực hiện Nghị quyết Đại hội chi bộ nhiệm kỳ mới"
    db.session.commit()
    page = secretary.get("/").get_data(as_text=True)
    assert item not in page
    assert "Chương trình: Thực hiện Nghị quyết Đại hội chi bộ nhiệm kỳ mới<" in page


def test_a_cached_item_says_overdue_once_its_deadline_passes(db, world, browser, monkeypatch):
    # The row does not change when the deadline passes; the item must still say quá hạn.
    programme = bring_to(world, "review")
    member = browser(world.users["committee"])
    before = page_text(member.get("/"))
    assert "Hạn cho ý kiến" in before and "(đã quá hạn)" not in before
    hits = item_cache._list_item.cache_info().hits
    assert "(đã quá hạn)" not in page_text(member.get("/"))
    assert item_cache._list_item.cache_info().hits > hits  # the item came from the cache

    passed = programme.review_deadline + timedelta(minutes=1)
    monkeypatch.setattr(deadlines, "utcnow", lambda: passed)  # the clock moves on, not the row
    [item] = re.findall(
        r'<li class="programme-item">.*?</li>', member.get("/").get_data(as_text=True), re.S
    )
    assert "programme-item__deadline--overdue" in item
    assert "(đã quá hạn)" in page_text(item)
    monkeypatch.undo()
    assert "(đã quá hạn)" not in page_text(member.get("/"))


def test_item_links_follow_the_mount_point(world, browser):
    # The same row under two mount points (e.g. behind a proxy at /chibo): each its own links.
    secretary = browser(world.users["secretary"])
    link = f'href="/programmes/{world.programme.id}"'
    assert link in secretary.get("/").get_data(as_text=True)
    mounted = secretary.get("/", base_url="http://localhost/chibo").get_data(as_text=True)
    assert f'href="/chibo/programmes/{world.programme.id}"' in mounted
    assert link not in mounted
    assert link in secretary.get("/").get_data(as_text=True)


def test_a_page_number_past_the_end_shows_an_empty_page(world, browser):
    secretary = browser(world.users["secretary"])
    for page in ("99", "10000000000000000000000"):  # the second would overflow an SQL OFFSET
        response = secretary.get(f"/?draft_page={page}")
        assert response.status_code == 200
        shown = response.get_data(as_text=True)
        assert 'class="programme-item"' not in shown
        assert "Không có chương trình nào." in shown
        assert "« Trang trước" in shown
