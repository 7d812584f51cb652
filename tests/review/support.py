"""Helpers for the review tests: editing a section, reading the rows a transition wrote."""

from sqlalchemy import select

from chibo_flow.models import Delivery, Programme
from tests.web.support import page_text, textarea

# The seed's section II and the edit the secretary makes after member 2 asks for it.
SECTION_II = ["II. Nhiệm vụ trọng tâm"]
OLD_WORDS = "Đảm bảo 100% CBĐV trong chi bộ"
NEW_WORDS = "Đảm bảo 100% cán bộ, đảng viên trong chi bộ"


def edit_text(client, programme: Programme, old: str, new: str):
    """The secretary replaces `old` by `new` in the draft through the edit page and saves."""
    page = client.get(f"/programmes/{programme.id}/edit")
    text = textarea(page)
    assert old in text
    return client.post(
        f"/programmes/{programme.id}/edit",
        data={"text": text.replace(old, new), "version": str(programme.version), "save": "Lưu"},
        follow_redirects=True,
    )


def notices(db, programme_id: int, kind: str | None = None) -> list[tuple[str, str, str]]:
    """(kind, address, notice key) of the programme's notification rows, in order."""
    db.session.expire_all()
    query = select(Delivery).where(
        Delivery.programme_id == programme_id, Delivery.kind != "final_copy"
    )
    if kind is not None:
        query = query.where(Delivery.kind == kind)
    rows = db.session.scalars(query.order_by(Delivery.id))
    return [(row.kind, row.address, row.notice_key) for row in rows]


def vote(client, programme: Programme, action: str, **fields):
    """Press a vote button on the review page (a form post) and follow the redirect."""
    data = {"action": action, "version": str(programme.version), **fields}
    return client.post(f"/programmes/{programme.id}/review/vote", data=data, follow_redirects=True)


def review_text(client, programme: Programme) -> str:
    """The review page's visible text."""
    return page_text(client.get(f"/programmes/{programme.id}/review"))
