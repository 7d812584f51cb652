"""Emails about a person's own account (password-reset link, account locked for a while or,
after wrong second-factor codes, until unlocked, an invitation to set a first password, roles
changed by an admin, the link confirming a new login email, sent to that new address): Delivery
rows like every other email, through the one dispatcher.

`queue_account_mail` records an `account_mail` domain event and commits it; the dispatcher expands
it into one row to the account's address (`notices_for`), the worker sends it and the relay
re-runs whatever was lost. The email is composed when it is sent (`account_context`), so a reset
link is as fresh as the email. A reset request (`queue_reset_mail`) records the email as typed and
is dispatched by a worker, which looks the account up: the web request does the same work for a
known and an unknown email. Adding a kind is one entry in ACCOUNT_MAILS, its subject in
messages.ACCOUNT_MAIL_SUBJECTS and its templates email/<kind>.txt and .html.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from chibo_flow import events, messages
from chibo_flow.auth.email_change import email_change_url
from chibo_flow.auth.invitations import invitation_url, latest_invitation
from chibo_flow.auth.reset import reset_url
from chibo_flow.auth.totp import requires_second_factor
from chibo_flow.extensions import db
from chibo_flow.models import Delivery, DomainEvent, EventKind, Programme, User
from chibo_flow.models.users import ROLE_NAMES
from chibo_flow.notifications.notice import Notice

PASSWORD_RESET = "password_reset"
ACCOUNT_LOCKED = "account_locked"
FACTOR_LOCKED = "factor_locked"
INVITATION = "invitation"
ROLES_CHANGED = "roles_changed"
EMAIL_CHANGE = "email_change"


def roles_held(user: User) -> list[tuple[str, list[str]]]:
    """The person's roles as people read them, per org: [(org name, [role names])]."""
    held: dict[str, list[str]] = {}
    for membership in sorted(user.memberships, key=lambda m: (m.org.name, m.role)):
        held.setdefault(membership.org.name, []).append(ROLE_NAMES[membership.role].lower())
    return list(held.items())


def _reset_context(user: User, _event: DomainEvent) -> dict[str, Any]:
    return {
        "link": reset_url(user),
        "minutes": current_app.config["PASSWORD_RESET_MAX_AGE_S"] // 60,
    }


