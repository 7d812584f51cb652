"""The committee's decision as recorded: reserved opinions (bảo lưu ý kiến) and the decision
record of every round (biên bản tổng hợp ý kiến / kết quả biểu quyết).

Tập trung dân chủ: the minority follows the majority, and a member who still disagrees when the
round closes approved may keep their opinion on record. Their "không tán thành" current at the
close is that reserved opinion unless they chose "Không bảo lưu" (`Vote.reserve`, changeable
until the close): the workflow writes those reserved into the closing audit row and event, and
they are shown with the approved programme.

The record reads what the workflow wrote: each round's `submitted` and `round_closed` events
(when, by whom, on which draft, the rule as it stood, the outcome), every opinion given in it
(changed and taken back ones too, with delegates) and the vote taken at a meeting if any.
decision_pdf.py lays it out as a Party document (BIÊN BẢN).
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from chibo_flow.extensions import db
from chibo_flow.models import DomainEvent, EventKind, MeetingVote, Programme, Revision, User, Vote
from chibo_flow.models.programmes import State
from chibo_flow.review.rounds import RoundStatus, reviewers, round_status, round_votes


def dissent(programme: Programme, number: int) -> list[Vote]:
    """The members' current "không tán thành" opinions in round `number`, oldest first."""
    return [vote for vote in round_votes(programme, number) if vote.decision == "request_changes"]


def reserving(programme: Programme, number: int) -> list[Vote]:
    """The current "không tán thành" opinions of round `number` their members reserve."""
    return [vote for vote in dissent(programme, number) if vote.reserve]


def reserved_opinions(programme: Programme) -> list[Vote]:
    """The opinions reserved when the programme was approved (none before approval)."""
    if programme.state != State.APPROVED:
        return []
    return reserving(programme, programme.review_round)


@dataclass
class RoundRecord:
    """One review round as the decision record tells it."""

    number: int
    revision: int | None  # n of the "Dự thảo lần n" submitted
    submitted_at: datetime | None
    submitted_by: User | None
    deadline: datetime | None
    closed_at: datetime | None
    outcome: str | None  # approved | returned | withdrawn | None (still open)
    required: int  # the rule: `required` approvals of `members`
    members: int
    status: RoundStatus  # the opinions that count (current at the close), who did not answer
    opinions: list[Vote] = field(default_factory=list)  # every one given, oldest first
    meeting: MeetingVote | None = None
    reserved: list[Vote] = field(default_factory=list)

    @property
    def waiting(self) -> list[User]:
        """Members who gave no opinion (none when the committee voted at a meeting)."""
        return [] if self.meeting else self.status.waiting

    @property
    def approvals(self) -> int:
        """Approvals that decided the round (a meeting's votes for, when it voted)."""
        return self.meeting.votes_for if self.meeting else len(self.status.approved)

    def changed(self, vote: Vote) -> bool:
        """Whether a superseded opinion was replaced by a later one (else taken back)."""
        return any(other.user_id == vote.user_id and other.id > vote.id for other in self.opinions)

    @property
    def disapprovals(self) -> int:
        """Opinions against (a meeting's votes against, when it voted)."""
        return self.meeting.votes_against if self.meeting else len(self.status.changes_requested)


@dataclass
class DecisionRecord:
    """Every review round of a programme, oldest first, and its reserved opinions."""

    programme: Programme
    rounds: list[RoundRecord]
    seqs: dict[int, int]  # revision id → n of "Dự thảo lần n"
    reserved: list[Vote]

    def seq(self, vote: Vote) -> int | None:
        """On which draft an opinion was given (n of "Dự thảo lần n")."""
        return self.seqs.get(vote.revision_id)


def decision_record(programme: Programme) -> DecisionRecord:
    """The decision record of `programme`: what the workflow recorded of each round."""
    events: dict[tuple[str, int], DomainEvent] = {}
    for event in db.session.scalars(
        select(DomainEvent)
        .where(
            DomainEvent.programme_id == programme.id,
            DomainEvent.kind.in_((EventKind.SUBMITTED, EventKind.ROUND_CLOSED)),
        )
        .order_by(DomainEvent.id)
    ):
        events[(event.kind, event.data.get("round", 0))] = event
    seqs = dict(
        db.session.execute(
            select(Revision.id, Revision.seq).where(Revision.programme_id == programme.id)
        ).all()
    )
    meetings = {
        meeting.review_round: meeting
        for meeting in db.session.scalars(
            select(MeetingVote)
            .options(joinedload(MeetingVote.recorded_by))
            .where(MeetingVote.programme_id == programme.id)
            .order_by(MeetingVote.id)
        )
    }
    reserved = reserved_opinions(programme)
    rounds = []
    for number in range(1, programme.review_round + 1):
        submitted = events.get((EventKind.SUBMITTED, number))
        closed = events.get((EventKind.ROUND_CLOSED, number))
        status = round_status(programme, number)
        opened = submitted.data if submitted else {}
        shut = closed.data if closed else {}
        if status.open:
            deadline = programme.review_deadline
        else:
            deadline = _moment(shut.get("deadline") or opened.get("deadline"))
        rounds.append(
            RoundRecord(
                number=number,
                revision=seqs.get(submitted.revision_id) if submitted else None,
                submitted_at=submitted.created_at if submitted else None,
                submitted_by=db.session.get(User, submitted.actor_id) if submitted else None,
                deadline=deadline,
                closed_at=closed.created_at if closed else None,
                outcome=shut.get("outcome"),
                required=shut.get("required") or opened.get("required") or status.required,
                members=opened.get("members") or len(reviewers(programme)),
                status=status,
                opinions=round_votes(programme, number, current=False),
                meeting=meetings.get(number),
                reserved=reserved if number == programme.review_round else [],
            )
        )
    return DecisionRecord(programme, rounds, seqs, reserved)


def _moment(text: str | None) -> datetime | None:
    """A timestamp an event's data holds as ISO text."""
    return datetime.fromisoformat(text) if text else None
