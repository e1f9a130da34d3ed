import copy
import importlib.util
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest
from flask.testing import FlaskClient
from moto import mock_aws

from app.config import Config
from app.main import create_app

TABLE = "test-results"
WRITE_TOKEN = "write-token-for-tests-0001"   # the extractor's (RESULTS_WRITE_TOKEN)
READ_TOKEN = "read-token-for-tests-00001"    # a reader's (RESULTS_READ_TOKEN)


class TokenClient(FlaskClient):
    """A test client that sends the writer's token with a POST and the reader's with any other request, unless the
    test gives an Authorization header itself (an empty one: none at all)."""

    def open(self, *args, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        if "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {WRITE_TOKEN if kwargs.get('method') == 'POST' else READ_TOKEN}"
        elif not headers["Authorization"]:
            del headers["Authorization"]
        return super().open(*args, headers=headers, **kwargs)
TABLE_PY = Path(__file__).resolve().parent.parent / "app" / "table.py"

RESULT = {
    "lines": 120,
    "bytes": 9000,
    "counts": {"FATAL": 1, "ERROR": 3, "WARN": 2},
    "stack_traces": 1,
    "groups": [
        {"id": "g1", "level": "ERROR", "template": "Failed to load order <N>", "count": 3, "first_line": 10,
         "last_line": 90, "sample": "ERROR Failed to load order 81723"},
        {"id": "g2", "level": "WARN", "template": "pool at <N>% capacity", "count": 2, "first_line": 12,
         "last_line": 13, "sample": "WARN pool at 85% capacity"},
        {"id": "g3", "level": "FATAL", "template": "out of memory", "count": 1, "first_line": 100,
         "last_line": 100, "sample": "FATAL out of memory"},
    ],
    "groups_total": 3,
    "bucket": "logs",
    "key": "app/2026/11/27/server.log",
    "etag": "0123456789abcdef",
    "version_id": None,
    "size": 4000,
}


def _load_table_module():
    # Loaded by path like the local stack does, which also proves the module needs nothing from the package.
    spec = importlib.util.spec_from_file_location("storage_table_under_test", TABLE_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _make_result(**changes) -> dict:
    result = copy.deepcopy(RESULT)
    result.update(changes)
    return result


class FakeClock:
    """Each call is one millisecond later, so stored_at values are distinct and ordered."""

    def __init__(self, start=datetime(2026, 11, 27, 20, 0, tzinfo=timezone.utc)):
        self.now = start

    def __call__(self):
        self.now += timedelta(milliseconds=1)
        return self.now


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture
def aws():
    with mock_aws():
        yield


@pytest.fixture
def ddb(aws):
    client = boto3.client("dynamodb")
    _load_table_module().create_table(client, TABLE)
    return client


@pytest.fixture
def make_client(aws):
    def make(**config):
        settings = {"results_table": TABLE, "write_tokens": (WRITE_TOKEN,), "read_tokens": (READ_TOKEN,), **config}
        app = create_app(Config(**settings))
        app.extensions["storage"].clock = FakeClock()
        app.test_client_class = TokenClient
        return app.test_client()
    return make


@pytest.fixture
def client(ddb, make_client):
    return make_client()


def _scan_items(ddb, kind: str | None = None) -> list[dict]:
    items = ddb.scan(TableName=TABLE)["Items"]
    return items if kind is None else [i for i in items if i["kind"]["S"] == kind]


# Test modules get the shared data and helpers through these fixtures, never by importing conftest.

@pytest.fixture(scope="session")
def table_name() -> str:
    """The results table every client and the `ddb` fixture use."""
    return TABLE


@pytest.fixture(scope="session")
def write_token() -> str:
    """The extractor's token (RESULTS_WRITE_TOKEN); TokenClient sends it with a POST."""
    return WRITE_TOKEN


@pytest.fixture(scope="session")
def read_token() -> str:
    """A reader's token (RESULTS_READ_TOKEN); TokenClient sends it with any other request."""
    return READ_TOKEN


@pytest.fixture(scope="session")
def make_result():
    """make_result(**changes): a fresh copy of a valid result, with the given top-level fields replaced."""
    return _make_result


@pytest.fixture(scope="session")
def post(make_result):
    """post(client, **changes): stores make_result(**changes), which must answer 201; returns the stored result."""
    def post(client, **changes):
        resp = client.post("/results", json=make_result(**changes))
        assert resp.status_code == 201, resp.json
        return resp.json
    return post


@pytest.fixture(scope="session")
def scan_items():
    """scan_items(ddb, kind=None): every item in the results table, or only those of one kind ("result", "group")."""
    return _scan_items


@pytest.fixture(scope="session")
def table_py() -> Path:
    """The path of app/table.py."""
    return TABLE_PY


@pytest.fixture(scope="session")
def load_table_module():
    """load_table_module(): app/table.py freshly loaded by path, as the local stack does."""
    return _load_table_module
