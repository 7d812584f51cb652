"""The draft's PDF preview is laid out by the Celery worker, never in the web request: the
page answers at once, reloads itself until the PDF is ready, follows the programme's changes
and says plainly when the draft is too large or the rendering failed."""

from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.documents.preview import render_preview
from chibo_flow.models import DraftPreview
from chibo_flow.security.limits import MAX_PARAGRAPH_CHARS, count_text
from chibo_flow.workflow import apply_transition
from tests.support import wait_for
from tests.web.support import page_text


def _render(db, programme) -> None:
    """Run what the worker runs, then forget what the test's session holds (the test's requests
    share it, where each real request has its own)."""
    render_preview(programme.id)
    db.session.expire_all()


def _preview(db, programme) -> DraftPreview:
    db.session.expire_all()
    return db.session.scalar(select(DraftPreview).where(DraftPreview.programme_id == programme.id))


def test_a_real_worker_renders_the_preview_the_page_waits_for(db, world, browser, celery_worker):
    programme = world.programme
    secretary = browser(world.users["secretary"])
    url = f"/programmes/{programme.id}/ban-in.pdf"

    waiting = secretary.get(url)
    assert waiting.status_code == 202  # queued for the worker: the request does not lay it out
    assert "Mở bản PDF" in page_text(waiting)

    ready = wait_for(lambda: (response := secretary.get(url)).status_code == 200 and response)
    assert ready.content_type == "application/pdf" and ready.data.startswith(b"%PDF")
    assert secretary.get(url).data == ready.data, "kept for the version it shows"


def test_a_changed_draft_is_laid_out_again(db, world, browser):
    programme = world.programme
    secretary = browser(world.users["secretary"])
    url = f"/programmes/{programme.id}/ban-in.pdf"
    secretary.get(url)
    _render(db, programme)
    assert secretary.get(url).status_code == 200

    apply_transition(programme, "submit", world.users["secretary"], version=programme.version)
    again = secretary.get(url)
    assert again.status_code == 202, "the draft changed (now in review): a new preview"
    assert _preview(db, programme).version == programme.version
    _render(db, programme)
    assert secretary.get(url).status_code == 200


def test_a_rendering_for_an_older_version_is_dropped(db, world, browser):
    programme = world.programme
    secretary = browser(world.users["secretary"])
    secretary.get(f"/programmes/{programme.id}/ban-in.pdf")
    asked = _preview(db, programme)
    asked.version = programme.version - 1  # the worker renders what the programme is now
    db.session.commit()
    _render(db, programme)
    assert _preview(db, programme).status == "pending"


def test_a_failed_rendering_is_said_and_can_be_retried(db, world, browser):
    programme = world.programme
    secretary = browser(world.users["secretary"])
    url = f"/programmes/{programme.id}/ban-in.pdf"
    secretary.get(url)
    row = _preview(db, programme)
    row.status, row.error = "failed", messages.PREVIEW_TOO_SLOW
    db.session.commit()

    failed = secretary.get(url)
    assert failed.status_code == 503
    assert messages.PREVIEW_TOO_SLOW in page_text(failed)
    assert '<meta http-equiv="refresh"' not in failed.get_data(as_text=True)
    assert secretary.get(url + "?thu-lai=1").status_code == 202
    _render(db, programme)
    assert secretary.get(url).status_code == 200


def test_a_too_large_draft_gets_a_plain_message_at_once(db, world, browser):
    revision = world.programme.current_revision
    big = "đảng viên " * (2_000_000 // 10)  # one 2 MB paragraph, saved before the limits
    revision.content = {**revision.content, "bases": [big]}
    db.session.commit()
    secretary = browser(world.users["secretary"])

    response = secretary.get(f"/programmes/{world.programme.id}/ban-in.pdf")
    assert response.status_code == 422  # answered by the request itself, not after a layout
    text = page_text(response)
    assert messages.PREVIEW_TOO_LARGE in text
    assert messages.PARAGRAPH_TOO_LONG.format(limit=count_text(MAX_PARAGRAPH_CHARS)) in text
    assert _preview(db, world.programme) is None, "nothing asked of the worker"
