"""Reading a "mật" programme: every view of its content and every download is recorded in the
audit trail, per viewer, and the file a viewer downloads carries their name and the time (the
PDF through `signing.stamp_viewer`: an annotation in an incremental update, so the signature
stays intact; the DOCX in its page header).
Ordinary programmes pass through unrecorded."""

from datetime import UTC, datetime

from chibo_flow import messages
from chibo_flow.documents.final_copy import stamp_docx
from chibo_flow.documents.format import SECRET
from chibo_flow.documents.signing import stamp_viewer
from chibo_flow.extensions import db
from chibo_flow.models import AuditEvent, Programme, User
from chibo_flow.timefmt import to_local

SECRET_VIEW = "view_secret"
SECRET_DOWNLOAD = "download_secret"
SECRET_ACCESS_ACTIONS = (SECRET_VIEW, SECRET_DOWNLOAD)
STAMP_TIME_FORMAT = "%H:%M ngày %d/%m/%Y"


def record_secret_view(programme: Programme, viewer: User, via: str) -> None:
    """Record (and commit) that `viewer` was shown a "mật" programme's content (`via`: "web",
    "api"); nothing for an ordinary programme."""
    if programme.secrecy == SECRET:
        _record(programme, viewer, SECRET_VIEW, {"via": via})


def served_file(programme: Programme, viewer: User, extension: str, data: bytes, via: str) -> bytes:
    """The file `viewer` downloads: for a "mật" programme the download is recorded and the file
    stamped "bản của đồng chí …, tải lúc …" (the PDF so that its signature still verifies, the
    DOCX in its page header); an ordinary programme's file as it is."""
    if programme.secrecy != SECRET:
        return data
    now = datetime.now(UTC)
    _record(programme, viewer, SECRET_DOWNLOAD, {"via": via, "file": extension})
    when = to_local(now).strftime(STAMP_TIME_FORMAT)
    text = messages.SECRET_COPY_STAMP.format(name=viewer.name, email=viewer.email, when=when)
    return stamp_viewer(data, text) if extension == "pdf" else stamp_docx(data, text)


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
