"""Large objects through the running stack: an uncompressed log of RANGED_MIN_BYTES (64 MiB) or more is read as
concurrent ranged GETs and scanned in the extractor's worker processes (EXTRACTOR_SCAN_THREADS, by default the
usable cores), a gzip'd one streaming once; either way the stored summary is exactly what the extractor's CLI
prints for the same file scanned sequentially (`python -m app.log_parser --processes 1 FILE`).

The log is ~70 MiB of realistic content: the extractor's test logs (tests/outside_logs, tests/field_cases; not the
UTF-16 one, which would make the whole object UTF-16) concatenated many times, each copy with fresh numbers."""
from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SIZE = 70 << 20  # over the extractor's RANGED_MIN_BYTES (app.main: 64 MiB)
RESULT_TIMEOUT = 90.0  # each object takes seconds; the deadline only bounds a failure
NUMBER = re.compile(rb"(\d{5,})")  # ids, pids, ports, fractions of a second: renumbered in each copy


def _realistic_log(extractor: Path, size: int) -> bytes:
    """At least `size` bytes: the extractor's test logs, one after another, repeated; in each copy every number of
    five digits or more is another one of the same width (timestamps' fields, levels and priorities stay)."""
    tests = extractor / "tests"
    paths = sorted(p for p in (tests / "outside_logs").iterdir() if p.name != "truth.json")  # truth: expectations
    paths += sorted(p for p in (tests / "field_cases").glob("*.log") if "utf16" not in p.name)
    texts = [p.read_bytes() for p in paths]
    parts = NUMBER.split(b"".join(t if t.endswith(b"\n") else t + b"\n" for t in texts))
    copies, total, n = [], 0, 0
    while total < size:
        copy = parts[:]
        for i in range(1, len(parts), 2):
            width = len(parts[i])
            copy[i] = b"%0*d" % (width, (int(parts[i]) + n * 7919) % 10**width)
        copies.append(b"".join(copy))
        total += len(copies[-1])
        n += 1
    return b"".join(copies)


@dataclass
class Uploaded:
    plain_key: str
    gzip_key: str
    plain: bytes
    gzipped: bytes
    cli: dict[str, dict]  # key -> what `python -m app.log_parser --processes 1` printed for that object's file


@pytest.fixture(scope="module")
def extractor_dir(root) -> Path:
    return root / "service-log-extractor"


@pytest.fixture(scope="module")
def scan_threads(extractor_dir) -> int:
    """The extractor's EXTRACTOR_SCAN_THREADS in the local stack: as set here, else its default (usable cores)."""
    if os.environ.get("EXTRACTOR_SCAN_THREADS", "0") not in ("", "0"):
        return int(os.environ["EXTRACTOR_SCAN_THREADS"])
    run = subprocess.run([sys.executable, "-c", "from app.parallel import usable_cores; print(usable_cores())"],
                         cwd=extractor_dir, capture_output=True, text=True, timeout=60, check=True)
    return int(run.stdout)


@pytest.fixture(scope="module")
def uploaded(stack, extractor_dir, scan_threads, tmp_path_factory) -> Uploaded:
    """The log and its gzip'd copy, both in the bucket; the CLI scans their files meanwhile."""
    if scan_threads < 2:
        pytest.skip("the extractor scans on one core here: it reads every object as one stream")
    plain = _realistic_log(extractor_dir, SIZE)
    gzipped = gzip.compress(plain, 1)
    files = tmp_path_factory.mktemp("large")
    (files / "large.log").write_bytes(plain)
    (files / "large.log.gz").write_bytes(gzipped)
    scans = {name: subprocess.Popen([sys.executable, "-m", "app.log_parser", "--processes", "1", str(files / name)],
                                    cwd=extractor_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for name in ("large.log", "large.log.gz")}
    try:
        plain_key, gzip_key = stack.unique_key("large.log"), stack.unique_key("large.log.gz")
        stack.s3.put_object(Bucket=stack.bucket, Key=plain_key, Body=plain)
        stack.s3.put_object(Bucket=stack.bucket, Key=gzip_key, Body=gzipped)
        outputs = {name: scan.communicate(timeout=120) for name, scan in scans.items()}
    finally:
        for scan in scans.values():
            if scan.poll() is None:
                scan.kill()
                scan.wait()
    for name, scan in scans.items():
        assert scan.returncode == 0, f"{name}: {outputs[name][1].decode(errors='replace')}"
    cli = {key: json.loads(outputs[name][0]) for key, name in ((plain_key, "large.log"), (gzip_key, "large.log.gz"))}
    return Uploaded(plain_key, gzip_key, plain, gzipped, cli)


def _extractor_records(stack, message: str, key: str) -> list[dict]:
    return [r for r in stack.log_records("extractor") if r.get("message") == message and r.get("key") == key]


def test_the_log_is_realistic(uploaded):
    """What the comparisons below rest on: a plain log over the ranged threshold, with events of every level."""
    assert len(uploaded.plain) >= SIZE and uploaded.plain[:2] != b"\x1f\x8b"
    summary = uploaded.cli[uploaded.plain_key]
    assert all(summary["counts"][level] > 1000 for level in ("FATAL", "ERROR", "WARN")), summary
    assert summary["groups"] and summary["stack_traces"] and not summary["incomplete"]
    assert summary["bytes"] == len(uploaded.plain)
    assert uploaded.cli[uploaded.gzip_key] == summary  # the CLI reads the gzip'd file to the same summary


def _as_scanned(result: dict, cli: dict) -> dict:
    """The stored result as the extractor made it: the CLI's fields, without the "new" marks storage adds."""
    scanned = {name: result[name] for name in cli}
    scanned["groups"] = [{k: v for k, v in g.items() if k != "new"} for g in result["groups"]]
    return scanned


def test_a_large_plain_object_is_scanned_in_ranges_with_the_sequential_summary(stack, uploaded, scan_threads):
    [result] = stack.wait_for_results(uploaded.plain_key, timeout=RESULT_TIMEOUT)
    cli = uploaded.cli[uploaded.plain_key]
    assert _as_scanned(result, cli) == cli
    assert result["size"] == len(uploaded.plain)
    [ranged] = _extractor_records(stack, "scanning in ranges", uploaded.plain_key)
    assert ranged["bytes"] == len(uploaded.plain) and ranged["workers"] == scan_threads


def test_a_large_gzip_object_streams_with_the_same_summary(stack, uploaded, wait_until):
    [result] = stack.wait_for_results(uploaded.gzip_key, timeout=RESULT_TIMEOUT)
    cli = uploaded.cli[uploaded.gzip_key]
    assert _as_scanned(result, cli) == cli  # `bytes`: uncompressed, in both
    assert result["size"] == len(uploaded.gzipped)
    # the extractor logs this once storage has answered: the result can be read a moment before
    wait_until(lambda: _extractor_records(stack, "summary stored", uploaded.gzip_key), 30,
               "the extractor's 'summary stored' record of the gzip'd object")
    assert _extractor_records(stack, "scanning in ranges", uploaded.gzip_key) == []
