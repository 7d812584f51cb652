"""The PDF preview of a draft, laid out by a Celery worker and never in a web request (WeasyPrint
takes seconds on a long draft, and a web worker must not wait for it).

The programme page's link asks for the preview of the programme as it is now (its `version`):
when the worker has rendered it, the PDF is served; until then a page says so and reloads itself.
One DraftPreview row per programme holds the latest request and its result; a changed programme
asks again, a request the broker lost is asked again after REQUEUE_AFTER. The worker's own time
limit (TASK_SOFT_TIME_LIMIT_S) bounds a rendering; a failure is recorded with a message.
"""

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from chibo_flow import messages
from chibo_flow.documents.final_copy import render_pdf
from chibo_flow.extensions import db
from chibo_flow.models import DraftPreview, Programme
from chibo_flow.models._types import utcnow
from chibo_flow.models.programmes import PreviewStatus, State
from chibo_flow.notifications.queue import publish

log = logging.getLogger(__name__)

RENDER_PREVIEW = "chibo_flow.documents.preview.render_preview"
REQUEUE_AFTER = timedelta(seconds=60)  # a request still pending this long is queued again
_previews = DraftPreview.__table__


def preview_for(programme: Programme, retry: bool = False) -> DraftPreview:
    """The preview of the programme as it is now: rendered, failed, or pending (then asked of
    the worker, unless asked less than REQUEUE_AFTER ago). `retry` asks again after a failure.
    Commits."""
    row = db.session.scalar(select(DraftPreview).where(DraftPreview.programme_id == programme.id))
    if row is not None and row.version == programme.version:
        recent = utcnow() - row.requested_at < REQUEUE_AFTER
        if row.status == PreviewStatus.READY or (row.status == PreviewStatus.FAILED and not retry):
            return row
        if row.status == PreviewStatus.PENDING and recent:
            return row
    if row is None:
        row = DraftPreview(programme_id=programme.id)
        db.session.add(row)
    row.version, row.status, row.pdf, row.error = (
        programme.version,
        PreviewStatus.PENDING,
        None,
        None,
    )
    row.requested_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # asked in another request at the same moment: theirs stands
        db.session.rollback()
        return db.session.scalar(
            select(DraftPreview).where(DraftPreview.programme_id == programme.id)
        )
    publish(RENDER_PREVIEW, programme.id)  # a lost publish is asked again after REQUEUE_AFTER
    return row


@shared_task(name=RENDER_PREVIEW, ignore_result=True)
def render_preview(programme_id: int) -> None:
    """Lay out the draft's PDF and store it for the version it shows; a rendering for a version
    no longer asked for is dropped."""
    programme = db.session.get(Programme, programme_id)
    if programme is None or programme.state == State.APPROVED:
        return
    version = programme.version
    values: dict[str, object]
    try:
        values = {"status": PreviewStatus.READY, "pdf": render_pdf(programme)}
    except SoftTimeLimitExceeded:
        values = {"status": PreviewStatus.FAILED, "error": messages.PREVIEW_TOO_SLOW}
    except Exception:  # the page must say it failed instead of waiting for ever
        log.exception("draft preview of programme %s failed", programme_id)
        values = {"status": PreviewStatus.FAILED, "error": messages.PREVIEW_FAILED}
    db.session.rollback()  # end the read transaction before writing the result
    db.session.execute(
        update(_previews)
        .where(_previews.c.programme_id == programme_id, _previews.c.version == version)
        .values(**values)
    )
    db.session.commit()
