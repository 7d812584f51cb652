"""Helpers for the web tests: reading pages as a user sees them, pressing buttons, snapshots."""

import html
import re
from dataclasses import dataclass

from sqlalchemy import func, select

from chibo_flow.models import AuditEvent, Org, Programme, Revision, User, Vote
from chibo_flow.workflow import apply_transition


@dataclass
class World:
    """An org, another org, people by key and the seed programme as a draft."""

    org: Org
    other_org: Org
    users: dict[str, User]
    programme: Programme


def page_text(page) -> str:
    """The visible text of a page (a response or HTML): tags dropped (<wbr> without a space),
    entities decoded, spaces (no-break ones too) collapsed."""
    body = page if isinstance(page, str) else page.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<wbr\s*/?>", "", body)  # a place a line may wrap, not a space
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def textarea(response, name: str = "text") -> str:
    """The text inside a page's <textarea name=...>, as the browser would show it."""
    match = re.search(
        rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', response.get_data(as_text=True), re.S
    )
    assert match, f"no textarea {name!r}"
    text = html.unescape(match.group(1))
    return re.sub(r"^\r?\n", "", text, count=1)  # browsers drop one newline after <textarea>


def flashes(response, category: str | None = None) -> list[str]:
    """The flashed messages shown on a page (optionally of one category)."""
    wanted = category or r"[a-z]+"
    found = re.findall(
        rf'<p class="flash flash--{wanted}"[^>]*>(.*?)</p>', response.get_data(as_text=True), re.S
    )
    return [html.unescape(text) for text in found]


def transition(client, programme_id: int, action: str, version: int, comment: str | None = None):
    """Press one action button on the programme page (a form post) and follow the redirect."""
    data = {"action": action, "version": str(version)}
    if comment is not None:
        data["comment"] = comment
    return client.post(f"/programmes/{programme_id}/transition", data=data, follow_redirects=True)


def snapshot(db, programme_id: int) -> tuple:
    """What a refused action must leave unchanged: state, version, revisions, votes, audit rows."""
    db.session.expire_all()
    programme = db.session.get(Programme, programme_id)

    def count(model) -> int:
        return db.session.scalar(
            select(func.count()).select_from(model).where(model.programme_id == programme_id)
        )

    return (programme.state, programme.version, count(Revision), count(Vote), count(AuditEvent))


def bring_to(world: World, state: str) -> Programme:
    """Move the world's programme to `state` through the workflow (submit, then two approvals)."""
    programme = world.programme
    if state in ("review", "approved"):
        apply_transition(programme, "submit", world.users["secretary"], version=programme.version)
    if state == "approved":
        for key in ("committee", "committee2"):
            apply_transition(programme, "approve", world.users[key], version=programme.version)
    assert programme.state == state
    return programme
