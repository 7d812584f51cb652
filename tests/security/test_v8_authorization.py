"""ASVS V8 (authorization): every admin page and admin API is scoped to the orgs the admin
administers (two orgs, each admin sees nothing of the other's); the development mailbox exists
only while mail goes to the local capture server; a submitter casts no opinion on their own
submission, on the pages or through the API."""

import smtplib
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from chibo_flow import create_app, messages
from chibo_flow.config import ProductionConfig
from chibo_flow.extensions import db as db_
from chibo_flow.models import Delivery, Membership, Vote
from chibo_flow.models.users import Role
from chibo_flow.workflow import apply_transition
from chibo_flow.workflow_errors import NotAllowed
from tests.conftest import log_in
from tests.security.support import send_final_copies
from tests.support import config_for
from tests.web.support import bring_to, flashes, page_text

# What each org's admin must never see of the other org: an address of its deliveries and the
# subject of an email to one of its members.
SECRETS = {
    "org": ("thuongtruc1@chibo.test", "Thư riêng của Chi bộ Trường Mầm non"),
    "other_org": ("bi-mat@thondong.test", "Thư riêng của Chi bộ Thôn Đông"),
}
ADMINS = {"org": "admin", "other_org": "outsider"}  # the outsider administers the other org


def _capture(smtp_server, to: str, subject: str, message_id: str | None = None) -> str:
    """Send one email through the test SMTP server; the mailbox key it is stored under."""
    mail = EmailMessage()
    mail["Subject"] = subject
    mail["From"] = "no-reply@chibo.test"
    mail["To"] = to
    if message_id:
        mail["Message-ID"] = message_id
    mail.set_content("Nội dung chỉ dành cho tổ chức này.")
    mail.add_alternative("<p>Nội dung chỉ dành cho tổ chức này.</p>", subtype="html")
    before = {m.key for m in smtp_server.messages()}
    with smtplib.SMTP("127.0.0.1", smtp_server.port) as smtp:
        smtp.send_message(mail)
    return next(m.key for m in smtp_server.messages() if m.key not in before)


@pytest.fixture
def two_orgs(db, world, make, seed_text, smtp_server):
    """Both orgs with deliveries and captured mail: the seed approved and emailed in the world's
    org; in the other org a programme with one delivery emailed, and an email to its member."""
    approved = bring_to(world, "approved")
    send_final_copies(db)
    other = make.programme(world.other_org, world.users["outsider"], seed_text)
    address, subject = SECRETS["other_org"]
    db.session.add(
        Delivery(
            programme_id=other.id,
            revision_id=other.current_revision_id,
            address=address,
            name="Người nhận Thôn Đông",
            line="Thường trực Đảng ủy xã",
            purpose="bao_cao",
            message_id="<thondong-1@chibo.test>",
            status="sent",
        )  # fmt: skip
    )
    db.session.commit()
    keys = {
        "org": _capture(smtp_server, world.users["secretary"].email, SECRETS["org"][1]),
        "other_org": _capture(smtp_server, "outsider@chibo.test", subject),
        "other_delivery": _capture(
            smtp_server, address, "Văn bản Thôn Đông", "<thondong-1@chibo.test>"
        ),  # fmt: skip
    }
    return {"org": approved, "other_org": other, "keys": keys}


def _views(world, two_orgs, theirs: str) -> list[tuple[str, bool]]:
    """Every admin page and admin API call that could show something of the org `theirs`, and
    whether it must be refused outright (403 or 404) rather than show the admin's own orgs."""
    org = getattr(world, theirs)
    programme = two_orgs[theirs]
    key = two_orgs["keys"][theirs]
    return [
        ("/admin/", False),
        ("/admin/deliveries", False),
        (f"/admin/deliveries?programme={programme.id}", False),
        ("/admin/deliveries?status=sent", False),
        ("/admin/mailbox", False),
        (f"/admin/mailbox/{key}", True),
        (f"/admin/mailbox/{key}/html", True),
        ("/admin/directory/", False),
        (f"/admin/directory/{org.id}", True),
        (f"/admin/directory/{org.id}/people/new", True),
        (f"/api/v1/directory/people?org={org.name}", True),
        (f"/api/v1/directory/groups?org={org.name}", True),
        (f"/api/v1/directory/aliases?org={org.name}", True),
    ]


