"""A secretary imports the file she has: a web page saved from the browser (or its HTML source
in a text file), an .rtf from WordPad, an .odt from LibreOffice Writer. Each real document is
read through the upload page as the corpus reads it, field by field, and the way it was read is
kept with the draft's warnings."""

import io
import json
import re

import pytest
from markupsafe import Markup
from sqlalchemy import func, select

from chibo_flow import messages
from chibo_flow.documents.programme_doc import ProgrammeDoc
from chibo_flow.documents.reading import MAX_UPLOAD_BYTES
from chibo_flow.models import Programme
from chibo_flow.uploads import megabytes
from chibo_flow.workflow import apply_transition
from tests.documents.real_corpus import (
    FIELDS,
    MISREADS_FILE,
    REAL,
    expected_fields,
    normalise,
    parsed_fields,
)
from tests.support import office_slots_taken
from tests.web.support import flashes, page_text, textarea

MISREADS: dict[str, list[str]] = json.loads(MISREADS_FILE.read_text(encoding="utf-8"))
UPLOADS = [
    ("derived-cong-van-2449-cv-du-ubnd-tinh-lao-cai-rtf.rtf", messages.NOTE_RTF_CONVERTED),
    (
        "derived-huong-dan-37-hd-btgdvtw-ban-tin-sinh-hoat-chi-bo-odt.odt",
        messages.NOTE_ODT_CONVERTED,
    ),
    ("derived-huong-dan-37-hd-btgdvtw-ban-tin-sinh-hoat-chi-bo-html.html", messages.NOTE_HTML),
    ("derived-cong-van-2449-cv-du-ubnd-tinh-lao-cai-vntime-html.html", messages.NOTE_HTML),
    ("web-hd-21-btgtw-2017-thanhdoan-hcm-raw-html.txt", messages.NOTE_HTML),
]


def _post(client, org_id: int, data: bytes, filename: str):
    return client.post(
        "/programmes/new",
        data={"org_id": str(org_id), "text": "", "upload": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Programme.id)))


@pytest.mark.parametrize(("name", "note"), UPLOADS, ids=[n.split(".")[0][-30:] for n, _ in UPLOADS])
def test_a_real_document_in_this_format_is_imported_field_by_field(db, world, browser, name, note):
    source = REAL / name
    client = browser(world.users["secretary"])
    response = _post(client, world.org.id, source.read_bytes(), name)
    assert response.status_code == 302, flashes(response, "danger")
    assert flashes(client.get(response.location), "success") == [messages.PROGRAMME_CREATED]

    programme = db.session.get(Programme, int(response.location.rstrip("/").split("/")[-1]))
    assert note in [warning["message"] for warning in programme.doc["warnings"]]
    parsed = parsed_fields(ProgrammeDoc.from_dict(programme.doc))
    expected = expected_fields(source)
    known = set(MISREADS.get(source.name.removesuffix(source.suffix), []))
    wrong = {
        field: (expected[field], parsed[field])
        for field in FIELDS
        if field not in known and normalise(expected[field]) != normalise(parsed[field])
    }
    assert not wrong


def test_the_upload_field_offers_every_format_read(world, browser):
    page = browser(world.users["secretary"]).get("/programmes/new").get_data(as_text=True)
    assert 'accept=".docx,.doc,.odt,.rtf,.pdf,.html,.htm,.mht,.mhtml,.txt"' in page
    label = messages.DOCUMENT_FILE_FIELD.format(limit=megabytes(MAX_UPLOAD_BYTES))
    assert all(kind in label for kind in (".odt", ".rtf", ".html", ".mht"))
    assert label in page


@pytest.mark.parametrize(
    "name",
    [
        "derived-cong-van-2449-cv-du-ubnd-tinh-lao-cai-rtf.rtf",
        "derived-huong-dan-37-hd-btgdvtw-ban-tin-sinh-hoat-chi-bo-odt.odt",
    ],
    ids=["rtf", "odt"],
)
def test_rtf_and_odt_wait_for_the_same_conversion_slots_as_a_doc(
    app, db, world, browser, tmp_path, name
):
    app.config.update(OFFICE_SLOTS_DIR=str(tmp_path / "slots"), OFFICE_CONVERSIONS=1,
                      OFFICE_WAIT_S=0.5)  # fmt: skip
    client = browser(world.users["secretary"])
    before = _count(db)
    with office_slots_taken(tmp_path / "slots", 1):
        busy = _post(client, world.org.id, (REAL / name).read_bytes(), name)
    assert busy.status_code == 422
    assert flashes(busy, "danger") == [messages.FILE_CONVERSION_BUSY]
    assert _count(db) == before


def test_the_html_source_of_a_page_pasted_in_the_text_box_is_read_as_the_page(db, world, browser):
    """The youth union's article as HTML source (web-hd-21-…-thanhdoan), copied into the form."""
    source = REAL / "web-hd-21-btgtw-2017-thanhdoan-hcm-raw-html.txt"
    client = browser(world.users["secretary"])
    response = client.post(
        "/programmes/new",
        data={"org_id": str(world.org.id), "text": source.read_text(encoding="utf-8")},
    )
    assert response.status_code == 302, flashes(response, "danger")
    programme = db.session.get(Programme, int(response.location.rstrip("/").split("/")[-1]))
    parsed = parsed_fields(ProgrammeDoc.from_dict(programme.doc))
    assert (parsed["section_1"], parsed["section_2"]) == ("I. MỤC ĐÍCH, YÊU CẦU", "1.")
    assert messages.NOTE_HTML in [warning["message"] for warning in programme.doc["warnings"]]


