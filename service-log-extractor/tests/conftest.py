import gzip
import threading

import boto3
import pytest
from flask import Flask, jsonify, request
from moto import mock_aws
from werkzeug.serving import make_server

from app.config import Config
from app.main import create_app

BUCKET = "test-logs"
SAMPLE = (b"2026-11-27 10:00:00,001 INFO  [main] App - starting\n"
          b"2026-11-27 10:00:02,305 ERROR [http-1] Orders - Failed to load order 81723\n"
          b"2026-11-27 10:00:03,305 ERROR [http-2] Orders - Failed to load order 90211\n"
          b"2026-11-27 10:00:04,000 WARN  [pool-1] Pool - pool at 85% capacity\n")


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(Bucket=BUCKET)
        yield client


class FakeStorage:
    """A stand-in for result-storage over real HTTP: records posts, answers with a scripted status."""

    def __init__(self):
        self.posted: list[dict] = []
        self.status = 201
        app = Flask("fake-storage")

        @app.post("/results")
        def results():
            self.posted.append(request.get_json())
            if self.status >= 400:
                return jsonify({"error": "scripted failure", "details": []}), self.status
            return jsonify(dict(self.posted[-1], id="fake-id")), self.status

        @app.get("/healthz")
        def healthz():
            return jsonify({"status": "ok"})

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def storage():
    fake = FakeStorage()
    yield fake
    fake.close()


@pytest.fixture
def client(s3, storage):
    app = create_app(Config(storage_url=storage.url, storage_timeout=5))
    return app.test_client()


@pytest.fixture
def gz_sample():
    return gzip.compress(SAMPLE)
