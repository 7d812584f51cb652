"""A secretary creates, previews and edits drafts; anyone allowed reads the rendered document."""

import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from chibo_flow import messages
from chibo_flow.documents.parse import parse_text
from chibo_flow.documents.programme_doc import ProgrammeDoc
from chibo_flow.documents.text_layout import format_text
from chibo_flow.models import Programme, Revision
from chibo_flow.workflow import apply_transition
from tests.documents.samples import corrupt_doc, scanned_pdf
from tests.support import assert_in_order
from tests.web.support import bring_to, flashes, page_text, textarea

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _newest(db) -> Programme:
    return db.session.scalars(select(Programme).order_by(Programme.id.desc())).first()


def test_secretary_creates_a_draft_from_text(db, world, browser, seed_text):
    client = browser(world.users["secretary"])
    form = client.get("/programmes/new")
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.get_data(as_text=True)

    text = seed_text.replace("NĂM 2023", "NĂM 2024")
    response = client.post(
        "/programmes/new", data={"org_id": world.org.id, "text": text}, follow_redirects=True
    )
    assert response.status_code == 200
    assert flashes(response, "success") == [messages.PROGRAMME_CREATED]
    programme = _newest(db)
    assert programme.title == "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2024"
    assert programme.state == "draft"
    assert response.request.path == f"/programmes/{programme.id}"
    assert "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2024" in page_text(response)


def test_a_number_typed_in_the_file_is_shown_beside_the_blank_one(db, world, browser):
    client = browser(world.users["secretary"])
    text = "CHI BỘ TRƯỜNG MẦM NON TIÊN CƯỜNG\nSố 07-CTr/CB\n\nCHƯƠNG TRÌNH\nCông tác năm 2024\n"
    response = client.post(
        "/programmes/new", data={"org_id": world.org.id, "text": text}, follow_redirects=True
    )
    shown = page_text(response)
    assert "Số -CTr/CB" in shown
    assert messages.NOTE_NUMBER_IN_FILE.format(number="07-CTr/CB") in shown


