"""Figure 4 of `make bench`: the extractor service summarising an object in the embedded S3, against a plain
boto3 download of the same object to /dev/null. Runs its own local stack in a temporary state dir."""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.stack import Settings, Stack, client  # noqa: E402

BUCKET = "bench-objects"  # no notification: only the benchmark's own requests touch it


def run(log: Path) -> tuple[float, float]:
    """Seconds for the extractor to summarise the uploaded log, and for a plain download of it."""
    with tempfile.TemporaryDirectory() as state:
        stack = Stack(Settings(state_dir=Path(state), more_logs_buckets=(BUCKET,)))
        env = stack.up()
        try:
            s3 = client("s3", env)
            s3.create_bucket(Bucket=BUCKET)
            key = f"bench/{log.name}"
            s3.upload_file(str(log), BUCKET, key)

            def download():
                body = s3.get_object(Bucket=BUCKET, Key=key)["Body"]
                while body.read(1 << 20):
                    pass

            def extract():
                resp = requests.post(f"{env['EXTRACTOR_URL']}/extract", json={"bucket": BUCKET, "key": key}, timeout=900,
                                     headers={"Authorization": f"Bearer {env['EXTRACTOR_TOKEN']}"})
                if resp.status_code >= 300:
                    raise RuntimeError(f"extract answered {resp.status_code}: {resp.text[:300]}")

            start = time.perf_counter()
            download()
            dl = time.perf_counter() - start
            start = time.perf_counter()
            extract()
            ex = time.perf_counter() - start
        finally:
            stack.down()
    return ex, dl
