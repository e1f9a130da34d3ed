"""A large uncompressed S3 object is scanned in shares (app.parallel.summarize_shares), each streamed from one ranged
GET (app.parallel.S3Ranges), with exactly the summary and events one stream of it gives; through POST /extract too;
a large compressed one is decompressed once and its chunks scanned by the workers. The workers are processes, so the
embedded S3 runs as a real moto server on 127.0.0.1 (an in-process mock is invisible to them)."""
import io
import pathlib

import boto3
import pytest
from moto.server import ThreadedMotoServer

from app import log_parser, main, parallel
from app.config import Config

TESTS = pathlib.Path(__file__).resolve().parent
BUCKET = "ranged-logs"
EXTRACT_TOKEN = "extract-token-for-tests-0001"
WRITE_TOKEN = "write-token-for-tests-0001"


@pytest.fixture(scope="module")
def endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    client = boto3.client("s3", region_name="us-east-1")
    try:
        client.create_bucket(Bucket=BUCKET)
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass
    return client


@pytest.fixture(scope="module")
def log_bytes() -> bytes:
    """Real-world logs of many formats (envelopes, traces, JSON, CRLF, NUL), one after the other, three times with
    the lines renumbered apart: ~0.6 MB."""
    parts = [p.read_bytes() for folder in ("outside_logs", "field_cases") for p in sorted((TESTS / folder).iterdir())
             if p.suffix in (".log", ".json") and "utf16" not in p.name]
    return b"".join(part.replace(b"1", str(i).encode()) + b"\n" for i in range(3) for part in parts)


def _source(s3, key, **pins):
    return parallel.S3Ranges(BUCKET, key, version_id=pins.get("version_id"), etag=pins.get("etag"),
                             endpoint_url=s3.meta.endpoint_url, region=s3.meta.region_name,
                             connect_timeout=5, read_timeout=30)


def _sequential(data: bytes):
    events = []
    return log_parser.summarize(io.BytesIO(data), on_event=events.append), events


def _read(reader) -> bytes:
    try:
        return b"".join(iter(lambda: reader.read(3), b""))
    finally:
        reader.close()


@pytest.mark.parametrize(("share_bytes", "read_bytes"), [(4093, 997), (65536, 1 << 20)])
def test_shares_give_the_stream_summary(s3, log_bytes, share_bytes, read_bytes):
    s3.put_object(Bucket=BUCKET, Key="big.log", Body=log_bytes)
    etag = s3.head_object(Bucket=BUCKET, Key="big.log")["ETag"].strip('"')
    events = []
    summary = parallel.summarize_shares(_source(s3, "big.log", etag=etag), len(log_bytes), processes=2,
                                        on_event=events.append, share_bytes=share_bytes, read_bytes=read_bytes)
    expected, expected_events = _sequential(log_bytes)
    assert summary == expected and events == expected_events
    assert sum(expected["counts"].values()) > 100


def test_a_range_reads_exactly_its_bytes_and_nothing_past_the_end(s3):
    s3.put_object(Bucket=BUCKET, Key="small.log", Body=b"0123456789")
    source = _source(s3, "small.log")
    assert _read(source.open_range(3, 4)) == b"3456"
    assert _read(source.open_range(8, 4)) == b"89"
    assert _read(source.open_range(10, 4)) == b""


def test_an_object_changed_during_the_scan_fails_the_read(s3):
    s3.put_object(Bucket=BUCKET, Key="moving.log", Body=b"first version\n")
    etag = s3.head_object(Bucket=BUCKET, Key="moving.log")["ETag"].strip('"')
    s3.put_object(Bucket=BUCKET, Key="moving.log", Body=b"second version\n")
    with pytest.raises(parallel.RangeReadError, match="moving.log"):
        _source(s3, "moving.log", etag=etag).open_range(0, 8)


def test_a_version_id_pins_the_ranges(s3):
    s3.create_bucket(Bucket="ranged-versioned")
    s3.put_bucket_versioning(Bucket="ranged-versioned", VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket="ranged-versioned", Key="v.log", Body=b"old old\n")["VersionId"]
    s3.put_object(Bucket="ranged-versioned", Key="v.log", Body=b"new new\n")
    source = parallel.S3Ranges("ranged-versioned", "v.log", version_id=first, etag=None,
                               endpoint_url=s3.meta.endpoint_url, region="us-east-1", connect_timeout=5,
                               read_timeout=30)
    assert _read(source.open_range(0, 3)) == b"old"


