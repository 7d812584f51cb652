"""What a domain event causes besides the final copy: notifications of one kind to some people
(review notices, account emails), each a Delivery row per person once the dispatcher expands it."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class Addressee(Protocol):
    """Whom a notification is addressed to: a User, or an address of one (a new login email)."""

    email: str
    name: str


@dataclass(frozen=True)
class Notice:
    """Notifications of one kind to some people, told apart from earlier ones by `key`."""

    kind: str
    key: str
    people: Sequence[Addressee]
