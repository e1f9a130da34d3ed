"""Local event-source mapping: feeds S3 events from a standard SQS queue to the deployed Lambda handler.

moto runs Lambda code only in Docker, which is not available here, so this process plays the Lambda service:
it long-polls the events queue, calls `handler(event, context)` from terraform/lambda/s3_to_fifo.py (the very file
terraform deploys) and deletes the event only when the handler returned. A raising handler leaves the event for
a retry; after 3 receives the queue's redrive policy parks it, like Lambda's on-failure destination.

Environment: EVENTS_QUEUE_URL (required), QUEUE_URL (read by the handler), RUNNER_PORT (health, default 8079).
"""
from __future__ import annotations

import importlib.util
import json
import logging
import os
import signal
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import boto3
from pythonjsonlogger.json import JsonFormatter

HANDLER_FILE = Path(__file__).resolve().parent.parent / "terraform" / "lambda" / "s3_to_fifo.py"
log = logging.getLogger("lambda_runner")


def load_handler(path: Path = HANDLER_FILE):
    spec = importlib.util.spec_from_file_location("s3_to_fifo", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


def _context() -> SimpleNamespace:
    return SimpleNamespace(function_name="s3-to-fifo-local", aws_request_id=str(uuid.uuid4()),
                           get_remaining_time_in_millis=lambda: 60_000)


def poll_once(sqs, events_url: str, handler, wait_seconds: int = 20) -> int:
    """Receives one batch of S3 events and hands each to the handler; returns how many were handled."""
    handled = 0
    resp = sqs.receive_message(QueueUrl=events_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds)
    for msg in resp.get("Messages", []):
        try:
            event = json.loads(msg["Body"])
            result = handler(event, _context())
        except Exception:  # noqa: BLE001 - any handler failure means "retry later", as in Lambda
            log.exception("handler failed; event left for retry", extra={"message_id": msg["MessageId"]})
            continue
        sqs.delete_message(QueueUrl=events_url, ReceiptHandle=msg["ReceiptHandle"])
        log.info("event handled", extra={"message_id": msg["MessageId"], "result": result})
        handled += 1
    return handled


class _Health(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        ok = self.path == "/healthz" and self.server.poller.is_alive()
        body = json.dumps({"status": "ok" if ok else "down"}).encode()
        self.send_response(200 if ok else 503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep the log JSON-only
        pass


def main() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), handlers=[handler], force=True)
    events_url = os.environ["EVENTS_QUEUE_URL"]
    lambda_handler = load_handler()
    sqs = boto3.client("sqs")
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            try:
                poll_once(sqs, events_url, lambda_handler, wait_seconds=5)
            except Exception:  # noqa: BLE001 - the embedded AWS may be restarting; keep polling
                log.exception("receive failed")
                stop.wait(1)

    poller = threading.Thread(target=loop, name="poller", daemon=True)
    poller.start()
    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("RUNNER_PORT", "8079"))), _Health)
    server.poller = poller

    def shutdown(*_):
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    log.info("lambda runner started", extra={"events_queue": events_url, "handler": str(HANDLER_FILE)})
    server.serve_forever()
    poller.join(10)


if __name__ == "__main__":
    main()
