"""What the secretary's delivery page says of each final-copy email, in people's words: its
status ("Đã gửi tới máy chủ thư", "Địa chỉ không tồn tại (550)"; the raw reply stays in the
details), and per "Nơi nhận" line how many were sent, opened and confirmed."""

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from chibo_flow import messages
from chibo_flow.models import Delivery
from chibo_flow.models.delivery import DeliveryStatus

WORDS = messages.DELIVERY_STATE_WORDS


def status_words(delivery: Delivery) -> str:
    """The row's status as the secretary reads it."""
    code = delivery.last_reply_code
    if delivery.status == DeliveryStatus.FAILED:
        if code in messages.SMTP_REFUSALS:
            return messages.SMTP_REFUSALS[code].format(code=code)
        return WORDS["failed"].format(code=code) if code else WORDS["failed_no_reply"]
    if delivery.status == DeliveryStatus.PENDING and delivery.attempts and code:
        return WORDS["retrying"].format(code=code)
    return WORDS.get(delivery.status, delivery.status)


def raw_reply(delivery: Delivery) -> str:
    """The mail server's last reply as it came ("250 OK: stored"), for the details."""
    return " ".join(str(part) for part in (delivery.last_reply_code, delivery.last_reply) if part)


def breakable_address(address: str) -> Markup:
    """An email address that wraps only after "@" and before a dot, never mid-word."""
    local, at, domain = address.partition("@")

    def dotted(text: str) -> str:
        return "<wbr>.".join(str(escape(part)) for part in text.split("."))

    return Markup(f"{dotted(local)}{at}<wbr>{dotted(domain)}")


@dataclass
class LineCounts:
    """The emails of one "Nơi nhận" line: how many, sent, opened, confirmed."""

    line: str
    purpose: str
    total: int = 0
    sent: int = 0
    opened: int = 0
    confirmed: int = 0


def line_counts(deliveries: Iterable[Delivery]) -> list[LineCounts]:
    """Counts per "Nơi nhận" line, in the order of the lines."""
    counts: dict[str, LineCounts] = {}
    for delivery in deliveries:
        line = counts.setdefault(delivery.line, LineCounts(delivery.line, delivery.purpose))
        line.total += 1
        line.sent += delivery.status == DeliveryStatus.SENT
        line.opened += delivery.opened_at is not None
        line.confirmed += delivery.confirmed_at is not None
    return list(counts.values())
