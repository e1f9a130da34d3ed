"""Cross-service tests: the real processes (moto server, Lambda runner, receiver, gunicorn services) on 127.0.0.1."""
from __future__ import annotations

import json
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.stack import Settings, Stack, client  # noqa: E402

RESULT_TIMEOUT = 60.0


def wait_until(condition, timeout: float, what: str):
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

        wait_until(events_queue_empty, timeout, "the Lambda runner to handle every S3 event")

    def log_records(self, service: str) -> list[dict]:
        records = []
        for line in Path(self.env["LOG_DIR"], f"{service}.log").read_text(errors="replace").splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue  # gunicorn's own start-up lines are not JSON
        return records


BOUNDED_MAX_BYTES = 8 * 2**20


@pytest.fixture(scope="module")
def bounded_stack(tmp_path_factory):
    """A second stack whose extractor scans at most BOUNDED_MAX_BYTES per object (EXTRACT_MAX_BYTES), so that a
    hostile object meets the limit in a second rather than the local stack's 2 GiB."""
    local = Stack(Settings(state_dir=tmp_path_factory.mktemp("bounded"), visibility_timeout=10,
                           extractor_env={"EXTRACT_MAX_BYTES": str(BOUNDED_MAX_BYTES)}))
    env = local.up()
    try:
        live = LiveStack(env)
        live.local = local  # the tests here restart services (stop_service / start_service)
        yield live
    finally:
        local.down()


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    # Short visibility timeout: a message left after a failure comes back quickly instead of in 60 s.
    local = Stack(Settings(state_dir=tmp_path_factory.mktemp("stack"), visibility_timeout=10))
    env = local.up()
    try:
        yield LiveStack(env)
    finally:
        local.down()
