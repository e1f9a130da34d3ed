"""Screenshots of the web view for the README: docs/ui-results.png, ui-result.png, ui-groups.png, ui-group.png.

    .venv/bin/python -m scripts.ui_screenshots            # against the stack of `make up` (reads .local/stack.env)
    .venv/bin/python -m scripts.ui_screenshots --start    # starts a stack of its own for the run, stops it after

(from the repository root, so that devstack imports as for `python -m devstack`).

Seeds the stack through its real chain: a few generated Java-style logs (the same errors an hour or two apart, so
the group chart has bars) and samples/app-errors.log are put into LOGS_BUCKET; waits for their results, then takes
the four pages in headless Chromium (Debian's chromium + chromium-driver, `make browser`) at 1280x900.
"""
from __future__ import annotations

import argparse
import contextlib
import random
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from devstack.stack import Settings, Stack, client

ROOT = Path(__file__).resolve().parent.parent

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")
RESULT_TIMEOUT = 60.0


def generated_log(start: datetime, seed: int) -> bytes:
    """A checkout service's log of an hour from `start`: INFO chatter, a few WARNs and ERRORs with a stack trace."""
    rng = random.Random(seed)
    lines, moment = [], start
    for _ in range(120):
        moment += timedelta(seconds=rng.randint(5, 40))
        stamp = moment.strftime("%Y-%m-%d %H:%M:%S,") + f"{rng.randint(0, 999):03d}"
        roll = rng.random()
        if roll < 0.10:
            order = rng.randint(10000, 99999)
            lines += [f"{stamp} ERROR [http-nio-8080-exec-{rng.randint(1, 9)}] com.acme.checkout.OrderController - "
                      f"Failed to load order {order}",
                      f"java.lang.IllegalStateException: order {order} has no customer",
                      "\tat com.acme.checkout.OrderController.load(OrderController.java:88)",
                      "\tat com.acme.checkout.OrderController.handle(OrderController.java:41)"]
        elif roll < 0.16:
            lines.append(f"{stamp} ERROR [payments-{rng.randint(1, 4)}] com.acme.pay.Gateway - Payment gateway "
                         f"timeout after {rng.randint(3000, 9000)} ms for merchant m-{rng.randint(100, 999)}")
        elif roll < 0.26:
            lines.append(f"{stamp} WARN  [pool-2-thread-1] com.acme.db.Pool - Connection pool at "
                         f"{rng.randint(80, 99)}% capacity ({rng.randint(16, 20)}/20)")
        else:
            lines.append(f"{stamp} INFO  [http-nio-8080-exec-{rng.randint(1, 9)}] com.acme.checkout.OrderController"
                         f" - Order {rng.randint(10000, 99999)} loaded in {rng.randint(3, 90)}ms")
    if seed == 3:  # one object with a group of its own: the "new" badge
        lines.append(f"{stamp} FATAL [main] com.acme.checkout.App - Out of memory: Java heap space")
    return ("\n".join(lines) + "\n").encode()


def seed(env: dict[str, str]) -> dict:
    """Puts the logs into the bucket and waits for their results; returns them (key -> result), oldest first."""
    s3 = client("s3", env)
    reader = requests.Session()
    reader.headers["Authorization"] = f"Bearer {env['RESULTS_READ_TOKEN']}"
    run = uuid.uuid4().hex[:6]
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    objects = {f"checkout/{run}/web-{n + 1:02d}.log": generated_log(now - timedelta(hours=2 * (4 - n)), n)
               for n in range(4)}
    objects[f"samples/{run}/app-errors.log"] = (ROOT / "samples" / "app-errors.log").read_bytes()
    results = {}
    for key, body in objects.items():  # one at a time: stored in this order, so the newest is the last
        s3.put_object(Bucket=env["LOGS_BUCKET"], Key=key, Body=body)
        deadline = time.monotonic() + RESULT_TIMEOUT
        while not results.get(key):
            if time.monotonic() > deadline:
                raise SystemExit(f"no result for {key} after {RESULT_TIMEOUT} s; see the stack's logs")
            resp = reader.get(f"{env['STORAGE_URL']}/results", params={"key": key}, timeout=10)
            resp.raise_for_status()
            results[key] = (resp.json()["items"] or [None])[0]
            if not results[key]:
                time.sleep(0.3)
    return results


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument("--window-size=1280,900")
    options.add_argument("--hide-scrollbars")
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def shoot(env: dict[str, str], out: Path) -> list[Path]:
    results = seed(env)
    ordered = list(results.values())
    web = ordered[1]  # a generated log: its groups recur in the others (the gateway's in theirs only)
    group_id = next((g["id"] for g in web["groups"] if "gateway" in g["template"]),
                    next(g["id"] for g in web["groups"] if g["level"] == "ERROR"))
    base = env["STORAGE_URL"]
    pages = {"ui-results.png": "/ui/", "ui-result.png": f"/ui/results/{ordered[3]['id']}",
             "ui-groups.png": "/ui/groups", "ui-group.png": f"/ui/groups/{group_id}"}
    out.mkdir(parents=True, exist_ok=True)
    driver = browser()
    saved = []
    try:
        driver.get(f"{base}/ui/?token={env['RESULTS_READ_TOKEN']}")  # the cookie for the pages below
        for name, path in pages.items():
            driver.get(base + path)
            driver.find_element(By.TAG_NAME, "h1")
            if not driver.save_screenshot(str(out / name)):
                raise SystemExit(f"could not save {out / name}")
            saved.append(out / name)
    finally:
        driver.quit()
    return saved


@contextlib.contextmanager
def stack_env(start: bool):
    if not start:
        yield Stack().env()   # the stack of `make up`
        return
    with tempfile.TemporaryDirectory(prefix="ui-screenshots-") as state:
        own = Stack(Settings(state_dir=Path(state)))
        env = own.up()
        try:
            yield env
        finally:
            own.down()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", action="store_true", help="start a stack of its own instead of using make up's")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where the PNGs go (default docs/)")
    args = parser.parse_args(argv)
    with stack_env(args.start) as env:
        for path in shoot(env, args.out):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
