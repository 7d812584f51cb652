"""Ending a request's read-only transaction with COMMIT (a named performance mechanism).

psycopg drops every prepared statement of a connection at a ROLLBACK, which is how
Flask-SQLAlchemy ends a request's transaction; a transaction that wrote nothing is ended with
COMMIT instead (the same for it), so reading pages keep their statements planned. Whether a
transaction wrote is noted by the session listeners below. bench/pages: the đảng viên's page
0.46 → 0.56 of the baseline with it, the secretary's 0.26 → 0.37 (session 11, bench/README.md).
tests/test_transactions.py checks that what a request wrote without committing is still rolled
back, and that reading requests keep their prepared statements.
"""

import logging

from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from chibo_flow.extensions import db


# A session's transaction counts as written once it flushes or executes anything but a SELECT.
@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, flush_context) -> None:
    session.info["written"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    if not state.is_select:
        state.session.info["written"] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_written(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("written", None)


def end_read_only_transaction(exc: BaseException | None = None) -> None:
    """Teardown: a request's transaction that wrote nothing ends with COMMIT, which for it is
    the same as the ROLLBACK Flask-SQLAlchemy would send; psycopg drops every prepared statement
    of the connection at a ROLLBACK, so reading pages would otherwise plan each query afresh."""
    if exc is not None or not db.session.registry.has():
        return
    session = db.session()
    if session.in_transaction() and not session.info.get("written"):
        try:
            session.commit()
        except SQLAlchemyError:
            logging.getLogger(__name__).warning("ending a read-only transaction", exc_info=True)
            session.rollback()
