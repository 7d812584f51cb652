"""A programme (one document through the workflow), its revisions, votes and comments."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chibo_flow.extensions import db
from chibo_flow.models._types import NFCString, UTCDateTime, utcnow
from chibo_flow.models.users import Org, User


class State(StrEnum):
    """The three states of a programme, exactly."""

    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"


class Programme(db.Model):
    """One document going through draft → review → approved, with optimistic locking."""

    __table_args__ = (
        # số ký hiệu counts per (org, document type, cấp ủy term): never two programmes with one
        UniqueConstraint("org_id", "doc_type", "term_start", "number_seq"),
        # The home page lists each state newest first, 50 rows at a time: read them in order
        # from an index instead of sorting every programme of the state.
        Index("ix_programme_state_updated_at", "state", "updated_at"),
        Index("ix_programme_state_approved_at", "state", "approved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=State.DRAFT, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    title: Mapped[str] = mapped_column(NFCString(500), default="")
    doc_type: Mapped[str] = mapped_column(NFCString(50), default="CHƯƠNG TRÌNH")
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revision.id", use_alter=True)
    )
    review_round: Mapped[int] = mapped_column(Integer, default=0)
    # Hạn cho ý kiến of the current round (set on submit, extended by the secretary).
    review_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    term_start: Mapped[date | None]
    number_seq: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(50))
    # Độ mật and độ khẩn: codes of documents/format.py SECRECY_MARKS and URGENCY_MARKS.
    secrecy: Mapped[str] = mapped_column(String(20), default="thuong", server_default="thuong")
    urgency: Mapped[str] = mapped_column(String(20), default="thuong", server_default="thuong")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    org: Mapped[Org] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    current_revision: Mapped["Revision | None"] = relationship(
        foreign_keys=[current_revision_id], post_update=True
    )

    # Optimistic locking: every UPDATE checks the version it read. The workflow sets the next
    # version itself (one per transition), so the post-update of current_revision_id does not
    # count as a second change.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def doc(self) -> dict[str, Any]:
        """The structured content (ProgrammeDoc as a dict) of the current revision."""
        return self.current_revision.content if self.current_revision else {}

    @property
    def revision(self) -> int:
        """n of "Dự thảo lần n": the ordinal of the current revision, the only draft number
        people see (the optimistic-lock `version` is never shown)."""
        return self.current_revision.seq if self.current_revision else 0


class Revision(db.Model):
    """An immutable snapshot of the structured content, made each time the draft changes."""

    __table_args__ = (UniqueConstraint("programme_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User] = relationship()


class Vote(db.Model):
    """A committee member's opinion on one revision within one review round: "tán thành"
    (approve) or "không tán thành" (request_changes, with its reason).

    A member holds one current opinion per round; changing it or taking it back marks the row
    `superseded_at` (kept for the decision record) and a change adds a new row. A member who
    does not agree says whether they reserve their opinion (bảo lưu ý kiến) if the majority
    approves; they may change that choice too until the round closes.
    """

    __table_args__ = (
        # One current opinion per member per round (a double click inserts nothing twice).
        Index(
            "uq_vote_current",
            "programme_id",
            "review_round",
            "user_id",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id"))
    review_round: Mapped[int] = mapped_column(Integer)
    # Whose opinion this is (one current per person per round), even when a delegate cast it.
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # The delegate who voted on behalf of `user_id`; None when the member voted themselves.
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decision: Mapped[str] = mapped_column(String(20))  # approve | request_changes
    reason: Mapped[str | None] = mapped_column(Text)  # "không tán thành": why
    # "Không tán thành": whether the member reserves it (bảo lưu ý kiến) should the round close
    # approved; True unless they said "Không bảo lưu". None for "tán thành".
    reserve: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the member changed or took back this opinion (None: it is their current one).
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    cast_by: Mapped[User | None] = relationship(foreign_keys=[cast_by_id])


class MeetingVote(db.Model):
    """A vote the committee took at a meeting, recorded by the secretary; it closes the round
    by the same majority rule as the opinions given online."""

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    review_round: Mapped[int] = mapped_column(Integer)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id"))
    held_on: Mapped[date]
    present: Mapped[int] = mapped_column(Integer)
    votes_for: Mapped[int] = mapped_column(Integer)
    votes_against: Mapped[int] = mapped_column(Integer)
    # The minutes (biên bản họp) as uploaded, deferred: listings read the counts only.
    minutes: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    minutes_name: Mapped[str] = mapped_column(NFCString(200))
    minutes_type: Mapped[str] = mapped_column(String(100))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User] = relationship()


class Comment(db.Model):
    """A comment on a revision: a thread (anchored to a section or the whole document) or a
    reply in one. The request-changes reason starts a thread too (`vote_id` points at it)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The thread this is a reply in; None for the comment that starts a thread.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    # Heading path of the section the thread is about ([] or None: the whole document).
    anchor: Mapped[list[str] | None] = mapped_column(JSON)
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("vote.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The draft that addressed the thread: the current revision when it was marked resolved.
    resolved_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    resolved_revision: Mapped[Revision | None] = relationship(foreign_keys=[resolved_revision_id])
    vote: Mapped[Vote | None] = relationship()
    replies: Mapped[list["Comment"]] = relationship(
        order_by="Comment.id", cascade="all, delete-orphan"
    )


class FinalCopy(db.Model):
    """The final copy as issued on approval: PDF and DOCX, the PDF's SHA-256, a public code.

    `pdf` is the signed PDF once signed (`signed_at` set): by the system on rendering, or the
    copy the office uploaded after signing it with its own tool; until then (external signing)
    the approved PDF as rendered, offered for download to be signed. Legacy copies (issued before
    signing existed) stay unsigned.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), unique=True
    )
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id"))
    # Deferred: the verification page and listings read the fingerprint, not the files.
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    docx: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))  # hex digest of `pdf`
    verify_code: Mapped[str] = mapped_column(String(16), unique=True)  # random, 80 bits
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship()


class PreviewStatus(StrEnum):
    """Where a draft's PDF preview is: asked of the worker, rendered, or failed."""

    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class DraftPreview(db.Model):
    """The PDF preview of a draft (one per programme), rendered by a worker for one `version`
    of the programme (chibo_flow.documents.preview); replaced when the programme changes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), unique=True
    )
    version: Mapped[int] = mapped_column(Integer)  # the programme's version it shows
    status: Mapped[str] = mapped_column(String(10), default=PreviewStatus.PENDING)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    error: Mapped[str | None] = mapped_column(Text)  # why it failed, as shown to people
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
