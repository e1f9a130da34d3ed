import hashlib
import importlib
import json

import boto3
import pytest
from moto import mock_aws

import s3_to_fifo

ALL_ATTRS = ["MessageGroupId", "MessageDeduplicationId"]


def s3_record(key, etag="5d41402abc4b2a76b9719d911017c592", bucket="bkt-logs", event_name="ObjectCreated:Put", **obj):
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": "us-east-1",
        "eventTime": "2026-11-27T20:48:41.467Z",
        "eventName": event_name,
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "logs",
            "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
            "object": {"key": key, "size": 5, "eTag": etag, **obj},
        },
    }


@pytest.fixture
def queue_url(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    # the client is cached at module level; each test gets one created inside its own mock
    monkeypatch.setattr(s3_to_fifo, "_sqs_client", None)
    with mock_aws():
        url = boto3.client("sqs").create_queue(
            QueueName="logs.fifo", Attributes={"FifoQueue": "true"}
        )["QueueUrl"]
        monkeypatch.setenv("QUEUE_URL", url)
        yield url


def receive_all(url):
    resp = boto3.client("sqs").receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, MessageSystemAttributeNames=ALL_ATTRS
    )
    return resp.get("Messages", [])


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def test_import_creates_no_client_and_reads_no_env(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("boto3 client created at import")

    monkeypatch.setattr(boto3, "client", forbidden)
    monkeypatch.delenv("QUEUE_URL", raising=False)
    importlib.reload(s3_to_fifo)
    assert s3_to_fifo._sqs_client is None


@pytest.mark.parametrize(
    "raw,decoded",
    [
        ("a+b%2Bc%23%C3%A9.log", "a b+c#é.log"),
        ("dir/with+space/app.log.gz", "dir/with space/app.log.gz"),
        ("%E6%97%A5%E6%9C%AC/%D0%BB%D0%BE%D0%B3.txt", "日本/лог.txt"),
        ("plain.log", "plain.log"),
    ],
)
def test_key_is_url_decoded(queue_url, raw, decoded):
    assert s3_to_fifo.handler({"Records": [s3_record(raw)]}, None) == {"sent": 1, "skipped": 0}
    [msg] = receive_all(queue_url)
    body = json.loads(msg["Body"])
    assert body == {
        "bucket": "bkt-logs",
        "key": decoded,
        "etag": "5d41402abc4b2a76b9719d911017c592",
        "version_id": None,
        "size": 5,
        "sequencer": None,
        "event_time": "2026-11-27T20:48:41.467Z",
        "event_name": "ObjectCreated:Put",
    }
    assert msg["Attributes"]["MessageGroupId"] == sha(f"bkt-logs/{decoded}")
    assert msg["Attributes"]["MessageDeduplicationId"] == sha(
        f"bkt-logs/{decoded}/5d41402abc4b2a76b9719d911017c592"
    )


def test_quoted_etag_version_and_sequencer_are_passed(queue_url):
    record = s3_record("k.log", etag='"abc-2"', versionId="v1", sequencer="0055AED6DCD90281E5")
    s3_to_fifo.handler({"Records": [record]}, None)
    body = json.loads(receive_all(queue_url)[0]["Body"])
    assert (body["etag"], body["version_id"], body["sequencer"]) == ("abc-2", "v1", "0055AED6DCD90281E5")


def test_two_records_two_messages_with_own_groups(queue_url):
    event = {"Records": [s3_record("one.log", etag="e1"), s3_record("two.log", etag="e2")]}
    assert s3_to_fifo.handler(event, None) == {"sent": 2, "skipped": 0}
    msgs = receive_all(queue_url)
    assert sorted(json.loads(m["Body"])["key"] for m in msgs) == ["one.log", "two.log"]
    groups = {json.loads(m["Body"])["key"]: m["Attributes"]["MessageGroupId"] for m in msgs}
    assert groups == {"one.log": sha("bkt-logs/one.log"), "two.log": sha("bkt-logs/two.log")}


def test_more_than_ten_records_are_sent_in_chunks(queue_url, monkeypatch):
    calls = []
    real_client = s3_to_fifo._sqs()
    original = real_client.send_message_batch

    def spy(**kwargs):
        calls.append(len(kwargs["Entries"]))
        return original(**kwargs)

    monkeypatch.setattr(real_client, "send_message_batch", spy)
    event = {"Records": [s3_record(f"f{i}.log", etag=f"e{i}") for i in range(23)]}
    assert s3_to_fifo.handler(event, None) == {"sent": 23, "skipped": 0}
    assert calls == [10, 10, 3]


def test_test_event_is_skipped(queue_url):
    event = {
        "Service": "Amazon S3",
        "Event": "s3:TestEvent",
        "Time": "2026-11-27T20:48:41.467Z",
        "Bucket": "bkt-logs",
        "RequestId": "x",
        "HostId": "y",
    }
    assert s3_to_fifo.handler(event, None) == {"sent": 0, "skipped": 1}
    assert receive_all(queue_url) == []


def test_non_created_records_are_skipped(queue_url):
    removed = s3_record("gone.log", event_name="ObjectRemoved:Delete")
    other_source = {**s3_record("x.log"), "eventSource": "aws:sns"}
    event = {"Records": [removed, s3_record("new.log"), other_source]}
    assert s3_to_fifo.handler(event, None) == {"sent": 1, "skipped": 2}
    [msg] = receive_all(queue_url)
    assert json.loads(msg["Body"])["key"] == "new.log"


def test_dedup_id_follows_etag():
    same_a = s3_to_fifo.build_message(s3_record("k.log", etag="aaa", sequencer="01"))
    same_b = s3_to_fifo.build_message(s3_record("k.log", etag='"aaa"', sequencer="02"))
    changed = s3_to_fifo.build_message(s3_record("k.log", etag="bbb", sequencer="03"))
    assert s3_to_fifo.deduplication_id(same_a) == s3_to_fifo.deduplication_id(same_b)
    assert s3_to_fifo.deduplication_id(same_a) != s3_to_fifo.deduplication_id(changed)
    assert s3_to_fifo.group_id(same_a) == s3_to_fifo.group_id(changed)


def test_dedup_id_falls_back_to_version_then_sequencer():
    by_version = s3_to_fifo.build_message(s3_record("k.log", etag=None, versionId="v9", sequencer="07"))
    by_sequencer = s3_to_fifo.build_message(s3_record("k.log", etag=None, sequencer="07"))
    assert s3_to_fifo.deduplication_id(by_version) == sha("bkt-logs/k.log/v9")
    assert s3_to_fifo.deduplication_id(by_sequencer) == sha("bkt-logs/k.log/07")


def test_same_event_twice_gives_one_message(queue_url):
    event = {"Records": [s3_record("dup.log")]}
    s3_to_fifo.handler(event, None)
    s3_to_fifo.handler(event, None)
    assert len(receive_all(queue_url)) == 1


def test_changed_etag_gives_second_message(queue_url):
    s3_to_fifo.handler({"Records": [s3_record("k.log", etag="e1")]}, None)
    s3_to_fifo.handler({"Records": [s3_record("k.log", etag="e2")]}, None)
    # one group: FIFO hands out both in order within one receive
    msgs = receive_all(queue_url)
    assert [json.loads(m["Body"])["etag"] for m in msgs] == ["e1", "e2"]


def test_failed_entry_raises(queue_url, monkeypatch):
    class FailingClient:
        def send_message_batch(self, QueueUrl, Entries):
            return {
                "Successful": [{"Id": e["Id"]} for e in Entries[1:]],
                "Failed": [{"Id": Entries[0]["Id"], "SenderFault": False, "Code": "InternalError"}],
            }

    monkeypatch.setattr(s3_to_fifo, "_sqs_client", FailingClient())
    with pytest.raises(RuntimeError, match="1 of 2 messages not sent"):
        s3_to_fifo.handler({"Records": [s3_record("a.log"), s3_record("b.log")]}, None)


def test_missing_queue_url_raises(queue_url, monkeypatch):
    monkeypatch.delenv("QUEUE_URL")
    with pytest.raises(RuntimeError, match="QUEUE_URL"):
        s3_to_fifo.handler({"Records": [s3_record("a.log")]}, None)
