import socket

import pytest

from app.config import Config
from app.parallel import usable_cores


def test_extract_streams_object_and_stores_summary(client, s3, storage, bucket, sample):
    s3.put_object(Bucket=bucket, Key="app/2026 11+27#é.log", Body=sample)
    resp = client.post("/extract", json={"bucket": bucket, "key": "app/2026 11+27#é.log"})
    assert resp.status_code == 201, resp.get_json()
    [posted] = storage.posted
    assert posted["bucket"] == bucket and posted["key"] == "app/2026 11+27#é.log"
    assert posted["counts"] == {"FATAL": 0, "ERROR": 2, "WARN": 1}
    assert posted["lines"] == 4 and posted["bytes"] == len(sample) and posted["size"] == len(sample)
    head = s3.head_object(Bucket=bucket, Key="app/2026 11+27#é.log")
    assert posted["etag"] == head["ETag"].strip('"')
    assert resp.get_json()["id"] == "fake-id"


def test_gzip_object_without_gz_name_is_decompressed(client, s3, storage, gz_sample, bucket, sample):
    s3.put_object(Bucket=bucket, Key="rotated.1", Body=gz_sample)
    resp = client.post("/extract", json={"bucket": bucket, "key": "rotated.1"})
    assert resp.status_code == 201
    [posted] = storage.posted
    assert posted["bytes"] == len(sample) and posted["size"] == len(gz_sample)
    assert posted["counts"]["ERROR"] == 2


def test_duplicate_answer_from_storage_is_passed_through(client, s3, storage, bucket, sample):
    s3.put_object(Bucket=bucket, Key="a.log", Body=sample)
    storage.status = 200
    assert client.post("/extract", json={"bucket": bucket, "key": "a.log"}).status_code == 200


def test_missing_object_is_404_and_nothing_posted(client, storage, bucket):
    resp = client.post("/extract", json={"bucket": bucket, "key": "gone.log"})
    assert resp.status_code == 404
    body = resp.get_json()
    assert "not found" in body["error"] and body["details"] == [{"bucket": bucket, "key": "gone.log"}]
    assert storage.posted == []


def test_missing_bucket_is_404(client, missing_bucket):
    resp = client.post("/extract", json={"bucket": missing_bucket, "key": "x.log"})
    assert resp.status_code == 404


def test_a_bucket_outside_logs_buckets_is_403_and_nothing_read(client, s3, storage, sample):
    s3.create_bucket(Bucket="other-team")
    s3.put_object(Bucket="other-team", Key="secrets.log", Body=sample)
    for bucket in ("other-team", "test-logs-2", "TEST-LOGS", "test-logs/..", " test-logs"):
        resp = client.post("/extract", json={"bucket": bucket, "key": "secrets.log"})
        assert resp.status_code == 403, bucket
        body = resp.get_json()
        assert "LOGS_BUCKETS" in body["error"] and body["details"] == [{"bucket": bucket}]
    assert storage.posted == []
    text = client.get("/metrics").get_data(as_text=True)
    assert 'extractor_requests_total{status="403"} 5.0' in text


def test_no_logs_buckets_refuses_every_bucket(s3, storage, make_app, authorized, bucket, sample):
    s3.put_object(Bucket=bucket, Key="a.log", Body=sample)
    app = make_app(logs_buckets=(), storage_url=storage.url, storage_timeout=5)
    resp = authorized(app).post("/extract", json={"bucket": bucket, "key": "a.log"})
    assert resp.status_code == 403 and storage.posted == []


def test_bad_requests_are_400_with_details(client, storage, bucket):
    for body in ({}, {"bucket": bucket}, {"bucket": "", "key": "k"}, {"bucket": bucket, "key": 5},
                 {"bucket": bucket, "key": "k", "etag": 7}):
        resp = client.post("/extract", json=body)
        assert resp.status_code == 400, body
        assert resp.get_json()["details"], body
    resp = client.post("/extract", data="not json", content_type="application/json")
    assert resp.status_code == 400
    assert storage.posted == []


def test_storage_5xx_gives_503_with_retry_after(client, s3, storage, bucket, sample):
    s3.put_object(Bucket=bucket, Key="a.log", Body=sample)
    storage.status = 500
    resp = client.post("/extract", json={"bucket": bucket, "key": "a.log"})
    assert resp.status_code == 503 and resp.headers["Retry-After"]


def test_storage_rejecting_summary_gives_502(client, s3, storage, bucket, sample):
    s3.put_object(Bucket=bucket, Key="a.log", Body=sample)
    storage.status = 400
    resp = client.post("/extract", json={"bucket": bucket, "key": "a.log"})
    assert resp.status_code == 502
    assert resp.get_json()["details"][0]["error"] == "scripted failure"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_storage_unreachable_gives_503(s3, make_app, authorized, bucket, sample):
    app = make_app(storage_url=f"http://127.0.0.1:{_closed_port()}", storage_timeout=2)
    s3.put_object(Bucket=bucket, Key="a.log", Body=sample)
    resp = authorized(app).post("/extract", json={"bucket": bucket, "key": "a.log"})
    assert resp.status_code == 503
    assert resp.get_json()["error"] == "storage unavailable"
    assert not app.test_client().get("/readyz").status_code == 200


