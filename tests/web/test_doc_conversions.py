"""A .doc upload while every LibreOffice conversion slot is taken: a plain message to try again
shortly, nothing stored and the form kept; the same upload goes through once a slot is free."""

import io

import pytest
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.models import Programme
from tests.documents.samples import office, programme_docx
from tests.support import office_slots_taken
from tests.web.support import flashes

TITLE = "Hành động năm 2023 của chi bộ"


@pytest.fixture(scope="module")
def doc() -> bytes:
    return office(programme_docx(), "docx", "doc")


@pytest.fixture
def slots(app, tmp_path):
    """One conversion at a time, waited for half a second."""
    app.config.update(OFFICE_SLOTS_DIR=str(tmp_path / "slots"), OFFICE_CONVERSIONS=1,
                      OFFICE_WAIT_S=0.5)  # fmt: skip
    return tmp_path / "slots"


def _programmes(db) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Programme.title).order_by(Programme.id)))


def _post(client, org_id: int, doc: bytes):
    return client.post(
        "/programmes/new",
        data={"org_id": str(org_id), "text": "", "upload": (io.BytesIO(doc), "chuong-trinh.doc")},
        content_type="multipart/form-data",
    )


def test_a_doc_upload_waits_then_is_asked_to_try_again_shortly(db, world, browser, doc, slots):
    client = browser(world.users["secretary"])
    before = _programmes(db)
    with office_slots_taken(slots, 1):
        busy = _post(client, world.org.id, doc)
    assert busy.status_code == 422
    assert flashes(busy, "danger") == [messages.FILE_CONVERSION_BUSY]
    assert 'name="upload"' in busy.get_data(as_text=True)  # the form, to upload again
    assert _programmes(db) == before

    again = _post(client, world.org.id, doc)
    assert again.status_code == 302
    assert flashes(client.get(again.location), "success") == [messages.PROGRAMME_CREATED]
    assert _programmes(db) == [*before, TITLE]
