"""`make bench`: the extractor CLI against grep on the same generated log, side by side.

Issue 3 grows this to a 1 GiB mixed-format log with gzip, RSS and S3 figures; this first form measures the
plain-text scan only. BENCH_MB sets the size of the generated log (default 64).
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
GREP_PATTERN = "ERROR|FATAL|CRITICAL|Exception|Traceback"

_INFO = [
    "2026-11-27 10:00:{s:02d},{ms:03d} INFO  [http-{t}] com.acme.api.Orders - Order {n} loaded in {d}ms\n",
    '{{"ts":"2026-11-27T10:00:{s:02d}Z","level":"info","msg":"request served","path":"/api/{n}","ms":{d}}}\n',
    "time=2026-11-27T10:00:{s:02d}Z level=info msg=\"cache hit\" key=user:{n}\n",
]
_EVENTS = [
    "2026-11-27 10:00:{s:02d},{ms:03d} ERROR [http-{t}] com.acme.api.Orders - Failed to load order {n}\n"
    "java.lang.IllegalStateException: order {n} has no customer\n"
    "\tat com.acme.api.Orders.load(Orders.java:88)\n\tat com.acme.api.Orders.handle(Orders.java:41)\n",
    '{{"ts":"2026-11-27T10:00:{s:02d}Z","level":"error","msg":"payment gateway timeout","order":{n}}}\n',
    "2026-11-27 10:00:{s:02d},{ms:03d} WARN  [pool-{t}] com.acme.db.Pool - Connection pool at {d}% capacity\n",
]


def generate(path: Path, megabytes: int) -> None:
    rng = random.Random(42)
    target = megabytes * 1024 * 1024
    with open(path, "w", encoding="utf-8") as out:
        written = 0
        while written < target:
            chunk = []
            for _ in range(1000):
                tmpl = rng.choice(_EVENTS) if rng.random() < 0.01 else rng.choice(_INFO)
                chunk.append(tmpl.format(s=rng.randrange(60), ms=rng.randrange(1000), t=rng.randrange(64),
                                         n=rng.randrange(10**6), d=rng.randrange(1, 5000)))
            text = "".join(chunk)
            out.write(text)
            written += len(text)


def timed(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start


def main() -> int:
    megabytes = int(os.environ.get("BENCH_MB", "64"))
    DATA.mkdir(parents=True, exist_ok=True)
    log = DATA / f"synthetic-{megabytes}mb.log"
    if not log.exists():
        print(f"generating {log.relative_to(ROOT)} ({megabytes} MiB) ...")
        generate(log, megabytes)
    size_mb = log.stat().st_size / 2**20
    grep = timed(["grep", "-cE", GREP_PATTERN, str(log)], env=dict(os.environ, LC_ALL="C"))
    cli = timed([sys.executable, "-m", "app.log_parser", str(log)], cwd=ROOT / "service-log-extractor")
    print(f"{'scan of':28} {size_mb:8.1f} MiB")
    print(f"{'grep -cE (reference)':28} {grep:8.3f} s  {size_mb / grep:8.1f} MiB/s")
    print(f"{'extractor CLI':28} {cli:8.3f} s  {size_mb / cli:8.1f} MiB/s")
    print(f"{'ratio CLI/grep speed':28} {grep / cli:8.3f}x  (issue 3 target: >= 0.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
