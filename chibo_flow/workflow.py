"""THE workflow: one transition table and the one function that applies a transition.

Views, API and CLI call `apply_transition` (or `create_programme`); nothing else changes a
programme's state. Each call is one database transaction: permission and version checks, state,
audit row, and on approval the number and the Delivery rows (the outbox). Celery is asked to
send only after commit.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from chibo_flow import messages
from chibo_flow.documents.numbering import assign_number
from chibo_flow.extensions import db
from chibo_flow.models import AuditEvent, Delegation, Org, Programme, Revision, User, Vote
from chibo_flow.models._types import utcnow
from chibo_flow.models.programmes import State
from chibo_flow.models.users import Role
from chibo_flow.notifications.outbox import after_commit_dispatch, write_final_copy_deliveries
from chibo_flow.recipients import resolve_recipients
from chibo_flow.review.notices import after_commit_send, write_transition_notices
from chibo_flow.security.limits import document_too_long
from chibo_flow.timefmt import local_date


class WorkflowError(Exception):
    """A refused transition; `status` and `code` map it to HTTP and JSON."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(WorkflowError):
    """The actor may not do this (403)."""

    status = 403
    code = "forbidden"


class Conflict(WorkflowError):
    """Stale version or a repeated action (409)."""

    status = 409
    code = "conflict"


class Invalid(WorkflowError):
    """The request is well-formed but cannot be applied (422)."""

    status = 422
    code = "invalid"


@dataclass(frozen=True)
class Transition:
    """One row of the table: from which states, by which roles, to which state."""

    sources: frozenset[State]
    target: State
    roles: frozenset[Role]
    comment_required: bool = False
    submitter_may: bool = False  # the submitter may act even without the role


NUMBER_RETRIES = 5
# Votes a committee member may let a delegate cast for them.
DELEGABLE = frozenset({"approve", "request_changes"})

TRANSITIONS: dict[str, Transition] = {
    "edit": Transition(frozenset({State.DRAFT}), State.DRAFT, frozenset({Role.SECRETARY})),
    "submit": Transition(frozenset({State.DRAFT}), State.REVIEW, frozenset({Role.SECRETARY})),
    # approve reaches APPROVED only once enough votes are in; until then it stays in REVIEW.
    "approve": Transition(frozenset({State.REVIEW}), State.APPROVED, frozenset({Role.COMMITTEE})),
    "request_changes": Transition(
        frozenset({State.REVIEW}), State.DRAFT, frozenset({Role.COMMITTEE}), comment_required=True
    ),
    "withdraw": Transition(
        frozenset({State.REVIEW}), State.DRAFT, frozenset({Role.SECRETARY}), submitter_may=True
    ),
}


def may(actor: User, programme: Programme, action: str, on_behalf_of: User | None = None) -> bool:
    """True if the table lets `actor` do `action` on `programme` in its current state; with
    `on_behalf_of`, as that member's delegate (their role, their one vote)."""
    rule = TRANSITIONS.get(action)
    if rule is None or programme.state not in rule.sources:
        return False
    voter = actor
    if on_behalf_of is not None:
        if action not in DELEGABLE or not is_delegate(actor, on_behalf_of, programme.org):
            return False
        voter = on_behalf_of
    elif rule.submitter_may and programme.submitted_by_id == actor.id:
        return True
    if not all(
        any(person.has_role(role, programme.org) for role in rule.roles)
        for person in {actor, voter}
    ):
        return False
    # The submitter casts no opinion on their own submission, nor does anyone for them.
    if action in DELEGABLE and programme.submitted_by_id in (actor.id, voter.id):
        return False
    # One vote per member per round, whoever casts it.
    return action not in DELEGABLE or not _has_voted(programme, voter)


def is_delegate(actor: User, member: User, org: Org) -> bool:
    """True if `member` has delegated their vote in `org` to `actor` for today."""
    today = local_date(utcnow())
    return any(d.from_user_id == member.id for d in Delegation.active_for(org.id, actor.id, today))


def allowed_actions(actor: User, programme: Programme) -> list[str]:
    """The actions `actor` may take now, in table order (for buttons and API hints)."""
    return [action for action in TRANSITIONS if may(actor, programme, action)]


