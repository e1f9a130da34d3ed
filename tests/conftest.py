"""Cross-service tests: the real processes (moto server, Lambda runner, receiver, gunicorn services) on 127.0.0.1.

Test modules get what they share from here through fixtures only (root, wait_until, sample, stack, bounded_stack,
running_stack, ...), never by importing this module. The repository root is on sys.path through pytest.ini's
`pythonpath`, so project code (devstack) imports as it does for `python -m devstack`."""
from __future__ import annotations

import contextlib
import json
import time
import uuid
from pathlib import Path

import pytest
import requests

from devstack.stack import Settings, Stack, client

ROOT = Path(__file__).resolve().parent.parent
RESULT_TIMEOUT = 60.0
BOUNDED_MAX_BYTES = 8 * 2**20


def _wait_until(condition, timeout: float, what: str):
    """Polls `condition()` until it returns something truthy, which is returned; fails naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class LiveStack:
    """The running stack plus the helpers the tests share."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.s3 = client("s3", env)
        self.sqs = client("sqs", env)
        self.bucket = env["LOGS_BUCKET"]
        self.storage = env["STORAGE_URL"]
        self.reader = requests.Session()  # a reader of results: the read token with every request
        self.reader.headers["Authorization"] = f"Bearer {env['RESULTS_READ_TOKEN']}"

    def unique_key(self, name: str) -> str:
        return f"tests/{uuid.uuid4().hex[:8]}/{name}"

    def results(self, key: str) -> list[dict]:
        resp = self.reader.get(f"{self.storage}/results", params={"key": key, "bucket": self.bucket}, timeout=10)
        resp.raise_for_status()
        return resp.json()["items"]

    def wait_for_results(self, key: str, count: int = 1, timeout: float = RESULT_TIMEOUT) -> list[dict]:
        """Polls storage until the object has at least `count` results; returns them (newest first)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            items = self.results(key)
            if len(items) >= count:
                return items
            time.sleep(0.2)
        raise AssertionError(f"{len(items)} of {count} results for {key!r} after {timeout} s; logs in {self.env['LOG_DIR']}")

    def wait_until_events_handled(self, timeout: float = RESULT_TIMEOUT) -> None:
        """Waits until the Lambda runner has taken every S3 event off its queue (each went to the handler)."""
        def events_queue_empty():
            attrs = self.sqs.get_queue_attributes(QueueUrl=self.env["EVENTS_QUEUE_URL"], AttributeNames=[
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
            return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"]) == 0

        _wait_until(events_queue_empty, timeout, "the Lambda runner to handle every S3 event")

    def log_records(self, service: str) -> list[dict]:
        records = []
        for line in Path(self.env["LOG_DIR"], f"{service}.log").read_text(errors="replace").splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue  # gunicorn's own start-up lines are not JSON
        return records


@contextlib.contextmanager
def _running_stack(state_dir: Path, **settings):
    """A stack of its own (devstack's Stack with Settings(state_dir, **settings)), up for the `with` block, as a
    LiveStack whose `local` is that Stack (for stop_service / start_service / recorded)."""
    local = Stack(Settings(state_dir=state_dir, **settings))
    env = local.up()
    try:
        live = LiveStack(env)
        live.local = local
        yield live
    finally:
        local.down()


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def wait_until():
    """wait_until(condition, timeout, what): polls `condition()` until it is truthy and returns that value; fails
    naming `what` at the deadline."""
    return _wait_until


@pytest.fixture(scope="session")
def sample() -> bytes:
    """samples/app-errors.log: FATAL 1, ERROR 5, WARN 3, two stack traces."""
    return (ROOT / "samples" / "app-errors.log").read_bytes()


@pytest.fixture(scope="session")
def running_stack():
    """running_stack(state_dir, **settings): a context manager giving a stack of its own, up, as a LiveStack."""
    return _running_stack


@pytest.fixture(scope="session")
def bounded_max_bytes() -> int:
    """The EXTRACT_MAX_BYTES of `bounded_stack`'s extractor."""
    return BOUNDED_MAX_BYTES


@pytest.fixture(scope="module")
def bounded_stack(tmp_path_factory):
    """A second stack whose extractor scans at most BOUNDED_MAX_BYTES per object (EXTRACT_MAX_BYTES), so that a
    hostile object meets the limit in a second rather than the local stack's 2 GiB."""
    # the tests here restart services through its `local` (stop_service / start_service)
    with _running_stack(tmp_path_factory.mktemp("bounded"), visibility_timeout=10,
                        extractor_env={"EXTRACT_MAX_BYTES": str(BOUNDED_MAX_BYTES)}) as live:
        yield live


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    # Short visibility timeout: a message left after a failure comes back quickly instead of in 60 s.
    with _running_stack(tmp_path_factory.mktemp("stack"), visibility_timeout=10) as live:
        yield live