def test_health_ready_and_metrics(client, s3, bucket):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    client.post("/extract", json={"bucket": bucket, "key": "gone.log"})
    text = client.get("/metrics").get_data(as_text=True)
    assert 'extractor_requests_total{status="404"} 1.0' in text
    assert "extractor_extract_seconds_count 1.0" in text


def test_unknown_route_is_json_404(client):
    resp = client.get("/nope")
    assert resp.status_code == 404 and "error" in resp.get_json()


_TOKENS = {"EXTRACTOR_TOKEN": "e" * 20 + ",f" + "f" * 20, "RESULTS_WRITE_TOKEN": "w" * 20 + "," + "v" * 20}


def test_config_from_env_defaults_and_overrides():
    assert Config.from_env(_TOKENS) == Config(extractor_tokens=("e" * 20, "f" * 21), results_write_token="w" * 20,
                                              scan_threads=usable_cores())
    assert Config.from_env({**_TOKENS, "EXTRACTOR_SCAN_THREADS": "3"}).scan_threads == 3
    assert Config.from_env({**_TOKENS, "EXTRACTOR_SCAN_THREADS": "0"}).scan_threads == usable_cores()
    cfg = Config.from_env({**_TOKENS, "STORAGE_URL": "http://storage:8080/", "STORAGE_TIMEOUT_SECONDS": "7",
                           "LOGS_BUCKETS": " logs-a, logs-b ,,"})
    assert cfg.storage_url == "http://storage:8080" and cfg.storage_timeout == 7.0
    assert cfg.logs_buckets == ("logs-a", "logs-b") and Config().logs_buckets == ()


@pytest.mark.parametrize("env,named", [({"RESULTS_WRITE_TOKEN": "w" * 20}, "EXTRACTOR_TOKEN"),
                                       ({"EXTRACTOR_TOKEN": "e" * 20}, "RESULTS_WRITE_TOKEN"),
                                       ({**_TOKENS, "EXTRACTOR_TOKEN": "short"}, "EXTRACTOR_TOKEN"),
                                       ({**_TOKENS, "STORAGE_TIMEOUT_SECONDS": "soon"}, "STORAGE_TIMEOUT_SECONDS"),
                                       ({**_TOKENS, "EXTRACTOR_SCAN_THREADS": "-1"}, "EXTRACTOR_SCAN_THREADS"),
                                       ({**_TOKENS, "RESULTS_WRITE_TOKEN": "e" * 20}, "share a token")])
def test_config_errors_name_the_variable(env, named):
    with pytest.raises(ValueError, match=named):
        Config.from_env(env)


# One test per header the extractor must refuse (conftest): none, an unknown token, storage's token, not Bearer.
def test_extract_without_the_receivers_token_is_401_and_reads_nothing(s3, storage, make_app, bucket, sample,
                                                                       rejected_auth_header):
    header = rejected_auth_header
    s3.put_object(Bucket=bucket, Key="a.log", Body=sample)
    client = make_app(storage_url=storage.url).test_client()
    resp = client.post("/extract", json={"bucket": bucket, "key": "a.log"},
                       headers={"Authorization": header} if header else {})
    assert resp.status_code == 401 and resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert "bearer token" in resp.get_json()["error"] and storage.posted == []


def test_health_metrics_need_no_token(s3, storage, make_app):
    client = make_app(storage_url=storage.url).test_client()
    assert [client.get(p).status_code for p in ("/healthz", "/readyz", "/metrics")] == [200, 200, 200]


