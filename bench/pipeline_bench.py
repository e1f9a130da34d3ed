"""Figure 5 of `make bench`: the whole pipeline on the embedded stack (S3 -> Lambda runner -> FIFO -> receiver ->
extractor -> storage), for 200 small logs uploaded at once: upload-to-stored latency p50/p95 and objects per
second; and the latency of one log uploaded to an idle pipeline. Runs its own local stack in a temporary dir."""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.stack import Settings, Stack, client  # noqa: E402

SAMPLE = (ROOT / "samples" / "app-errors.log").read_bytes()
OBJECTS = 200
TIMEOUT = 600.0


def _stored_at(env: dict, bucket: str, key: str) -> float | None:
    items = requests.get(f"{env['STORAGE_URL']}/results", params={"key": key, "bucket": bucket}, timeout=10,
                         headers={"Authorization": f"Bearer {env['RESULTS_READ_TOKEN']}"}).json()
    return datetime.fromisoformat(items["items"][0]["stored_at"].replace("Z", "+00:00")).timestamp() \
        if items.get("items") else None


def _wait_all(env: dict, bucket: str, keys: list[str]) -> dict[str, float]:
    stored: dict[str, float] = {}
    deadline = time.monotonic() + TIMEOUT
    while len(stored) < len(keys):
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(stored)} of {len(keys)} results after {TIMEOUT} s")
        for key in keys:
            if key not in stored and (at := _stored_at(env, bucket, key)) is not None:
                stored[key] = at
        time.sleep(0.2)
    return stored


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as state:
        stack = Stack(Settings(state_dir=Path(state)))
        env = stack.up()
        try:
            s3, bucket = client("s3", env), env["LOGS_BUCKET"]
            idle_key = "bench/idle.log"
            s3.put_object(Bucket=bucket, Key=idle_key, Body=SAMPLE)
            idle_uploaded = time.time()
            idle = _wait_all(env, bucket, [idle_key])[idle_key] - idle_uploaded

            uploaded: dict[str, float] = {}
            for i in range(OBJECTS):
                key = f"bench/burst/{i:03d}.log"
                s3.put_object(Bucket=bucket, Key=key, Body=SAMPLE)
                uploaded[key] = time.time()
            stored = _wait_all(env, bucket, list(uploaded))
        finally:
            stack.down()
    latencies = sorted(stored[k] - uploaded[k] for k in uploaded)
    span = max(stored.values()) - min(uploaded.values())
    return {"idle": idle, "p50": statistics.median(latencies),
            "p95": latencies[int(0.95 * (len(latencies) - 1))], "per_second": OBJECTS / span, "span": span}


if __name__ == "__main__":
    figures = run()
    print(figures)
