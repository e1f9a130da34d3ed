"""Receiver process: SQS poll loop in a background thread, health/metrics HTTP server in the main thread.

Start with `python -m app.main` (QUEUE_URL required; see app/config.py for the other settings).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, Gauge, generate_latest
from service_kit.errors import error_response, register_error_handlers
from service_kit.logs import configure_logging
from werkzeug.serving import make_server

from app.config import Config
from app.sqs_handler import SqsConsumer

logger = logging.getLogger(__name__)


class PollWorker:
    """Owns the poll thread and its stop event."""

    def __init__(self, consumer: SqsConsumer) -> None:
        self.consumer = consumer
        self.stop_event = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        # daemon: a long-poll still blocked at exit must not keep the process alive
        self.thread = threading.Thread(target=self.consumer.run, args=(self.stop_event,), name="sqs-poll", daemon=True)
        self.thread.start()

    @property
    def alive(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def stop(self, grace_seconds: float) -> bool:
        """Stop receiving; give the message in flight up to grace_seconds. True if nothing was cut off."""
        self.stop_event.set()
        if not self.consumer.wait_until_stoppable(grace_seconds):
            logger.warning("shutdown grace period over, abandoning the message in flight",
                           extra={"grace_seconds": grace_seconds})
            return False
        if self.alive:
            logger.info("abandoning the long-poll in progress")
        return True


def _register_loop_gauge(worker: PollWorker) -> None:
    gauge = Gauge("receiver_poll_loop_up", "1 while the poll loop thread is alive.",
                  registry=worker.consumer.metrics.registry)
    gauge.set_function(lambda: float(worker.alive))


@dataclass(frozen=True)
class ReceiverState:
    """The receiver app's resources (``get_state(app)``): its settings and the poll worker."""

    config: Config
    worker: PollWorker


def get_state(app: Flask | None = None) -> ReceiverState:
    """The ReceiverState of ``app`` (default: the current app)."""
    return (app or current_app).extensions["receiver"]


def create_app(config: Config | None = None, consumer: SqsConsumer | None = None) -> Flask:
    """Flask app with /healthz, /readyz, /metrics. The poll worker (get_state(app).worker) is started by main(),
    not here."""
    config = config or Config.from_env()
    worker = PollWorker(consumer or SqsConsumer(config))
    app = Flask(__name__)
    app.extensions["receiver"] = ReceiverState(config, worker)
    _register_loop_gauge(worker)

    @app.get("/healthz")
    def healthz():
        if not worker.alive:
            return error_response(503, "poll loop not running")
        return jsonify({"status": "ok"})

    @app.get("/readyz")
    def readyz():
        if not worker.alive:
            return error_response(503, "not ready", ["poll loop not running"])
        if not worker.consumer.ready.is_set():
            return error_response(503, "not ready", ["queue not reachable yet"])
        return jsonify({"status": "ready"})

    @app.get("/metrics")
    def metrics():
        # the content type as Prometheus writes it (a mimetype= argument would get a second charset appended)
        return Response(generate_latest(worker.consumer.metrics.registry), headers={"Content-Type": CONTENT_TYPE_LATEST})

    register_error_handlers(app, logger)
    return app


def main() -> int:
    try:
        config = Config.from_env()
    except ValueError as exc:
        configure_logging("INFO")
        logger.error("invalid configuration", extra={"error": str(exc)})
        return 2
    configure_logging(config.log_level)
    if config.log_level.upper() != "DEBUG":
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per health probe

    app = create_app(config)
    worker = get_state(app).worker
    server = make_server(config.host, config.port, app, threaded=True)
    shutdown_thread: list[threading.Thread] = []

    def shutdown() -> None:
        worker.stop(config.shutdown_grace_seconds)
        server.shutdown()  # serve_forever() in the main thread returns

    def on_signal(signum: int, frame: Any) -> None:
        # serve_forever() runs in this (main) thread, so server.shutdown() must come from another one.
        if shutdown_thread:
            return
        logger.info("shutdown requested", extra={"signal": signal.Signals(signum).name})
        shutdown_thread.append(threading.Thread(target=shutdown, name="shutdown"))
        shutdown_thread[0].start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    worker.start()
    logger.info("receiver started", extra={"host": config.host, "port": server.server_port,
                                           "queue_url": config.queue_url, "extractor_url": config.extractor_url})
    server.serve_forever()
    for thread in shutdown_thread:
        thread.join()
    server.server_close()
    logger.info("receiver stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