def _locked_context(user: User, _event: DomainEvent) -> dict[str, Any]:
    return {"minutes": int(current_app.config["LOCKOUT_DURATION"].total_seconds() // 60)}


def _factor_locked_context(user: User, _event: DomainEvent) -> dict[str, Any]:
    return {"failures": current_app.config["FACTOR_LOCK_FAILURES"]}


def _invitation_context(user: User, _event: DomainEvent) -> dict[str, Any]:
    invitation = latest_invitation(user)
    return {
        "invitation": invitation,
        "link": invitation_url(user),
        "days": current_app.config["INVITATION_MAX_AGE_S"] // 86400,
        "roles": dict(roles_held(user)).get(invitation.org.name, []),
        "needs_factor": requires_second_factor(user),
    }


def _roles_context(user: User, _event: DomainEvent) -> dict[str, Any]:
    return {"roles": roles_held(user)}


def _email_change_context(user: User, event: DomainEvent) -> dict[str, Any]:
    return {
        "link": email_change_url(user, event.data["to"]),
        "new_email": event.data["to"],
        "hours": current_app.config["EMAIL_CHANGE_MAX_AGE_S"] // 3600,
    }


@dataclass(frozen=True)
class AccountMail:
    """One kind of account email: what its templates need besides the user and PUBLIC_URL (from
    the user and the event that asked for it), and whether it is private (it carries a link that
    acts as its owner: never shown to an admin, not even in the development mailbox)."""

    context: Callable[[User, DomainEvent], dict[str, Any]]
    private: bool = False


ACCOUNT_MAILS: dict[str, AccountMail] = {
    PASSWORD_RESET: AccountMail(_reset_context, private=True),
    ACCOUNT_LOCKED: AccountMail(_locked_context),
    FACTOR_LOCKED: AccountMail(_factor_locked_context),
    INVITATION: AccountMail(_invitation_context, private=True),
    ROLES_CHANGED: AccountMail(_roles_context),
    EMAIL_CHANGE: AccountMail(_email_change_context, private=True),
}
PRIVATE_KINDS = frozenset(kind for kind, mail in ACCOUNT_MAILS.items() if mail.private)


def queue_account_mail(kind: str, user_id: int, to: str | None = None) -> None:
    """Record that the `kind` email is due to the user (at the address `to` instead of theirs,
    for EMAIL_CHANGE) and commit it (call after the caller's own commit); the dispatcher sends
    it, or the relay if the broker is down."""
    if kind not in ACCOUNT_MAILS:
        raise ValueError(f"unknown account email {kind!r}")
    data = {"to": to} if to else {}
    event = events.record(None, EventKind.ACCOUNT_MAIL, mail=kind, user=user_id, recipients=1,
                          **data)  # fmt: skip
    recorded = events.pending([event])
    db.session.commit()
    events.announce(recorded)


def queue_reset_mail(email: str) -> None:
    """Record a password-reset request for `email` whatever it is and commit it; a worker
    looks the account up and sends the link only to an active one."""
    event = events.record(None, EventKind.ACCOUNT_MAIL, mail=PASSWORD_RESET, email=email)
    recorded = events.pending([event])
    db.session.commit()
    events.announce(recorded, in_worker=True)


def _account(event: DomainEvent | None) -> User | None:
    """The active account an `account_mail` event is for: by its id, or by the email a reset
    request typed (None when there is none)."""
    if event is None:
        return None
    if "user" in event.data:
        user = db.session.get(User, event.data["user"])
    else:
        user = db.session.scalar(select(User).where(User.email == event.data["email"]))
    return user if user is not None and user.active else None


def notices_for(event: DomainEvent, programme: Programme | None = None) -> list[Notice]:
    """The account email an `account_mail` event causes: one, to the account's owner (none
    when there is no such active account, or it was deactivated meanwhile, and no reset email
    past PASSWORD_RESET_MAILS within PASSWORD_RESET_MAIL_WINDOW)."""
    if event.kind != EventKind.ACCOUNT_MAIL:
        return []
    user = _account(event)
    if user is None or (event.data["mail"] == PASSWORD_RESET and _reset_mails_used_up(event)):
        return []
    if "to" in event.data:
        return [Notice(event.data["mail"], "", [NewAddress(event.data["to"], user.name)])]
    return [Notice(event.data["mail"], "", [user])]


@dataclass(frozen=True)
class NewAddress:
    """The address an email-change link is sent to, under its owner's name."""

    email: str
    name: str


def _reset_mails_used_up(event: DomainEvent) -> bool:
    """Whether PASSWORD_RESET_MAILS reset requests for the same email came before `event`
    within PASSWORD_RESET_MAIL_WINDOW (decided by the events' order, so the same however many
    workers expand them at once); False for a reset asked for an account, not typed."""
    if "email" not in event.data:
        return False
    config = current_app.config
    earlier = db.session.scalar(
        select(func.count())
        .select_from(DomainEvent)
        .where(
            DomainEvent.kind == EventKind.ACCOUNT_MAIL,
            DomainEvent.id < event.id,
            DomainEvent.created_at > event.created_at - config["PASSWORD_RESET_MAIL_WINDOW"],
            DomainEvent.data["mail"].as_string() == PASSWORD_RESET,
            DomainEvent.data["email"].as_string() == event.data["email"],
        )
    )
    return earlier >= config["PASSWORD_RESET_MAILS"]


def account_context(delivery: Delivery) -> tuple[str, dict[str, Any]]:
    """The subject and the template context of an account email (LookupError when its account
    is gone or deactivated: the row fails with that reason)."""
    event = db.session.get(DomainEvent, delivery.event_id)
    user = _account(event)
    if user is None:
        raise LookupError(messages.ACCOUNT_MAIL_NO_ACCOUNT)
    context = {"user": user, "public_url": current_app.config["PUBLIC_URL"]}
    context |= ACCOUNT_MAILS[delivery.kind].context(user, event)
    return messages.ACCOUNT_MAIL_SUBJECTS[delivery.kind], context
