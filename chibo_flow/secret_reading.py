"""Reading a "mật" programme: every view of its content and every download is recorded in the
audit trail, per viewer, and the file a viewer downloads carries their name and the time (the
PDF through `signing.stamp_viewer`: an annotation in an incremental update, so the signature
stays intact; the DOCX in its page header).
Besides the document itself, what is read of it counts too: its history, timeline and
decision record (the record's PDF stamped like the final copy). Who read is shown only to the
org's secretaries, committee and admins (`may_see_who_read`), not to every member.
A "mật" programme is read only by someone who logged in with a second factor (anyone who has
one passes it at every login): others are sent to set one up first, the API answers 403, and
lists show it to them by its number, org and marks only (`content_withheld`).
Ordinary programmes pass through unrecorded."""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, redirect, request, url_for

from chibo_flow import messages
from chibo_flow.documents.final_copy import stamp_docx
from chibo_flow.documents.format import SECRET
from chibo_flow.documents.signing import stamp_viewer
from chibo_flow.errors import wants_json
from chibo_flow.extensions import db
from chibo_flow.models import AuditEvent, Programme, Role, User
from chibo_flow.timefmt import to_local

SECRET_VIEW = "view_secret"
SECRET_DOWNLOAD = "download_secret"
SECRET_ACCESS_ACTIONS = (SECRET_VIEW, SECRET_DOWNLOAD)
STAMP_TIME_FORMAT = "%H:%M ngày %d/%m/%Y"
WHO_READ_SEEN_BY = (Role.SECRETARY, Role.COMMITTEE, Role.ADMIN)
_STAMPERS = {"pdf": stamp_viewer, "docx": stamp_docx}


def record_secret_view(
    programme: Programme, viewer: User, via: str, page: str | None = None
) -> None:
    """Record (and commit) that `viewer` was shown a "mật" programme's content (`via`: "web",
    "api"; `page`: what besides the document, "timeline", "history", "decision"); nothing
    for an ordinary programme."""
    if programme.secrecy == SECRET:
        require_second_factor(viewer)
        _record(programme, viewer, SECRET_VIEW, {"via": via} | ({"page": page} if page else {}))


def served_file(programme: Programme, viewer: User, file: str, data: bytes, via: str) -> bytes:
    """The file `viewer` downloads (`file`: "pdf" or "docx" for the document itself, else the
    name of what it is, "decision.pdf", "history.csv"): for a "mật" programme the download is
    recorded and a PDF or DOCX stamped "bản của đồng chí …, tải lúc …" (the PDF so that its
    signature still verifies, the DOCX in its page header); an ordinary programme's as it is."""
    if programme.secrecy != SECRET:
        return data
    require_second_factor(viewer)
    now = datetime.now(UTC)
    _record(programme, viewer, SECRET_DOWNLOAD, {"via": via, "file": file})
    stamp = _STAMPERS.get(file.rpartition(".")[2])
    if stamp is None:
        return data
    when = to_local(now).strftime(STAMP_TIME_FORMAT)
    text = messages.SECRET_COPY_STAMP.format(name=viewer.name, email=viewer.email, when=when)
    return stamp(data, text)


def content_withheld(programme: Any, viewer: User) -> bool:
    """Whether `viewer` is shown `programme` (anything with a `secrecy`: a list's row too) by
    its number, org and marks only: a "mật" one to someone without a second factor, whom
    `require_second_factor` would stop at its trích yếu, text and opinions."""
    return programme.secrecy == SECRET and not viewer.has_factor


def require_second_factor(viewer: User) -> None:
    """Stop the request unless `viewer` logs in with a second factor: a person is sent to set
    one up (and comes back to what they were opening), an API client gets 403."""
    if viewer.has_factor:
        return
    if wants_json():
        abort(403, messages.SECRET_NEEDS_FACTOR)
    flash(messages.SECRET_NEEDS_FACTOR, "warning")
    abort(redirect(url_for("auth.enrol", next=request.full_path)))


def may_see_who_read(viewer: User, programme: Programme) -> bool:
    """Whether `viewer` is shown who viewed and downloaded a "mật" programme."""
    return any(viewer.has_role(role, programme.org) for role in WHO_READ_SEEN_BY)


def history_for(
    viewer: User, programme: Programme, events: Iterable[AuditEvent]
) -> list[AuditEvent]:
    """`programme`'s audit `events` as `viewer` may see them: without the views and downloads
    unless `may_see_who_read`."""
    if may_see_who_read(viewer, programme):
        return list(events)
    return [event for event in events if event.action not in SECRET_ACCESS_ACTIONS]


def _record(programme: Programme, viewer: User, action: str, data: dict[str, str]) -> None:
    db.session.add(
        AuditEvent(
            programme_id=programme.id,
            actor_id=viewer.id,
            action=action,
            to_state=programme.state,
            data=data,
        )
    )
    db.session.commit()
