"""Database models; importing this package registers every table on the metadata."""

from chibo_flow.models.audit import AuditEvent
from chibo_flow.models.delivery import Delivery
from chibo_flow.models.events import DomainEvent, EventKind
from chibo_flow.models.programmes import (
    Comment,
    DraftPreview,
    FinalCopy,
    MeetingVote,
    Programme,
    Revision,
    Vote,
)
from chibo_flow.models.recipients import (
    Alias,
    DirectoryEntry,
    Group,
    GroupSnapshot,
    RecipientRequest,
)
from chibo_flow.models.registers import IncomingEntry
from chibo_flow.models.review import Delegation, ReviewView
from chibo_flow.models.users import (
    ApiToken,
    Invitation,
    LoginFailure,
    LoginSession,
    Membership,
    Org,
    RecoveryCode,
    Role,
    User,
)

__all__ = [
    "Alias",
    "ApiToken",
    "AuditEvent",
    "Comment",
    "Delegation",
    "Delivery",
    "DirectoryEntry",
    "DraftPreview",
    "DomainEvent",
    "EventKind",
    "FinalCopy",
    "Group",
    "GroupSnapshot",
    "IncomingEntry",
    "Invitation",
    "LoginFailure",
    "LoginSession",
    "MeetingVote",
    "Membership",
    "Org",
    "Programme",
    "RecipientRequest",
    "RecoveryCode",
    "ReviewView",
    "Revision",
    "Role",
    "User",
    "Vote",
]
