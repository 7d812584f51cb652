"""What a domain event causes besides the final copy: notifications of one kind to some people
(review notices, account emails), each a Delivery row per person once the dispatcher expands it."""

from dataclasses import dataclass

from chibo_flow.models import User


@dataclass(frozen=True)
class Notice:
    """Notifications of one kind to some people, told apart from earlier ones by `key`."""

    kind: str
    key: str
    people: list[User]
