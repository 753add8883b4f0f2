"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from eportfolio import create_app

app = create_app()
