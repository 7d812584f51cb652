"""THE workflow: one transition table and the one function that applies a transition.

Views, API and CLI call `apply_transition` (or `create_programme`); nothing else changes a
programme's state. Each row of the table holds an action's rule (who, from which state) and its
effect; `refusal` is the one check, and the error it returns carries the reason. Applying is one
database transaction: checks, state, audit row and the domain events of what happened (the
outbox, chibo_flow.events), on approval with the number and the recipients frozen as of then.
Once committed the events are announced; this module knows nothing of email.
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from chibo_flow import events, messages
from chibo_flow.documents.format import (
    ORDINARY,
    REFUSED_SECRECY,
    SECRECY_MARKS,
    URGENCY_MARKS,
)
from chibo_flow.documents.numbering import assign_number
from chibo_flow.extensions import db
from chibo_flow.models import (
    AuditEvent,
    Delegation,
    DomainEvent,
    EventKind,
    MeetingVote,
    Org,
    Programme,
    Revision,
    User,
    Vote,
)
from chibo_flow.models._types import utcnow
from chibo_flow.models.programmes import State
from chibo_flow.models.users import Role
from chibo_flow.recipients import (
    LineResolution,
    freeze_recipients,
    resolve_recipients,
    take_snapshots,
)
from chibo_flow.review.deadlines import round_deadline
from chibo_flow.review.decision import reserving
from chibo_flow.review.meetings import check_meeting
from chibo_flow.review.rounds import reviewers
from chibo_flow.review.threads import start_thread
from chibo_flow.security.limits import document_too_long
from chibo_flow.timefmt import local_date
from chibo_flow.workflow_errors import Conflict, Invalid, NotAllowed, WorkflowError

NUMBER_RETRIES = 5


@dataclass
class Step:
    """One transition being applied: who acts (and for whom), with what, and what it records."""

    action: str
    programme: Programme
    actor: User
    on_behalf_of: User | None  # the member whose opinion a delegate gives
    comment: str | None
    doc: dict[str, Any] | None
    anchor: list[str] | None
    params: dict[str, Any] = field(default_factory=dict)  # the action's own input
    marks: dict[str, str] | None = None  # new `secrecy` and/or `urgency` of an edit
    data: dict[str, Any] = field(default_factory=dict)  # the audit row's data
    events: list[DomainEvent] = field(default_factory=list)

    @property
    def voter(self) -> User:
        """Whose opinion this is: the member a delegate acts for, else the actor."""
        return self.on_behalf_of or self.actor

    def record(self, kind: str, *, recipients: int = 0, **data: Any) -> None:
        """Record a domain event of this step."""
        event = events.record(self.programme, kind, self.actor, recipients=recipients, **data)
        self.events.append(event)


@dataclass(frozen=True)
class Transition:
    """One row of the table: the rule (from which states, by which roles, with which limits)
    and the effect, which changes the programme and records what happened."""

    sources: frozenset[State]
    roles: frozenset[Role]
    effect: Callable[[Step], None]
    comment_required: bool = False
    submitter_may: bool = False  # the submitter may act even without the role
    not_by_submitter: bool = False  # the submitter's own opinion does not count
    vote: bool = False  # acts on the member's one current opinion, which a delegate may give
    opinion: str | None = None  # the opinion the action gives (None: it gives none)
    retracts: bool = False  # takes the member's current opinion back
    # Sets whether the member's current "không tán thành" is reserved (bảo lưu ý kiến).
    reserves: bool | None = None


def decided(approvals: int, possible: int, required: int) -> str | None:
    """THE majority rule (tập trung dân chủ): "approved" once `approvals` reach `required`,
    "returned" once they can no longer (`possible`: members who have not disapproved), else
    None while the round stays open."""
    if approvals >= required:
        return "approved"
    if possible < required:
        return "returned"
    return None


def _edit(step: Step) -> None:
    if step.doc is None and not step.marks:
        raise Invalid(messages.EMPTY_DOCUMENT)
    if step.doc is not None:
        _check_content(step.doc)
        _new_revision(step.programme, step.actor, step.doc)
    changed = _set_marks(step.programme, step.marks)
    if changed:
        step.data["marks"] = changed
    step.record(EventKind.EDITED, revision=step.programme.current_revision.seq)


def _submit(step: Step) -> None:
    programme = step.programme
    take_snapshots(_check_submittable(programme))
    programme.review_round += 1
    programme.submitted_by_id = step.actor.id
    programme.state = State.REVIEW
    programme.review_deadline = round_deadline(programme, utcnow())
    step.data.update(deadline=programme.review_deadline.isoformat())
    step.record(
        EventKind.SUBMITTED,
        round=programme.review_round,
        required=programme.org.required_approvals(),
        members=len(reviewers(programme)),
        deadline=programme.review_deadline.isoformat(),
    )


def _approve(step: Step) -> None:
    _give_opinion(step)
    _close_if_decided(step)


def _request_changes(step: Step) -> None:
    # The reason starts a comment thread anchored where the member chose, and stays on the
    # opinion for the decision record.
    vote = _give_opinion(step)
    thread = start_thread(step.programme, step.actor, step.comment, step.anchor, vote=vote)
    step.data.update(thread=thread.id, anchor=thread.anchor or [])
    _close_if_decided(step)


def _retract_opinion(step: Step) -> None:
    # Taking an opinion back cannot decide the round: approvals only fall, possible ones rise.
    current = current_opinion(step.programme, step.voter)
    current.superseded_at = utcnow()
    step.data.update(retracted=current.decision, vote=current.id)
    step.record(
        EventKind.OPINION_CAST,
        decision="retracted",
        voter=step.voter.id,
        round=step.programme.review_round,
        vote=current.id,
    )


def _set_reservation(step: Step) -> None:
    # Whether a "không tán thành" stays on record if the majority approves; decides nothing.
    current = current_opinion(step.programme, step.voter)
    current.reserve = TRANSITIONS[step.action].reserves
    step.data.update(vote=current.id, reserve=current.reserve)


def _withdraw(step: Step) -> None:
    step.programme.state = State.DRAFT
    step.record(EventKind.WITHDRAWN, round=step.programme.review_round)
    _record_closed(step, "withdrawn")


def _extend_deadline(step: Step) -> None:
    programme, until = step.programme, step.params.get("deadline")
    if until is None:
        raise Invalid(messages.DEADLINE_REQUIRED)
    if until <= utcnow() or (programme.review_deadline and until <= programme.review_deadline):
        raise Invalid(messages.DEADLINE_NOT_LATER)
    step.data.update(
        previous=programme.review_deadline.isoformat() if programme.review_deadline else None,
        deadline=until.isoformat(),
    )
    programme.review_deadline = until


def _record_meeting_vote(step: Step) -> None:
    programme, meeting = step.programme, step.params["meeting"]
    members = len(programme.org.members_with_role(Role.COMMITTEE))
    media_type = check_meeting(meeting, members, local_date(utcnow()))
    row = MeetingVote(
        programme_id=programme.id,
        review_round=programme.review_round,
        revision_id=programme.current_revision_id,
        held_on=meeting.held_on,
        present=meeting.present,
        votes_for=meeting.votes_for,
        votes_against=meeting.votes_against,
        minutes=meeting.minutes,
        minutes_name=unicodedata.normalize("NFC", meeting.minutes_name)[:200] or "bien-ban",
        minutes_type=media_type,
        recorded_by_id=step.actor.id,
    )
    db.session.add(row)
    db.session.flush()
    step.data.update(meeting=row.id, held_on=meeting.held_on.isoformat(), present=meeting.present,
                     votes_for=meeting.votes_for, votes_against=meeting.votes_against)  # fmt: skip
    # At a meeting every vote is in: whoever did not vote for cannot approve any more.
    required = programme.org.required_approvals()
    outcome = decided(meeting.votes_for, meeting.votes_for, required)
    _close(step, outcome)


def _give_opinion(step: Step) -> Vote:
    """Record the voter's opinion (given by the actor, replacing their current one) and its
    event."""
    programme, actor, voter = step.programme, step.actor, step.voter
    decision = TRANSITIONS[step.action].opinion
    # The Party's rule: a member who does not agree keeps the right to their opinion, reserved
    # unless they say otherwise.
    reserve = step.params.get("reserve", True) if decision == "request_changes" else None
    if reserve is not None and not isinstance(reserve, bool):
        raise Invalid(messages.BAD_REQUEST)
    previous = current_opinion(programme, voter)
    if previous is not None:
        previous.superseded_at = utcnow()
        step.data.update(changed_from=previous.decision)
        db.session.flush()  # the one current opinion is the new one
    vote = Vote(
        programme_id=programme.id,
        revision_id=programme.current_revision_id,
        review_round=programme.review_round,
        user_id=voter.id,
        cast_by_id=actor.id if actor.id != voter.id else None,
        decision=decision,
        reason=step.comment if decision == "request_changes" else None,
        reserve=reserve,
    )
    db.session.add(vote)
    db.session.flush()
    step.data.update(vote=vote.id)
    if reserve is not None:
        step.data.update(reserve=reserve)
    step.record(EventKind.OPINION_CAST, decision=decision, voter=voter.id,
                round=programme.review_round, vote=vote.id)  # fmt: skip
    return vote


def _close_if_decided(step: Step) -> None:
    """Close the round when the opinions given decide it by the majority rule."""
    programme = step.programme
    members = {user.id for user in reviewers(programme)}
    current = [vote for vote in current_opinions(programme) if vote.user_id in members]
    approvals = sum(1 for vote in current if vote.decision == "approve")
    disapprovals = len(current) - approvals
    outcome = decided(approvals, len(members) - disapprovals, programme.org.required_approvals())
    if outcome is not None:
        _close(step, outcome)


def _close(step: Step, outcome: str) -> None:
    """Close the round as approved (numbered, recipients frozen) or returned to draft."""
    programme = step.programme
    if outcome == "returned":
        programme.state = State.DRAFT
        _record_closed(step, outcome)
        return
    programme.state = State.APPROVED
    programme.approved_at = utcnow()
    assign_number(programme)
    # The minority follows the majority; each disapproval held at the close and reserved by its
    # member stays on record.
    reserved = [{"vote": vote.id, "member": vote.user.name}
                for vote in reserving(programme, programme.review_round)]  # fmt: skip
    if reserved:
        step.data.update(reserved=reserved)
    _record_closed(step, outcome, reserved=reserved)
    frozen = freeze_recipients(programme.org, programme.doc.get("recipients", []))
    step.record(
        EventKind.APPROVED,
        recipients=frozen.size,
        number=programme.number,
        round=programme.review_round,
        lines=frozen.lines,
        groups=frozen.groups,
        orgs=frozen.orgs,
    )


def _record_closed(step: Step, outcome: str, **data: Any) -> None:
    programme = step.programme
    deadline = programme.review_deadline.isoformat() if programme.review_deadline else None
    step.data.update(outcome=outcome)
    step.record(EventKind.ROUND_CLOSED, outcome=outcome, round=programme.review_round,
                deadline=deadline, required=programme.org.required_approvals(),
                **data)  # fmt: skip


SECRETARY, COMMITTEE = frozenset({Role.SECRETARY}), frozenset({Role.COMMITTEE})
DRAFT, REVIEW = frozenset({State.DRAFT}), frozenset({State.REVIEW})
TRANSITIONS: dict[str, Transition] = {
    "edit": Transition(DRAFT, SECRETARY, _edit),
    "submit": Transition(DRAFT, SECRETARY, _submit),
    # An opinion closes the round only when it decides it (decided()); until then: REVIEW.
    "approve": Transition(
        REVIEW, COMMITTEE, _approve, not_by_submitter=True, vote=True, opinion="approve"
    ),
    "request_changes": Transition(
        REVIEW,
        COMMITTEE,
        _request_changes,
        comment_required=True,
        not_by_submitter=True,
        vote=True,
        opinion="request_changes",
    ),
    "retract_opinion": Transition(
        REVIEW, COMMITTEE, _retract_opinion, not_by_submitter=True, vote=True, retracts=True
    ),
    "reserve_opinion": Transition(
        REVIEW, COMMITTEE, _set_reservation, not_by_submitter=True, vote=True, reserves=True
    ),
    "unreserve_opinion": Transition(
        REVIEW, COMMITTEE, _set_reservation, not_by_submitter=True, vote=True, reserves=False
    ),
    "withdraw": Transition(REVIEW, SECRETARY, _withdraw, submitter_may=True),
    "extend_deadline": Transition(REVIEW, SECRETARY, _extend_deadline),
    "record_meeting_vote": Transition(REVIEW, SECRETARY, _record_meeting_vote),
}
# Actions a committee member may let a delegate take for them.
DELEGABLE = frozenset(action for action, rule in TRANSITIONS.items() if rule.vote)


def refusal(
    actor: User, programme: Programme, action: str, on_behalf_of: User | None = None
) -> WorkflowError | None:
    """The one check of the table: None if `actor` may do `action` on `programme` now (with
    `on_behalf_of`: as that member's delegate, their role, their one opinion), else the error
    that refuses it, carrying the reason."""
    rule = TRANSITIONS.get(action)
    if rule is None:
        return Invalid(messages.BAD_REQUEST)
    if programme.state not in rule.sources:
        return NotAllowed(messages.TRANSITION_NOT_ALLOWED)
    voter = on_behalf_of or actor
    if rule.not_by_submitter and actor.id == programme.submitted_by_id:
        return NotAllowed(messages.SELF_APPROVAL)
    if rule.not_by_submitter and voter.id == programme.submitted_by_id:
        return NotAllowed(messages.REVIEW_ON_BEHALF_SELF_APPROVAL)
    if on_behalf_of is not None:
        if not is_delegate(actor, on_behalf_of, programme.org):
            return NotAllowed(messages.REVIEW_NOT_DELEGATE)
        if not rule.vote:
            return NotAllowed(messages.FORBIDDEN)
    elif rule.submitter_may and programme.submitted_by_id == actor.id:
        return None
    for person in {actor, voter}:
        if not any(person.has_role(role, programme.org) for role in rule.roles):
            return NotAllowed(messages.FORBIDDEN)
    if not rule.vote:
        return None
    # One current opinion per member per round, whoever gives it; changeable, retractable.
    current = current_opinion(programme, voter)
    if rule.retracts and current is None:
        return Conflict(messages.NO_OPINION_TO_RETRACT)
    if rule.reserves is not None:
        if current is None or current.decision != "request_changes":
            return Conflict(messages.NO_DISSENT_TO_RESERVE)
        if current.reserve == rule.reserves:
            return Conflict(messages.RESERVE_UNCHANGED[rule.reserves])
    if rule.opinion and current is not None and current.decision == rule.opinion:
        if on_behalf_of is not None:
            return Conflict(messages.REVIEW_ALREADY_VOTED_FOR.format(name=voter.name))
        return Conflict(messages.ALREADY_VOTED)
    return None


def may(actor: User, programme: Programme, action: str, on_behalf_of: User | None = None) -> bool:
    """True if the table lets `actor` do `action` on `programme` in its current state."""
    return refusal(actor, programme, action, on_behalf_of) is None


def is_delegate(actor: User, member: User, org: Org) -> bool:
    """True if `member` has delegated their vote in `org` to `actor` for today."""
    today = local_date(utcnow())
    return any(d.from_user_id == member.id for d in Delegation.active_for(org.id, actor.id, today))


def allowed_actions(actor: User, programme: Programme) -> list[str]:
    """The actions `actor` may take now, in table order (for buttons and API hints)."""
    return [action for action in TRANSITIONS if may(actor, programme, action)]


def create_programme(
    org: Org, actor: User, doc: dict[str, Any], marks: dict[str, str] | None = None
) -> Programme:
    """Create a draft from a ProgrammeDoc dict with its `secrecy` and `urgency` (`marks`,
    default thường); raises NotAllowed (not secretary, or a closed org) or Invalid."""
    if not actor.has_role(Role.SECRETARY, org):
        raise NotAllowed(messages.FORBIDDEN)
    if org.closed_at is not None:
        raise NotAllowed(messages.ORG_CLOSED.format(org=org.name))
    _check_content(doc)
    _check_marks(marks)
    programme = Programme(
        org=org, created_by_id=actor.id, state=State.DRAFT, secrecy=ORDINARY, urgency=ORDINARY
    )
    db.session.add(programme)
    _new_revision(programme, actor, doc)
    changed = _set_marks(programme, marks)
    _audit(
        programme, actor, "create", None, State.DRAFT, None, {"marks": changed} if changed else None
    )
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
    params: dict[str, Any] | None = None,
    marks: dict[str, str] | None = None,
) -> Programme:
    """Apply `action` in one transaction; raises NotAllowed, Conflict or Invalid, changing nothing.

    `anchor` is the heading path the disapproval's reason is about (None: the whole
    document); `on_behalf_of` is the member whose opinion a delegate gives; `params` the
    action's own input (request_changes: `reserve`, default True; extend_deadline: `deadline`;
    record_meeting_vote: `meeting`); `marks`
    the new `secrecy` and/or `urgency` an edit sets. The domain events are announced after
    commit.
    """
    for attempt in range(NUMBER_RETRIES):
        step = Step(
            action, programme, actor, on_behalf_of, comment, doc, anchor, dict(params or {}), marks
        )
        try:
            _apply(step, action, version)
            recorded = events.pending(step.events)
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
    events.announce(recorded)
    return programme


def _apply(step: Step, action: str, version: int | None) -> None:
    programme = step.programme
    # The programme's transitions run one at a time (a row lock on PostgreSQL; SQLite has one
    # writer anyway), each on the latest committed row: a vote counts every vote before it.
    if action in TRANSITIONS:
        db.session.refresh(programme, with_for_update=True)
        if version is None or version != programme.version:
            raise Conflict(messages.STALE_VERSION)
    on_behalf_of = step.on_behalf_of
    refused = refusal(step.actor, programme, action, on_behalf_of)
    if refused is not None:
        raise refused
    rule = TRANSITIONS[action]
    step.comment = unicodedata.normalize("NFC", (step.comment or "").strip()) or None
    if rule.comment_required and not step.comment:
        raise Invalid(messages.COMMENT_REQUIRED)
    if on_behalf_of is not None:
        step.data["on_behalf_of"] = {"id": on_behalf_of.id, "name": on_behalf_of.name}
    from_state = State(programme.state)
    rule.effect(step)
    programme.updated_at = utcnow()
    # An opinion that does not decide the programme changes neither its text nor its state, so
    # it keeps the version: members giving opinions from the same page at once all count.
    if not rule.vote or programme.state != from_state:
        programme.version += 1
    step.data.update(round=programme.review_round, revision=programme.current_revision.seq)
    _audit(programme, step.actor, action, from_state, State(programme.state), step.comment,
           step.data)  # fmt: skip


def approvals_received(programme: Programme) -> int:
    """Approvals that count in the current review round (the submitter's own never counts)."""
    db.session.flush()
    return db.session.scalar(
        select(func.count(Vote.id)).where(
            Vote.programme_id == programme.id,
            Vote.review_round == programme.review_round,
            Vote.superseded_at.is_(None),
            Vote.decision == "approve",
            Vote.user_id != programme.submitted_by_id,
        )
    )


def current_opinions(programme: Programme) -> list[Vote]:
    """The members' current opinions in the current round."""
    db.session.flush()
    return list(
        db.session.scalars(
            select(Vote).where(
                Vote.programme_id == programme.id,
                Vote.review_round == programme.review_round,
                Vote.superseded_at.is_(None),
            )
        )
    )


def current_opinion(programme: Programme, voter: User) -> Vote | None:
    """`voter`'s current opinion in the current round (given themselves or by a delegate)."""
    return db.session.scalar(
        select(Vote).where(
            Vote.programme_id == programme.id,
            Vote.review_round == programme.review_round,
            Vote.user_id == voter.id,
            Vote.superseded_at.is_(None),
        )
    )


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


def _check_marks(marks: dict[str, str] | None) -> None:
    """Raises Invalid for a độ mật this system does not handle (tối mật, tuyệt mật) or an
    unknown độ mật / độ khẩn."""
    marks = marks or {}
    if marks.get("secrecy") in REFUSED_SECRECY:
        raise Invalid(messages.SECRECY_REFUSED)
    if marks.get("secrecy", ORDINARY) not in SECRECY_MARKS:
        raise Invalid(messages.SECRECY_UNKNOWN)
    if marks.get("urgency", ORDINARY) not in URGENCY_MARKS:
        raise Invalid(messages.URGENCY_UNKNOWN)


def _set_marks(programme: Programme, marks: dict[str, str] | None) -> dict[str, str]:
    """Set the programme's `secrecy` / `urgency` from `marks`; returns those that changed."""
    _check_marks(marks)
    changed = {
        name: value for name, value in (marks or {}).items() if getattr(programme, name) != value
    }
    for name, value in changed.items():
        setattr(programme, name, value)
    return changed


def _check_content(doc: dict[str, Any]) -> None:
    """Raises Invalid for a document without a body or too long to keep and lay out."""
    if not doc.get("sections") and not doc.get("title"):
        raise Invalid(messages.EMPTY_DOCUMENT)
    too_long = document_too_long(doc)
    if too_long:
        raise Invalid(too_long)


def _check_submittable(programme: Programme) -> list[LineResolution]:
    """Raises Invalid unless the content is complete and every recipient line is resolved;
    returns the lines."""
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
    return lines


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
    "allowed_actions",
    "apply_transition",
    "approvals_received",
    "create_programme",
    "current_opinion",
    "current_opinions",
    "decided",
    "is_delegate",
    "may",
    "refusal",
]
