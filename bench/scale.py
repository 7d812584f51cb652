"""`python -m bench.scale`: the list page on a province-sized database, on PostgreSQL.

A throwaway database gets the migrations, the demo and its chi bộ's 10 programmes; the SQL
statements of one list page are counted. Then a province is loaded around the demo: a tỉnh ủy,
20 huyện ủy, 100 đảng ủy (the demo's Đảng bộ xã among them) and chi bộ under them, 2,000 orgs
in all; 100,000 đảng viên (about 50 per chi bộ); 40,000 programmes (about 20 per chi bộ, nearly
all approved, a few drafts and some in review). The statements are counted again (target: the
same as at 10 programmes) and the demo đảng viên's list page is measured against the bare-Flask
baseline of bench/pages.py, in rounds (target ≥ 0.7). Exits 1 when a target is missed.
"""

import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.pages import (
    MEMBER,
    OUTPUT,
    SECRETARY,
    add_programmes,
    compare_with_baseline,
    demo_app,
    statements_per_page,
)
from chibo_flow.demo import PARENT_ORG
from chibo_flow.extensions import db
from chibo_flow.models import Membership, Org, Programme, User
from chibo_flow.models.programmes import State
from chibo_flow.models.users import Role
from tests.support import postgres_database

DISTRICTS = 20  # huyện ủy under the tỉnh ủy
COMMUNES = 100  # đảng ủy under them, the demo's Đảng bộ xã among them
ORGS = 2_000  # in all, the demo's chi bộ among them
MEMBERS = 100_000
PROGRAMMES = 40_000
BATCH = 5_000
DEMO_APPROVED = 60  # programmes of the demo chi bộ besides its first 10
# One programme in 100 is a draft, one in 25 in review; the others are approved.
STATES = [State.DRAFT] + [State.REVIEW] * 4 + [State.APPROVED] * 95
USERS = (MEMBER, SECRETARY)


def main() -> int:
    """Load the province, count statements, measure the page; 1 if a target is missed."""
    OUTPUT.mkdir(exist_ok=True)
    with postgres_database() as url, tempfile.TemporaryDirectory() as tmp:
        env, app = demo_app(url, Path(tmp))
        statements_small = {user: statements_per_page(app, user) for user in USERS}
        started = time.monotonic()
        with app.app_context():
            cells = load_province()
            total = db.session.scalar(select(func.count()).select_from(Programme))
            orgs = db.session.scalar(select(func.count()).select_from(Org))
            members = db.session.scalar(select(func.count()).select_from(Membership))
            db.engine.dispose()
        took = time.monotonic() - started
        print(f"loaded a province of {orgs:,} orgs ({cells:,} chi bộ), {members:,} memberships "
              f"and {total:,} programmes in {took:.0f} s", flush=True)  # fmt: skip
        statements_large = {user: statements_per_page(app, user) for user in USERS}
        return compare_with_baseline(app, env, statements_small, statements_large, total)


def _insert_orgs(rows: list[dict]) -> list[int]:
    return list(db.session.scalars(insert(Org).returning(Org.id), rows))


def load_province() -> int:
    """Bulk-insert the province around the demo's orgs; returns how many chi bộ it has."""
    parent = db.session.scalar(select(Org).where(Org.name == PARENT_ORG))
    [province] = _insert_orgs([{"name": "Tỉnh ủy Thử nghiệm", "code": "TU", "place": "Tỉnh"}])
    districts = _insert_orgs(
        [
            {"name": f"Huyện ủy số {n}", "code": "HU", "parent_id": province, "place": f"Huyện {n}"}
            for n in range(1, DISTRICTS + 1)
        ]  # fmt: skip
    )
    parent.parent_id = districts[0]
    communes = [parent.id] + _insert_orgs(
        [
            {
                "name": f"Đảng ủy xã số {n}",
                "code": "ĐU",
                "place": f"Xã {n}",
                "parent_id": districts[n % DISTRICTS],
            }
            for n in range(1, COMMUNES)
        ]  # fmt: skip
    )
    existing = db.session.scalar(select(func.count()).select_from(Org))
    cells = _insert_orgs(
        [
            {
                "name": f"Chi bộ số {n}",
                "code": "CB",
                "place": f"Xã {n % COMMUNES}",
                "parent_id": communes[n % COMMUNES],
            }
            for n in range(1, ORGS - existing + 1)
        ]  # fmt: skip
    )
    password_hash = db.session.scalar(select(User.password_hash).where(User.email == MEMBER.email))
    for start in range(0, MEMBERS, BATCH):
        people = [
            {"email": f"dv{n}@tinh.test", "name": f"Đảng viên {n}", "password_hash": password_hash}
            for n in range(start, start + BATCH)
        ]
        ids = db.session.scalars(insert(User).returning(User.id), people).all()
        db.session.execute(
            insert(Membership),
            [
                {"user_id": uid, "org_id": cells[uid % len(cells)], "role": Role.MEMBER}
                for uid in ids
            ],  # fmt: skip
        )
    db.session.commit()
    orgs = db.session.execute(
        select(Org.id, Org.code, Org.term_start).where(Org.id.in_(cells))
    ).all()
    # The demo chi bộ after some years: a full first page of approved programmes, as in
    # bench/pages.py, so its đảng viên's page shows the baseline's 50 rows.
    add_programmes([State.APPROVED] * DEMO_APPROVED)
    count = PROGRAMMES - db.session.scalar(select(func.count()).select_from(Programme))
    add_programmes(list(islice(cycle(STATES), count)), list(islice(cycle(orgs), count)))
    return len(cells)


if __name__ == "__main__":
    sys.exit(main())