def test_a_stop_reason_ends_the_scan_after_a_share(s3, log_bytes):
    s3.put_object(Bucket=BUCKET, Key="deadline.log", Body=log_bytes)
    summary = parallel.summarize_shares(_source(s3, "deadline.log"), len(log_bytes), processes=2, share_bytes=65536,
                                        stop=lambda done: "time limit reached" if done >= 131072 else None)
    assert summary["incomplete"] and summary["error"] == "time limit reached"
    assert summary["bytes"] == 131072 and 0 < summary["lines"] < log_bytes.count(b"\n")


def test_a_passed_deadline_stops_every_share_before_its_first_read(s3, log_bytes):
    s3.put_object(Bucket=BUCKET, Key="late.log", Body=log_bytes)
    summary = parallel.summarize_shares(_source(s3, "late.log"), len(log_bytes), processes=2, share_bytes=65536,
                                        deadline=0.0, stop=lambda done: f"time limit reached at {done}")
    assert summary["incomplete"] and summary["error"] == "time limit reached at 0"
    assert (summary["lines"], summary["bytes"], sum(summary["counts"].values())) == (0, 0, 0)


@pytest.fixture
def ranged_app(s3, storage, monkeypatch):
    """The extractor app with the parallel paths from 1 byte on, 2 cores; records each ranged scan in
    ``calls["shares"]``, each parallel scan of a stream (a compressed object) in ``calls["streams"]``."""
    monkeypatch.setattr(main, "RANGED_MIN_BYTES", 1)
    monkeypatch.setattr(parallel, "STREAM_SOLO_BYTES", 0)
    monkeypatch.setattr(parallel, "SHARE_MIN_BYTES", 1)
    calls = {"shares": [], "streams": []}
    real, real_stream = parallel.summarize_shares, parallel.summarize_stream

    def recording(source, size, **kwargs):
        calls["shares"].append((source.key, size, kwargs["processes"]))
        assert kwargs["first"] is not None   # the body opened to sniff the object: the parent's share
        return real(source, size, **kwargs)

    def recording_stream(stream, **kwargs):
        calls["streams"].append(kwargs["processes"])
        return real_stream(stream, **kwargs)

    monkeypatch.setattr(parallel, "summarize_shares", recording)
    monkeypatch.setattr(parallel, "summarize_stream", recording_stream)

    def make(**settings):
        settings = {"scan_threads": 2, **settings}
        app = main.create_app(Config(extractor_tokens=(EXTRACT_TOKEN,), results_write_token=WRITE_TOKEN,
                                     logs_buckets=(BUCKET,), storage_url=storage.url, **settings))
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {EXTRACT_TOKEN}"
        return client

    return make, calls


def test_extract_scans_a_large_plain_object_in_ranges(ranged_app, s3, storage, log_bytes):
    make, calls = ranged_app
    s3.put_object(Bucket=BUCKET, Key="svc/big.log", Body=log_bytes)
    resp = make().post("/extract", json={"bucket": BUCKET, "key": "svc/big.log"})
    assert resp.status_code == 201, resp.get_json()
    assert calls["shares"] == [("svc/big.log", len(log_bytes), 2)]
    posted = storage.posted[-1]
    expected, _ = _sequential(log_bytes)
    assert {k: posted[k] for k in expected} == expected
    assert posted["size"] == len(log_bytes) and posted["key"] == "svc/big.log"


def test_extract_streams_a_compressed_object_once_to_the_workers(ranged_app, s3, storage, log_bytes, monkeypatch):
    import gzip

    make, calls = ranged_app
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 65536)   # many chunks, stitched
    s3.put_object(Bucket=BUCKET, Key="svc/big.log.gz", Body=gzip.compress(log_bytes))
    resp = make().post("/extract", json={"bucket": BUCKET, "key": "svc/big.log.gz"})
    assert resp.status_code == 201 and calls["shares"] == [] and calls["streams"] == [2]
    expected, _ = _sequential(log_bytes)
    assert {k: storage.posted[-1][k] for k in expected} == expected


