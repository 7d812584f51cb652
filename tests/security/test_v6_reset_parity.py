"""A password-reset request tells nobody whether an email has an account (ASVS 6.3): for a
known, an inactive and an unknown email the web request runs the same statements, queues the
same task once and gives the same answer; only the worker looks the account up."""

import sqlite3

from sqlalchemy import event

from chibo_flow import messages
from chibo_flow.extensions import db
from tests.web.support import flashes


def _broker_messages(env) -> int:
    path = env["CELERY_BROKER_URL"].removeprefix("sqla+sqlite:///")
    with sqlite3.connect(path) as broker:
        tables = {row[0] for row in broker.execute("SELECT name FROM sqlite_master")}
        if "kombu_message" not in tables:
            return 0
        return broker.execute("SELECT count(*) FROM kombu_message").fetchone()[0]


def _ask(app, env, email: str) -> tuple[list[str], int, tuple]:
    """What one reset request did: its SQL statements, the tasks it queued, what it answered."""
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    queued = _broker_messages(env)
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        response = app.test_client().post("/login/reset", data={"email": email})
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    answer = (response.status_code, response.headers.get("Location"))
    return statements, _broker_messages(env) - queued, answer


def test_known_inactive_and_unknown_emails_take_the_same_path(app, db, env, world):
    inactive = world.users["committee2"]
    inactive.active = False
    db.session.commit()

    known = _ask(app, env, world.users["member"].email)
    unknown = _ask(app, env, "khong-co-ai@chibo.test")
    locked_out = _ask(app, env, inactive.email)

    assert known == unknown == locked_out
    assert known[1] == 1, "one task queued for every email"
    assert not any('"user"' in statement or "FROM user" in statement for statement in known[0])


def test_the_answer_is_the_same_sentence(app, world):
    for email in (world.users["member"].email, "khong-co-ai@chibo.test"):
        page = app.test_client().post("/login/reset", data={"email": email}, follow_redirects=True)
        assert flashes(page, "info") == [messages.RESET_REQUESTED]
