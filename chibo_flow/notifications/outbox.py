"""Writing Delivery rows inside the approval transaction, and dispatching them after commit."""

import uuid
from collections.abc import Callable

from flask import current_app

from chibo_flow.extensions import db
from chibo_flow.models import Delivery, Programme
from chibo_flow.recipients import resolve_recipients


def write_final_copy_deliveries(programme: Programme) -> list[int]:
    """One pending Delivery per address behind the programme's non-archive lines, once each.

    The list of addresses is fixed here, as of approval: later directory changes do not alter it.
    An address reached by several lines is mailed once, under the first line that reaches it.
    """
    domain = current_app.config["MAIL_FROM"].rsplit("@", 1)[-1].strip(">").strip() or "chibo"
    seen: set[str] = set()
    rows: list[Delivery] = []
    for line in resolve_recipients(programme.org, programme.doc.get("recipients", [])):
        for person in line.people:
            address = person.email.strip().lower()
            if line.is_archive or address in seen:
                continue
            seen.add(address)
            rows.append(
                Delivery(
                    programme_id=programme.id,
                    revision_id=programme.current_revision_id,
                    kind="final_copy",
                    address=address,
                    name=person.name,
                    line=line.label,
                    purpose=line.purpose,
                    message_id=f"<{uuid.uuid4()}@{domain}>",
                )
            )
    db.session.add_all(rows)
    db.session.flush()
    return [row.id for row in rows]


def after_commit_dispatch(programme_id: int, delivery_ids: list[int]) -> Callable[[], None]:
    """What to run once the approval has committed: ask Celery to send the new rows."""

    def dispatch() -> None:
        from chibo_flow.notifications.relay import enqueue_deliveries

        enqueue_deliveries(delivery_ids)

    return dispatch
