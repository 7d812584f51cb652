"""Celery the Flask way: configured from app.config["CELERY"], every task in an app context."""

from celery import Celery, Task
from celery.signals import worker_init, worker_process_init
from flask import Flask

from chibo_flow.documents.final_copy import load_pdf_renderer, warm_up_pdf_renderer


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app bound to `app` and store it in app.extensions["celery"]."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.conf.include = [
        "chibo_flow.notifications.tasks",
        "chibo_flow.notifications.relay",
        "chibo_flow.review.reminders",
        "chibo_flow.receipts.reminders",
        "chibo_flow.documents.preview",
    ]
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


@worker_init.connect
def _load_pdf_renderer(**_) -> None:
    """A worker renders final copies: import the PDF renderer as it starts (before its pool
    forks) rather than in the first approval's rendering."""
    load_pdf_renderer()


@worker_process_init.connect
def _warm_up_pdf_renderer(**_) -> None:
    """Each process of a prefork pool loads the document fonts once, at its start."""
    warm_up_pdf_renderer()
