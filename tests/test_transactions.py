"""How a request's database transaction ends: what it wrote and did not commit is rolled back;
a transaction that only read ends with COMMIT, so psycopg keeps its prepared statements."""

import pytest
from sqlalchemy import func, select, table, update

from chibo_flow import create_app
from chibo_flow.extensions import db as _db
from chibo_flow.models import Org
from tests.support import config_for


@pytest.fixture
def fresh_app(env, app):
    """A second app on the test database whose requests each get their own app context (as in
    production), with routes that read, or write without committing."""
    fresh = create_app(config_for(env))

    @fresh.get("/_test/rename-without-commit/<int:org_id>")
    def rename_without_commit(org_id: int) -> str:
        _db.session.get(Org, org_id).name = "Tên chưa lưu"
        _db.session.flush()
        return "ok"

    @fresh.get("/_test/core-update-without-commit/<int:org_id>")
    def core_update_without_commit(org_id: int) -> str:
        _db.session.execute(update(Org).where(Org.id == org_id).values(name="Tên chưa lưu"))
        return "ok"

    @fresh.get("/_test/read")
    def read() -> str:
        _db.session.scalars(select(Org.name).where(Org.code == "CB")).all()
        if _db.engine.dialect.name != "postgresql":
            return "0"
        prepared = select(func.count()).select_from(table("pg_prepared_statements"))
        return str(_db.session.scalar(prepared))

    yield fresh
    with fresh.app_context():
        _db.engine.dispose()


@pytest.mark.parametrize("path", ["rename-without-commit", "core-update-without-commit"])
def test_what_a_request_wrote_without_committing_is_rolled_back(db, make, fresh_app, path):
    org = make.org()
    name = org.name

    response = fresh_app.test_client().get(f"/_test/{path}/{org.id}")

    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Org, org.id).name == name


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_reading_requests_keep_the_prepared_statements_of_their_connection(db, make, fresh_app):
    make.org()
    client = fresh_app.test_client()
    # psycopg prepares a query on its 6th run on a connection (prepare_threshold=5); the pool
    # hands these sequential requests the same connection.
    counts = [int(client.get("/_test/read").get_data(as_text=True)) for _ in range(8)]
    assert counts[-1] >= 1
