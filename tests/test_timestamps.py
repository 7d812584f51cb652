"""Timestamps are stored in UTC and always read back timezone-aware, on SQLite (which keeps no
zone) and on PostgreSQL (timestamptz), whether read as objects or as columns."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from chibo_flow.models import Programme

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
        assert value.utcoffset() is not None


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
