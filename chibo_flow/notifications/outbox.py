"""Writing Delivery rows inside the approval transaction, and dispatching them after commit."""

import uuid
from collections.abc import Callable

from flask import current_app
from sqlalchemy import insert

from chibo_flow.extensions import db
from chibo_flow.models import Delivery, Programme
from chibo_flow.models.delivery import FINAL_COPY
from chibo_flow.recipients import resolve_recipients


def new_message_id() -> str:
    """A fresh Message-ID in the MAIL_FROM domain (a row keeps it for every attempt)."""
    domain = current_app.config["MAIL_FROM"].rsplit("@", 1)[-1].strip(">").strip() or "chibo"
    return f"<{uuid.uuid4()}@{domain}>"


def write_final_copy_deliveries(programme: Programme) -> int:
    """One pending Delivery per address behind the programme's non-archive lines, once each;
    returns how many.

    The list of addresses is fixed here, as of approval: later directory changes do not alter it.
    An address reached by several lines is mailed once, under the first line that reaches it.
    """
    seen: set[str] = set()
    rows: list[dict] = []
    for line in resolve_recipients(programme.org, programme.doc.get("recipients", [])):
        for person in line.people:
            address = person.email.strip().lower()
            if line.is_archive or address in seen:
                continue
            seen.add(address)
            rows.append(
                {
                    "programme_id": programme.id,
                    "revision_id": programme.current_revision_id,
                    "kind": FINAL_COPY,
                    "address": address,
                    "name": person.name,
                    "line": line.label,
                    "purpose": line.purpose,
                    "message_id": new_message_id(),
                }
            )
    if rows:
        # One INSERT of plain rows (no RETURNING): several times cheaper than an ORM object
        # per address, which matters when a programme goes to hundreds.
        db.session.execute(insert(Delivery), rows)
    return len(rows)


def after_commit_dispatch(programme_id: int) -> Callable[[], None]:
    """What to run once the approval has committed: ask Celery to render the final copy."""
    # render_final_copy then queues the deliveries. With the broker down the rows stay pending
    # and beat's relay queues the rendering later (each send also renders the copy if missing).

    def dispatch() -> None:
        from chibo_flow.notifications.relay import publish
        from chibo_flow.notifications.tasks import render_final_copy

        publish(render_final_copy, programme_id)

    return dispatch
