"""gunicorn settings of result storage: `gunicorn -c python:app.gunicorn_conf "app.main:create_app()"`.

Read from the environment when gunicorn starts [defaults]; a bad value stops gunicorn with a message naming it.

GUNICORN_BIND                      [0.0.0.0:8080]
GUNICORN_WORKERS                   [2]    processes
GUNICORN_THREADS                   [8]    request threads per process (gthread: requests mostly wait on DynamoDB)
GUNICORN_TIMEOUT_SECONDS           [30]   a worker silent this long is restarted; a gthread worker stays
                                          in touch while its threads serve requests, so this catches a hung
                                          worker, not a slow request
GUNICORN_GRACEFUL_TIMEOUT_SECONDS  [30]   on SIGTERM, how long requests in flight may finish
GUNICORN_KEEPALIVE_SECONDS         [5]    idle keep-alive connections are closed after this
PROMETHEUS_MULTIPROC_DIR           [unset] where the workers keep their metric values, summed by /metrics
"""
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


bind = _setting("GUNICORN_BIND", "0.0.0.0:8080")
worker_class = "gthread"
workers = _setting("GUNICORN_WORKERS", 2)
threads = _setting("GUNICORN_THREADS", 8)
timeout = _setting("GUNICORN_TIMEOUT_SECONDS", 30)
graceful_timeout = _setting("GUNICORN_GRACEFUL_TIMEOUT_SECONDS", 30)
keepalive = _setting("GUNICORN_KEEPALIVE_SECONDS", 5)
# The pods' root filesystem is read-only: worker heartbeat files in memory, logs on the standard streams.
worker_tmp_dir = "/dev/shm"
accesslog = None  # no line per request (or health probe): the app logs each POST as JSON, /metrics counts them
errorlog = "-"
control_socket_disable = True  # gunicornc's socket (~/.gunicorn/) is unused and would need a writable home


# Each worker counts its own requests. With PROMETHEUS_MULTIPROC_DIR set (the chart and devstack set it), the
# metric values live in files there and a scrape of any worker sums them all (app/main.py, Metrics.render).
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