def test_a_rotated_token_is_accepted_next_to_the_old_one(s3, storage, make_app, bucket, extract_token, sample):
    s3.put_object(Bucket=bucket, Key="a.log", Body=sample)
    client = make_app(storage_url=storage.url, extractor_tokens=(extract_token, "next-token-0123456789")).test_client()
    for token in ("next-token-0123456789", extract_token):
        resp = client.post("/extract", json={"bucket": bucket, "key": "a.log"},
                           headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code in (200, 201)


def test_the_summary_goes_to_storage_with_the_write_token(client, s3, storage, make_app, authorized, bucket, sample):
    s3.put_object(Bucket=bucket, Key="a.log", Body=sample)
    assert client.post("/extract", json={"bucket": bucket, "key": "a.log"}).status_code == 201
    wrong = authorized(make_app(storage_url=storage.url, results_write_token="not-the-storage-token-01"))
    resp = wrong.post("/extract", json={"bucket": bucket, "key": "a.log"})
    assert resp.status_code == 502 and len(storage.posted) == 1  # storage's 401: a configuration error


class _BreakingBody:
    """An S3 body whose connection times out after the first bytes."""

    def __init__(self, exc, first_bytes):
        self._exc, self._first, self._sent = exc, first_bytes, False

    def read(self, n=-1):
        if not self._sent:
            self._sent = True
            return self._first
        raise self._exc

    def close(self):
        pass


class _FakeS3:
    def __init__(self, get_object):
        self.get_object = get_object


def _client_with_s3(app, fake_s3, authorized):
    app.extensions["extractor"].s3_client = fake_s3
    return authorized(app)


def test_read_timeout_mid_object_is_503_and_nothing_posted(storage, make_app, authorized, bucket, sample):
    from botocore.exceptions import ReadTimeoutError

    body = _BreakingBody(ReadTimeoutError(endpoint_url="http://s3"), sample[:100])
    fake = _FakeS3(lambda **kw: {"Body": body, "ETag": '"e"', "ContentLength": 5000})
    resp = _client_with_s3(make_app(storage_url=storage.url), fake, authorized).post("/extract", json={"bucket": bucket, "key": "slow.log"})
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "5"
    assert resp.get_json()["error"] == "object read interrupted" and storage.posted == []


def test_s3_unreachable_is_503(storage, make_app, authorized, bucket):
    from botocore.exceptions import EndpointConnectionError

    def unreachable(**kw):
        raise EndpointConnectionError(endpoint_url="http://s3")

    resp = _client_with_s3(make_app(storage_url=storage.url), _FakeS3(unreachable), authorized).post("/extract", json={"bucket": bucket, "key": "k.log"})
    assert resp.status_code == 503 and "S3 unreachable" in resp.get_json()["error"]


def test_s3_client_has_timeouts(s3, storage, make_app):
    app = make_app(storage_url=storage.url, s3_connect_timeout=2, s3_read_timeout=9)
    with app.app_context():
        from app.main import get_state

        config = get_state().s3().meta.config
    assert (config.connect_timeout, config.read_timeout, config.retries["total_max_attempts"]) == (2, 9, 4)


def _dense_bomb(megabytes: int) -> bytes:
    """A gzip of nothing but ERROR lines (each one an event): megabytes of text in a few KiB."""
    import gzip

    line = b"2026-11-29 10:00:00,000 ERROR [main] App - disk quota exceeded on /var/data\n"
    return gzip.compress(line * (megabytes * 2**20 // len(line)), 9)


def test_a_dense_bomb_stops_at_the_size_limit_and_is_stored_flagged(s3, storage, make_app, authorized, bucket):
    s3.put_object(Bucket=bucket, Key="bomb.log.gz", Body=_dense_bomb(8))
    client = authorized(make_app(storage_url=storage.url, extract_max_bytes=2 * 2**20))
    resp = client.post("/extract", json={"bucket": bucket, "key": "bomb.log.gz"})
    assert resp.status_code == 201  # stored: the receiver deletes the message, nothing is retried into the DLQ
    [posted] = storage.posted
    assert posted["incomplete"] is True and "EXTRACT_MAX_BYTES=2097152" in posted["error"]
    assert 2 * 2**20 <= posted["bytes"] < 4 * 2**20  # one read (1 MiB) past the limit at most
    assert posted["counts"]["ERROR"] == posted["lines"] > 20000


def test_a_slow_object_stops_at_the_deadline(s3, storage, make_app, authorized, monkeypatch, bucket):
    """The clock is the app's: each look at it moves a minute on, so the deadline passes after the first read."""
    import app.main

    ticks = iter(range(0, 10**6, 60))
    monkeypatch.setattr(app.main.time, "monotonic", lambda: float(next(ticks)))
    s3.put_object(Bucket=bucket, Key="slow.log.gz", Body=_dense_bomb(4))
    client = authorized(make_app(storage_url=storage.url, extract_deadline_seconds=90))
    assert client.post("/extract", json={"bucket": bucket, "key": "slow.log.gz"}).status_code == 201
    [posted] = storage.posted
    assert posted["incomplete"] and "EXTRACT_DEADLINE_SECONDS=90" in posted["error"]
    assert 0 < posted["bytes"] < 4 * 2**20


def test_within_the_limits_nothing_is_flagged(client, s3, storage, bucket, sample):
    s3.put_object(Bucket=bucket, Key="small.log", Body=sample)
    assert client.post("/extract", json={"bucket": bucket, "key": "small.log"}).status_code == 201
    assert storage.posted[0]["incomplete"] is False and storage.posted[0]["error"] is None


def test_limits_from_the_environment():
    cfg = Config.from_env({**_TOKENS, "EXTRACT_MAX_BYTES": "2147483648", "EXTRACT_DEADLINE_SECONDS": "600"})
    assert (cfg.extract_max_bytes, cfg.extract_deadline_seconds) == (2**31, 600.0)
    assert (Config().extract_max_bytes, Config().extract_deadline_seconds) == (10 * 2**30, 840.0)
    for name, bad in (("EXTRACT_MAX_BYTES", "0"), ("EXTRACT_MAX_BYTES", "2G"), ("EXTRACT_DEADLINE_SECONDS", "0")):
        with pytest.raises(ValueError, match=name):
            Config.from_env({**_TOKENS, name: bad})
