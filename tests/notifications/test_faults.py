"""Every email delivered exactly once, visibly, through faults: the broker down during approval,
an event dispatched twice or by two dispatchers at once, SMTP refusals and dropped connections,
two workers on one queue, a title over two lines, an address SMTP cannot carry. (A dispatcher or
a worker killed at each step: test_kill_points.)

Real parts only: Celery worker processes on Redis (a queue of the test's own), aiosmtpd in this
process with scripted faults (tests.support.FaultyHandler), the app's database.
"""

import json
import re
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select, update

from chibo_flow.documents.parse import parse_text
from chibo_flow.models import (
    AuditEvent,
    Delivery,
    DirectoryEntry,
    DomainEvent,
    EventKind,
    Group,
    Programme,
    Revision,
    User,
)
from chibo_flow.models.delivery import DeliveryStatus
from chibo_flow.notifications.dispatcher import dispatch
from chibo_flow.notifications.tasks import send_deliveries
from chibo_flow.workflow import apply_transition, create_programme
from tests.conftest import SmtpServer
from tests.support import (
    REDIS_URL,
    CeleryWorker,
    forget_redis_queue,
    run_cli,
    wait_for,
)

SENT, FAILED = DeliveryStatus.SENT, DeliveryStatus.FAILED
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused
GROUP = "Danh sách nhận thử"


@pytest.fixture
def env(request, env) -> Iterator[dict[str, str]]:
    """Redis as the broker (or the broker a test passes as its parameter), quick retries; the
    test's queue is removed from Redis afterwards."""
    yield {
        **env,
        "CELERY_BROKER_URL": getattr(request, "param", REDIS_URL),
        "DELIVERY_RETRY_BASE_S": "0.2",
        "DELIVERY_MAX_ATTEMPTS": "3",
    }
    forget_redis_queue(env["CELERY_QUEUE"])


@pytest.fixture
def smtp_server(faulty_smtp_server) -> SmtpServer:
    """The test SMTP server with scripted faults (none until a test scripts them)."""
    return faulty_smtp_server


def in_review(db, make, seed_text: str, addresses: list[str]) -> tuple[Programme, User]:
    """The seed programme of a fresh chi bộ, submitted, its "Nơi nhận" reaching `addresses` (in
    this order: the entries' names sort the same way); and the committee member who issues it."""
    org = make.org(approvals=1)
    secretary, committee = make.user("secretary", org), make.user("committee", org)
    group = Group(org_id=org.id, name=GROUP)
    group.entries = [
        DirectoryEntry(org_id=org.id, name=f"Người nhận {n:03d}", email=address)
        for n, address in enumerate(addresses, 1)
    ]
    db.session.add(group)
    db.session.commit()
    doc = parse_text(seed_text).to_dict()
    doc["recipients"] = [
        {"label": GROUP, "purpose": "de_biet"},
        {"label": "Lưu CB", "purpose": "luu"},
    ]
    programme = create_programme(org, secretary, doc)
    apply_transition(programme, "submit", secretary, version=programme.version)
    return programme, committee


def approve(programme: Programme, committee: User) -> Programme:
    """The approval that issues the programme (and writes its deliveries)."""
    apply_transition(programme, "approve", committee, version=programme.version)
    assert programme.state == "approved"
    return programme


def rows_by_address(db) -> dict[str, Delivery]:
    """The final copy's Delivery rows (not the review notices), fresh from the database."""
    db.session.expire_all()
    rows = db.session.scalars(select(Delivery).where(Delivery.kind == "final_copy"))
    return {row.address: row for row in rows}


def settled(db, count: int) -> dict[str, Delivery] | None:
    """The rows once all `count` of them are sent or failed, else None."""
    rows = rows_by_address(db)
    done = len(rows) == count and all(row.status in (SENT, FAILED) for row in rows.values())
    return rows if done else None


def received(smtp_server, addresses) -> dict[str, list[str]]:
    """Message-IDs of the stored messages to `addresses`, by recipient."""
    by_address: dict[str, list[str]] = {}
    for message in smtp_server.messages():
        if message.envelope_to in addresses:
            by_address.setdefault(message.envelope_to, []).append(message.message_id)
    return by_address


