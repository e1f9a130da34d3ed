"""Synthetic mixed-format log for `make bench`: ~1% error events, stack traces, some invalid UTF-8.

Deterministic (fixed seed). Lines are drawn from a pre-rendered pool, so writing 1 GiB takes seconds, not
minutes, while values still vary from line to line.
"""
from __future__ import annotations

import random
from pathlib import Path

_INFO = [
    "2026-11-27 10:{m:02d}:{s:02d},{ms:03d} INFO  [http-nio-8080-exec-{t}] com.acme.api.Orders - Order {n} loaded in {d} ms\n",
    "2026-11-27 10:{m:02d}:{s:02d},{ms:03d} DEBUG [pool-{t}-thread-1] com.acme.db.Pool - Borrowed connection {n} (idle {d})\n",
    '{{"ts":"2026-11-27T10:{m:02d}:{s:02d}.{ms:03d}Z","level":"info","msg":"request served","path":"/api/v1/items/{n}","ms":{d}}}\n',
    'time=2026-11-27T10:{m:02d}:{s:02d}Z level=info msg="cache hit" key=user:{n} ttl={d}s\n',
    "2026-11-27 10:{m:02d}:{s:02d},{ms:03d} - billing.worker - INFO - Invoice {n} rendered in {d}ms\n",
    "<14>Nov 27 10:{m:02d}:{s:02d} web{t:02d} nginx[{d}]: 10.0.{t}.{ms} - - \"GET /static/{n}.js HTTP/1.1\" 200 {d}\n",
    "I1127 10:{m:02d}:{s:02d}.{ms:03d}000       1 controller.go:{d}] Reconciled pod default/web-{n}\n",
    "2026-11-27 10:{m:02d}:{s:02d},{ms:03d} INFO  [main] com.acme.Health - checks passed for web-{t} in {d} ms\n",
]
# An INFO line whose message says "error": a candidate line that must not count as an event.
_INFO_MENTIONING_ERROR = "2026-11-27 10:{m:02d}:{s:02d},{ms:03d} INFO  [main] com.acme.Health - error budget ok: {d} errors in the last hour\n"
MENTION_SHARE = 0.01
_EVENTS = [
    "2026-11-27 10:{m:02d}:{s:02d},{ms:03d} ERROR [http-nio-8080-exec-{t}] com.acme.api.Orders - Failed to load order {n}\n"
    "java.lang.IllegalStateException: order {n} has no customer\n"
    "\tat com.acme.api.Orders.load(Orders.java:88)\n\tat com.acme.api.Orders.handle(Orders.java:41)\n"
    "Caused by: java.sql.SQLException: connection reset\n\tat com.acme.db.Pool.get(Pool.java:120)\n\t... 42 more\n",
    '{{"ts":"2026-11-27T10:{m:02d}:{s:02d}Z","level":"error","msg":"payment gateway timeout","order":{n},"after_ms":{d}}}\n',
    "2026-11-27 10:{m:02d}:{s:02d},{ms:03d} WARN  [pool-{t}-thread-1] com.acme.db.Pool - Connection pool at {d}% capacity\n",
    "2026-11-27 10:{m:02d}:{s:02d},{ms:03d} - billing.worker - ERROR - Invoice {n} could not be rendered\n"
    "Traceback (most recent call last):\n  File \"/srv/billing/render.py\", line {d}, in render\n"
    "    pdf = engine.build(doc)\nValueError: template 'invoice_v{t}' missing\n",
    "time=2026-11-27T10:{m:02d}:{s:02d}Z level=error msg=\"cache miss storm\" keys={n}\n",
    "<11>Nov 27 10:{m:02d}:{s:02d} web{t:02d} billing[{d}]: upstream timed out while reading response header\n",
    "E1127 10:{m:02d}:{s:02d}.{ms:03d}000       1 reflector.go:138] failed to list *v1.Pod: connection refused\n",
    "2026/11/27 10:{m:02d}:{s:02d} [error] {t}#{t}: *{n} connect() failed (111: Connection refused) while connecting to upstream\n",
]
EVENT_SHARE = 0.01
BAD_UTF8 = b"2026-11-27 10:00:00,000 INFO  [main] com.acme.Upload - file name \xff\xfe\xc3(\x80 received\n"


def _render(rng: random.Random, template: str) -> str:
    return template.format(m=rng.randrange(60), s=rng.randrange(60), ms=rng.randrange(1000), t=rng.randrange(1, 64),
                           n=rng.randrange(10**7), d=rng.randrange(1, 5000))


def generate(path: Path, megabytes: int, seed: int = 42) -> None:
    rng = random.Random(seed)
    def pick() -> str:
        roll = rng.random()
        if roll < EVENT_SHARE:
            return rng.choice(_EVENTS)
        return _INFO_MENTIONING_ERROR if roll < EVENT_SHARE + MENTION_SHARE else rng.choice(_INFO)

    pool = [_render(rng, pick()).encode() for _ in range(200_000)]
    pool[::5000] = [BAD_UTF8] * len(pool[::5000])
    target = megabytes * 2**20
    written = 0
    with open(path, "wb") as out:
        while written < target:
            block = b"".join(rng.choices(pool, k=20_000))
            out.write(block)
            written += len(block)
