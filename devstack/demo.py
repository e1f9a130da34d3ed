"""`make demo`: drop the shipped sample log into the bucket and show the stored result, as a user would see it."""
from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import time
import urllib.parse
from datetime import datetime, timezone

import requests

from .provision import ROOT
from .stack import Stack, client

SAMPLE = ROOT / "samples" / "app-errors.log"
RESULT_TIMEOUT = 120.0


def wait_for_result(storage_url: str, key: str, read_token: str, timeout: float = RESULT_TIMEOUT) -> dict | None:
    """Polls storage for the object's result (as a reader: RESULTS_READ_TOKEN) until it appears or the deadline
    passes."""
    deadline = time.monotonic() + timeout
    headers = {"Authorization": f"Bearer {read_token}"}
    while time.monotonic() < deadline:
        try:
            resp = requests.get(f"{storage_url}/results", params={"key": key}, headers=headers, timeout=5)
            if resp.status_code in (401, 403):  # waiting cannot help: the token is not storage's reader token
                raise SystemExit(f"demo failed: storage refused the read token ({resp.status_code}: "
                                 f"{resp.text[:200]}); is the stack's stack.env current?")
            items = resp.json().get("items", [])
        except (requests.RequestException, ValueError):
            items = []
        if items:
            return items[0]
        time.sleep(0.3)
    return None


def run(stack: Stack) -> int:
    reuse = stack.running()
    if reuse:
        print(f"using the stack that is already running (from {stack.state_dir}); it stays up")
        env = stack.env()
    else:
        print("starting the local stack (embedded AWS, Lambda runner, receiver, extractor, storage) ...")
        try:
            env = stack.up()
        except RuntimeError as exc:
            print(f"demo failed: {exc}", file=sys.stderr)
            return 1
    try:
        return _upload_and_show(env)
    finally:
        if not reuse:
            print("stopping the local stack: " + ", ".join(stack.down()))


def _upload_and_show(env: dict[str, str]) -> int:
    key = f"demo/{datetime.now(timezone.utc):%Y/%m/%d/%H%M%S}/checkout app-errors.log"
    client("s3", env).put_object(Bucket=env["LOGS_BUCKET"], Key=key, Body=SAMPLE.read_bytes())
    print(f"uploaded {SAMPLE.relative_to(ROOT)} to s3://{env['LOGS_BUCKET']}/{key}; waiting for its result ...")
    started = time.monotonic()
    result = wait_for_result(env["STORAGE_URL"], key, env["RESULTS_READ_TOKEN"])
    if result is None:
        print(f"no result within {RESULT_TIMEOUT:.0f} s; see the logs in {env['LOG_DIR']}", file=sys.stderr)
        return 1
    print(f"result stored after {time.monotonic() - started:.1f} s; what a user sees:\n")
    url = f"{env['STORAGE_URL']}/results?key={urllib.parse.quote(key, safe='')}"
    header = f"Authorization: Bearer {env['RESULTS_READ_TOKEN']}"
    cmd = ["curl", "-s", "-H", header, url]
    # The token is read from .local/stack.env where a reader would find it, not printed.
    shown = ["curl", "-s", "-H", "Authorization: Bearer $RESULTS_READ_TOKEN", url]
    print("$ set -a; . .local/stack.env; set +a   # the stack's URLs and tokens")
    print("$ " + " ".join(shlex.quote(c) if "$" not in c else f'"{c}"' for c in shown))
    if shutil.which("curl"):
        body = subprocess.run(cmd, capture_output=True, check=True, timeout=30).stdout
    else:  # same request, for machines without curl
        body = requests.get(url, headers={"Authorization": header.split(": ", 1)[1]}, timeout=30).content
    print(json.dumps(json.loads(body), indent=2, ensure_ascii=False))
    return 0
