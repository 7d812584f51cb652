"""The superior committee's overview page: each chi bộ directly under it and where its
programme of the year stands, with links to the ones it received; the same number of SQL
statements for 10 and for 500 chi bộ."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event, insert

from chibo_flow.models import Org, Programme
from chibo_flow.models._types import utcnow
from chibo_flow.timefmt import local_date
from tests.web.support import page_text

STATES = ("draft", "review", "approved")


@contextmanager
def counted(engine):
    """Count the SQL statements sent to `engine` inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def add_children(db, parent: Org, author_id: int, count: int) -> None:
    """`count` chi bộ under `parent`, three of every four with a programme this year (a draft, in
    review or approved, in turn), written directly as rows."""
    start = db.session.query(Org).count()
    db.session.execute(insert(Org), [
        {"name": f"Chi bộ số {start + n:04d}", "code": "CB", "parent_id": parent.id,
         "place": "Tiên Cường", "created_at": utcnow()} for n in range(count)
    ])  # fmt: skip
    children = db.session.query(Org.id).filter(Org.parent_id == parent.id).all()
    now = utcnow()
    rows = []
    for n, (org_id,) in enumerate(children):
        if n % 4 == 3:
            continue
        state = STATES[n % 3]
        rows.append({"org_id": org_id, "state": state, "version": 1, "title": "HÀNH ĐỘNG",
                     "doc_type": "CHƯƠNG TRÌNH", "created_by_id": author_id, "created_at": now,
                     "updated_at": now, "review_round": 0,
                     "approved_at": now if state == "approved" else None,
                     "number": f"{n + 1:02d}-CTr/CB" if state == "approved" else None,
                     "number_seq": n + 1 if state == "approved" else None})  # fmt: skip
    if rows:
        db.session.execute(insert(Programme), rows)
    db.session.commit()


def test_the_overview_page(lien, approved, login_as, client, make):
    received = approved(0, "HÀNH ĐỘNG NĂM 2026")
    quiet = make.org("Chi bộ Thôn Nam", code="CB", parent=lien.parent)
    login_as(lien.people["thuongtruc"])
    page = client.get(f"/so-van-ban/{lien.parent.id}/tong-hop")
    assert page.status_code == 200
    text = page_text(page)
    year = local_date(received.approved_at).year
    assert f"Chương trình năm {year}" in text
    assert "Đã thông qua: 1/3 tổ chức." in text
    assert lien.cells[1].name in text and quiet.name in text
    assert text.count("Chưa có") == 2
    # The one it received opens from here; the page stacks at phone width.
    body = page.get_data(as_text=True)
    assert f'href="/programmes/{received.id}"' in body
    assert 'class="stack register register--overview"' in body
    assert client.get(f"/programmes/{received.id}", follow_redirects=True).status_code == 200
    # Another year, another type: nothing filed.
    other = page_text(client.get(f"/so-van-ban/{lien.parent.id}/tong-hop?nam={year - 1}"))
    assert "Đã thông qua: 0/3 tổ chức." in other
    other = page_text(client.get(f"/so-van-ban/{lien.parent.id}/tong-hop?loai=kế hoạch"))
    assert "Kế hoạch năm" in other and "Đã thông qua: 0/3 tổ chức." in other
    for wrong in ("99999", "hai-nghin"):  # refused in words, as the API refuses them
        bad = client.get(f"/so-van-ban/{lien.parent.id}/tong-hop?nam={wrong}")
        assert bad.status_code == 422 and "Năm phải là một số" in page_text(bad)


@pytest.mark.parametrize("key", ["secretary0", "parent_member", "unrelated"])
def test_only_the_superior_committee_sees_its_overview(lien, login_as, client, key):
    login_as(lien.people[key])
    assert client.get(f"/so-van-ban/{lien.parent.id}/tong-hop").status_code == 404


def test_statements_do_not_grow_with_the_number_of_orgs(lien, approved, login_as, client, db):
    approved(0, "HÀNH ĐỘNG NĂM 2026")
    author = lien.people["secretary0"].id
    login_as(lien.people["thuongtruc"])
    path = f"/so-van-ban/{lien.parent.id}/tong-hop"
    client.get(path)  # warm up (first-request work)
    counts = {}
    for total in (10, 500):
        add_children(db, lien.parent, author, total - db.session.query(Org).filter(
            Org.parent_id == lien.parent.id).count())  # fmt: skip
        with counted(db.engine) as statements:
            page = client.get(path)
        assert page.status_code == 200
        assert page_text(page).count("Chi bộ số") == total - 2
        counts[total] = len(statements)
    assert counts[10] == counts[500], counts
