"""The personal link of a final-copy email, /nhan/<token>: signed over one Delivery row,
expiring after its org's `receipt_link_days`, refused once revoked.

A link is revoked by `Delivery.link_revoked_at`: every token signed before that moment is
refused; a copy sent again later carries a new token that works."""

from datetime import UTC, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from chibo_flow import messages
from chibo_flow.extensions import db
from chibo_flow.models import AuditEvent, Delivery, User
from chibo_flow.models._types import utcnow
from chibo_flow.models.delivery import FINAL_COPY

SALT = "chibo-flow.receipt-link"


class LinkRefused(Exception):
    """A personal link that opens nothing, with the Vietnamese sentence saying why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def receipt_token(delivery_id: int) -> str:
    """A URL-safe token signed now for one final-copy Delivery row."""
    return _serializer().dumps(delivery_id)


def receipt_url(delivery_id: int) -> str:
    """The absolute personal link (PUBLIC_URL) of one final-copy Delivery row."""
    return f"{current_app.config['PUBLIC_URL']}/nhan/{receipt_token(delivery_id)}"


def delivery_of(token: str) -> Delivery:
    """The final-copy Delivery row a token was made for; raises LinkRefused when it was not
    made by us, is older than its org allows, or was revoked."""
    try:
        delivery_id, signed_at = _serializer().loads(token, return_timestamp=True)
    except BadSignature as exc:
        raise LinkRefused(messages.RECEIPT_LINK_INVALID) from exc
    delivery = db.session.get(Delivery, delivery_id) if type(delivery_id) is int else None
    if delivery is None or delivery.kind != FINAL_COPY:
        raise LinkRefused(messages.RECEIPT_LINK_INVALID)
    signed_at = signed_at.astimezone(UTC)
    revoked = delivery.link_revoked_at
    if revoked is not None and signed_at <= revoked:
        raise LinkRefused(messages.RECEIPT_LINK_REVOKED)
    lifetime = timedelta(days=delivery.programme.org.receipt_link_days)
    if utcnow() - signed_at > lifetime:
        raise LinkRefused(messages.RECEIPT_LINK_EXPIRED)
    return delivery


def revoke(delivery: Delivery, actor: User | None = None) -> None:
    """Refuse every link of `delivery` signed until now, audited (the caller commits)."""
    delivery.link_revoked_at = utcnow()
    db.session.add(
        AuditEvent(
            programme_id=delivery.programme_id,
            actor_id=actor.id if actor else None,
            action="revoke_link",
            to_state=delivery.programme.state,
            comment=messages.RECEIPT_LINK_REVOKED_COMMENT.format(address=delivery.address),
            data={"delivery": delivery.id, "address": delivery.address},
        )
    )
