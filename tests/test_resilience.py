"""Failures on a stack of their own: storage down for 30 s while 50 logs arrive; the extractor's worker killed
in the middle of a large object; a garbage message on the queue. Each time: every log gets exactly one result,
and only the garbage ends in the dead-letter queue."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
import requests

SAMPLE_COUNTS = {"FATAL": 1, "ERROR": 5, "WARN": 3}


@pytest.fixture(scope="module")
def resilient(tmp_path_factory, running_stack):
    # maxReceiveCount 2: a message that keeps failing reaches the DLQ within ~30 s of give-back delays.
    with running_stack(tmp_path_factory.mktemp("resilience"), visibility_timeout=10, max_receive_count=2,
                       receiver_wait_seconds=1) as live:
        yield live.local, live


def _dlq_size(stack) -> int:
    attrs = stack.sqs.get_queue_attributes(QueueUrl=stack.env["DLQ_URL"], AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return sum(int(v) for v in attrs.values())


def _one_result_each(stack, wait_until, keys: list[str], timeout: float = 180) -> dict[str, list[dict]]:
    def all_stored():
        found = {key: stack.results(key) for key in keys}
        return found if all(found.values()) else None

    found = wait_until(all_stored, timeout, f"{len(keys)} results")
    assert {key: len(results) for key, results in found.items()} == dict.fromkeys(keys, 1)
    return found


def test_storage_down_for_30_s_while_50_logs_arrive(resilient, sample, wait_until):
    local, stack = resilient
    launch = local.stop_service("storage")
    down_since = time.monotonic()
    keys = [stack.unique_key(f"outage-{i}.log") for i in range(50)]
    for key in keys:
        stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=sample)
    wait_until(lambda: any(r.get("message") == "extractor failed, retrying" for r in stack.log_records("receiver")),
          30, "the receiver to meet the outage")
    wait_until(lambda: time.monotonic() - down_since >= 30, 35, "the 30 s outage to pass")
    local.start_service("storage", launch)

    found = _one_result_each(stack, wait_until, keys)
    assert all(results[0]["counts"] == SAMPLE_COUNTS for results in found.values())
    assert _dlq_size(stack) == 0


def _worker_pids(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def test_extractor_worker_killed_mid_object(resilient, wait_until):
    local, stack = resilient
    # ~48 MiB in which every line is an event: several seconds of scanning, so the kill lands midway.
    line = b"2026-11-27 10:00:00,000 ERROR [main] com.acme.Big - request %d failed after %d ms\n"
    big = b"".join(line % (i, i % 997) for i in range(600_000))
    key = stack.unique_key("big.log")
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=big)

    def extracting():  # the receiver waits on the extractor: the object is being read and scanned
        metrics = requests.get(f"{stack.env['RECEIVER_URL']}/metrics", timeout=5).text
        return "receiver_messages_in_flight 1.0" in metrics.splitlines()

    wait_until(extracting, 60, "the big object to be in flight")
    [extractor] = [p for p in local.recorded() if p.name == "extractor"]
    workers = _worker_pids(extractor.pid)
    start = sum(_cpu_ticks(pid) for pid in workers)
    wait_until(lambda: sum(_cpu_ticks(pid) for pid in workers) - start >= 30, 30, "the scan to be under way")
    assert workers and stack.results(key) == []
    for pid in workers:
        os.kill(pid, signal.SIGKILL)  # gunicorn starts new workers; the receiver's call breaks off

    [result] = _one_result_each(stack, wait_until, [key])[key]
    assert result["counts"]["ERROR"] == 600_000 and result["lines"] == 600_000
    assert any(r.get("message") == "extractor failed, retrying" and r.get("key") == key
               for r in stack.log_records("receiver"))


def test_garbage_message_reaches_the_dlq_while_others_flow(resilient, sample, wait_until):
    _, stack = resilient
    before = _dlq_size(stack)
    stack.sqs.send_message(QueueUrl=stack.env["QUEUE_URL"], MessageBody="this is not a job",
                           MessageGroupId="garbage", MessageDeduplicationId=stack.unique_key("garbage"))
    keys = [stack.unique_key(f"meanwhile-{i}.log") for i in range(5)]
    for key in keys:
        stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=sample)
    _one_result_each(stack, wait_until, keys, timeout=60)
    wait_until(lambda: _dlq_size(stack) == before + 1, 90, "the garbage message in the DLQ")
    malformed = [r for r in stack.log_records("receiver") if r.get("message") == "malformed message"]
    assert malformed and "not a job" in malformed[-1]["body"]
