"""Asking Celery to run the notification tasks: by task name, so that what queues a task does not
import the module that runs it. The database holds the work; the queue is only a hint, and a
publish that fails (broker down) leaves the work for beat's relay."""

import logging

from flask import current_app
from kombu.exceptions import KombuError, OperationalError

log = logging.getLogger(__name__)

# The tasks of chibo_flow.notifications.tasks, by name.
DISPATCH_EVENT = "chibo_flow.notifications.tasks.dispatch_event"
RENDER_FINAL_COPY = "chibo_flow.notifications.tasks.render_final_copy"
SEND_DELIVERIES = "chibo_flow.notifications.tasks.send_deliveries"


def publish(task_name: str, *args: object, countdown: float | None = None) -> bool:
    """Queue one task; False, with a warning, when the broker cannot be reached (the database
    still holds the work and the relay queues it later)."""
    try:
        current_app.extensions["celery"].send_task(task_name, args, countdown=countdown)
    except (OperationalError, KombuError, OSError) as exc:
        log.warning("broker unavailable, %s%s left for the relay: %s", task_name, args, exc)
        return False
    return True


def enqueue_deliveries(delivery_ids: list[int], countdown: float | None = None) -> int:
    """Queue the rows to send (after `countdown` s) as batches of DELIVERY_BATCH_SIZE, in order;
    returns how many rows were queued, stopping at the first broker error (the rest stay
    pending for the relay)."""
    size = current_app.config["DELIVERY_BATCH_SIZE"]
    queued = 0
    for start in range(0, len(delivery_ids), size):
        batch = delivery_ids[start : start + size]
        if not publish(SEND_DELIVERIES, batch, countdown=countdown):
            break
        queued += len(batch)
    return queued
