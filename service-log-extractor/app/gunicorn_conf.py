"""gunicorn settings of the extractor: `gunicorn -c python:app.gunicorn_conf "app.main:create_app()"`.

The GUNICORN_* variables and their defaults are service_kit.gunicorn's, with the extractor's own:
GUNICORN_THREADS [4] (gthread: a long scan in one thread never blocks the health probes served by the others) and
GUNICORN_TIMEOUT_SECONDS [900].
"""
from service_kit.gunicorn import child_exit, on_starting  # noqa: F401  (gunicorn's server hooks, by name)
from service_kit.gunicorn import server_settings as _server_settings

globals().update(_server_settings(threads=4, timeout=900))
