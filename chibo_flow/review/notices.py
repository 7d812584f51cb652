"""Review notifications: who is told what, and what each email says.

They are Delivery rows like the final copy (same outbox, relay, worker and log), written in the
transaction of the transition that causes them and queued after commit. Each goes to named
people, never to everyone holding a role somewhere:

- submit: each committee member of the org except the submitter — `resubmitted` (with what
  changed since the revision they voted on) to those who voted in an earlier round,
  `review_request` to the others; both carry a signed link to the review page;
- request_changes: the submitter, with the reason (`changes_requested`);
- the approval that passes the programme: the org's secretaries and committee (`approved_notice`);
- reminders and escalations come from chibo_flow.review.reminders.
"""

from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.extensions import db
from chibo_flow.models import Comment, Delivery, Programme, Revision, User, Vote
from chibo_flow.models.programmes import State
from chibo_flow.models.users import Role
from chibo_flow.notifications.outbox import new_message_id
from chibo_flow.review.diff import diff_documents
from chibo_flow.review.links import review_url
from chibo_flow.review.rounds import reviewers, round_status

KINDS = tuple(messages.NOTICE_SUBJECTS)
# Kinds whose email links to the review page with a signed link (the others: the programme).
REVIEW_LINK_KINDS = frozenset({"review_request", "resubmitted", "reminder"})


def round_key(programme: Programme) -> str:
    """The notice key of the programme's current review round ("r2")."""
    return f"r{programme.review_round}"


def write_notices(programme: Programme, kind: str, people: Iterable[User], key: str) -> list[int]:
    """One pending Delivery of `kind` per person about the current revision, once per address
    and `key` (people already notified under `key` are skipped); returns the new rows' ids."""
    notified = set(
        db.session.scalars(
            select(Delivery.address).where(
                Delivery.programme_id == programme.id,
                Delivery.revision_id == programme.current_revision_id,
                Delivery.kind == kind,
                Delivery.notice_key == key,
            )
        )
    )
    rows = []
    for person in people:
        address = person.email.strip().lower()
        if address in notified:
            continue
        notified.add(address)
        rows.append(
            Delivery(
                programme_id=programme.id,
                revision_id=programme.current_revision_id,
                kind=kind,
                notice_key=key,
                address=address,
                name=person.name,
                line="",
                purpose="none",
                message_id=new_message_id(),
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    return [row.id for row in rows]


def write_transition_notices(programme: Programme, action: str) -> list[int]:
    """The notifications `action` (just applied to `programme`) sends; returns the row ids."""
    key = round_key(programme)
    if action == "submit":
        voted_before = set(
            db.session.scalars(
                select(Vote.user_id).where(
                    Vote.programme_id == programme.id, Vote.review_round < programme.review_round
                )
            )
        )
        people = reviewers(programme)
        again = [user for user in people if user.id in voted_before]
        first = [user for user in people if user.id not in voted_before]
        return write_notices(programme, "resubmitted", again, key) + write_notices(
            programme, "review_request", first, key
        )
    if action == "request_changes" and programme.submitted_by is not None:
        return write_notices(programme, "changes_requested", [programme.submitted_by], key)
    if action == "approve" and programme.state == State.APPROVED:
        org = programme.org
        people = org.members_with_role(Role.SECRETARY) + org.members_with_role(Role.COMMITTEE)
        return write_notices(programme, "approved_notice", people, key)
    return []


def after_commit_send(delivery_ids: list[int]) -> Callable[[], None]:
    """What to run after commit: queue these rows (with the broker down they stay pending and
    the relay queues them later)."""

    def dispatch() -> None:
        from chibo_flow.notifications.relay import enqueue_deliveries

        enqueue_deliveries(delivery_ids)

    return dispatch


# --- what the emails say ----------------------------------------------------------------------


def round_of(key: str) -> int:
    """The review round in a notice key ("r2" or "r2-i3" → 2)."""
    return int(key.split("-")[0].removeprefix("r") or 0)


def interval_of(key: str) -> int:
    """The reminder interval in a notice key ("r2-i3" → 3; 0 when there is none)."""
    _, _, interval = key.partition("-i")
    return int(interval or 0)


def notice_subject(delivery: Delivery) -> str:
    """The Vietnamese subject line of a notification."""
    programme = delivery.programme
    return messages.NOTICE_SUBJECTS[delivery.kind].format(
        org=programme.org.name, title=programme.title, number=programme.number or ""
    )


def notice_context(delivery: Delivery) -> dict[str, Any]:
    """What the templates email/<kind>.txt and .html need for one notification."""
    programme = delivery.programme
    recipient = db.session.scalar(select(User).where(User.email == delivery.address))
    number = round_of(delivery.notice_key)
    revision = db.session.get(Revision, delivery.revision_id)
    public = current_app.config["PUBLIC_URL"]
    context: dict[str, Any] = {
        "delivery": delivery,
        "programme": programme,
        "org": programme.org,
        "recipient_name": recipient.name if recipient else delivery.name,
        "round": number,
        "revision": revision,
        "status": round_status(programme, number),
        "link": f"{public}/programmes/{programme.id}",
    }
    if delivery.kind in REVIEW_LINK_KINDS and recipient is not None:
        context["link"] = review_url(recipient.id, programme.id, delivery.revision_id)
    if delivery.kind == "resubmitted" and recipient is not None:
        context["changes"] = _changes_since_vote(programme, recipient, revision)
    elif delivery.kind == "changes_requested":
        context["reason"] = _reason(programme, number)
    elif delivery.kind in ("reminder", "escalation"):
        org = programme.org
        every = org.reminder_after_days if delivery.kind == "reminder" else org.escalate_after_days
        context["days"] = every * interval_of(delivery.notice_key)
    return context


def _changes_since_vote(programme: Programme, user: User, revision: Revision) -> list[str]:
    """The "what changed" lines from the revision `user` last voted on to `revision`."""
    voted_on = db.session.scalar(
        select(Revision)
        .join(Vote, Vote.revision_id == Revision.id)
        .where(Vote.programme_id == programme.id, Vote.user_id == user.id)
        .order_by(Vote.review_round.desc())
        .limit(1)
    )
    if voted_on is None or voted_on.id == revision.id:
        return []
    return diff_documents(voted_on.content, revision.content).summary()


def _reason(programme: Programme, number: int) -> Comment | None:
    """The comment that gave the reason for the changes requested in round `number`."""
    return db.session.scalar(
        select(Comment)
        .join(Vote, Comment.vote_id == Vote.id)
        .where(
            Vote.programme_id == programme.id,
            Vote.review_round == number,
            Vote.decision == "request_changes",
        )
        .limit(1)
    )
