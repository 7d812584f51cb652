"""Urgent first: the emails of a hỏa tốc document (and account emails, whose owner waits at the
login page) are sent before those of ordinary documents queued earlier; by Celery priority on
Redis, and in the relay's order on every broker."""

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from chibo_flow.auth.mail import PASSWORD_RESET, queue_account_mail
from chibo_flow.documents.parse import parse_text
from chibo_flow.models import DirectoryEntry, Group, Programme
from chibo_flow.models.delivery import FINAL_COPY, Delivery, DeliveryStatus
from chibo_flow.notifications.relay import due_deliveries
from chibo_flow.workflow import apply_transition, create_programme
from tests.support import REDIS_URL, CeleryWorker, forget_redis_queue, wait_for


@pytest.fixture
def env(env) -> Iterator[dict[str, str]]:
    """Redis as the broker, two rows per send task; the test's queue is removed afterwards."""
    yield {**env, "CELERY_BROKER_URL": REDIS_URL, "DELIVERY_BATCH_SIZE": "2"}
    forget_redis_queue(env["CELERY_QUEUE"])


def approved(db, make, seed_text, name: str, code: str, people: int, urgency: str) -> Programme:
    """An approved programme of a new chi bộ whose "Nơi nhận" reaches `people` addresses."""
    org = make.org(name=name, code=code, approvals=1)
    secretary, committee = make.user("secretary", org), make.user("committee", org)
    group = Group(org_id=org.id, name="Danh sách nhận")
    group.entries = [
        DirectoryEntry(org_id=org.id, name=f"Người nhận {n}", email=f"{code.lower()}{n}@nhan.test")
        for n in range(people)
    ]
    db.session.add(group)
    db.session.commit()
    doc = parse_text(seed_text).to_dict()
    doc["recipients"] = [{"label": "Danh sách nhận", "purpose": "de_biet"}]
    programme = create_programme(org, secretary, doc, marks={"urgency": urgency})
    apply_transition(programme, "submit", secretary, version=programme.version)
    apply_transition(programme, "approve", committee, version=programme.version)
    assert programme.state == "approved"
    return programme


def final_copies(db, programme: Programme) -> list[Delivery]:
    db.session.expire_all()
    query = select(Delivery).where(
        Delivery.programme_id == programme.id, Delivery.kind == FINAL_COPY
    )
    return list(db.session.scalars(query))


def test_the_relay_queues_account_emails_and_the_most_urgent_documents_first(db, make, seed_text):
    ordinary = approved(db, make, seed_text, "Chi bộ Thôn Đông", "CBTD", 3, "thuong")
    urgent = approved(db, make, seed_text, "Chi bộ Thôn Tây", "CBTT", 3, "hoa_toc")
    khan = approved(db, make, seed_text, "Chi bộ Thôn Nam", "CBTN", 3, "khan")
    queue_account_mail(PASSWORD_RESET, ordinary.created_by_id)
    db.session.expire_all()
    pending = db.session.scalars(
        select(Delivery.id).where(Delivery.status == DeliveryStatus.PENDING)
    ).all()
    due = wait_for(lambda: (rows := due_deliveries()) and len(rows) == len(pending) and rows)

    by_programme = [row.programme_id for row in due]
    first_of = {pid: by_programme.index(pid) for pid in dict.fromkeys(by_programme)}
    last_of = {pid: len(by_programme) - 1 - by_programme[::-1].index(pid) for pid in first_of}
    # The reset email, queued last, goes with the hỏa tốc document's, before the others.
    assert max(last_of[None], last_of[urgent.id]) < first_of[khan.id]
    assert last_of[khan.id] < first_of[ordinary.id]
    assert [row.rank for row in due] == sorted(row.rank for row in due)


def test_on_redis_a_hoa_toc_documents_copies_overtake_an_ordinary_one_queued_first(
    db, make, seed_text, env, tmp_path
):
    # Both approved while no worker runs: the ordinary programme's tasks are queued first.
    ordinary = approved(db, make, seed_text, "Chi bộ Thôn Đông", "CBTD", 8, "thuong")
    urgent = approved(db, make, seed_text, "Chi bộ Thôn Tây", "CBTT", 4, "hoa_toc")

    with CeleryWorker(env, tmp_path, concurrency=1):
        settled = wait_for(
            lambda: all(
                row.status == DeliveryStatus.SENT
                for row in final_copies(db, ordinary) + final_copies(db, urgent)
            ),
            timeout=120,
        )
    assert settled
    urgent_done = max(row.sent_at for row in final_copies(db, urgent))
    ordinary_start = min(row.sent_at for row in final_copies(db, ordinary))
    assert urgent_done < ordinary_start
