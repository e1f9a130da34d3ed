import collections
import gzip
import json
import pathlib
import random
import subprocess
import sys
import threading

import boto3
import pytest
from flask import Flask, jsonify, request
from moto import mock_aws
from werkzeug.serving import make_server

from app.config import Config
from app.log_parser import summarize
from app.main import create_app

BUCKET = "test-logs"
MISSING_BUCKET = "no-such-bucket"  # allowed by LOGS_BUCKETS but never created: a 404, not a 403
EXTRACT_TOKEN = "extract-token-for-tests-0001"   # what the receiver sends (EXTRACTOR_TOKEN)
WRITE_TOKEN = "write-token-for-tests-0001"       # what the extractor sends to storage (RESULTS_WRITE_TOKEN)
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
            if request.headers.get("Authorization") != f"Bearer {WRITE_TOKEN}":  # as storage checks it
                return jsonify({"error": "invalid bearer token", "details": []}), 401
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
def make_app():
    """make_app(**config) -> the extractor app with the test tokens and buckets, other settings as given."""

    def _make(**settings):
        settings = {"extractor_tokens": (EXTRACT_TOKEN,), "results_write_token": WRITE_TOKEN,
                    "logs_buckets": (BUCKET, MISSING_BUCKET), **settings}
        return create_app(Config(**settings))

    return _make


@pytest.fixture
def authorized():
    """authorized(app) -> a test client that sends the receiver's token with every request."""

    def _client(app):
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {EXTRACT_TOKEN}"
        return client

    return _client


@pytest.fixture
def client(s3, storage, make_app, authorized):
    return authorized(make_app(storage_url=storage.url, storage_timeout=5))


@pytest.fixture
def gz_sample():
    return gzip.compress(SAMPLE)


# --- scanning helpers for the extractor's input-kind tests (test modules share these only as fixtures) ---

SERVICE_DIR = pathlib.Path(__file__).resolve().parents[1]
READ_SIZES = (None, 4096, 7)  # None: everything in one read


class ChunkedStream:
    """A read-only stream (like a botocore StreamingBody) whose .read(n) / .readinto(b) hand out at most `k`
    bytes per call, so that read boundaries fall inside lines, records, escapes and multi-byte characters."""

    def __init__(self, data: bytes, k: int | None = None):
        self._data = bytes(data)
        self._pos = 0
        self._k = k or (1 << 62)

    def readable(self):
        return True

    def read(self, n=-1):
        rest = len(self._data) - self._pos
        n = rest if n is None or n < 0 else min(n, self._k, rest)
        out = self._data[self._pos:self._pos + n]
        self._pos += len(out)
        return out

    def readinto(self, b):
        view = memoryview(b).cast("B")
        n = min(len(view), self._k, len(self._data) - self._pos)
        view[:n] = self._data[self._pos:self._pos + n]
        self._pos += n
        return n


def _check_consistency(summary, events):
    """What the contract ties together in every summary: counts, event order, group ids."""
    per_class = collections.Counter(e["level"] for e in events)
    assert {k: v for k, v in summary["counts"].items() if v} == dict(per_class), "counts disagree with events"
    lines = [e["line"] for e in events]
    assert lines == sorted(set(lines)), "events not in file order (or two on one line)"
    assert all(1 <= n <= max(summary["lines"], 1) for n in lines), "event line outside the scanned lines"
    if summary["groups_total"] <= len(summary["groups"]):  # not capped: every event's group is listed
        ids = {g["id"]: g for g in summary["groups"]}
        for e in events:
            assert e["group"] in ids and ids[e["group"]]["level"] == e["level"], e


@pytest.fixture
def chunked_stream():
    """The ChunkedStream class: chunked_stream(data, k)."""
    return ChunkedStream


@pytest.fixture
def scan():
    """scan(data, k=None) -> (summary, events): summarize() over a stream giving at most k bytes per read."""

    def _scan(data, k=None, **kwargs):
        data = data.encode() if isinstance(data, str) else data
        events = []
        summary = summarize(ChunkedStream(data, k), on_event=events.append, **kwargs)
        return summary, events

    return _scan


@pytest.fixture
def scan_stable(scan):
    """scan_stable(data, sizes=None) -> (summary, events), after checking that every read size (whole, 4096, 7,
    and 1 for small inputs) gives exactly the same summary and events, and that the summary is consistent."""

    def _scan_stable(data, sizes=None):
        data = data.encode() if isinstance(data, str) else data
        if sizes is None:
            sizes = READ_SIZES + ((1,) if len(data) <= 20000 else ())
        base = scan(data, sizes[0])
        for k in sizes[1:]:
            other = scan(data, k)
            assert other[1] == base[1], f"events differ with reads of at most {k} bytes"
            assert other[0] == base[0], f"summary differs with reads of at most {k} bytes"
        _check_consistency(*base)
        return base

    return _scan_stable


@pytest.fixture
def by_line():
    """by_line(events) -> {line: level}."""
    return lambda events: {e["line"]: e["level"] for e in events}


@pytest.fixture
def group_of():
    """group_of(summary, event) -> the summary's group of that event (None when not listed)."""
    return lambda summary, event: next((g for g in summary["groups"] if g["id"] == event["group"]), None)


@pytest.fixture
def assert_clean_groups():
    """assert_clean_groups(summary, *texts): no template or sample contains any of the texts."""

    def _check(summary, *texts):
        for g in summary["groups"]:
            for t in texts:
                assert t not in g["template"], (t, g["template"])
                assert t not in g["sample"], (t, g["sample"])

    return _check


@pytest.fixture
def compose():
    """compose(blocks, noise, total=3000, seed=0, eol="\\n") -> (data: bytes, expected {line: level}, traces, lines).

    blocks: [(lines, {offset (1-based in the block): level}, stack traces in the block)]; noise(n) gives the text
    of a level-INFO line for physical line n. The first block starts on line 1, the last one ends the file, and
    `total` noise lines (at least one between two blocks) are spread between them at seeded random places."""

    def _compose(blocks, noise, total=3000, seed=0, eol="\n"):
        rnd = random.Random(seed)
        between = len(blocks) - 1
        if between:
            cuts = sorted(rnd.sample(range(1, total), between - 1)) if between > 1 else []
            gaps = [0] + [b - a for a, b in zip([0] + cuts, cuts + [total])]
            tail = 0
        else:
            gaps, tail = [0], total
        out, expected, traces = [], {}, 0
        for (lines, events, n_traces), gap in zip(blocks, gaps):
            for _ in range(gap):
                out.append(noise(len(out) + 1))
            for off, level in events.items():
                expected[len(out) + off] = level
            out.extend(lines)
            traces += n_traces
        for _ in range(tail):
            out.append(noise(len(out) + 1))
        eol_b = eol.encode() if isinstance(eol, str) else eol
        data = b"".join((x.encode() if isinstance(x, str) else x) + eol_b for x in out)
        return data, expected, traces, len(out)

    return _compose


@pytest.fixture
def run_cli():
    """run_cli(*args) -> parsed JSON lines of `python -m app.log_parser args` run in the service dir (exit 0)."""

    def _run(*args):
        p = subprocess.run([sys.executable, "-m", "app.log_parser", *map(str, args)], cwd=SERVICE_DIR,
                           capture_output=True, timeout=120)
        assert p.returncode == 0, f"exit {p.returncode}: {p.stderr.decode(errors='replace')[-500:]}"
        return [json.loads(x) for x in p.stdout.decode("utf-8").splitlines() if x.strip()]

    return _run