def test_secretary_creates_a_draft_from_an_uploaded_txt(db, world, browser, seed_text):
    client = browser(world.users["secretary"])
    upload = (io.BytesIO(seed_text.encode("utf-8")), "chuong-trinh-hanh-dong-2023.txt")
    response = client.post(
        "/programmes/new",
        data={"org_id": str(world.org.id), "text": "", "upload": upload},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert flashes(response, "success") == [messages.PROGRAMME_CREATED]
    programme = _newest(db)
    assert programme.id != world.programme.id
    assert programme.doc == parse_text(seed_text).to_dict()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"upload": (PNG, "chuong-trinh.docx")}, messages.FILE_NOT_DOCUMENT),
        ({"upload": (PNG, "anh.txt")}, messages.FILE_NOT_DOCUMENT),
        ({"upload": (b"", "rong.txt")}, messages.FILE_EMPTY),
        ({"upload": (scanned_pdf(), "ban-quet.pdf")}, messages.FILE_PDF_SCANNED),
        ({"upload": (corrupt_doc(), "cu.doc")}, messages.FILE_DOC_UNREADABLE),
        ({"text": "   \n\n  "}, messages.EMPTY_DOCUMENT),
        ({"text": ""}, messages.EMPTY_DOCUMENT),
    ],
    ids=[
        "png-named-docx",
        "png-named-txt",
        "empty-file",
        "scanned-pdf",
        "corrupt-doc",
        "blank-text",
        "no-text",
    ],  # fmt: skip
)
def test_a_bad_document_shows_the_message_and_stores_nothing(db, world, browser, data, message):
    client = browser(world.users["secretary"])
    before = (_count(db, Programme), _count(db, Revision))
    if "upload" in data:
        content, filename = data["upload"]
        data = {"upload": (io.BytesIO(content), filename)}
    response = client.post(
        "/programmes/new",
        data={"org_id": str(world.org.id), **data},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert flashes(response, "danger") == [message]
    assert (_count(db, Programme), _count(db, Revision)) == before


@pytest.mark.parametrize("who", ["committee", "member", "admin"])
def test_only_secretaries_may_create(world, browser, who):
    client = browser(world.users[who])
    assert client.get("/programmes/new").status_code == 403
    assert client.post("/programmes/new", data={"text": "CHƯƠNG TRÌNH"}).status_code == 403


def test_edit_preview_then_save(db, world, browser):
    programme = world.programme
    client = browser(world.users["secretary"])
    page = client.get(f"/programmes/{programme.id}/edit")
    assert page.status_code == 200
    original = format_text(ProgrammeDoc.from_dict(programme.doc))
    assert textarea(page) == original
    version = programme.version
    revisions = _count(db, Revision)

    edited = original.replace("NĂM 2023", "NĂM 2024").replace(
        "- Lãnh đạo phụ trách chi bộ;", "- Lãnh đạo phụ trách chi bộ;\n- Hội Cựu chiến binh (ph/h);"
    )
    preview = client.post(
        f"/programmes/{programme.id}/edit",
        data={"text": edited, "version": version, "preview": "Xem trước"},
    )
    assert preview.status_code == 200
    shown = page_text(preview)
    assert messages.PREVIEW_NOT_SAVED in flashes(preview, "info")
    assert "Trích yếu HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2024" in shown
    assert "III. Một số chỉ tiêu cơ bản và giải pháp năm 2023" in shown
    assert "Thường trực ĐU (để báo cáo) Gửi tới 1 người: Phạm Văn Dũng" in shown
    unresolved = re.search(
        r'<li class="recipient recipient--unresolved">\s*<strong>([^<]+)</strong>',
        preview.get_data(as_text=True),
    )
    assert unresolved and unresolved.group(1) == "Hội Cựu chiến binh"
    assert textarea(preview) == edited
    db.session.expire_all()
    assert (programme.version, programme.title, _count(db, Revision)) == (
        version, "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023", revisions
    )  # fmt: skip

    saved = client.post(
        f"/programmes/{programme.id}/edit",
        data={"text": edited, "version": version, "save": "Lưu"},
        follow_redirects=True,
    )
    assert flashes(saved, "success") == [messages.ACTION_DONE["edit"]]
    assert saved.request.path == f"/programmes/{programme.id}"
    db.session.expire_all()
    assert _count(db, Revision) == revisions + 1
    assert programme.version == version + 1
    assert programme.title == "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2024"
    assert programme.current_revision.created_by_id == world.users["secretary"].id


def test_preview_shows_parser_warnings(world, browser):
    client = browser(world.users["secretary"])
    response = client.post(
        f"/programmes/{world.programme.id}/edit",
        data={"text": "Một dòng chữ bất kỳ", "version": world.programme.version, "preview": "1"},
    )
    assert "Cảnh báo khi đọc văn bản" in page_text(response)


def test_stale_edit_keeps_the_text_and_says_so(db, world, browser, seed_text):
    programme = world.programme
    client = browser(world.users["secretary"])
    seen_version = programme.version
    # Someone else saves while this secretary is typing.
    other = parse_text(seed_text.replace("NĂM 2023", "NĂM 2025")).to_dict()
    apply_transition(programme, "edit", world.users["secretary"], version=seen_version, doc=other)
    revisions = _count(db, Revision)

    mine = seed_text.replace("NĂM 2023", "NĂM 2024 (bản của tôi)")
    response = client.post(
        f"/programmes/{programme.id}/edit",
        data={"text": mine, "version": seen_version, "save": "Lưu"},
    )
    assert response.status_code == 409
    assert flashes(response, "danger") == [messages.STALE_VERSION]
    assert messages.EDIT_TEXT_KEPT in flashes(response, "info")
    assert textarea(response) == mine
    assert "Bản đang lưu hiện tại" in page_text(response)
    db.session.expire_all()
    assert programme.title == "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2025"
    assert _count(db, Revision) == revisions


def test_edit_is_for_drafts_of_ones_own_org(world, browser):
    programme = bring_to(world, "review")
    secretary = browser(world.users["secretary"])
    response = secretary.get(f"/programmes/{programme.id}/edit", follow_redirects=True)
    assert flashes(response, "warning") == [messages.NOT_EDITABLE]
    edit = f"/programmes/{programme.id}/edit"
    assert browser(world.users["committee"]).get(edit).status_code == 403
    assert browser(world.users["outsider"]).get(edit).status_code == 404


def test_another_orgs_programme_is_not_found(world, browser):
    outsider = browser(world.users["outsider"])
    programme_id = world.programme.id
    assert outsider.get(f"/programmes/{programme_id}").status_code == 404
    response = outsider.post(
        f"/programmes/{programme_id}/transition",
        data={"action": "submit", "version": world.programme.version},
    )
    assert response.status_code == 404
    assert messages.NOT_FOUND in page_text(response)


def test_the_rendered_seed_reads_in_the_party_order(world, browser):
    page = browser(world.users["secretary"]).get(f"/programmes/{world.programme.id}")
    assert page.status_code == 200
    text = page_text(page.get_data(as_text=True).split('<article class="party-doc', 1)[1])
    doc = world.programme.doc

    def headings(sections):
        for section in sections:
            yield section["heading"]
            yield from headings(section["children"])

    expected = [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "DỰ THẢO",
        "CHƯƠNG TRÌNH",
        "HÀNH ĐỘNG CỦA CHI BỘ MẦM NON NĂM 2023",
        *headings(doc["sections"]),
        "Nơi nhận:",
        "- Thường trực ĐU (b/c);",
        "- Lưu. CB.",
        "TM. CHI BỘ",
        "BÍ THƯ",
        "Vũ Thị Xuyên",
    ]
    assert_in_order(text, expected)
    assert "CHI BỘ TRƯỜNG MẦM NON TIÊN CƯỜNG" in text
    assert "Số -CTr/CB" in text


def test_approved_document_carries_its_number_and_no_draft_mark(world, browser):
    programme = bring_to(world, "approved")
    page = browser(world.users["member"]).get(f"/programmes/{programme.id}")
    text = page_text(page)
    assert "Số 01-CTr/CB" in text
    assert "DỰ THẢO" not in text


def test_timestamps_are_shown_in_vietnam_time(db, world, browser):
    db.session.execute(
        update(Programme)
        .where(Programme.id == world.programme.id)
        .values(updated_at=datetime(2026, 11, 25, 7, 5, tzinfo=UTC))
    )
    db.session.commit()
    page = browser(world.users["secretary"]).get("/")
    assert "Cập nhật 14:05 25/11/2026" in page_text(page)

    db.session.execute(
        update(Programme)
        .where(Programme.id == world.programme.id)
        .values(updated_at=datetime(2026, 12, 31, 20, 30, tzinfo=UTC))
    )
    db.session.commit()
    page = browser(world.users["secretary"]).get("/")
    assert "Cập nhật 03:30 01/01/2027" in page_text(page)
