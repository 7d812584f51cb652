"""Độ mật and độ khẩn on the web: chosen on the new and edit pages or read from the stamps of the
imported file, shown as labels on the lists and the programme page, and stamped under the number
on the printed draft and on the final PDF and DOCX."""

import io

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.documents.final_copy import final_copy_for
from chibo_flow.documents.parse import parse_text
from chibo_flow.models import Programme
from chibo_flow.workflow import apply_transition
from tests.web.support import bring_to, flashes, page_text, textarea

pytestmark = pytest.mark.one_database  # see tests/conftest.py

STAMPED_HEADER = (
    "ĐẢNG BỘ XÃ TIÊN CƯỜNG          ĐẢNG CỘNG SẢN VIỆT NAM\n"
    "CHI BỘ MẦM NON\n"
    "*\n"
    "Số 05-CTr/CB          Tiên Cường, ngày 05 tháng 01 năm 2023\n"
    "{stamps}\n"
)


def _newest(db) -> Programme:
    db.session.expire_all()
    return db.session.scalars(select(Programme).order_by(Programme.id.desc())).first()


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(
    ("stamps", "expected"),
    [
        ("MẬT", {"secrecy": "mat"}),
        ("MẬT\n[THƯỢNG KHẨN]", {"secrecy": "mat", "urgency": "thuong_khan"}),
        ("**KHẨN**", {"urgency": "khan"}),
        ("HOẢ TỐC", {"urgency": "hoa_toc"}),
        ("TỐI MẬT", {"secrecy": "toi_mat"}),
        ("", {}),
    ],
)
def test_the_importer_reads_the_stamps_and_leaves_them_out_of_the_content(
    seed_text, stamps, expected
):
    stamped = parse_text(STAMPED_HEADER.format(stamps=stamps) + seed_text)
    plain = parse_text(STAMPED_HEADER.format(stamps="") + seed_text)
    assert stamped.marks == expected
    assert stamped == plain, "the stamp is neither a title nor a paragraph"
    assert "marks" not in stamped.to_dict()


def test_words_of_the_body_are_not_read_as_stamps(seed_text):
    assert parse_text(seed_text + "\nKHẨN\nMẬT\n").marks == {}
    assert parse_text("Mật\n" + seed_text).marks == {}, "a stamp is written in capitals"


