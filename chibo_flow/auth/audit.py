"""The audit trail of people's logins: an admin ending a member's sessions or resetting their
second factor, an account locked by wrong second-factor codes and unlocked again. One
append-only AuditEvent each, naming the account."""

from typing import Any

from chibo_flow.extensions import db
from chibo_flow.models import AuditEvent, User

# AuditEvent.action of each
SESSIONS_ENDED = "sessions_ended"
FACTOR_RESET = "second_factor_reset"
LOCKED_BY_FACTOR = "account_locked_second_factor"
ACCOUNT_UNLOCKED = "account_unlocked"


def record_account_event(action: str, user: User, actor_id: int | None, **data: Any) -> None:
    """Add the audit event of `action` on `user`'s account by `actor_id` (None: the system);
    the caller commits."""
    db.session.add(
        AuditEvent(
            actor_id=actor_id,
            action=action,
            data={"user_id": user.id, "email": user.email, **data},
        )  # fmt: skip
    )
