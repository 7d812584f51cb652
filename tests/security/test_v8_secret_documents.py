"""A "mật" document read after login (ASVS 8: data protection): every view and download is
recorded per viewer (its decision record, timeline and history too), and the PDF each viewer
downloads carries their name and the time as a note added after signing, so that the signature
still verifies (genuine, a note added). Who read is shown to the secretary, committee and admins,
not to every member; the public verification page and API never show a mật document's title."""

import io
import re

import docx
import pyotp
from pypdf import PdfReader
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.auth import totp
from chibo_flow.auth.sessions import issue_token
from chibo_flow.documents.final_copy import final_copy_for
from chibo_flow.documents.preview import render_preview
from chibo_flow.documents.signing import read_signatures
from chibo_flow.models import AuditEvent
from chibo_flow.secret_reading import SECRET_DOWNLOAD, SECRET_VIEW
from chibo_flow.workflow import apply_transition
from tests.web.support import bring_to, page_text


def _secret_approved(world):
    programme = world.programme
    apply_transition(
        programme,
        "edit",
        world.users["secretary"],
        version=programme.version,
        marks={"secrecy": "mat"},
    )
    totp.current_code(world.users["member"])  # a member reads it with a second factor
    return bring_to(world, "approved")


def _access(db, programme) -> list[tuple[str, str, dict]]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.programme_id == programme.id)
        .where(AuditEvent.action.in_((SECRET_VIEW, SECRET_DOWNLOAD)))
        .order_by(AuditEvent.id)
    )
    return [(row.action, row.actor.email, row.data) for row in rows]


def _stamps(pdf: bytes) -> list[str]:
    return [
        str(note.get_object()["/Contents"])
        for page in PdfReader(io.BytesIO(pdf)).pages
        for note in page.get("/Annots", [])
        if note.get_object()["/Subtype"] == "/Stamp"
    ]


def test_each_viewer_of_a_secret_document_is_recorded(db, world, browser):
    programme = _secret_approved(world)
    member = browser(world.users["member"])
    committee = browser(world.users["committee"])

    assert member.get(f"/programmes/{programme.id}").status_code == 200
    assert committee.get(f"/programmes/{programme.id}").status_code == 200
    assert member.get(f"/programmes/{programme.id}/review").status_code == 200
    docx_file = member.get(f"/programmes/{programme.id}/ban-in.docx")
    assert docx_file.status_code == 200
    section = docx.Document(io.BytesIO(docx_file.data)).sections[0]
    for header in (section.header, section.first_page_header):
        assert "đồng chí Đỗ Thị Lan (member@chibo.test), tải lúc" in header.paragraphs[0].text

    assert _access(db, programme) == [
        (SECRET_VIEW, "member@chibo.test", {"via": "web"}),
        (SECRET_VIEW, "committee@chibo.test", {"via": "web"}),
        (SECRET_VIEW, "member@chibo.test", {"via": "web"}),
        (SECRET_DOWNLOAD, "member@chibo.test", {"via": "web", "file": "docx"}),
    ]
    secretary_page = page_text(browser(world.users["secretary"]).get(f"/programmes/{programme.id}"))
    assert "Nhật ký xem và tải văn bản mật" in secretary_page
    assert "Xem văn bản mật" in secretary_page and "Tải văn bản mật" in secretary_page
    member_page = page_text(member.get(f"/programmes/{programme.id}"))
    assert "Nhật ký xem và tải văn bản mật" not in member_page, "members do not see who read"