@pytest.mark.parametrize(("mine", "theirs"), [("org", "other_org"), ("other_org", "org")])
def test_an_admin_sees_nothing_of_another_org(world, browser, token, two_orgs, mine, theirs):
    admin = world.users[ADMINS[mine]]
    client = browser(admin)
    headers = token(admin)

    for path, refused in _views(world, two_orgs, theirs):
        response = client.get(path, headers=headers if path.startswith("/api/") else {},
                              follow_redirects=True)  # fmt: skip
        body = response.get_data(as_text=True)
        assert response.status_code in ((403, 404) if refused else (200,)), path
        for secret in SECRETS[theirs]:  # neither in the markup nor in what it shows
            assert secret not in body and secret not in page_text(body), (path, secret)


@pytest.mark.parametrize("mine", ["org", "other_org"])
def test_an_admin_sees_their_own_orgs_deliveries_and_mail(world, browser, two_orgs, mine):
    client = browser(world.users[ADMINS[mine]])
    address, subject = SECRETS[mine]

    assert address in page_text(client.get("/admin/deliveries"))
    listing = client.get("/admin/mailbox").text
    assert subject in listing
    key = two_orgs["keys"][mine]
    assert client.get(f"/admin/mailbox/{key}").status_code == 200
    assert client.get(f"/admin/mailbox/{key}/html").status_code == 200


def test_an_admin_of_a_parent_org_sees_the_orgs_under_it(db, world, browser, two_orgs, make):
    parent = make.org(name="Đảng bộ xã Tiên Cường", code="ĐB")
    world.other_org.parent_id = parent.id
    db.session.commit()
    superior = make.user(Role.ADMIN, parent, email="vanphong@chibo.test")
    client = browser(superior)

    page = page_text(client.get("/admin/deliveries"))

    assert SECRETS["other_org"][0] in page  # the chi bộ under the đảng bộ
    assert SECRETS["org"][0] not in page  # a chi bộ under no org of theirs


# --- the development mailbox --------------------------------------------------------------------

CAPTURE_URLS = ["smtp://127.0.0.1:{port}", "smtp://localhost:{port}"]
REAL_RELAYS = [
    "smtp+starttls://chibo:mat-khau@mail.example.org:587",
    "smtps://chibo:mat-khau@mail.example.org:465",
    "smtp://mail.example.org:25",
    "smtp://chibo:mat-khau@127.0.0.1:{port}",  # a relay that wants credentials is no capture
    "smtps://127.0.0.1:{port}",
]
MAILBOX_PATHS = ["/admin/mailbox", "/admin/mailbox/{key}", "/admin/mailbox/{key}/html"]


@pytest.fixture
def app_with():
    """app_with(env): another app on the test's database (its engine disposed at the end)."""
    apps = []

    def make_app(env: dict[str, str]):
        apps.append(create_app(config_for(env)))
        return apps[-1]

    yield make_app
    for other in apps:
        with other.app_context():
            db_.engine.dispose()


def _logged_in(app, user):
    client = app.test_client()
    log_in(client, user)
    return client