@pytest.mark.parametrize("env", [UNREACHABLE_BROKER], indirect=True, ids=["broker-down"])
def test_approval_with_the_broker_down_commits_at_once_and_the_relay_sends_later(
    db, make, seed_text, env, tmp_path, smtp_server
):
    addresses = [f"nguoi{n}@nhan.test" for n in range(1, 6)]
    programme, committee = in_review(db, make, seed_text, addresses)

    started = time.monotonic()
    approve(programme, committee)
    took = time.monotonic() - started

    assert took < 3, f"approval took {took:.1f} s with the broker down"
    db.session.expire_all()
    assert db.session.get(Programme, programme.id).state == "approved"
    rows = rows_by_address(db)
    assert sorted(rows) == addresses
    assert {(row.status, row.attempts) for row in rows.values()} == {("pending", 0)}

    # The broker is back (the worker uses the reachable Redis); beat's relay queues the rows.
    with CeleryWorker({**env, "CELERY_BROKER_URL": REDIS_URL}, tmp_path, beat=True):
        rows = wait_for(lambda: settled(db, len(addresses)), timeout=90)
    assert {(row.status, row.attempts) for row in rows.values()} == {("sent", 1)}
    assert received(smtp_server, addresses) == {a: [rows[a].message_id] for a in addresses}


# address: (the server's script, then the row's status and attempts, and copies received)
FAULTS = {
    "tamthoi@nhan.test": (["451 4.3.0 Try again later"] * 2, SENT, 3, 1),
    "ngatketnoi@nhan.test": (["drop"], SENT, 2, 1),
    "khongco@nhan.test": (["550 5.1.1 Mailbox does not exist"], FAILED, 1, 0),
    "tuchoi@nhan.test": (["rcpt 550 5.1.1 No such user"], FAILED, 1, 0),
    "hopday@nhan.test": (["rcpt 452 4.2.2 Mailbox full"], SENT, 2, 1),
    "hetluot@nhan.test": (["451 4.3.0 Greylisted"] * 3, FAILED, 3, 0),  # DELIVERY_MAX_ATTEMPTS
    "binhthuong@nhan.test": ([], SENT, 1, 1),
}


def test_smtp_faults_end_as_expected_and_failures_can_be_resent(
    app, db, make, seed_text, smtp_server, celery_worker
):
    handler = smtp_server.handler
    for address, (script, *_) in FAULTS.items():
        handler.script(address, script)
    programme, committee = in_review(db, make, seed_text, list(FAULTS))
    secretary_email = programme.created_by.email
    approve(programme, committee)

    rows = wait_for(lambda: settled(db, len(FAULTS)), timeout=60)
    outcome = {a: (rows[a].status, rows[a].attempts, len(received(smtp_server, FAULTS).get(a, [])))
               for a in FAULTS}  # fmt: skip
    assert outcome == {a: tuple(expected) for a, (_, *expected) in FAULTS.items()}
    assert all(handler.attempts[a] == rows[a].attempts for a in FAULTS)
    # Replies are kept: the final 250, or the refusal that failed the row.
    assert rows["tamthoi@nhan.test"].last_reply_code == 250
    assert (rows["khongco@nhan.test"].last_reply_code, rows["khongco@nhan.test"].last_reply) == (
        550,
        "5.1.1 Mailbox does not exist",
    )
    assert rows["tuchoi@nhan.test"].last_reply_code == 550
    assert (rows["hetluot@nhan.test"].last_reply_code, rows["hetluot@nhan.test"].last_reply) == (
        451,
        "4.3.0 Greylisted",
    )
    # The connection dropped after DATA: sent again with the same Message-ID, received once.
    dropped = rows["ngatketnoi@nhan.test"]
    assert handler.data[dropped.address] == [
        ("drop", dropped.message_id),
        ("250", dropped.message_id),
    ]
    assert received(smtp_server, FAULTS)[dropped.address] == [dropped.message_id]

    # The operator sees the failures and sends them again.
    failed = ["khongco@nhan.test", "tuchoi@nhan.test", "hetluot@nhan.test"]
    listed = run_cli(
        app, "deliveries", "list", "--programme", str(programme.id), "--status", "failed", "--json"
    )
    assert listed.returncode == 0, listed.stderr
    assert [(d["address"], d["status"]) for d in json.loads(listed.stdout)] == [
        (a, "failed") for a in sorted(failed, key=lambda a: rows[a].id)
    ]
    resend = run_cli(
        app, "deliveries", "retry", "--programme", str(programme.id), "--by", secretary_email
    )
    assert resend.returncode == 0, resend.stderr
    assert "Đã đưa 3 thư của 1 chương trình vào hàng đợi gửi lại." in resend.stdout

    def all_sent():
        rows = settled(db, len(FAULTS))
        return rows if rows and all(row.status == SENT for row in rows.values()) else None

    rows = wait_for(all_sent, timeout=60)
    copies = received(smtp_server, failed)
    assert {a: copies[a] for a in failed} == {a: [rows[a].message_id] for a in failed}
    assert all(rows[a].attempts == 1 for a in failed)  # a resend starts its attempts afresh
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "resend"))
    assert (event.programme_id, event.actor.email) == (programme.id, secretary_email)
    assert sorted(event.data["addresses"]) == sorted(failed)