def test_without_a_second_factor_a_member_is_sent_to_set_one_up_first(db, world, browser, client):
    programme = _secret_approved(world)
    member = world.users["member"]
    totp.clear_factor(member)
    db.session.commit()
    web = browser(member)  # logs in with the password only, as members may
    path = f"/programmes/{programme.id}"

    for page in (path, f"{path}/ban-in.pdf", f"{path}/timeline", f"{path}/decision"):
        refused = web.get(page)
        assert refused.status_code == 302, page
        assert refused.headers["Location"].startswith("/login/enrol?next=")
    assert messages.SECRET_NEEDS_FACTOR in page_text(web.get(refused.headers["Location"]))
    api = client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {issue_token(member)}"})
    assert api.status_code == 403
    assert api.get_json()["error"]["message"] == messages.SECRET_NEEDS_FACTOR
    assert _access(db, programme) == [], "nothing was read"

    enrol = web.get(f"/login/enrol?next={path}")
    secret = re.search(r"[A-Z2-7]{32}", page_text(enrol)).group()
    done = web.post(f"/login/enrol?next={path}", data={"code": pyotp.TOTP(secret).now()})
    assert f'href="{path}"' in done.get_data(as_text=True), "the codes page goes on to it"
    assert web.get(path).status_code == 200
    assert _access(db, programme) == [(SECRET_VIEW, member.email, {"via": "web"})]


def test_without_a_second_factor_lists_show_a_secret_document_by_its_number_only(
    db, world, browser, client
):
    programme = _secret_approved(world)
    member = world.users["member"]
    totp.clear_factor(member)
    db.session.commit()
    title = programme.title.casefold()

    # Someone with a second factor sees its title first, so the list item is cached with it.
    assert programme.title in page_text(browser(world.users["committee"]).get("/"))
    web = browser(member)
    for page in ("/", "/van-ban-den"):  # the lists, and what the member received
        text = page_text(web.get(page))
        assert f"{programme.number}" in text, page
        assert "trích yếu chỉ hiện khi đồng chí đăng nhập có xác thực hai lớp" in text, page
        assert title not in text.casefold(), page

    listed = client.get(
        "/api/v1/programmes", headers={"Authorization": f"Bearer {issue_token(member)}"}
    )
    assert listed.status_code == 200, "one mật programme does not refuse the whole list"
    (item,) = [item for item in listed.get_json()["items"] if item["id"] == programme.id]
    assert item["number"] == programme.number and item["secrecy"] == "mat"
    assert item["title"] is None and item["doc"] is None
    assert title not in listed.get_data(as_text=True).casefold()
    assert _access(db, programme) == [], "nothing was read"


def test_with_a_second_factor_lists_show_a_secret_documents_title_and_record_the_api_read(
    db, world, browser, token, client
):
    programme = _secret_approved(world)  # the member has a second factor
    member = world.users["member"]

    assert programme.title in page_text(browser(member).get("/"))
    listed = client.get("/api/v1/programmes", headers=token(member)).get_json()["items"]
    (item,) = [item for item in listed if item["id"] == programme.id]
    assert item["title"] == programme.title and item["doc"]["sections"]
    assert _access(db, programme) == [(SECRET_VIEW, member.email, {"via": "api"})]


def test_the_downloaded_pdf_carries_the_viewer_and_still_verifies(app, db, world, browser, client):
    programme = _secret_approved(world)
    issued = final_copy_for(programme).pdf
    member = world.users["member"]

    pdf = browser(member).get(f"/programmes/{programme.id}/ban-in.pdf")
    assert pdf.status_code == 200
    assert pdf.data.startswith(issued), "the issued, signed file is kept byte for byte"
    pages = len(PdfReader(io.BytesIO(issued)).pages)
    stamps = _stamps(pdf.data)
    assert len(stamps) == pages
    assert all(f"đồng chí {member.name} ({member.email}), tải lúc" in s for s in stamps)
    assert _access(db, programme)[-1] == (
        SECRET_DOWNLOAD, member.email, {"via": "web", "file": "pdf"})  # fmt: skip

    (signature,) = read_signatures(pdf.data, app.config)
    assert signature.valid and signature.trusted
    assert signature.signed_revision == issued
    assert signature.annotations_only, "the stamp is reported as a note added after signing"
    verdict = client.post("/api/v1/verify", data={"file": (io.BytesIO(pdf.data), "ban.pdf")})
    body = verdict.get_json()
    assert body["genuine"] is True and body["signature"]["valid"] is True
    assert body["signature"]["changed_after_signing"] is True


