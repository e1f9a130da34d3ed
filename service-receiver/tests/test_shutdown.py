"""`python -m app.main` as a real process against a moto server, stopped with SIGTERM."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import boto3
import pytest
import requests

SERVICE_DIR = Path(__file__).resolve().parents[1]
MOTO_SERVER = Path(sys.executable).parent / "moto_server"
OBJ = {"bucket": "bkt-logs", "key": "k.log", "etag": "e1"}


def wait_until(predicate, timeout=15.0, what="condition"):
    """Polls an external process's state (no event to wait on across processes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def reachable(url):
    try:
        return requests.get(url, timeout=1).status_code < 500
    except requests.RequestException:
        return False


@pytest.fixture(scope="module")
def moto_endpoint(free_port):
    if not MOTO_SERVER.exists():
        pytest.skip(f"{MOTO_SERVER} not installed")
    port = free_port()
    proc = subprocess.Popen([str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: reachable(f"{endpoint}/moto-api/"), what="moto server")
        yield endpoint
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def server_queues(moto_endpoint, aws_env, request, create_queues):
    sqs = boto3.client("sqs", endpoint_url=moto_endpoint)
    return create_queues(sqs, prefix=request.node.name.replace("_", "-")[:60])


@pytest.fixture
def start_receiver(moto_endpoint, tmp_path, free_port):
    procs = []

    def start(queue_url, extractor_url, grace):
        port = free_port()
        env = {**os.environ, "AWS_ENDPOINT_URL": moto_endpoint, "AWS_ACCESS_KEY_ID": "testing",
               "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1", "QUEUE_URL": queue_url,
               "EXTRACTOR_URL": extractor_url, "RECEIVER_HOST": "127.0.0.1", "RECEIVER_PORT": str(port),
               "RECEIVER_WAIT_SECONDS": "1", "RECEIVER_SHUTDOWN_GRACE_SECONDS": str(grace),
               "EXTRACTOR_TOKEN": "extract-token-for-tests-0001"}
        log = tmp_path / f"receiver-{len(procs)}.log"
        proc = subprocess.Popen([sys.executable, "-m", "app.main"], cwd=SERVICE_DIR, env=env,
                                stdout=subprocess.DEVNULL, stderr=log.open("w"))
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: proc.poll() is not None or reachable(f"{base}/readyz") and
                   requests.get(f"{base}/readyz", timeout=1).status_code == 200, what="receiver ready")
        assert proc.poll() is None, log.read_text()
        return proc, base, log

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_sigterm_while_idle_exits_0_promptly(server_queues, extractor, start_receiver):
    proc, base, log = start_receiver(server_queues.url, extractor.url, grace=10)
    assert requests.get(f"{base}/healthz", timeout=2).json() == {"status": "ok"}

    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0, log.read_text()
    assert time.monotonic() - started < 5  # well within the grace period
    assert '"receiver stopped"' in log.read_text()


def test_sigterm_lets_the_message_in_flight_finish(server_queues, extractor, start_receiver):
    extractor.gate = threading.Event()
    proc, base, log = start_receiver(server_queues.url, extractor.url, grace=20)
    server_queues.send(OBJ)
    assert extractor.received.wait(15), log.read_text()

    proc.send_signal(signal.SIGTERM)
    with pytest.raises(subprocess.TimeoutExpired):
        proc.wait(0.5)  # still draining the message in flight
    extractor.gate.set()  # extractor answers 201

    assert proc.wait(15) == 0, log.read_text()
    assert server_queues.total() == 0  # processed and deleted before exit
    assert extractor.requests[0]["json"] == OBJ


def test_sigterm_exits_0_after_grace_when_extractor_hangs(server_queues, extractor, start_receiver):
    extractor.gate = threading.Event()  # never answers
    proc, base, log = start_receiver(server_queues.url, extractor.url, grace=1)
    server_queues.send(OBJ)
    assert extractor.received.wait(15), log.read_text()

    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0, log.read_text()
    assert time.monotonic() - started < 4
    assert "shutdown grace period over" in log.read_text()
    assert server_queues.total() == 1  # not deleted: redelivered after the visibility timeout