def test_a_compressed_object_holding_little_log_is_scanned_as_one_stream(ranged_app, s3, storage, log_bytes,
                                                                          monkeypatch):
    """With STREAM_SOLO_BYTES as shipped, the service process scans a compressed object of less log alone, reading
    as the sequential scan does: no worker starts, and under a size limit too the stored summary is the one the
    sequential scan gives (EXTRACTOR_SCAN_THREADS=1)."""
    import gzip

    make, calls = ranged_app
    monkeypatch.setattr(parallel, "STREAM_SOLO_BYTES", 16 << 20)
    data = log_bytes * 4   # (over the sequential scan's 1 MiB reads: where a limit stops it shows)
    assert 1 << 20 < len(data) < parallel.STREAM_SOLO_BYTES
    started = []
    monkeypatch.setattr(parallel, "_Workers", lambda *args, **kwargs: started.append(args))
    s3.put_object(Bucket=BUCKET, Key="svc/small.log.gz", Body=gzip.compress(data))
    expected, _ = _sequential(data)
    stored = []
    for settings in ({"scan_threads": 2, "extract_max_bytes": 200_000}, {"scan_threads": 1, "extract_max_bytes": 200_000},
                     {"scan_threads": 2}, {"scan_threads": 1}):
        resp = make(**settings).post("/extract", json={"bucket": BUCKET, "key": "svc/small.log.gz"})
        assert resp.status_code == 201, resp.get_json()
        stored.append({k: storage.posted[-1][k] for k in expected})
    assert stored[0] == stored[1] and stored[0]["incomplete"] and stored[2] == stored[3] == expected
    assert calls["streams"] == [2, 2] and started == []


def test_extract_of_a_compressed_object_stops_at_the_size_limit(ranged_app, s3, storage, log_bytes, monkeypatch):
    import gzip

    make, calls = ranged_app
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 65536)
    s3.put_object(Bucket=BUCKET, Key="svc/capped.log.gz", Body=gzip.compress(log_bytes))
    resp = make(extract_max_bytes=200_000).post("/extract", json={"bucket": BUCKET, "key": "svc/capped.log.gz"})
    assert resp.status_code == 201 and calls["streams"] == [2]
    posted = storage.posted[-1]
    assert posted["incomplete"] and posted["error"].startswith("size limit reached: scanned the first ")
    assert 200_000 <= posted["bytes"] < 200_000 + 65536 and 0 < posted["lines"] < log_bytes.count(b"\n")


def test_extract_in_ranges_stops_at_the_size_limit(ranged_app, s3, storage, log_bytes):
    make, calls = ranged_app
    s3.put_object(Bucket=BUCKET, Key="svc/capped.log", Body=log_bytes)
    resp = make(extract_max_bytes=200_000).post("/extract", json={"bucket": BUCKET, "key": "svc/capped.log"})
    assert resp.status_code == 201 and calls["shares"] == [("svc/capped.log", 200_000, 2)]
    posted = storage.posted[-1]
    assert posted["incomplete"] and posted["bytes"] == 200_000
    assert posted["error"] == "size limit reached: scanned the first 200000 uncompressed bytes (EXTRACT_MAX_BYTES=200000)"
    assert 0 < posted["lines"] < log_bytes.count(b"\n")


@pytest.mark.parametrize("key", ["svc/lost.log", "svc/lost.log.gz"])
def test_a_lost_scan_worker_is_503_and_nothing_stored(ranged_app, s3, storage, log_bytes, monkeypatch, key):
    """A worker process killed mid-scan (app.parallel.WorkerLost; its detection is tested in test_parallel.py with
    real killed workers): 503 with Retry-After, so the receiver keeps the message and it is retried."""
    import gzip

    make, _calls = ranged_app

    def lost(*args, **kwargs):
        raise parallel.WorkerLost("a scan worker process ended without answering (test)")

    monkeypatch.setattr(parallel, "summarize_shares", lost)
    monkeypatch.setattr(parallel, "summarize_stream", lost)
    s3.put_object(Bucket=BUCKET, Key=key, Body=gzip.compress(log_bytes) if key.endswith(".gz") else log_bytes)
    posted = len(storage.posted)
    resp = make().post("/extract", json={"bucket": BUCKET, "key": key})
    assert (resp.status_code, resp.headers["Retry-After"], resp.get_json()["error"]) == (503, "5", "scan worker lost")
    assert len(storage.posted) == posted


def test_one_scan_thread_reads_one_stream(ranged_app, s3, storage, log_bytes):
    make, calls = ranged_app
    s3.put_object(Bucket=BUCKET, Key="svc/one.log", Body=log_bytes)
    client = make(scan_threads=1)
    assert client.post("/extract", json={"bucket": BUCKET, "key": "svc/one.log"}).status_code == 201
    assert calls == {"shares": [], "streams": []}
