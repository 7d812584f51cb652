"""Review notifications: who is told what, and what each email says.

They are Delivery rows like the final copy (same dispatcher, relay, worker and log): the
dispatcher (chibo_flow.notifications.dispatcher) expands each domain event into the notices
`notices_for` lists. Each goes to named people, never to everyone holding a role somewhere:

- submitted: each committee member of the org except the submitter — `resubmitted` (with what
  changed since the revision they voted on) to those who voted in an earlier round,
  `review_request` to the others; both carry a signed link to the review page;
- each opinion "không tán thành" (request_changes), whether or not it closes the round: the
  submitter and the org's secretaries, with its reason (`changes_requested`);
- approved: the org's secretaries and committee (`approved_notice`);
- reminder_due, escalation_due, deadline_near and deadline_passed (recorded by
  chibo_flow.review.reminders): the people named (deadline_near: the members who have not
  answered, with a signed link; deadline_passed: the secretaries, naming who has not answered).
"""

from typing import Any

from flask import current_app
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.directory import REQUEST_NOTICE, request_context
from chibo_flow.documents.format import SECRET
from chibo_flow.extensions import db
from chibo_flow.models import (
    Comment,
    Delivery,
    DomainEvent,
    EventKind,
    Programme,
    Revision,
    User,
    Vote,
)
from chibo_flow.models.users import Role
from chibo_flow.notifications.notice import Notice
from chibo_flow.review.diff import diff_documents
from chibo_flow.review.links import review_url
from chibo_flow.review.rounds import reviewers, round_status

KINDS = tuple(messages.NOTICE_SUBJECTS)
# Kinds whose email links to the review page with a signed link (the others: the programme).
REVIEW_LINK_KINDS = frozenset({"review_request", "resubmitted", "reminder", "deadline_near"})
# The notice kind of the events that name their people (data["people"]: user ids).
NAMED_PEOPLE = {
    EventKind.REMINDER_DUE: "reminder",
    EventKind.ESCALATION_DUE: "escalation",
    EventKind.DEADLINE_PASSED: "deadline_passed",
    EventKind.DEADLINE_NEAR: "deadline_near",
}


def round_key(number: int) -> str:
    """The notice key of review round `number` ("r2")."""
    return f"r{number}"


def notices_for(event: DomainEvent, programme: Programme) -> list[Notice]:
    """The review notifications a domain event causes (none for most kinds)."""
    data = event.data
    if event.kind == EventKind.SUBMITTED:
        key = round_key(data["round"])
        voted_before = set(
            db.session.scalars(
                select(Vote.user_id).where(
                    Vote.programme_id == programme.id, Vote.review_round < data["round"]
                )
            )
        )
        people = reviewers(programme)
        return [
            Notice("resubmitted", key, [user for user in people if user.id in voted_before]),
            Notice("review_request", key, [user for user in people if user.id not in voted_before]),
        ]
    if event.kind == EventKind.OPINION_CAST and data["decision"] == "request_changes":
        # Each disapproval, whether or not it closes the round: its own key names the opinion.
        people = [programme.submitted_by] if programme.submitted_by else []
        people += programme.org.members_with_role(Role.SECRETARY)
        key = f"{round_key(data['round'])}-v{data.get('vote', 0)}"
        return [Notice("changes_requested", key, people)]
    if event.kind == EventKind.APPROVED:
        org = programme.org
        people = org.members_with_role(Role.SECRETARY) + org.members_with_role(Role.COMMITTEE)
        return [Notice("approved_notice", round_key(data["round"]), people)]
    if event.kind in NAMED_PEOPLE:
        people = db.session.scalars(select(User).where(User.id.in_(data["people"])))
        by_id = {user.id: user for user in people}
        named = [by_id[i] for i in data["people"] if i in by_id]
        return [Notice(NAMED_PEOPLE[event.kind], event.key, named)]
    return []


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
    secret = programme.secrecy == SECRET
    return messages.NOTICE_SUBJECTS[delivery.kind].format(
        org=programme.org.name,
        title=messages.NOTICE_SECRET_TITLE if secret else programme.title,
        number=programme.number or "",
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
        # A "mật" draft's trích yếu, text, changes and reasons never leave by email.
        "secret": programme.secrecy == SECRET,
        "named_title": "mật" if programme.secrecy == SECRET else f"“{programme.title}”",
    }
    if delivery.kind in REVIEW_LINK_KINDS and recipient is not None:
        context["link"] = review_url(recipient.id, programme.id, delivery.revision_id)
    if delivery.kind == "resubmitted" and recipient is not None and not context["secret"]:
        context["changes"] = _changes_since_vote(programme, recipient, revision)
    elif delivery.kind == "changes_requested":
        context["reason"] = _reason(programme, number, vote_of(delivery.notice_key))
    elif delivery.kind == REQUEST_NOTICE:
        context |= request_context(delivery)
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


def vote_of(key: str) -> int | None:
    """The opinion named in a notice key ("r2-v17" → 17; None for keys of old notices)."""
    _, _, vote = key.partition("-v")
    return int(vote) if vote.isdigit() else None


def _reason(programme: Programme, number: int, vote_id: int | None) -> Comment | None:
    """The comment that gave the reason of disapproval `vote_id` (old notices: the round's
    first)."""
    statement = (
        select(Comment)
        .join(Vote, Comment.vote_id == Vote.id)
        .where(
            Vote.programme_id == programme.id,
            Vote.review_round == number,
            Vote.decision == "request_changes",
        )
        .order_by(Vote.id)
        .limit(1)
    )
    if vote_id is not None:
        statement = statement.where(Vote.id == vote_id)
    return db.session.scalar(statement)
