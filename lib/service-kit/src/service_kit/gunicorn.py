"""gunicorn settings of the services served by gunicorn (extractor, storage), each with its own defaults.

A service's ``app/gunicorn_conf.py`` (``gunicorn -c python:app.gunicorn_conf``) does
``globals().update(server_settings(threads=..., timeout=...))`` and exports the two hooks below. Read from the
environment when gunicorn starts; a bad value stops gunicorn with a ValueError naming the variable:

GUNICORN_BIND                      [0.0.0.0:8080]
GUNICORN_WORKERS                   [2]      processes
GUNICORN_THREADS                   [service's] request threads per process (gthread)
GUNICORN_TIMEOUT_SECONDS           [service's] a worker silent this long is restarted; a gthread worker stays in touch
                                            while its threads serve requests, so this catches a hung worker, not
                                            a slow request
GUNICORN_GRACEFUL_TIMEOUT_SECONDS  [30]     on SIGTERM, how long requests in flight may finish
GUNICORN_KEEPALIVE_SECONDS         [5]      idle keep-alive connections are closed after this
PROMETHEUS_MULTIPROC_DIR           [unset]  where the workers keep their metric values, summed by /metrics
"""
from __future__ import annotations

import os


def _setting(name: str, default: int | str) -> int | str:
    """The variable's value, else default; with an int default the value must be a positive integer."""
    text = os.environ.get(name, str(default)).strip()
    if isinstance(default, int):
        if not (text.isascii() and text.isdigit() and int(text) > 0):
            raise ValueError(f"{name} must be a positive integer, got {text!r}")
        return int(text)
    if not text:
        raise ValueError(f"{name} must not be empty")
    return text


def server_settings(*, threads: int, timeout: int) -> dict:
    """gunicorn's settings by name, the service's defaults for GUNICORN_THREADS and GUNICORN_TIMEOUT_SECONDS."""
    return {
        "bind": _setting("GUNICORN_BIND", "0.0.0.0:8080"),
        "worker_class": "gthread",
        "workers": _setting("GUNICORN_WORKERS", 2),
        "threads": _setting("GUNICORN_THREADS", threads),
        "timeout": _setting("GUNICORN_TIMEOUT_SECONDS", timeout),
        "graceful_timeout": _setting("GUNICORN_GRACEFUL_TIMEOUT_SECONDS", 30),
        "keepalive": _setting("GUNICORN_KEEPALIVE_SECONDS", 5),
        # The pods' root filesystem is read-only: worker heartbeat files in memory, logs on the standard streams.
        "worker_tmp_dir": "/dev/shm",
        "accesslog": None,  # no line per request (or health probe): the apps log what matters as JSON
        "errorlog": "-",
        "control_socket_disable": True,  # gunicornc's socket (~/.gunicorn/) is unused and would need a writable home
    }


# Each worker counts its own requests. With PROMETHEUS_MULTIPROC_DIR set (the chart and devstack set it), the
# metric values live in files there and a scrape of any worker sums them all (service_kit.metrics.render).
def on_starting(server):
    """Start from an empty directory: a restarted container keeps its emptyDir, and old counts would be summed in."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        os.makedirs(path, exist_ok=True)
        for name in os.listdir(path):
            if name.endswith(".db"):
                os.remove(os.path.join(path, name))


def child_exit(server, worker):
    """A dead worker's live gauges go; its counts stay in the sums."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
