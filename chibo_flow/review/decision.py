"""The committee's decision as recorded: reserved opinions (bảo lưu ý kiến) and the decision
record of every round (biên bản tổng hợp ý kiến / kết quả biểu quyết).

Tập trung dân chủ: the minority follows the majority, and a member who still disagrees when the
round closes approved keeps their opinion on record. Their "không tán thành" current at the
close is that reserved opinion: the workflow writes it into the closing audit row and event, and
it is shown with the approved programme.
"""

from chibo_flow.models import Programme, Vote
from chibo_flow.models.programmes import State
from chibo_flow.review.rounds import round_votes


def dissent(programme: Programme, number: int) -> list[Vote]:
    """The members' current "không tán thành" opinions in round `number`, oldest first."""
    return [vote for vote in round_votes(programme, number) if vote.decision == "request_changes"]


def reserved_opinions(programme: Programme) -> list[Vote]:
    """The opinions reserved when the programme was approved (none before approval)."""
    if programme.state != State.APPROVED:
        return []
    return dissent(programme, programme.review_round)
