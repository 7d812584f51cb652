"""The demo ships a copy of the seed document (it must stay the real one), and once its draft is
approved a demo login of the Đảng bộ is shown the Đảng bộ's incoming register."""

from sqlalchemy import select

from chibo_flow.demo import INCOMING_LOGIN, PARENT_ORG, SEED_FILE
from chibo_flow.models import Org, User
from tests.conftest import log_in
from tests.support import SEED
from tests.verify.support import demo_programme
from tests.web.support import page_text


def test_demo_seed_is_the_shared_seed():
    assert SEED_FILE.read_bytes() == SEED.read_bytes()


def test_a_demo_login_of_the_dang_bo_sees_its_incoming_register(db, app):
    programme = demo_programme("approved")
    users = {u.email: u for u in db.session.scalars(select(User))}
    dang_bo = db.session.scalar(select(Org).where(Org.name == PARENT_ORG))
    assert INCOMING_LOGIN.org == PARENT_ORG
    web = app.test_client()
    log_in(web, users[INCOMING_LOGIN.email], password="chibo-demo-2023")

    home = web.get("/").get_data(as_text=True)
    registers = page_text(web.get("/so-van-ban/"))
    incoming = web.get(f"/so-van-ban/{dang_bo.id}/den")
    received = page_text(web.get(f"/van-ban-den/{programme.id}"))

    assert 'href="/so-van-ban/"' in home and 'href="/van-ban-den"' in home
    assert PARENT_ORG in registers and "Sổ văn bản đến" in registers
    assert incoming.status_code == 200
    text = page_text(incoming)
    assert f"Sổ văn bản đến {PARENT_ORG}" in text
    assert programme.number in text and programme.title in text
    assert f"{PARENT_ORG} nhận lúc" in received and "số đến 1/" in received  # its entry
