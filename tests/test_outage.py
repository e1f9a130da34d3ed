"""Storage goes down for 30 s while 50 logs arrive: once it is back, 50 results, none twice, none in the DLQ."""
from __future__ import annotations

import os
import time
from pathlib import Path

import requests

from conftest import ROOT, LiveStack
from devstack import procs
from devstack.stack import Settings, Stack

OUTAGE_SECONDS = 30
LOGS = 50
SAMPLE = (ROOT / "samples" / "app-errors.log").read_bytes()


def _launch_spec(pid: int) -> tuple[list[str], dict[str, str], str]:
    """How a running process was started (argv, environment, cwd), to start it again the same way."""
    argv = [a.decode() for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if a]
    pairs = (kv.split(b"=", 1) for kv in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") if b"=" in kv)
    return argv, {k.decode(): v.decode() for k, v in pairs}, os.readlink(f"/proc/{pid}/cwd")


def _wait(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_storage_down_while_logs_arrive(tmp_path):
    local = Stack(Settings(state_dir=tmp_path / "stack", visibility_timeout=10, receiver_wait_seconds=1))
    env = local.up()
    restarted = None
    try:
        stack = LiveStack(env)
        [storage] = [p for p in local.recorded() if p.name == "storage"]
        argv, environ, cwd = _launch_spec(storage.pid)
        procs.stop(storage)
        assert not storage.alive()
        down_since = time.monotonic()

        keys = [stack.unique_key(f"outage-{i}.log") for i in range(LOGS)]
        for key in keys:
            stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=SAMPLE)
        # The outage lasts its full length, and the pipeline notices it meanwhile.
        _wait(lambda: any(r.get("message") == "extractor failed, retrying" for r in stack.log_records("receiver")),
              OUTAGE_SECONDS, "the receiver to meet the outage")
        _wait(lambda: time.monotonic() - down_since >= OUTAGE_SECONDS, OUTAGE_SECONDS + 5, "the outage to end")

        restarted = procs.spawn("storage", argv, cwd=Path(cwd), env=environ, log_dir=local.log_dir,
                                health_url=storage.health_url)
        procs.wait_healthy(restarted, time.monotonic() + 30)

        def all_stored():
            found = {key: stack.results(key) for key in keys}
            return found if all(found.values()) else None

        found = _wait(all_stored, 180, f"{LOGS} results")
        assert {key: len(results) for key, results in found.items()} == dict.fromkeys(keys, 1)
        assert all(results[0]["counts"] == {"FATAL": 1, "ERROR": 5, "WARN": 3} for results in found.values())
        dlq = stack.sqs.get_queue_attributes(QueueUrl=env["DLQ_URL"], AttributeNames=["ApproximateNumberOfMessages"])
        assert dlq["Attributes"]["ApproximateNumberOfMessages"] == "0"
        assert requests.get(f"{env['RECEIVER_URL']}/healthz", timeout=5).status_code == 200
    finally:
        if restarted is not None:
            procs.stop(restarted)
        local.down()