def test_two_workers_on_one_queue_send_each_of_200_addresses_once(
    db, make, seed_text, env, tmp_path, smtp_server, celery_worker
):
    addresses = [f"nguoi{n:03d}@nhan.test" for n in range(1, 201)]
    programme, committee = in_review(db, make, seed_text, addresses)

    with CeleryWorker(env, tmp_path) as second:
        approve(programme, committee)
        rows = wait_for(lambda: settled(db, len(addresses)), timeout=120)

    assert sorted(rows) == addresses
    assert {(row.status, row.attempts, row.last_reply_code) for row in rows.values()} == {
        ("sent", 1, 250)
    }
    assert received(smtp_server, addresses) == {a: [rows[a].message_id] for a in addresses}
    assert {a: smtp_server.handler.attempts[a] for a in addresses} == {a: 1 for a in addresses}
    # Both workers took part.
    for worker in (celery_worker, second):
        assert "'sent'" in worker.log(), worker.log()


# --- one batch, in this process: the send task run directly over the rows of one programme ---


def issued_rows(db, make, seed_text, env, addresses: list[str]) -> list[Delivery]:
    """The final copy's rows of a programme just issued to `addresses`, in the order sent, with
    nothing queued to send them (the approval's render task is dropped from the queue)."""
    programme, committee = in_review(db, make, seed_text, addresses)
    approve(programme, committee)
    forget_redis_queue(env["CELERY_QUEUE"])
    rows = rows_by_address(db)
    return [rows[address] for address in addresses]


def test_a_batch_sends_each_address_its_own_copy_over_one_connection(
    db, make, seed_text, env, smtp_server
):
    addresses = [f"nguoi{n}@nhan.test" for n in range(1, 6)]
    rows = issued_rows(db, make, seed_text, env, addresses)

    assert send_deliveries([row.id for row in rows]) == {"sent": 5}

    handler = smtp_server.handler
    assert len({peer for a in addresses for peer in handler.peers[a]}) == 1
    assert {a: handler.attempts[a] for a in addresses} == {a: 1 for a in addresses}
    stored = {m.envelope_to: m.message for m in smtp_server.messages("final_copy")}
    assert sorted(stored) == addresses
    for n, row in enumerate(rows, 1):
        message = stored[row.address]
        assert message["To"].addresses[0].display_name == f"Người nhận {n:03d}"
        assert message["To"].addresses[0].addr_spec == row.address
        assert message["Message-ID"] == row.message_id
    # One line of "Nơi nhận": the same letter to everyone behind it but for the greeting and
    # the personal link.
    texts = {}
    for n, row in enumerate(rows, 1):
        text = stored[row.address].get_body(preferencelist=("plain",)).get_content()
        greeting = f"Kính gửi: đồng chí Người nhận {n:03d}\n"
        assert text.startswith(greeting)
        texts[row.address] = re.sub(r"/nhan/\S+", "/nhan/…", text.removeprefix(greeting))
    assert len(set(texts.values())) == 1
    assert f"“{GROUP}”" in next(iter(texts.values()))
    assert {
        (row.status, row.attempts, row.last_reply_code) for row in rows_by_address(db).values()
    } == {("sent", 1, 250)}