def create_programme(org: Org, actor: User, doc: dict[str, Any]) -> Programme:
    """Create a draft from a ProgrammeDoc dict; raises NotAllowed (not secretary) or Invalid."""
    if not actor.has_role(Role.SECRETARY, org):
        raise NotAllowed(messages.FORBIDDEN)
    _check_content(doc)
    programme = Programme(org=org, created_by_id=actor.id, state=State.DRAFT)
    db.session.add(programme)
    _new_revision(programme, actor, doc)
    _audit(programme, actor, "create", None, State.DRAFT, None)
    db.session.commit()
    return programme


def apply_transition(
    programme: Programme,
    action: str,
    actor: User,
    *,
    version: int | None,
    comment: str | None = None,
    doc: dict[str, Any] | None = None,
    anchor: list[str] | None = None,
    on_behalf_of: User | None = None,
) -> Programme:
    """Apply `action` in one transaction; raises NotAllowed, Conflict or Invalid, changing nothing.

    `anchor` is the heading path the request-changes reason is about (None: the whole
    document); `on_behalf_of` is the member whose vote a delegate casts.
    """
    for attempt in range(NUMBER_RETRIES):
        try:
            dispatch = _apply(
                programme,
                action,
                actor,
                version=version,
                comment=comment,
                doc=doc,
                anchor=anchor,
                on_behalf_of=on_behalf_of,
            )
            db.session.commit()
            break
        except StaleDataError as exc:
            db.session.rollback()
            raise Conflict(messages.STALE_VERSION) from exc
        except IntegrityError as exc:
            # Another approval took the same number (retry with the next one), or a
            # double-clicked vote (the retry then finds the vote and refuses it).
            db.session.rollback()
            if attempt == NUMBER_RETRIES - 1:
                raise Conflict(messages.STALE_VERSION) from exc
        except WorkflowError:
            db.session.rollback()
            raise
    for step in dispatch:
        step()
    return programme


def _apply(
    programme: Programme,
    action: str,
    actor: User,
    *,
    version: int | None,
    comment: str | None,
    doc: dict[str, Any] | None,
    anchor: list[str] | None,
    on_behalf_of: User | None,
) -> list[Callable[[], None]]:
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise Invalid(messages.BAD_REQUEST)
    # The programme's transitions run one at a time (a row lock on PostgreSQL; SQLite has one
    # writer anyway), each on the latest committed row: a vote counts every vote before it.
    db.session.refresh(programme, with_for_update=True)
    if version is None or version != programme.version:
        raise Conflict(messages.STALE_VERSION)
    if programme.state not in rule.sources:
        raise NotAllowed(messages.TRANSITION_NOT_ALLOWED)
    voter = on_behalf_of or actor
    if action in DELEGABLE and actor.id == programme.submitted_by_id:
        raise NotAllowed(messages.SELF_APPROVAL)
    if action in DELEGABLE and voter.id == programme.submitted_by_id:
        raise NotAllowed(messages.REVIEW_ON_BEHALF_SELF_APPROVAL)
    if on_behalf_of is not None and not is_delegate(actor, on_behalf_of, programme.org):
        raise NotAllowed(messages.REVIEW_NOT_DELEGATE)
    if not may(actor, programme, action, on_behalf_of):
        if action in DELEGABLE and _has_voted(programme, voter):
            if on_behalf_of is not None:
                raise Conflict(messages.REVIEW_ALREADY_VOTED_FOR.format(name=voter.name))
            raise Conflict(messages.ALREADY_VOTED)
        raise NotAllowed(messages.FORBIDDEN)
    comment = (comment or "").strip() or None
    if rule.comment_required and not comment:
        raise Invalid(messages.COMMENT_REQUIRED)

    from_state = State(programme.state)
    dispatch: list[Callable[[], None]] = []
    data: dict[str, Any] = {}
    if on_behalf_of is not None:
        data["on_behalf_of"] = {"id": on_behalf_of.id, "name": on_behalf_of.name}
    if action == "edit":
        if doc is None:
            raise Invalid(messages.EMPTY_DOCUMENT)
        _check_content(doc)
        _new_revision(programme, actor, doc)
    elif action == "submit":
        _check_submittable(programme)
        programme.review_round += 1
        programme.submitted_by_id = actor.id
        programme.state = State.REVIEW
    elif action == "approve":
        _record_vote(programme, actor, voter, "approve")
        if approvals_received(programme) >= programme.org.required_approvals():
            programme.state = State.APPROVED
            programme.approved_at = utcnow()
            assign_number(programme)
            write_final_copy_deliveries(programme)
            dispatch.append(after_commit_dispatch(programme.id))
    elif action == "request_changes":
        # The reason starts a comment thread anchored where the reviewer chose.
        from chibo_flow.review.threads import start_thread

        vote = _record_vote(programme, actor, voter, "request_changes")
        thread = start_thread(programme, actor, comment, anchor, vote=vote)
        data.update(thread=thread.id, anchor=thread.anchor or [])
        programme.state = State.DRAFT
    elif action == "withdraw":
        programme.state = State.DRAFT
    programme.updated_at = utcnow()
    # A vote that does not decide the programme changes neither its text nor its state, so it
    # keeps the version: members voting from the same page at the same time all count.
    if action not in DELEGABLE or programme.state != from_state:
        programme.version += 1
    data.update(round=programme.review_round, revision=programme.current_revision.seq)
    _audit(programme, actor, action, from_state, State(programme.state), comment, data)
    notices = write_transition_notices(programme, action)
    if notices:
        dispatch.append(after_commit_send(notices))
    return dispatch


