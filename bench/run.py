"""`make bench`: the extractor against its references, each figure side by side with a ratio.

On the realistic log (bench/realistic.py: >= 10% WARN/ERROR/FATAL lines, fresh values on every line, many formats
and envelopes, stack traces, some invalid UTF-8):
  1. full analysis (the CLI) vs `LC_ALL=C grep -cE 'ERROR|FATAL|CRITICAL|Exception|Traceback'`, same file
  2. the same file gzip'd: the CLI vs `zcat f.gz | grep -cE ...`
  3. peak memory of the CLI with its worker processes, on a small and on the large file
  4. events per second: the whole scan vs drain3 mining templates from the same event lines
On the sparse log (bench/generate.py: ~1% events, a pool of pre-rendered lines): 5. the CLI vs grep.
  6. the extractor service over the embedded S3 vs a plain boto3 download of the realistic log to /dev/null
  7. the whole pipeline on the embedded stack: upload -> stored latency (idle; p50/p95 of 200 logs at once), objects/s

BENCH_MB sets the size of the generated logs (default 1024); files are cached in bench/data/.
Figures are printed, never asserted: this is a benchmark, not a test.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from generate import generate
from realistic import generate_realistic

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
EXTRACTOR = ROOT / "service-log-extractor"
GREP = "LC_ALL=C grep -cE 'ERROR|FATAL|CRITICAL|Exception|Traceback'"
CLI = [sys.executable, "-m", "app.log_parser"]


def best_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def sh(cmd: str) -> None:
    # Into a pipe, not /dev/null: GNU grep notices /dev/null and stops at the first match.
    subprocess.run(cmd, shell=True, check=True, stdout=subprocess.PIPE)


def cli(path: Path, *options: str) -> None:
    subprocess.run([*CLI, *options, str(path)], cwd=EXTRACTOR, check=True, stdout=subprocess.PIPE)


def _tree_rss_kib(root: int) -> list[int]:
    """Resident KiB of `root` and each of its descendants (the CLI's worker processes)."""
    parent = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as f:
                    parent[int(entry.name)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass  # gone meanwhile
    tree, grew = {root}, True
    while grew:
        new = {pid for pid, ppid in parent.items() if ppid in tree} - tree
        tree |= new
        grew = bool(new)
    sizes = []
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                fields = dict(line.split(":", 1) for line in f if line.endswith("kB\n"))  # skips the header line
            sizes.append((int(fields["Rss"].split()[0]), int(fields["Pss"].split()[0])))
        except (OSError, KeyError, ValueError):
            pass  # gone meanwhile
    return sizes


def peak_memory_mib(path: Path) -> tuple[float, float, float]:
    """Peaks, sampled every 20 ms, of the CLI with its worker processes: summed RSS (pages the forked workers
    share with the parent counted in each: an overstatement), summed PSS (shared pages split between the
    processes), and the RSS of the largest process."""
    proc = subprocess.Popen([*CLI, str(path)], cwd=EXTRACTOR, stdout=subprocess.DEVNULL)
    peaks = [0, 0, 0]
    while proc.poll() is None:
        sizes = _tree_rss_kib(proc.pid)
        if sizes:
            now = [sum(r for r, _ in sizes), sum(p for _, p in sizes), max(r for r, _ in sizes)]
            peaks = [max(a, b) for a, b in zip(peaks, now)]
        time.sleep(0.02)  # a sampling interval, not a wait for a condition
    if proc.returncode:
        raise RuntimeError(f"CLI failed on {path}")
    return tuple(p / 1024 for p in peaks)


def row(name: str, seconds: float, ref_name: str, ref_seconds: float, size_mib: float, goal: str) -> None:
    print(f"{name:34} {seconds:7.2f} s {size_mib / seconds:8.0f} MiB/s | {ref_name:32} {ref_seconds:7.2f} s "
          f"{size_mib / ref_seconds:8.0f} MiB/s | speed ratio {ref_seconds / seconds:5.2f}x  {goal}")


def _ensure(path: Path, make, size: int) -> None:
    if not path.exists():
        print(f"generating {path.relative_to(ROOT)} ({size} MiB) ...", flush=True)
        make(path, size)


def _gzipped(log: Path) -> Path:
    gz = log.with_suffix(".log.gz")
    if not gz.exists():
        print(f"compressing {gz.relative_to(ROOT)} ...", flush=True)
        sh(f"gzip -6 -c {log} > {gz}")
    return gz


def event_lines(log: Path) -> list[bytes]:
    """The line each event starts on (the CLI's --events), as the raw bytes a template miner would be fed."""
    out = subprocess.run([*CLI, "--events", str(log)], cwd=EXTRACTOR, check=True, stdout=subprocess.PIPE).stdout
    wanted = {int(line.split(b'"line": ', 1)[1].split(b",", 1)[0]) for line in out.splitlines()}
    lines = []
    with open(log, "rb") as f:
        for number, line in enumerate(f, 1):
            if number in wanted:
                lines.append(line.rstrip(b"\r\n"))
    return lines


def drain_events_per_second(lines: list[bytes]) -> float:
    """drain3 0.9.11 (default configuration) mining templates from the given event lines, one core."""
    import logging

    from drain3 import TemplateMiner

    logging.getLogger("drain3").setLevel(logging.ERROR)
    texts = [line.decode("utf-8", "replace") for line in lines]
    miner = TemplateMiner()
    start = time.perf_counter()
    for text in texts:
        miner.add_log_message(text)
    return len(texts) / (time.perf_counter() - start)


def main() -> int:
    megabytes = int(os.environ.get("BENCH_MB", "1024"))
    DATA.mkdir(parents=True, exist_ok=True)
    log = DATA / f"realistic-{megabytes}mb.log"      # the figures of record: >= 10% events, fresh values
    sparse = DATA / f"mixed-{megabytes}mb.log"       # the older log: ~1% events, a pool of repeated values
    small = DATA / "realistic-16mb.log"
    for path, size in ((log, megabytes), (small, 16)):
        _ensure(path, generate_realistic, size)
    _ensure(sparse, generate, megabytes)
    gz = _gzipped(log)
    size_mib = log.stat().st_size / 2**20
    print(f"input: {size_mib:.0f} MiB realistic mixed-format log ({gz.stat().st_size / 2**20:.0f} MiB gzip'd; "
          f"bench/realistic.py); best of 3 runs\n")

    cores = len(os.sched_getaffinity(0))
    grep_s = best_of(3, lambda: sh(f"{GREP} {log}"))
    cli_s = best_of(3, lambda: cli(log))
    row(f"extractor CLI, plain, {cores} cores", cli_s, "grep -cE", grep_s, size_mib, "(goal >= 0.7x)")
    row("extractor CLI, plain, 1 process", best_of(3, lambda: cli(log, "--processes", "1")), "grep -cE", grep_s,
        size_mib, "(goal >= 250 MiB/s)")
    row(f"extractor CLI, gzip, {cores} cores", best_of(3, lambda: cli(gz)), "zcat | grep -cE",
        best_of(3, lambda: sh(f"zcat {gz} | {GREP}")), size_mib, "(goal >= 3x)")
    rss_small, pss_small, _ = peak_memory_mib(small)
    rss_large, pss_large, largest = peak_memory_mib(log)
    print(f"{'peak memory of the CLI (PSS)':34} {pss_large:7.1f} MiB on {size_mib:.0f} MiB | {pss_small:7.1f} MiB on "
          f"16 MiB (1 process){'':6} | RSS summed {rss_large:.1f} MiB, largest process {largest:.1f} MiB"
          f"  (goal <= 64 MiB)")
    events = event_lines(log)
    drain_eps = drain_events_per_second(events)
    print(f"{'template mining, events/s':34} {len(events) / cli_s:9.0f} events/s: the whole scan, {cores} cores | "
          f"drain3 0.9.11 mining the same {len(events)} event lines: {drain_eps:9.0f} events/s (1 core)")

    sparse_mib = sparse.stat().st_size / 2**20
    row(f"sparse log (~1% events), {cores} cores", best_of(3, lambda: cli(sparse)), "grep -cE",
        best_of(3, lambda: sh(f"{GREP} {sparse}")), sparse_mib, "(goal: no slower than before)")

    import s3_bench  # needs the embedded AWS; kept apart so the figures above run without it
    extract_s, download_s = s3_bench.run(log)
    row("extractor over embedded S3", extract_s, "boto3 download to /dev/null", download_s, size_mib,
        "(goal <= 1.25x the download)")

    import pipeline_bench
    p = pipeline_bench.run()
    print(f"{'pipeline, one log, idle':34} {p['idle']:7.2f} s upload -> stored result")
    print(f"{f'pipeline, {pipeline_bench.OBJECTS} logs at once':34} p50 {p['p50']:.2f} s, p95 {p['p95']:.2f} s "
          f"upload -> stored | {p['per_second']:.1f} objects/s ({p['span']:.1f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