def test_a_refusal_in_a_batch_keeps_the_connection_for_the_next_addresses(
    db, make, seed_text, env, smtp_server
):
    addresses = ["nguoi1@nhan.test", "tuchoi@nhan.test", "tamthoi@nhan.test", "nguoi4@nhan.test"]
    handler = smtp_server.handler
    handler.script("tuchoi@nhan.test", ["rcpt 550 5.1.1 No such user"])
    handler.script("tamthoi@nhan.test", ["451 4.3.0 Try again later"])
    rows = issued_rows(db, make, seed_text, env, addresses)

    assert send_deliveries([row.id for row in rows]) == {"sent": 2, "failed": 1, "retry": 1}

    after = rows_by_address(db)
    assert {a: (after[a].status, after[a].attempts) for a in addresses} == {
        "nguoi1@nhan.test": ("sent", 1),
        "tuchoi@nhan.test": ("failed", 1),
        "tamthoi@nhan.test": ("pending", 1),
        "nguoi4@nhan.test": ("sent", 1),
    }
    assert after["tamthoi@nhan.test"].next_attempt_at is not None
    # The refused transactions were reset (RSET), not the connection.
    peers = {peer for a in addresses for peer in handler.peers.get(a, [])}
    assert len(peers) == 1
    assert sorted(received(smtp_server, addresses)) == ["nguoi1@nhan.test", "nguoi4@nhan.test"]


def test_a_connection_the_server_closes_between_messages_is_replaced(
    db, make, seed_text, env, smtp_server
):
    addresses = [f"nguoi{n}@nhan.test" for n in range(1, 5)]
    smtp_server.handler.script(addresses[1], ["accept+close"])
    rows = issued_rows(db, make, seed_text, env, addresses)

    assert send_deliveries([row.id for row in rows]) == {"sent": 4}

    after = rows_by_address(db)
    assert {(row.status, row.attempts) for row in after.values()} == {("sent", 1)}
    assert received(smtp_server, addresses) == {a: [after[a].message_id] for a in addresses}
    peers = [smtp_server.handler.peers[a][0] for a in addresses]
    assert peers[0] == peers[1] != peers[2] == peers[3]


def test_a_connection_lost_mid_batch_queues_the_rest_again_and_all_arrive_once(
    db, make, seed_text, env, tmp_path, smtp_server
):
    addresses = [f"nguoi{n}@nhan.test" for n in range(1, 6)]
    dropped = addresses[1]
    smtp_server.handler.script(dropped, ["drop"])
    rows = issued_rows(db, make, seed_text, env, addresses)

    assert send_deliveries([row.id for row in rows]) == {"sent": 1, "retry": 1, "requeued": 3}

    after = rows_by_address(db)
    assert [(after[a].status, after[a].attempts) for a in addresses] == [
        ("sent", 1), ("pending", 1), ("pending", 0), ("pending", 0), ("pending", 0)
    ]  # fmt: skip
    # Only the task the batch queued can send them now: a worker without beat (no relay).
    with CeleryWorker(env, tmp_path):
        after = wait_for(lambda: settled(db, len(addresses)), timeout=60)
    assert {a: (after[a].status, after[a].attempts) for a in addresses} == {
        a: ("sent", 2 if a == dropped else 1) for a in addresses
    }
    assert received(smtp_server, addresses) == {a: [after[a].message_id] for a in addresses}
    assert [message_id for _, message_id in smtp_server.handler.data[dropped]] == [
        after[dropped].message_id
    ] * 2


# --- the dispatcher: events into rows, once, whatever dies or runs twice ---------------------


def approval_event(db, programme: Programme) -> DomainEvent:
    """The programme's `approved` event, fresh from the database."""
    db.session.expire_all()
    return db.session.scalar(
        select(DomainEvent).where(
            DomainEvent.programme_id == programme.id, DomainEvent.kind == EventKind.APPROVED
        )
    )


