"""What a final-copy email says to each person: "Kính gửi: đồng chí <name>", the whole issued
header in the plain text (issuing body, number, place and date), their own link that opens the
document, the PDF attached; the parts shared by a "Nơi nhận" line are rendered once per line."""

import hashlib
import re

from flask import template_rendered
from sqlalchemy import select

from chibo_flow.demo import load_demo
from chibo_flow.documents.final_copy import final_copy_for
from chibo_flow.documents.render import party_date
from chibo_flow.models import Delivery, DirectoryEntry, Group, Org, Programme, User
from chibo_flow.notifications.compose import BatchComposer, compose_for
from chibo_flow.receipts.greeting import greeting, superior_place
from chibo_flow.timefmt import local_date
from chibo_flow.workflow import apply_transition
from tests.verify.support import demo_programme

LINK = re.compile(r"http://chibo\.test(/nhan/[^\s\"<]+)")


def _final_copies(db) -> dict[str, Delivery]:
    rows = db.session.scalars(select(Delivery).where(Delivery.kind == "final_copy"))
    return {row.address: row for row in rows}


def test_each_person_is_greeted_by_name_and_gets_the_whole_header_and_a_link(db, app, client):
    programme = demo_programme("approved")
    rows = _final_copies(db)
    issued = final_copy_for(programme)
    messages = {address: compose_for(row) for address, row in rows.items()}

    member = messages["dangvien1@chibo.demo"]
    text = member.get_body(("plain",)).get_content()
    html = member.get_body(("html",)).get_content()
    assert text.startswith("Kính gửi: đồng chí Đỗ Thị Lan\n")
    assert "Kính gửi: <strong>đồng chí Đỗ Thị Lan</strong>" in html
    assert "CB, đảng viên" not in text.splitlines()[0]
    date_line = f"Tiên Cường, {party_date(local_date(programme.approved_at))}"
    header = ["ĐẢNG BỘ XÃ TIÊN CƯỜNG", "Chi bộ Trường Mầm non Tiên Cường", "Số 01-CTr/CB",
              "ĐẢNG CỘNG SẢN VIỆT NAM", date_line]  # fmt: skip
    lines = [line.strip() for line in text.splitlines()]
    found = [next((i for i, line in enumerate(lines) if line.lower() == h.lower()), -1)
             for h in header]  # fmt: skip
    assert -1 not in found, (header, text[:1500])
    assert found == sorted(found), "issuing body, number, party, place and date, in that order"
    assert "I. Mục đích yêu cầu" in text
    assert (
        messages["thuongtruc1@chibo.demo"]
        .get_body(("plain",))
        .get_content()
        .startswith("Kính gửi: đồng chí Phạm Văn Dũng\n")
    )
    # Everyone's own link, in both parts; each opens that person's page.
    links = {address: LINK.findall(m.get_body(("plain",)).get_content())
             for address, m in messages.items()}  # fmt: skip
    assert all(len(found) == 1 for found in links.values())
    assert len({found[0] for found in links.values()}) == len(rows)
    assert LINK.findall(html) == links["dangvien1@chibo.demo"]
    page = client.get(links["dangvien1@chibo.demo"][0])
    assert page.status_code == 200
    db.session.expire_all()
    assert rows["dangvien1@chibo.demo"].opened_at is not None
    assert rows["dangvien2@chibo.demo"].opened_at is None
    # The PDF attached to each: the issued copy.
    for message in messages.values():
        (attachment,) = message.iter_attachments()
        assert hashlib.sha256(attachment.get_content()).hexdigest() == issued.sha256
        assert message["To"] and message["Message-ID"]


def test_a_batch_renders_what_a_line_shares_once(db, app):
    demo_programme("approved")
    rows = list(_final_copies(db).values())
    rendered: list[str] = []

    def count(sender, template, context, **extra) -> None:
        rendered.append(template.name)

    composer = BatchComposer()
    with template_rendered.connected_to(count, app):
        data = [composer.message_bytes(row) for row in rows]

    lines = {row.line for row in rows}
    assert rendered.count("email/final_copy.txt") == len(lines)
    assert rendered.count("email/final_copy.html") == len(lines)
    assert len(rows) > len(lines), "several people share a line"
    # Each serialised for SMTP (CRLF line ends), each with its own recipient.
    assert all(message.endswith(b"\r\n") and b"\n\n" not in message for message in data)
    assert len({message.split(b"\r\n", 1)[0] for message in data}) == len(rows)


def test_an_office_is_greeted_by_its_name_and_a_line_written_out(db, app):
    load_demo()
    standing = db.session.scalar(select(Group).where(Group.name == "Thường trực Đảng ủy xã"))
    office = DirectoryEntry(org_id=standing.org_id, name="Văn phòng Đảng ủy xã",
                            email="vanphong@chibo.demo")  # fmt: skip
    standing.entries.append(office)
    db.session.commit()
    programme = db.session.scalar(select(Programme))
    users = {u.email: u for u in db.session.scalars(select(User))}
    apply_transition(programme, "submit", users["bithu@chibo.demo"], version=programme.version)
    for email in ("capuy1@chibo.demo", "capuy2@chibo.demo"):
        apply_transition(programme, "approve", users[email], version=programme.version)

    text = compose_for(_final_copies(db)["vanphong@chibo.demo"])

    assert text.get_body(("plain",)).get_content().startswith("Kính gửi: Văn phòng Đảng ủy xã\n")
    chi_bo = db.session.scalar(select(Org).where(Org.name == "Chi bộ Trường Mầm non Tiên Cường"))
    place = superior_place(chi_bo)
    assert place == "xã Tiên Cường"
    assert greeting("", "Thường trực ĐU", place) == "Thường trực Đảng ủy xã Tiên Cường"
    assert greeting(None, "BTV Huyện ủy", place) == "Ban Thường vụ Huyện ủy"
    assert greeting(" Đỗ  Thị Lan ", "CB, đảng viên", place) == "đồng chí Đỗ Thị Lan"