def test_how_an_imported_file_was_read_is_shown_on_the_draft_until_it_is_submitted(
    db, world, browser
):
    """The secretary lands on the draft after importing an old TCVN3 file: she is told there
    is something to check and sees the note there, not only later in the edit preview."""
    name = "derived-cong-van-2449-cv-du-ubnd-tinh-lao-cai-tcvn3.txt"
    client = browser(world.users["secretary"])
    response = _post(client, world.org.id, (REAL / name).read_bytes(), name)
    assert response.status_code == 302, flashes(response, "danger")
    programme = db.session.get(Programme, int(response.location.rstrip("/").split("/")[-1]))
    notes = programme.doc["warnings"]

    page = client.get(response.location)
    assert flashes(page, "info") == [messages.PROGRAMME_CREATED_CHECK.format(count=len(notes))]
    text = page_text(page)
    assert "Cần soát lại khi đọc văn bản" in text
    assert messages.NOTE_TCVN3 in text

    # Once she has saved the text (now in Unicode), the note about the old encoding is gone.
    text_now = textarea(client.get(f"/programmes/{programme.id}/edit"))
    saved = client.post(
        f"/programmes/{programme.id}/edit",
        data={"text": text_now, "version": programme.version, "save": "Lưu"},
        follow_redirects=True,
    )
    assert flashes(saved, "success") == [messages.ACTION_DONE["edit"]]
    assert messages.NOTE_TCVN3 not in page_text(saved)


def test_an_annex_after_the_signature_is_one_point_to_check_not_one_a_line(db, world, browser):
    """The Đảng uỷ xã Công Hải's programme as its text file holds it: the document, then the
    copy's signing stamp and the text again, every line of it after the signature. The
    secretary is told of one point for that run of lines, its lines under "Xem … dòng"."""
    name = "file-chuong-trinh-hanh-dong-23-ctr-du-xa-cong-hai-nghi-quyet-dai-hoi.txt"
    client = browser(world.users["secretary"])
    response = _post(client, world.org.id, (REAL / name).read_bytes(), name)
    assert response.status_code == 302, flashes(response, "danger")
    programme = db.session.get(Programme, int(response.location.rstrip("/").split("/")[-1]))
    notes = programme.doc["warnings"]
    after = [n for n in notes if n["message"] == messages.WARN_AFTER_SIGNATURE]
    assert len(after) > 100, "the file's lines after the signature are each noted"

    page = client.get(response.location)
    points = re.findall(
        r"<ul class=\"warnings\">(.*?)</ul>\s*</section>", page.get_data(as_text=True), re.S
    )
    items = re.findall(r"<li>Dòng ", points[0])  # a point; its lines are <li>“…”
    assert flashes(page, "info") == [messages.PROGRAMME_CREATED_CHECK.format(count=len(items))]
    assert len(items) == len(notes) - len(after) + 1
    text = page_text(page)
    run = f"Dòng {after[0]['line']}–{after[-1]['line']} ({len(after)} dòng) — "
    assert run + messages.WARN_AFTER_SIGNATURE in text
    assert f"Xem {len(after)} dòng" in text
    assert f"“{after[-1]['text']}”" in text


def test_a_member_who_cannot_edit_the_draft_is_not_shown_the_reading_notes(db, world, browser):
    programme = world.programme
    note = {"part": "header", "line": 1, "text": "", "message": messages.NOTE_PDF}
    doc = {**programme.doc, "warnings": [note]}
    apply_transition(
        programme, "edit", world.users["secretary"], version=programme.version, doc=doc
    )
    assert messages.NOTE_PDF in page_text(browser(world.users["secretary"]).get(
        f"/programmes/{programme.id}"))  # fmt: skip
    seen = page_text(browser(world.users["committee"]).get(f"/programmes/{programme.id}"))
    assert "Dự thảo lần" in seen
    assert messages.NOTE_PDF not in seen


def test_the_site_lines_left_out_above_the_header_are_listed_under_xem(db, world, browser):
    """A page saved from a legal-documents site: its search box, login link and metadata block
    stand above the document's header and are left out, named in one warning. The card says
    so in one line and lists the lines they were under "Xem n dòng", one a line, instead of
    printing them as one long quotation before the message."""
    name = "web-hd-11-ubkttw-2008-vv-left-column.txt"
    client = browser(world.users["secretary"])
    response = _post(client, world.org.id, (REAL / name).read_bytes(), name)
    assert response.status_code == 302, flashes(response, "danger")
    programme = db.session.get(Programme, int(response.location.rstrip("/").split("/")[-1]))
    (note,) = [n for n in programme.doc["warnings"] if "\n" in n["text"]]
    lines = note["text"].split("\n")

    html = client.get(response.location).get_data(as_text=True)
    assert f"<li>Dòng {note['line']} — {note['message']}" in html
    assert f"Xem {len(lines)} dòng" in html
    listed = re.findall(r"<details>.*?</details>", html, re.S)[0]
    assert re.findall(r"<li>“(.*?)”</li>", listed) == [str(Markup.escape(line)) for line in lines]
