"""Timestamps are stored in UTC and always read back timezone-aware, on SQLite (which keeps no
zone) and on PostgreSQL (timestamptz), whether read as objects or as columns."""

from datetime import UTC, datetime, timedelta, timezone

import psycopg
import pytest
from sqlalchemy import select, text, update

from chibo_flow import create_app
from chibo_flow.extensions import db as _db
from chibo_flow.models import Programme
from tests.support import config_for

SENT = datetime(2026, 11, 25, 10, 4, tzinfo=timezone(timedelta(hours=7)))  # 10:04 in Hà Nội


def test_a_timestamp_reads_back_as_the_same_instant_with_its_zone(db, make, seed_text):
    org = make.org()
    programme = make.programme(org, make.user("secretary", org), seed_text)
    db.session.execute(
        update(Programme).where(Programme.id == programme.id).values(updated_at=SENT)
    )
    db.session.commit()
    db.session.expire_all()

    as_object = db.session.get(Programme, programme.id).updated_at
    as_column = db.session.scalar(select(Programme.updated_at).where(Programme.id == programme.id))

    for value in (as_object, as_column):
        assert value == datetime(2026, 11, 25, 3, 4, tzinfo=UTC)
        assert value.utcoffset() == timedelta(0)  # in UTC, e.g. "+00:00" in the API's JSON


def test_a_naive_timestamp_is_refused(db, make, seed_text):
    org = make.org()
    programme = make.programme(org, make.user("secretary", org), seed_text)

    with pytest.raises(Exception, match="naive datetime"):
        db.session.execute(
            update(Programme)
            .where(Programme.id == programme.id)
            .values(updated_at=datetime(2026, 11, 25, 3, 4))
        )
    db.session.rollback()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_sessions_speak_utc_whatever_the_server_zone(db, env):
    # The server's own TimeZone may be anything (Asia/Ho_Chi_Minh on a Vietnamese host).
    set_zone(env, "'Asia/Ho_Chi_Minh'")
    try:
        db.engine.dispose()  # new connections pick up the database's setting
        assert db.session.scalar(text("SHOW TimeZone")) == "UTC"
        assert db.session.scalar(text("SELECT now()")).utcoffset() == timedelta(0)
    finally:
        db.session.rollback()
        set_zone(env, "DEFAULT")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_libpq_options_in_the_database_url_are_kept_beside_utc(env):
    url = f"{env['DATABASE_URL']}?options=-c%20statement_timeout%3D4321"
    app = create_app(config_for({**env, "DATABASE_URL": url}))
    with app.app_context():
        try:
            assert _db.session.scalar(text("SHOW statement_timeout")) == "4321ms"
            assert _db.session.scalar(text("SHOW TimeZone")) == "UTC"
        finally:
            _db.session.remove()
            _db.engine.dispose()


def set_zone(env: dict[str, str], zone: str) -> None:
    """Set the test database's default TimeZone for new sessions."""
    with psycopg.connect(env["DATABASE_URL"].replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{conn.info.dbname}" SET TimeZone = {zone}')
