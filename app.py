"""The vocgap web app, for ``flask --app app run`` and ``gunicorn app:app``."""

from vocgap import create_app

app = create_app()
