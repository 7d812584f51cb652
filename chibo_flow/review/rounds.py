"""The review round at a glance, by the majority rule: who tán thành, who không tán thành, who
has not answered, how many approvals of those required are still needed, and the deadline."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from chibo_flow.extensions import db
from chibo_flow.models import AuditEvent, Delegation, MeetingVote, Programme, User, Vote
from chibo_flow.models._types import utcnow
from chibo_flow.models.users import Role
from chibo_flow.review.deadlines import past
from chibo_flow.timefmt import local_date


@dataclass
class RoundStatus:
    """One review round of a programme."""

    number: int
    required: int
    open: bool  # the programme is in review in this round (votes may still come)
    members: int = 0  # committee members whose opinion counts (the submitter excluded)
    deadline: datetime | None = None  # hạn cho ý kiến, while the round is open
    approved: list[Vote] = field(default_factory=list)
    changes_requested: list[Vote] = field(default_factory=list)
    waiting: list[User] = field(default_factory=list)
    # Waiting members who delegated their vote for today: member id → delegate.
    delegates: dict[int, User] = field(default_factory=dict)
    meeting: MeetingVote | None = None  # the vote taken at a meeting that closed the round

    @property
    def still_needed(self) -> int:
        """Approvals still missing to pass the programme."""
        return max(0, self.required - len(self.approved))

    @property
    def overdue(self) -> bool:
        """The round is open and its deadline has passed."""
        return self.open and past(self.deadline)


def reviewers(programme: Programme) -> list[User]:
    """Who votes on the programme: the org's committee, except the submitter."""
    return [
        user
        for user in programme.org.members_with_role(Role.COMMITTEE)
        if user.id != programme.submitted_by_id
    ]


def round_votes(programme: Programme, number: int, *, current: bool = True) -> list[Vote]:
    """The opinions of one round, with voters and delegates, oldest first: the members'
    current ones, or (`current=False`) every one given, changed and taken back included."""
    statement = (
        select(Vote)
        .options(joinedload(Vote.user), joinedload(Vote.cast_by))
        .where(Vote.programme_id == programme.id, Vote.review_round == number)
        .order_by(Vote.created_at, Vote.id)
    )
    if current:
        statement = statement.where(Vote.superseded_at.is_(None))
    return list(db.session.scalars(statement))


def round_status(programme: Programme, number: int | None = None) -> RoundStatus | None:
    """The status of round `number` (default: the current one); None before the first submit."""
    number = number or programme.review_round
    if not number:
        return None
    status = RoundStatus(
        number=number,
        required=programme.org.required_approvals(),
        open=programme.state == "review" and number == programme.review_round,
    )
    if status.open:
        status.deadline = programme.review_deadline
    voted: set[int] = set()
    for vote in round_votes(programme, number):
        if vote.user_id == programme.submitted_by_id and vote.decision == "approve":
            continue  # the submitter's own approval never counts
        voted.add(vote.user_id)
        bucket = status.approved if vote.decision == "approve" else status.changes_requested
        bucket.append(vote)
    members = reviewers(programme)
    status.members = len(members)
    status.waiting = [user for user in members if user.id not in voted]
    status.meeting = db.session.scalar(
        select(MeetingVote)
        .where(MeetingVote.programme_id == programme.id, MeetingVote.review_round == number)
        .order_by(MeetingVote.id.desc())
        .limit(1)
    )
    today = local_date(utcnow())
    waiting_ids = {user.id for user in status.waiting}
    for delegation in db.session.scalars(
        select(Delegation)
        .options(joinedload(Delegation.to_user))
        .where(
            Delegation.org_id == programme.org_id,
            Delegation.from_user_id.in_(waiting_ids),
            Delegation.revoked_at.is_(None),
            Delegation.starts_on <= today,
            Delegation.ends_on >= today,
        )
        .order_by(Delegation.id)
    ):
        status.delegates.setdefault(delegation.from_user_id, delegation.to_user)
    return status


def round_started_at(programme: Programme) -> datetime | None:
    """When the current round began (the last submit), or None if never submitted."""
    return db.session.scalar(
        select(AuditEvent.at)
        .where(AuditEvent.programme_id == programme.id, AuditEvent.action == "submit")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
