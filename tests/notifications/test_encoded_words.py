"""Vietnamese headers arrive as they were written: every space of a long Subject, and the names
in From and To, through the real send task and a real SMTP server (encoded_words.SMTP)."""

import unicodedata

import pytest
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.auth.mail import INVITATION
from chibo_flow.demo import load_demo
from chibo_flow.models import Delivery, Programme
from chibo_flow.models.users import Role
from chibo_flow.notifications.tasks import send_deliveries
from chibo_flow.orgs import invite_member
from chibo_flow.workflow import apply_transition
from tests.verify.support import COMMITTEE_1, COMMITTEE_2, SECRETARY, demo_user

# A sender name the email package's folding (CPython 3.11) read back without its last space.
SENDER = "Chi bộ Flow — Đảng ủy xã Tiên Cường"
# Real programme titles whose subject lost a space where CPython 3.11 folded it ("lần thứtám",
# "tiếp tụcthực hiện").
TITLES = [
    "Kế hoạch học tập, quán triệt và triển khai thực hiện Nghị quyết Hội nghị lần thứ tám Ban "
    "Chấp hành Trung ương Đảng khóa XIII",
    "Chương trình hành động thực hiện Kết luận số 01-KL/TW của Bộ Chính trị về tiếp tục thực "
    "hiện Chỉ thị số 05-CT/TW về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ "
    "Chí Minh",
]


@pytest.fixture
def sender(app) -> str:
    """MAIL_FROM with a Vietnamese display name."""
    app.config["MAIL_FROM"] = f"{SENDER} <no-reply@chibo.test>"
    return SENDER


def _send(db, kind: str) -> list[Delivery]:
    """Send every row of `kind` through the send task (real SMTP into the test server)."""
    rows = db.session.scalars(select(Delivery).where(Delivery.kind == kind)).all()
    assert rows and send_deliveries([row.id for row in rows]) == {"sent": len(rows)}
    return rows


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_an_invitation_arrives_with_every_space_of_its_subject_and_names(
    db, make, smtp_server, sender
):
    org = make.org()
    admin = make.user(Role.ADMIN, org)
    name = "Tôn Nữ Thị Hoàng Oanh"
    invite_member(admin, org, "oanh@chibo.test", name, None, ["member"])

    _send(db, INVITATION)

    [mail] = smtp_server.messages(INVITATION)
    subject = messages.ACCOUNT_MAIL_SUBJECTS[INVITATION]
    assert subject == "[Chi bộ Flow] Mời đồng chí tham gia: đặt mật khẩu"
    assert str(mail.message["Subject"]) == _nfc(subject)
    (to,) = mail.message["To"].addresses
    assert (to.display_name, to.addr_spec) == (name, "oanh@chibo.test")
    assert mail.message["From"].addresses[0].display_name == sender


@pytest.mark.parametrize("title", TITLES, ids=["ke-hoach", "chuong-trinh"])
def test_a_final_copy_arrives_with_its_whole_title_in_the_subject(db, smtp_server, sender, title):
    load_demo()
    programme = db.session.scalar(select(Programme))
    programme.title = title
    db.session.commit()
    apply_transition(programme, "submit", demo_user(SECRETARY), version=programme.version)
    for email in (COMMITTEE_1, COMMITTEE_2):
        apply_transition(programme, "approve", demo_user(email), version=programme.version)

    rows = _send(db, "final_copy")

    received = smtp_server.messages("final_copy")
    assert len(received) == len(rows)
    expected = _nfc(f"[Chi bộ Trường Mầm non Tiên Cường] Chương trình số 01-CTr/CB: {title}")
    assert {str(mail.message["Subject"]) for mail in received} == {expected}
    names = {row.address: row.name for row in rows}
    for mail in received:
        (to,) = mail.message["To"].addresses
        assert to.display_name == names[to.addr_spec]
        assert mail.message["From"].addresses[0].display_name == sender
