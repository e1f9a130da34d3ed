"""gunicorn settings of result storage: `gunicorn -c python:app.gunicorn_conf "app.main:create_app()"`.

The GUNICORN_* variables and their defaults are service_kit.gunicorn's, with storage's own: GUNICORN_THREADS [8]
(gthread: requests mostly wait on DynamoDB) and GUNICORN_TIMEOUT_SECONDS [30].
"""
from service_kit.gunicorn import child_exit, on_starting  # noqa: F401  (gunicorn's server hooks, by name)
from service_kit.gunicorn import server_settings as _server_settings

globals().update(_server_settings(threads=8, timeout=30))