def test_the_api_records_views_and_stamps_the_pdf(db, world, token, client):
    programme = _secret_approved(world)
    final_copy_for(programme)
    headers = token(world.users["committee"])

    assert client.get(f"/api/v1/programmes/{programme.id}", headers=headers).status_code == 200
    pdf = client.get(f"/api/v1/programmes/{programme.id}/final.pdf", headers=headers)
    assert pdf.status_code == 200
    assert _stamps(pdf.data) and world.users["committee"].name in _stamps(pdf.data)[0]
    assert _access(db, programme) == [
        (SECRET_VIEW, "committee@chibo.test", {"via": "api"}),
        (SECRET_DOWNLOAD, "committee@chibo.test", {"via": "api", "file": "pdf"}),
    ]


def test_an_ordinary_document_is_served_as_issued_and_not_recorded(db, world, browser):
    programme = bring_to(world, "approved")
    member = browser(world.users["member"])
    member.get(f"/programmes/{programme.id}")
    pdf = member.get(f"/programmes/{programme.id}/ban-in.pdf")
    assert pdf.data == final_copy_for(programme).pdf
    assert _access(db, programme) == []


def test_a_secret_drafts_preview_is_stamped_and_recorded(db, world, browser):
    programme = world.programme
    apply_transition(
        programme, "edit", world.users["secretary"], version=programme.version,
        marks={"secrecy": "mat"},
    )  # fmt: skip
    committee = world.users["committee"]
    client = browser(committee)
    assert client.get(f"/programmes/{programme.id}/ban-in.pdf").status_code == 202
    render_preview(programme.id)  # what the worker runs
    db.session.expire_all()

    pdf = client.get(f"/programmes/{programme.id}/ban-in.pdf")
    assert pdf.status_code == 200
    assert committee.name in _stamps(pdf.data)[0]
    assert _access(db, programme)[-1] == (
        SECRET_DOWNLOAD, committee.email, {"via": "web", "file": "pdf"})  # fmt: skip


def test_the_public_verify_page_and_api_of_a_secret_document_show_no_title(world, client):
    programme = _secret_approved(world)
    issued = final_copy_for(programme)
    title = programme.title
    assert title

    page = client.get(f"/xac-thuc/{issued.verify_code}")
    assert page.status_code == 200
    text = page_text(page)
    assert programme.org.name in text and f"Số {programme.number}" in text
    assert "Đã ký số lúc" in text
    assert "trích yếu và nội dung không được hiển thị công khai" in text
    assert title.casefold() not in text.casefold()
    checked = client.post(
        f"/xac-thuc/{issued.verify_code}",
        data={"file": (io.BytesIO(issued.pdf), "ban.pdf")},
        content_type="multipart/form-data",
    )
    assert "Đúng bản chính" in page_text(checked)
    assert title.casefold() not in page_text(checked).casefold()

    answer = client.post("/api/v1/verify", data={"file": (io.BytesIO(issued.pdf), "ban.pdf")})
    body = answer.get_json()
    assert answer.status_code == 200 and body["genuine"] is True
    assert body["programme"]["number"] == programme.number
    assert body["programme"]["org"] == programme.org.name
    assert body["programme"]["title"] is None and body["programme"]["secrecy"] == "mat"
    assert title.casefold() not in answer.get_data(as_text=True).casefold()


def test_an_ordinary_documents_verify_answer_keeps_its_title(world, client):
    programme = bring_to(world, "approved")
    issued = final_copy_for(programme)
    assert programme.title in page_text(client.get(f"/xac-thuc/{issued.verify_code}"))
    body = client.post(
        "/api/v1/verify", data={"file": (io.BytesIO(issued.pdf), "ban.pdf")}
    ).get_json()
    assert body["programme"]["title"] == programme.title
    assert body["programme"]["secrecy"] == "thuong"


