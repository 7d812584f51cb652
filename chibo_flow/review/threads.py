"""Comment threads on a programme: anchored to a section (by heading path) or the whole
document, with replies, resolved and reopened; every step is in the audit trail."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from chibo_flow import messages
from chibo_flow.extensions import db
from chibo_flow.models import AuditEvent, Comment, Programme, User, Vote
from chibo_flow.models._types import utcnow
from chibo_flow.models.programmes import State
from chibo_flow.models.users import Role
from chibo_flow.review.diff import section_paths
from chibo_flow.security.limits import MAX_COMMENT_CHARS, count_text
from chibo_flow.workflow_errors import Invalid, NotAllowed

# Who takes part in the discussion of an org's programmes.
DISCUSSANTS = (Role.SECRETARY, Role.COMMITTEE)


def may_comment(user: User, programme: Programme) -> bool:
    """Secretaries and committee members of the org, until the programme is approved."""
    return programme.state != State.APPROVED and any(
        user.has_role(role, programme.org) for role in DISCUSSANTS
    )


def check_anchor(programme: Programme, anchor: list[str] | None) -> list[str] | None:
    """The anchor as stored (None: the whole document); raises Invalid for a heading path that
    is not in the current revision."""
    if not anchor:
        return None
    if tuple(anchor) not in section_paths(programme.doc):
        raise Invalid(messages.REVIEW_ANCHOR_UNKNOWN)
    return list(anchor)


def start_thread(
    programme: Programme,
    author: User,
    body: str | None,
    anchor: list[str] | None,
    vote: Vote | None = None,
) -> Comment:
    """Add a thread's first comment on the current revision (not committed, not audited: the
    caller does both); raises Invalid for an empty body or an unknown anchor."""
    return _new_comment(
        programme,
        author,
        body,
        anchor=check_anchor(programme, anchor),
        vote_id=vote.id if vote else None,
    )


def _new_comment(programme: Programme, author: User, body: str | None, **fields) -> Comment:
    """A comment on the current revision, flushed; raises Invalid for an empty or too long
    body. A form sends each line break as CR LF: counted, as the box counted it, as one."""
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise Invalid(messages.REVIEW_COMMENT_EMPTY)
    if len(body) > MAX_COMMENT_CHARS:
        raise Invalid(messages.COMMENT_TOO_LONG.format(limit=count_text(MAX_COMMENT_CHARS)))
    comment = Comment(
        programme_id=programme.id,
        revision_id=programme.current_revision_id,
        user_id=author.id,
        body=body,
        **fields,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def add_thread(
    programme: Programme, author: User, body: str | None, anchor: list[str] | None
) -> Comment:
    """Start a thread and audit it; raises NotAllowed or Invalid, changing nothing."""
    _check_may(author, programme)
    thread = start_thread(programme, author, body, anchor)
    _audit(programme, author, "comment", thread.body, {"thread": thread.id, "anchor": anchor or []})
    db.session.commit()
    return thread


def add_reply(thread: Comment, author: User, body: str | None) -> Comment:
    """Reply in a thread; raises NotAllowed or Invalid, changing nothing."""
    programme = db.session.get(Programme, thread.programme_id)
    _check_may(author, programme)
    reply = _new_comment(programme, author, body, parent_id=thread.id)
    _audit(programme, author, "reply", reply.body, {"thread": thread.id, "comment": reply.id})
    db.session.commit()
    return reply


def set_resolved(thread: Comment, actor: User, resolved: bool) -> None:
    """Resolve a thread with the draft that addressed it (the current one), or reopen it;
    raises NotAllowed, or Invalid when it already is so."""
    programme = db.session.get(Programme, thread.programme_id)
    _check_may(actor, programme)
    if (thread.resolved_at is not None) == resolved:
        raise Invalid(messages.REVIEW_THREAD_ALREADY)
    thread.resolved_at = utcnow() if resolved else None
    thread.resolved_by_id = actor.id if resolved else None
    # The draft that addressed it: the current one, which the secretary has just revised.
    thread.resolved_revision_id = programme.current_revision_id if resolved else None
    data = {"thread": thread.id}
    if resolved:
        data["revision"] = programme.revision
    _audit(programme, actor, "resolve" if resolved else "reopen", None, data)
    db.session.commit()


def threads_of(programme: Programme) -> list[Comment]:
    """The programme's threads (first comments) with their replies, oldest first."""
    return list(
        db.session.scalars(
            select(Comment)
            .options(
                joinedload(Comment.user),
                joinedload(Comment.vote),
                joinedload(Comment.resolved_revision),
                selectinload(Comment.replies).joinedload(Comment.user),
            )
            .where(Comment.programme_id == programme.id, Comment.parent_id.is_(None))
            .order_by(Comment.created_at, Comment.id)
        )
    )


def open_threads(programme: Programme) -> list[Comment]:
    """The programme's unresolved threads, opinions' reasons included: what the secretary has
    still to address."""
    return [thread for thread in threads_of(programme) if thread.resolved_at is None]


def thread_of(programme: Programme, thread_id: int) -> Comment | None:
    """One thread of the programme by id (None if it is not one of its threads)."""
    thread = db.session.get(Comment, thread_id)
    if thread is None or thread.programme_id != programme.id or thread.parent_id is not None:
        return None
    return thread


def _check_may(user: User, programme: Programme) -> None:
    if programme.state == State.APPROVED:
        raise Invalid(messages.REVIEW_COMMENT_CLOSED)
    if not may_comment(user, programme):
        raise NotAllowed(messages.FORBIDDEN)


def _audit(
    programme: Programme, actor: User, action: str, comment: str | None, data: dict[str, Any]
) -> None:
    db.session.add(
        AuditEvent(
            programme_id=programme.id,
            actor_id=actor.id,
            action=action,
            to_state=programme.state,
            comment=comment,
            data=data,
        )
    )
