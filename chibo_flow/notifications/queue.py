"""Asking Celery to run the notification tasks: by task name, so that what queues a task does not
import the module that runs it. The database holds the work; the queue is only a hint, and a
publish that fails (broker down) leaves the work for beat's relay."""

import logging

from flask import current_app
from kombu.exceptions import KombuError, OperationalError
from sqlalchemy import Case, case

from chibo_flow.documents.format import ORDINARY, URGENCY_SEND_RANK
from chibo_flow.models import Programme

log = logging.getLogger(__name__)

# The tasks of chibo_flow.notifications.tasks, by name.
DISPATCH_EVENT = "chibo_flow.notifications.tasks.dispatch_event"
RENDER_FINAL_COPY = "chibo_flow.notifications.tasks.render_final_copy"
SEND_DELIVERIES = "chibo_flow.notifications.tasks.send_deliveries"

# Send order, smaller first: a document's deliveries by its urgency (format.URGENCY_SEND_RANK);
# an account email (its owner is waiting at the login page) with the most urgent. It is the
# Celery priority of the send tasks (on Redis: config priority_steps) and the relay's order.
ACCOUNT_RANK = 0
ORDINARY_RANK = URGENCY_SEND_RANK[ORDINARY]
SEND_RANKS = sorted(set(URGENCY_SEND_RANK.values()) | {ACCOUNT_RANK})


def send_rank(programme: Programme | None) -> int:
    """The send rank of the emails about `programme` (None: an account email)."""
    if programme is None:
        return ACCOUNT_RANK
    return URGENCY_SEND_RANK.get(programme.urgency, ORDINARY_RANK)


def send_rank_sql() -> Case:
    """`send_rank` as SQL, for a query of Delivery rows outer-joined to their Programme."""
    by_urgency = (
        (Programme.urgency == urgency, rank) for urgency, rank in URGENCY_SEND_RANK.items()
    )
    return case((Programme.id.is_(None), ACCOUNT_RANK), *by_urgency, else_=ORDINARY_RANK)


def publish(
    task_name: str, *args: object, countdown: float | None = None, priority: int | None = None
) -> bool:
    """Queue one task (`priority`: smaller first, where the broker orders by it); False, with
    a warning, when the broker cannot be reached (the database still holds the work and the
    relay queues it later)."""
    try:
        current_app.extensions["celery"].send_task(
            task_name, args, countdown=countdown, priority=priority
        )
    except (OperationalError, KombuError, OSError) as exc:
        log.warning("broker unavailable, %s%s left for the relay: %s", task_name, args, exc)
        return False
    return True


def enqueue_deliveries(
    delivery_ids: list[int], countdown: float | None = None, rank: int = ORDINARY_RANK
) -> int:
    """Queue the rows to send (after `countdown` s) as batches of DELIVERY_BATCH_SIZE, in order,
    at send `rank`; returns how many rows were queued, stopping at the first broker error (the
    rest stay pending for the relay)."""
    size = current_app.config["DELIVERY_BATCH_SIZE"]
    queued = 0
    for start in range(0, len(delivery_ids), size):
        batch = delivery_ids[start : start + size]
        if not publish(SEND_DELIVERIES, batch, rank, countdown=countdown, priority=rank):
            break
        queued += len(batch)
    return queued
