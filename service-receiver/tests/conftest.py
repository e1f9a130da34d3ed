import json
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto import mock_aws
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from app.config import Config


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def aws_env(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@dataclass
class Queues:
    sqs: Any
    url: str
    dlq_url: str

    def send(self, body, group="g1", dedup=None) -> str:
        text = body if isinstance(body, str) else json.dumps(body)
        self._n = getattr(self, "_n", 0) + 1
        return self.sqs.send_message(
            QueueUrl=self.url, MessageBody=text, MessageGroupId=group, MessageDeduplicationId=dedup or f"d{self._n}"
        )["MessageId"]

    def counts(self, url=None) -> tuple[int, int]:
        """(visible, in flight) of the queue."""
        attrs = self.sqs.get_queue_attributes(
            QueueUrl=url or self.url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"]), int(attrs["ApproximateNumberOfMessagesNotVisible"])

    def total(self, url=None) -> int:
        return sum(self.counts(url))


def _create_queues(sqs, visibility_timeout=30, max_receive_count=3, prefix="logs") -> Queues:
    dlq_url = sqs.create_queue(QueueName=f"{prefix}-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(
        QueueName=f"{prefix}.fifo",
        Attributes={
            "FifoQueue": "true",
            "VisibilityTimeout": str(visibility_timeout),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count}),
        },
    )["QueueUrl"]
    return Queues(sqs, url, dlq_url)


@pytest.fixture
def mocked_aws(aws_env):
    with mock_aws():
        yield boto3.client("sqs")


@pytest.fixture
def queues(mocked_aws) -> Queues:
    return _create_queues(mocked_aws)


@dataclass
class FakeExtractor:
    """Tiny real HTTP server standing in for the extractor."""

    url: str = ""
    status: int = 201
    body: Any = field(default_factory=lambda: {"id": "r1"})
    requests: list = field(default_factory=list)
    authorizations: list = field(default_factory=list)  # the Authorization header of each request
    received: threading.Event = field(default_factory=threading.Event)
    gate: threading.Event | None = None  # when set up, requests block until it is set
    headers: dict = field(default_factory=dict)

    def wsgi(self, environ, start_response):
        request = Request(environ)
        self.requests.append({"path": request.path, "json": request.get_json(silent=True)})
        self.authorizations.append(request.headers.get("Authorization"))
        self.received.set()
        if self.gate is not None:
            self.gate.wait(60)
        payload = self.body if isinstance(self.body, str) else json.dumps(self.body)
        return Response(payload, status=self.status, mimetype="application/json",
                        headers=self.headers)(environ, start_response)


@pytest.fixture
def extractor():
    fake = FakeExtractor()
    server = make_server("127.0.0.1", 0, fake.wsgi, threaded=True)
    fake.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield fake
    if fake.gate is not None:
        fake.gate.set()
    server.shutdown()
    server.server_close()


def _make_config(queue_url, extractor_url="http://127.0.0.1:9", **overrides) -> Config:
    values = dict(queue_url=queue_url, extractor_url=extractor_url, wait_seconds=0, max_messages=10,
                  extractor_timeout_seconds=5.0, shutdown_grace_seconds=5.0, retry_seconds=0,
                  concurrency=1)
    values.update(overrides)
    return Config(**values)


# Test modules get these helpers through fixtures, never by importing conftest. Session-scoped: they hold no state,
# and a fixture of any scope (test_shutdown's module-scoped moto server) can use them.

@pytest.fixture(scope="session")
def free_port():
    """free_port(): a TCP port on 127.0.0.1 nothing listens on right now."""
    return _free_port


@pytest.fixture(scope="session")
def create_queues():
    """create_queues(sqs, visibility_timeout=30, max_receive_count=3, prefix="logs"): a FIFO queue and its DLQ."""
    return _create_queues


@pytest.fixture(scope="session")
def make_config():
    """make_config(queue_url, extractor_url="http://127.0.0.1:9", **overrides): a Config for the tests."""
    return _make_config