def test_dispatching_an_event_twice_or_twice_at_once_writes_no_second_row_nor_email(
    app, db, make, seed_text, env, smtp_server
):
    addresses = [f"nguoi{n}@nhan.test" for n in range(1, 6)]
    programme, committee = in_review(db, make, seed_text, addresses)
    app.config["DISPATCH_INLINE_MAX"] = 0
    approve(programme, committee)
    forget_redis_queue(env["CELERY_QUEUE"])  # nobody else dispatches it
    event_id = approval_event(db, programme).id

    # Two dispatchers at the same moment, each with its own session and connection.
    start = threading.Barrier(2)

    def dispatcher() -> None:
        with app.app_context():
            start.wait()
            dispatch(event_id)
            db.session.remove()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    first = rows_by_address(db)
    assert sorted(first) == addresses

    # Dispatched again (the relay after a crash that lost the mark, say): nothing new.
    assert dispatch(event_id) == 0
    db.session.execute(update(DomainEvent).where(DomainEvent.id == event_id)
                       .values(dispatched_at=None))  # fmt: skip
    db.session.commit()
    dispatch(event_id)
    forget_redis_queue(env["CELERY_QUEUE"])
    again = rows_by_address(db)
    assert {a: row.id for a, row in again.items()} == {a: row.id for a, row in first.items()}

    # Each dispatcher queued the rows: sent once all the same.
    ids = [again[a].id for a in addresses]
    assert send_deliveries(ids) == {"sent": 5}
    assert send_deliveries(ids) == {"skipped": 5}
    assert received(smtp_server, addresses) == {a: [again[a].message_id] for a in addresses}


def test_a_title_over_two_lines_does_not_stop_its_programmes_mail(
    db, make, seed_text, env, smtp_server
):
    addresses = ["nguoi1@nhan.test", "nguoi2@nhan.test"]
    programme, committee = in_review(db, make, seed_text, addresses)
    doc = dict(programme.doc, title="HÀNH ĐỘNG CỦA CHI BỘ\r\nNĂM 2023")
    db.session.execute(update(Revision).where(Revision.id == programme.current_revision_id)
                       .values(content=doc))  # fmt: skip
    db.session.execute(update(Programme).where(Programme.id == programme.id)
                       .values(title=doc["title"]))  # fmt: skip
    db.session.execute(update(DirectoryEntry).where(DirectoryEntry.email == addresses[0])
                       .values(name="Người nhận\n001"))  # fmt: skip
    db.session.commit()
    db.session.expire_all()
    approve(programme, committee)
    forget_redis_queue(env["CELERY_QUEUE"])
    rows = rows_by_address(db)

    assert send_deliveries([rows[a].id for a in addresses]) == {"sent": 2}

    stored = {m.envelope_to: m.message for m in smtp_server.messages("final_copy")}
    assert sorted(stored) == addresses
    assert {m["Subject"] for m in stored.values()} == {
        "[Chi bộ Trường Mầm non Tiên Cường] Chương trình số 01-CTr/CB: "
        "HÀNH ĐỘNG CỦA CHI BỘ NĂM 2023"
    }
    assert stored[addresses[0]]["To"].addresses[0].display_name == "Người nhận 001"


def test_an_address_smtp_cannot_carry_fails_at_once_with_the_reason(
    db, make, seed_text, env, smtp_server
):
    addresses = ["nguoi1@nhan.test", "người2@nhan.test", "nguoi3@nhan.test"]
    rows = issued_rows(db, make, seed_text, env, addresses)

    assert send_deliveries([row.id for row in rows]) == {"sent": 2, "failed": 1}

    after = rows_by_address(db)
    bad = after["người2@nhan.test"]
    assert (bad.status, bad.attempts, bad.last_reply_code) == ("failed", 1, None)
    # The real reason, not a process "interrupted" ten minutes later.
    assert bad.last_reply.startswith("Không soạn được thư: 'ascii' codec can't encode")
    assert sorted(received(smtp_server, addresses)) == ["nguoi1@nhan.test", "nguoi3@nhan.test"]
