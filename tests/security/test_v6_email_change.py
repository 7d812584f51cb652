"""ASVS 5.0 V6.2/V8.2 a login email changes only once its owner opens the link sent to the new
address: what reached an address (final copies by email, "Văn bản đến", confirming receipt) is
read as that address's, so an account that could simply take an address, say a leader's who
has no account, would read and confirm everything sent to it."""

import re

import pytest
from sqlalchemy import select

from chibo_flow import messages
from chibo_flow.models import Delivery, User
from chibo_flow.models.users import Role
from tests.conftest import PASSWORD
from tests.support import wait_for
from tests.web.support import bring_to, flashes

LEADER = "phutrach@chibo.test"  # in the directory ("Lãnh đạo phụ trách chi bộ"), no account


@pytest.fixture
def approved(db, world):
    """The seed approved: its final copy went to the leader, among others."""
    programme = bring_to(world, "approved")
    wait_for(lambda: db.session.scalar(select(Delivery.id).where(Delivery.address == LEADER)))
    return programme


@pytest.fixture
def stranger(make, world) -> User:
    """A member of the other org, who received nothing of the seed's chi bộ."""
    return make.user(Role.MEMBER, world.other_org, email="nguoila@chibo.test", name="Đỗ Văn Lạ")


def ask_for(client, email: str):
    return client.post("/account/email", data={"current_password": PASSWORD, "email": email})


def test_taking_an_address_one_does_not_own_reads_nothing_sent_to_it(
    db, world, browser, approved, stranger
):
    client = browser(stranger)

    asked = ask_for(client, LEADER)

    assert asked.status_code == 302
    db.session.refresh(stranger)
    assert stranger.email == "nguoila@chibo.test"
    assert client.get(f"/van-ban-den/{approved.id}").status_code == 404
    assert client.get(f"/programmes/{approved.id}/ban-in.pdf").status_code == 404


def test_the_link_sent_to_the_new_address_changes_it(
    db, world, browser, smtp_server, celery_worker, stranger
):
    client = browser(stranger)
    asked = ask_for(client, "Moi@Chibo.test")
    assert flashes(client.get("/account/"), "info") == [
        messages.EMAIL_CHANGE_SENT.format(email="moi@chibo.test")
    ]
    assert asked.status_code == 302

    [mail] = wait_for(lambda: smtp_server.messages("email_change"))
    assert mail.message["To"].addresses[0].addr_spec == "moi@chibo.test"
    text = mail.message.get_body(("plain",)).get_content()
    path = re.search(r"http://chibo\.test(/account/email/\S+)", text)[1]

    other = browser(world.users["member"])
    assert flashes(other.get(path, follow_redirects=True), "danger") == [
        messages.EMAIL_CHANGE_LINK_INVALID
    ]
    db.session.refresh(stranger)
    assert stranger.email == "nguoila@chibo.test"

    done = client.get(path, follow_redirects=True)
    assert flashes(done, "info") == [messages.EMAIL_CHANGED]
    db.session.refresh(stranger)
    assert stranger.email == "moi@chibo.test"
    again = client.get(path, follow_redirects=True)  # used: the address it was for is now held
    assert flashes(again, "danger") == [messages.EMAIL_CHANGE_LINK_INVALID]
