"""Votes taken at a meeting of the cấp ủy: the counts the secretary records and the minutes
(biên bản họp) she attaches, checked before the workflow closes the round with them."""

from dataclasses import dataclass
from datetime import date

from werkzeug.datastructures import FileStorage

from chibo_flow import messages
from chibo_flow.uploads import MAX_MINUTES_BYTES, megabytes
from chibo_flow.workflow_errors import Invalid, TooLarge

# What the minutes may be, told by their first bytes (a name's extension proves nothing).
MINUTES_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


@dataclass(frozen=True)
class Meeting:
    """What the secretary records of a meeting's vote."""

    held_on: date
    present: int
    votes_for: int
    votes_against: int
    minutes: bytes
    minutes_name: str


def read_meeting(
    held_on: date,
    present: int,
    votes_for: int,
    votes_against: int,
    upload: FileStorage | None,
) -> Meeting:
    """A Meeting from a form's fields and its uploaded minutes (read only up to one byte past
    the limit, so a too large file is refused without holding it all)."""
    return Meeting(
        held_on=held_on,
        present=present,
        votes_for=votes_for,
        votes_against=votes_against,
        minutes=upload.read(MAX_MINUTES_BYTES + 1) if upload else b"",
        minutes_name=(upload.filename if upload else "") or "",
    )


def minutes_type(data: bytes) -> str:
    """The media type of the minutes; raises Invalid for a missing or other file, TooLarge (413)
    for one over MAX_MINUTES_BYTES."""
    if not data:
        raise Invalid(messages.MEETING_MINUTES_REQUIRED)
    if len(data) > MAX_MINUTES_BYTES:
        limit = megabytes(MAX_MINUTES_BYTES)
        raise TooLarge(messages.MEETING_MINUTES_TOO_LARGE.format(limit=limit))
    for magic, media_type in MINUTES_TYPES:
        if data.startswith(magic):
            return media_type
    raise Invalid(messages.MEETING_MINUTES_TYPE)


def check_meeting(meeting: Meeting, members: int, today: date) -> str:
    """The minutes' media type once the meeting's counts fit a committee of `members`; raises
    Invalid saying what does not."""
    counts = (meeting.present, meeting.votes_for, meeting.votes_against)
    if (
        min(counts) < 0
        or meeting.present > members
        or meeting.votes_for + meeting.votes_against > meeting.present
    ):
        raise Invalid(messages.MEETING_COUNTS.format(members=members))
    if meeting.held_on > today:
        raise Invalid(messages.MEETING_DATE_FUTURE)
    return minutes_type(meeting.minutes)
