"""Which revision each reviewer has seen: the base of the diff they are shown."""

from sqlalchemy import or_, select

from chibo_flow.extensions import db
from chibo_flow.models import Programme, ReviewView, Revision, User, Vote
from chibo_flow.models._types import utcnow


def record_view(programme: Programme, user: User) -> None:
    """Note that `user` opened the review page of the programme's current revision."""
    revision_id = programme.current_revision_id
    view = db.session.scalar(
        select(ReviewView).where(
            ReviewView.revision_id == revision_id, ReviewView.user_id == user.id
        )
    )
    if view is None:
        db.session.add(
            ReviewView(programme_id=programme.id, revision_id=revision_id, user_id=user.id)
        )
    else:
        view.last_viewed_at = utcnow()
    db.session.commit()


def base_revision(programme: Programme, user: User) -> Revision | None:
    """The latest revision before the current one that `user` voted on (themselves or through a
    delegate) or viewed; None when they have seen no earlier revision."""
    current = programme.current_revision
    if current is None:
        return None
    voted = select(Vote.revision_id).where(
        Vote.programme_id == programme.id, or_(Vote.user_id == user.id, Vote.cast_by_id == user.id)
    )
    viewed = select(ReviewView.revision_id).where(
        ReviewView.programme_id == programme.id, ReviewView.user_id == user.id
    )
    return db.session.scalar(
        select(Revision)
        .where(
            Revision.programme_id == programme.id,
            Revision.seq < current.seq,
            or_(Revision.id.in_(voted), Revision.id.in_(viewed)),
        )
        .order_by(Revision.seq.desc())
        .limit(1)
    )
