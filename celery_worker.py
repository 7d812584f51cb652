"""Celery entry point: `celery -A celery_worker worker` / `celery -A celery_worker beat`."""

from chibo_flow import create_app

celery = create_app().extensions["celery"]