def approvals_received(programme: Programme) -> int:
    """Approvals that count in the current review round (the submitter's own never counts)."""
    db.session.flush()
    return db.session.scalar(
        select(func.count(Vote.id)).where(
            Vote.programme_id == programme.id,
            Vote.review_round == programme.review_round,
            Vote.decision == "approve",
            Vote.user_id != programme.submitted_by_id,
        )
    )


def _has_voted(programme: Programme, voter: User) -> bool:
    """True if `voter` (themselves or through a delegate) has voted in the current round."""
    return (
        db.session.scalar(
            select(Vote.id).where(
                Vote.programme_id == programme.id,
                Vote.review_round == programme.review_round,
                Vote.user_id == voter.id,
            )
        )
        is not None
    )


def _record_vote(programme: Programme, actor: User, voter: User, decision: str) -> Vote:
    vote = Vote(
        programme_id=programme.id,
        revision_id=programme.current_revision_id,
        review_round=programme.review_round,
        user_id=voter.id,
        cast_by_id=actor.id if actor.id != voter.id else None,
        decision=decision,
    )
    db.session.add(vote)
    db.session.flush()
    return vote


def _new_revision(programme: Programme, actor: User, doc: dict[str, Any]) -> Revision:
    db.session.flush()
    last = db.session.scalar(
        select(func.max(Revision.seq)).where(Revision.programme_id == programme.id)
    )
    revision = Revision(
        programme_id=programme.id, seq=(last or 0) + 1, content=doc, created_by_id=actor.id
    )
    db.session.add(revision)
    db.session.flush()
    programme.current_revision = revision
    programme.title = doc.get("title") or ""
    programme.doc_type = doc.get("doc_type") or "CHƯƠNG TRÌNH"
    return revision


def _check_content(doc: dict[str, Any]) -> None:
    """Raises Invalid for a document without a body or too long to keep and lay out."""
    if not doc.get("sections") and not doc.get("title"):
        raise Invalid(messages.EMPTY_DOCUMENT)
    too_long = document_too_long(doc)
    if too_long:
        raise Invalid(too_long)


def _check_submittable(programme: Programme) -> None:
    """Raises Invalid unless the content is complete and every recipient line is resolved."""
    doc = programme.doc
    _check_content(doc)
    if not doc.get("sections"):
        raise Invalid(messages.NO_SECTIONS)
    if not doc.get("recipients"):
        raise Invalid(messages.NO_RECIPIENTS)
    lines = resolve_recipients(programme.org, doc["recipients"])
    unresolved = [line.label for line in lines if not line.resolved]
    if unresolved:
        raise Invalid(messages.UNRESOLVED_RECIPIENTS.format(lines="; ".join(unresolved)))


def _audit(
    programme: Programme,
    actor: User,
    action: str,
    from_state: State | None,
    to_state: State,
    comment: str | None,
    data: dict[str, Any] | None = None,
) -> None:
    db.session.add(
        AuditEvent(
            programme_id=programme.id,
            actor_id=actor.id,
            action=action,
            from_state=from_state,
            to_state=to_state,
            comment=comment,
            data=data or None,
        )
    )


__all__ = [
    "TRANSITIONS",
    "Conflict",
    "Invalid",
    "NotAllowed",
    "WorkflowError",
    "allowed_actions",
    "apply_transition",
    "approvals_received",
    "create_programme",
    "is_delegate",
    "may",
]