def test_the_decision_record_and_history_of_a_secret_document_are_recorded(
    db, world, browser, token, client
):
    programme = _secret_approved(world)
    committee = world.users["committee"]
    web = browser(committee)
    base = f"/programmes/{programme.id}"

    assert web.get(f"{base}/decision").status_code == 200
    pdf = web.get(f"{base}/decision.pdf")
    assert pdf.status_code == 200
    stamps = _stamps(pdf.data)
    assert len(stamps) == len(PdfReader(io.BytesIO(pdf.data)).pages)
    assert all(f"đồng chí {committee.name} ({committee.email}), tải lúc" in s for s in stamps)
    assert web.get(f"{base}/timeline").status_code == 200
    assert web.get(f"{base}/history.csv").status_code == 200
    api = token(committee)
    assert client.get(f"/api/v1{base}/decision", headers=api).status_code == 200
    api_pdf = client.get(f"/api/v1{base}/decision.pdf", headers=api)
    assert committee.name in _stamps(api_pdf.data)[0]
    assert client.get(f"/api/v1{base}/history", headers=api).status_code == 200

    assert _access(db, programme) == [
        (SECRET_VIEW, committee.email, {"via": "web", "page": "decision"}),
        (SECRET_DOWNLOAD, committee.email, {"via": "web", "file": "decision.pdf"}),
        (SECRET_VIEW, committee.email, {"via": "web", "page": "timeline"}),
        (SECRET_DOWNLOAD, committee.email, {"via": "web", "file": "history.csv"}),
        (SECRET_VIEW, committee.email, {"via": "api", "page": "decision"}),
        (SECRET_DOWNLOAD, committee.email, {"via": "api", "file": "decision.pdf"}),
        (SECRET_VIEW, committee.email, {"via": "api", "page": "history"}),
    ]


def test_an_ordinary_decision_record_is_served_as_rendered_and_not_recorded(db, world, browser):
    programme = bring_to(world, "approved")
    pdf = browser(world.users["committee"]).get(f"/programmes/{programme.id}/decision.pdf")
    assert pdf.status_code == 200 and _stamps(pdf.data) == []
    assert _access(db, programme) == []


def test_only_the_secretary_committee_and_admins_see_who_read(world, browser, token, client):
    programme = _secret_approved(world)
    base = f"/programmes/{programme.id}"
    browser(world.users["committee"]).get(base)  # a view to be seen, or not
    member, secretary = world.users["member"], world.users["secretary"]

    def seen_by(user) -> dict[str, bool]:
        web = browser(user)
        items = client.get(f"/api/v1{base}/history", headers=token(user)).get_json()["items"]
        return {
            "timeline": "Xem văn bản mật" in page_text(web.get(f"{base}/timeline")),
            "csv": "Xem văn bản mật" in web.get(f"{base}/history.csv").get_data(as_text=True),
            "api": any(item["action"] == SECRET_VIEW for item in items),
        }

    assert seen_by(secretary) == {"timeline": True, "csv": True, "api": True}
    assert seen_by(member) == {"timeline": False, "csv": False, "api": False}


def test_enrolling_a_factor_ends_the_sessions_opened_with_the_password_alone(db, world, browser):
    """A session someone opened with a member's password alone would read "mật" documents once
    the member enrols a second factor elsewhere: enrolling ends every other session."""
    programme = _secret_approved(world)
    member = world.users["member"]
    totp.clear_factor(member)
    db.session.commit()
    elsewhere, web = browser(member), browser(member)
    path = f"/programmes/{programme.id}"

    enrol = web.get(f"/login/enrol?next={path}")
    secret = re.search(r"[A-Z2-7]{32}", page_text(enrol)).group()
    web.post(f"/login/enrol?next={path}", data={"code": pyotp.TOTP(secret).now()})

    assert web.get(path).status_code == 200
    assert elsewhere.get(path).headers["Location"].startswith("/login")
    assert [email for _, email, _ in _access(db, programme)] == [member.email]


def test_enrolling_a_factor_revokes_the_tokens_made_with_the_password_alone(
    db, world, browser, client
):
    """A token made before (a member's needs only the password) would read "mật" documents
    through the API once the factor is enrolled: enrolling revokes the account's tokens."""
    programme = _secret_approved(world)
    member = world.users["member"]
    totp.clear_factor(member)
    db.session.commit()
    token = {"Authorization": f"Bearer {issue_token(member)}"}
    web = browser(member)

    enrol = web.get("/login/enrol")
    secret = re.search(r"[A-Z2-7]{32}", page_text(enrol)).group()
    web.post("/login/enrol", data={"code": pyotp.TOTP(secret).now()})

    assert client.get(f"/api/v1/programmes/{programme.id}", headers=token).status_code == 401