def test_a_new_draft_takes_the_stamps_of_its_file_and_shows_them(db, world, browser, seed_text):
    client = browser(world.users["secretary"])
    form = client.get("/programmes/new").get_data(as_text=True)
    assert 'name="secrecy"' in form and 'name="urgency"' in form
    upload = (io.BytesIO(("MẬT\nHỎA TỐC\n\n" + seed_text).encode()), "chuong-trinh.txt")
    response = client.post(
        "/programmes/new",
        data={"org_id": world.org.id, "upload": upload, "secrecy": "", "urgency": ""},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert flashes(response, "success") == [messages.PROGRAMME_CREATED]
    programme = _newest(db)
    assert (programme.secrecy, programme.urgency) == ("mat", "hoa_toc")
    shown = response.get_data(as_text=True)
    assert 'badge--mat">Mật</span>' in shown and 'badge--hoa_toc">Hỏa tốc</span>' in shown
    assert '<p class="party-doc__secrecy">MẬT</p>' in shown
    assert '<p class="party-doc__urgency">HỎA TỐC</p>' in shown
    home = client.get("/").get_data(as_text=True)
    assert 'badge--mat">Mật</span>' in home


def test_what_the_secretary_chooses_wins_over_the_file(db, world, browser, seed_text):
    client = browser(world.users["secretary"])
    response = client.post(
        "/programmes/new",
        data={"org_id": world.org.id, "text": "KHẨN\n" + seed_text, "urgency": "thuong_khan"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    programme = _newest(db)
    assert (programme.secrecy, programme.urgency) == ("thuong", "thuong_khan")


@pytest.mark.parametrize(
    "data",
    [{"text": "TỐI MẬT\n{seed}", "secrecy": "thuong"}, {"text": "{seed}", "secrecy": "tuyet_mat"}],
)
def test_a_top_secret_document_is_refused_on_the_web(db, world, browser, seed_text, data):
    client = browser(world.users["secretary"])
    before = _newest(db).id
    data = {key: value.format(seed=seed_text) for key, value in data.items()}
    response = client.post("/programmes/new", data={"org_id": world.org.id, **data})
    assert response.status_code == 422
    assert flashes(response, "danger") == [messages.SECRECY_REFUSED]
    assert _newest(db).id == before, "nothing stored"


def test_the_edit_page_keeps_and_changes_the_marks(db, world, browser):
    programme = world.programme
    client = browser(world.users["secretary"])
    page = client.get(f"/programmes/{programme.id}/edit").get_data(as_text=True)
    assert '<option selected value="thuong">Thường</option>' in page
    text = page_text(client.get(f"/programmes/{programme.id}/edit"))
    assert "Độ mật" in text and "Độ khẩn" in text

    edited = client.get(f"/programmes/{programme.id}/edit")
    body = {
        "version": programme.version,
        "text": textarea(edited),
        "secrecy": "mat",
        "urgency": "khan",
    }
    saved = client.post(
        f"/programmes/{programme.id}/edit", data={**body, "save": "Lưu"}, follow_redirects=True
    )
    assert flashes(saved, "success") == [messages.ACTION_DONE["edit"]]
    db.session.expire_all()
    assert (programme.secrecy, programme.urgency) == ("mat", "khan")
    again = client.get(f"/programmes/{programme.id}/edit").get_data(as_text=True)
    assert '<option selected value="mat">Mật</option>' in again


def test_the_preview_pre_fills_the_marks_stamped_in_the_text(db, world, browser):
    programme = world.programme
    client = browser(world.users["secretary"])
    edited = client.get(f"/programmes/{programme.id}/edit")
    body = {"version": programme.version, "text": "THƯỢNG KHẨN\n" + textarea(edited)}
    preview = client.post(
        f"/programmes/{programme.id}/edit", data={**body, "preview": "Xem trước"}
    ).get_data(as_text=True)
    assert '<option selected value="thuong_khan">Thượng khẩn</option>' in preview
    db.session.expire_all()
    assert programme.urgency == "thuong", "a preview saves nothing"


def test_the_final_pdf_and_docx_carry_the_stamps_under_the_number(db, world):
    programme = world.programme
    apply_transition(
        programme,
        "edit",
        world.users["secretary"],
        version=programme.version,
        marks={"secrecy": "mat", "urgency": "hoa_toc"},
    )
    bring_to(world, "approved")
    copy = final_copy_for(programme)

    lines = [line.strip() for line in _pdf_text(copy.pdf).splitlines()]
    number = next(i for i, line in enumerate(lines) if "01-CTr/CB" in line)
    kind = lines.index("CHƯƠNG TRÌNH")
    assert number < lines.index("MẬT") < lines.index("HỎA TỐC") < kind

    document = docx.Document(io.BytesIO(copy.docx))
    issuer = document.tables[0].rows[0].cells[0].paragraphs
    texts = [p.text for p in issuer]
    assert texts.index("Số 01-CTr/CB") < texts.index("MẬT") < texts.index("HỎA TỐC")
    stamp = issuer[texts.index("MẬT")]
    assert stamp.runs[0].bold and stamp.runs[0]._r.rPr.find(qn("w:bdr")) is not None


def test_an_ordinary_document_carries_no_stamp(db, world):
    bring_to(world, "approved")
    copy = final_copy_for(world.programme)
    text = _pdf_text(copy.pdf)
    assert "MẬT" not in text.split("CHƯƠNG TRÌNH")[0]
    assert "KHẨN" not in text.split("CHƯƠNG TRÌNH")[0]