@pytest.mark.parametrize("smtp_url", CAPTURE_URLS + REAL_RELAYS)
def test_the_mailbox_exists_only_with_the_local_capture_server(env, world, smtp_server, app_with,
                                                               smtp_url):  # fmt: skip
    key = _capture(smtp_server, world.users["secretary"].email, SECRETS["org"][1])
    url = smtp_url.format(port=smtp_server.port)
    client = _logged_in(app_with({**env, "SMTP_URL": url}), world.users["admin"])
    expected = 200 if smtp_url in CAPTURE_URLS else 404

    for path in MAILBOX_PATHS:
        response = client.get(path.format(key=key))
        assert response.status_code == expected, (url, path)
    nav = client.get("/admin/deliveries").text
    assert ('href="/admin/mailbox"' in nav) == (expected == 200)
    opened_on = "/admin/mailbox" if expected == 200 else "/admin/deliveries"
    assert client.get("/admin/").headers["Location"].endswith(opened_on)


def test_production_has_no_mailbox_whatever_smtp_url_says(env, world, monkeypatch):
    for name, value in {**env, "SECRET_KEY": "k" * 64, "PUBLIC_URL": "https://chibo.test"}.items():
        monkeypatch.setenv(name, value)
    app = create_app(ProductionConfig)
    assert app.config["SMTP_URL"].startswith("smtp://127.0.0.1:")
    assert app.config["MAILBOX_ENABLED"] is False


# --- no opinion on one's own submission ---------------------------------------------------------


@pytest.fixture
def own_submission(db, world):
    """The seed in review, submitted by a secretary who also sits on the committee."""
    secretary = world.users["secretary"]
    db.session.add(Membership(user=secretary, org=world.org, role=Role.COMMITTEE))
    db.session.commit()
    programme = bring_to(world, "review")
    assert programme.submitted_by_id == secretary.id
    return programme


OPINIONS = [("approve", None), ("request_changes", "Tôi muốn tự sửa thêm.")]


def _votes(db, programme) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Vote.id)).where(Vote.programme_id == programme.id))


@pytest.mark.parametrize(("action", "comment"), OPINIONS)
@pytest.mark.parametrize("page", ["/transition", "/review/vote"])
def test_the_submitter_casts_no_opinion_on_the_pages(db, world, browser, own_submission,
                                                     action, comment, page):  # fmt: skip
    client = browser(world.users["secretary"])
    shown = client.get(f"/programmes/{own_submission.id}").text
    assert f'value="{action}"' not in shown  # no button offered

    data = {"action": action, "version": str(own_submission.version)}
    if comment:
        data["comment"] = comment
    response = client.post(f"/programmes/{own_submission.id}{page}", data=data,
                           follow_redirects=True)  # fmt: skip

    assert flashes(response, "danger") == [messages.SELF_APPROVAL]
    assert _votes(db, own_submission) == 0
    db.session.refresh(own_submission)
    assert own_submission.state == "review"


@pytest.mark.parametrize(("action", "comment"), OPINIONS)
def test_the_submitter_casts_no_opinion_through_the_api(db, world, client, token, own_submission,
                                                        action, comment):  # fmt: skip
    headers = token(world.users["secretary"])
    shown = client.get(f"/api/v1/programmes/{own_submission.id}", headers=headers).get_json()
    assert action not in shown["allowed_actions"]

    response = client.post(
        f"/api/v1/programmes/{own_submission.id}/transitions",
        json={"action": action, "version": own_submission.version, "comment": comment},
        headers=headers,
    )

    assert response.status_code == 403
    assert response.get_json()["error"] == {"code": "forbidden", "message": messages.SELF_APPROVAL}
    assert _votes(db, own_submission) == 0


def test_nobody_casts_an_opinion_for_the_submitter(db, world, own_submission):
    """A delegate of the submitter cannot vote in their name either (workflow rule)."""
    other = world.users["committee"]
    for action, comment in OPINIONS:
        with pytest.raises(NotAllowed, match=messages.REVIEW_ON_BEHALF_SELF_APPROVAL):
            apply_transition(own_submission, action, other, version=own_submission.version,
                             comment=comment, on_behalf_of=world.users["secretary"])  # fmt: skip
    assert _votes(db, own_submission) == 0
