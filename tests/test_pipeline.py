"""A log put into the bucket travels S3 -> Lambda handler -> FIFO -> receiver -> extractor -> storage."""
from __future__ import annotations

import gzip
import importlib.util
import json
import os
from urllib.parse import quote_plus

import pytest
import requests

SAMPLE_COUNTS = {"FATAL": 1, "ERROR": 5, "WARN": 3}


def test_sample_log_gives_one_result_with_its_counts(stack, sample):
    key = stack.unique_key("checkout.log")
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=sample)
    [result] = stack.wait_for_results(key)
    assert result["counts"] == SAMPLE_COUNTS
    assert result["stack_traces"] == 2
    assert result["lines"] == sample.count(b"\n") and result["bytes"] == len(sample)
    assert result["bucket"] == stack.bucket and result["key"] == key and result["size"] == len(sample)
    head = stack.s3.head_object(Bucket=stack.bucket, Key=key)
    assert result["etag"] == head["ETag"].strip('"')
    assert sum(g["count"] for g in result["groups"]) == sum(SAMPLE_COUNTS.values())
    by_id = stack.reader.get(f"{stack.storage}/results/{result['id']}", timeout=10)
    assert by_id.status_code == 200 and by_id.json() == result


@pytest.mark.parametrize("name", ["with space.log", "plus+sign.log", "hash#tag.log", "ünïcødé-日志.log",
                                  "mixed %2B & = ?.log"])
def test_awkward_keys_arrive_decoded(stack, name, sample):
    key = stack.unique_key(name)
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=sample)
    [result] = stack.wait_for_results(key)
    assert result["key"] == key and result["counts"] == SAMPLE_COUNTS


def test_gzip_log_without_gz_name(stack, sample):
    key = stack.unique_key("rotated-log.1")
    body = gzip.compress(sample)
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=body)
    [result] = stack.wait_for_results(key)
    assert result["counts"] == SAMPLE_COUNTS
    assert result["bytes"] == len(sample) and result["size"] == len(body)


def test_identical_content_uploaded_twice_yields_one_result(stack, sample):
    key = stack.unique_key("twice.log")
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=sample)
    stack.wait_for_results(key)
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=sample)
    stack.wait_until_events_handled()
    # A changed upload to the same key follows the duplicate in the same FIFO group, so once its result is
    # stored, the duplicate has been through the pipeline too (or was dropped as a duplicate).
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=sample + b"2026-11-27 09:05:00,000 INFO [main] x - bye\n")
    items = stack.wait_for_results(key, count=2)
    assert len(items) == 2 and items[0]["lines"] == items[1]["lines"] + 1


def test_changed_content_under_the_same_key_is_a_new_result(stack, sample):
    key = stack.unique_key("rewritten.log")
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=sample)
    stack.wait_for_results(key)
    changed = sample + b"2026-11-27 09:04:00,000 ERROR [main] com.acme.checkout.App - Disk full on /var/data\n"
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=changed)
    items = stack.wait_for_results(key, count=2)
    assert [r["counts"]["ERROR"] for r in items] == [6, 5]  # newest first


def _lambda_handler(root):
    spec = importlib.util.spec_from_file_location("s3_to_fifo_test", root / "terraform" / "lambda" / "s3_to_fifo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


def test_object_deleted_before_processing(root, stack, monkeypatch, sample, wait_until):
    """The S3 event outlives its object: a clear error in the logs, no crash, no result, the pipeline goes on."""
    key = stack.unique_key("deleted before processing.log")
    # The event S3 sent for an object that was deleted before the pipeline reached it, fed to the real handler.
    event = {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "awsRegion": "us-east-1",
                          "eventTime": "2026-11-27T10:00:00.000Z",
                          "s3": {"bucket": {"name": stack.bucket},
                                 "object": {"key": key.replace(" ", "+"), "size": 10, "eTag": "0" * 32}}}]}
    for name, value in stack.env.items():
        if name.startswith("AWS_") or name == "QUEUE_URL":
            monkeypatch.setenv(name, value)
    assert _lambda_handler(root)(event, None)["sent"] == 1

    errors = wait_until(lambda: [r for r in stack.log_records("receiver")
                                 if r.get("levelname") == "ERROR" and r.get("key") == key],
                        60, "the receiver to log an error for the deleted object")
    assert any("404" in json.dumps(r) for r in errors), errors
    assert any(r.get("key") == key and r.get("levelname") == "ERROR" for r in stack.log_records("extractor"))
    assert stack.results(key) == []
    assert requests.get(f"{stack.env['RECEIVER_URL']}/healthz", timeout=5).status_code == 200

    # The receiver keeps working on other objects while that message waits for its redrive to the DLQ.
    other = stack.unique_key("after-the-deleted-one.log")
    stack.s3.put_object(Bucket=stack.bucket, Key=other, Body=sample)
    stack.wait_for_results(other)


def test_stack_env_has_the_contract_keys(stack):
    for name in ("AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "LOGS_BUCKET",
                 "QUEUE_URL", "DLQ_URL", "RESULTS_TABLE", "EXTRACTOR_URL", "STORAGE_URL"):
        assert stack.env.get(name), name
    assert os.path.isdir(stack.env["LOG_DIR"])


def test_raw_s3_notification_on_the_queue_is_processed(stack, sample):
    """A queue fed by S3 directly (no Lambda): one notification naming two objects gives two results."""
    keys = [stack.unique_key("direct one.log"), stack.unique_key("direct+two.log")]
    records = []
    for key in keys:
        etag = stack.s3.put_object(Bucket=stack.bucket, Key=f"{key}", Body=sample)["ETag"].strip('"')
        records.append({"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
                        "s3": {"bucket": {"name": stack.bucket},
                               "object": {"key": quote_plus(key), "eTag": etag, "size": len(sample)}}})
    stack.sqs.send_message(QueueUrl=stack.env["QUEUE_URL"], MessageBody=json.dumps({"Records": records}),
                           MessageGroupId="direct", MessageDeduplicationId=stack.unique_key("dedup"))
    for key in keys:
        [result] = stack.wait_for_results(key)  # also the notification S3 sent for the put: one result still
        assert result["counts"] == SAMPLE_COUNTS


def _mails_about(stack, key: str) -> list[dict]:
    """The mails the embedded SES accepted whose text names `key`."""
    data = requests.get(f"{stack.env['AWS_ENDPOINT_URL']}/moto-api/data.json", timeout=10).json()
    return [m for m in data["ses"]["Message"] if key in m.get("body", "")]


def test_a_job_delivered_twice_gives_one_result_and_one_mail(stack, sample, wait_until):
    """At-least-once delivery: the same job arrives twice (beyond FIFO's deduplication window, as after a
    redelivery); storage keeps one result and mails once."""
    key = stack.unique_key("delivered twice.log")
    etag = stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=sample)["ETag"].strip('"')
    [first] = stack.wait_for_results(key)
    job = json.dumps({"bucket": stack.bucket, "key": key, "etag": etag})
    stack.sqs.send_message(QueueUrl=stack.env["QUEUE_URL"], MessageBody=job, MessageGroupId="again",
                           MessageDeduplicationId=stack.unique_key("again"))
    wait_until(lambda: any(r.get("message") == "result already stored" and r.get("key") == key
                           for r in stack.log_records("storage")),
               60, "the repeated job to reach storage, which finds the result stored")
    assert stack.results(key) == [first]
    assert len(_mails_about(stack, key)) == 1
