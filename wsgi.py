"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from chibo_flow import create_app

app = create_app()
