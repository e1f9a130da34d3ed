"""A large uncompressed S3 object is scanned as concurrent ranged GETs (app.parallel.S3Ranges, one per worker) with
exactly the summary and events one stream of it gives; through POST /extract too. The workers are processes, so the
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


@pytest.mark.parametrize("chunk_bytes", [4093, 65536])
def test_ranges_give_the_stream_summary(s3, log_bytes, chunk_bytes):
    s3.put_object(Bucket=BUCKET, Key="big.log", Body=log_bytes)
    etag = s3.head_object(Bucket=BUCKET, Key="big.log")["ETag"].strip('"')
    events = []
    summary = parallel.summarize_ranges(_source(s3, "big.log", etag=etag), len(log_bytes), processes=2,
                                        on_event=events.append, chunk_bytes=chunk_bytes)
    expected, expected_events = _sequential(log_bytes)
    assert summary == expected and events == expected_events
    assert sum(expected["counts"].values()) > 100


def test_a_range_reads_exactly_its_bytes_and_nothing_past_the_end(s3):
    s3.put_object(Bucket=BUCKET, Key="small.log", Body=b"0123456789")
    source = _source(s3, "small.log")
    buf = bytearray(4)
    assert source.read_into(3, memoryview(buf)) == 4 and buf == b"3456"
    assert source.read_into(8, memoryview(buf)) == 2 and buf[:2] == b"89"
    assert source.read_into(10, memoryview(buf)) == 0


def test_an_object_changed_during_the_scan_fails_the_read(s3):
    s3.put_object(Bucket=BUCKET, Key="moving.log", Body=b"first version\n")
    etag = s3.head_object(Bucket=BUCKET, Key="moving.log")["ETag"].strip('"')
    s3.put_object(Bucket=BUCKET, Key="moving.log", Body=b"second version\n")
    with pytest.raises(parallel.RangeReadError, match="moving.log"):
        _source(s3, "moving.log", etag=etag).read_into(0, memoryview(bytearray(8)))


def test_a_version_id_pins_the_ranges(s3):
    s3.create_bucket(Bucket="ranged-versioned")
    s3.put_bucket_versioning(Bucket="ranged-versioned", VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket="ranged-versioned", Key="v.log", Body=b"old old\n")["VersionId"]
    s3.put_object(Bucket="ranged-versioned", Key="v.log", Body=b"new new\n")
    source = parallel.S3Ranges("ranged-versioned", "v.log", version_id=first, etag=None,
                               endpoint_url=s3.meta.endpoint_url, region="us-east-1", connect_timeout=5,
                               read_timeout=30)
    buf = bytearray(3)
    assert source.read_into(0, memoryview(buf)) == 3 and buf == b"old"


def test_a_stop_reason_ends_the_scan_after_a_chunk(s3, log_bytes):
    s3.put_object(Bucket=BUCKET, Key="deadline.log", Body=log_bytes)
    summary = parallel.summarize_ranges(_source(s3, "deadline.log"), len(log_bytes), processes=2, chunk_bytes=65536,
                                        stop=lambda done: "time limit reached" if done >= 131072 else None)
    assert summary["incomplete"] and summary["error"] == "time limit reached"
    assert summary["bytes"] == 131072 and 0 < summary["lines"] < log_bytes.count(b"\n")


@pytest.fixture
def ranged_app(s3, storage, monkeypatch):
    """The extractor app with the ranged path from 1 byte on, 64 KiB chunks, 2 workers; records each ranged scan."""
    monkeypatch.setattr(main, "RANGED_MIN_BYTES", 1)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 65536)
    calls = []
    real = parallel.summarize_ranges

    def recording(source, size, **kwargs):
        calls.append((source.key, size, kwargs["processes"]))
        return real(source, size, **kwargs)

    monkeypatch.setattr(parallel, "summarize_ranges", recording)

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
    assert calls == [("svc/big.log", len(log_bytes), 2)]
    posted = storage.posted[-1]
    expected, _ = _sequential(log_bytes)
    assert {k: posted[k] for k in expected} == expected
    assert posted["size"] == len(log_bytes) and posted["key"] == "svc/big.log"


def test_extract_streams_a_compressed_object_once(ranged_app, s3, storage, log_bytes):
    import gzip

    make, calls = ranged_app
    s3.put_object(Bucket=BUCKET, Key="svc/big.log.gz", Body=gzip.compress(log_bytes))
    resp = make().post("/extract", json={"bucket": BUCKET, "key": "svc/big.log.gz"})
    assert resp.status_code == 201 and calls == []
    expected, _ = _sequential(log_bytes)
    assert {k: storage.posted[-1][k] for k in expected} == expected


def test_extract_in_ranges_stops_at_the_size_limit(ranged_app, s3, storage, log_bytes):
    make, calls = ranged_app
    s3.put_object(Bucket=BUCKET, Key="svc/capped.log", Body=log_bytes)
    resp = make(extract_max_bytes=200_000).post("/extract", json={"bucket": BUCKET, "key": "svc/capped.log"})
    assert resp.status_code == 201 and calls == [("svc/capped.log", 200_000, 2)]
    posted = storage.posted[-1]
    assert posted["incomplete"] and posted["bytes"] == 200_000
    assert posted["error"] == "size limit reached: scanned the first 200000 uncompressed bytes (EXTRACT_MAX_BYTES=200000)"
    assert 0 < posted["lines"] < log_bytes.count(b"\n")


def test_one_scan_thread_reads_one_stream(ranged_app, s3, storage, log_bytes):
    make, calls = ranged_app
    s3.put_object(Bucket=BUCKET, Key="svc/one.log", Body=log_bytes)
    client = make(scan_threads=1)
    assert client.post("/extract", json={"bucket": BUCKET, "key": "svc/one.log"}).status_code == 201
    assert calls == []


def test_ranges_over_the_network_are_few_and_bounded():
    mib = 1 << 20
    assert parallel.ranged_chunk_bytes(100 * mib, 2) == 100 * mib // 8  # 4 a worker
    assert parallel.ranged_chunk_bytes(10 << 30, 4) == parallel.RANGE_CHUNK_MAX_BYTES  # a worker holds one chunk
    assert parallel.ranged_chunk_bytes(64 * mib, 16) == parallel.RANGE_CHUNK_MIN_BYTES
