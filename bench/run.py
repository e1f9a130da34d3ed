"""`make bench`: the extractor against its references, each figure side by side with a ratio.

  1. full analysis (the CLI) vs `LC_ALL=C grep -cE 'ERROR|FATAL|CRITICAL|Exception|Traceback'`, same file
  2. the same file gzip'd: the CLI vs `zcat f.gz | grep -cE ...`
  3. peak RSS of the CLI on a small and on the large file (memory must not grow with size)
  4. the extractor service over the embedded S3 vs a plain boto3 download of the object to /dev/null

BENCH_MB sets the size of the generated log (default 1024); files are cached in bench/data/.
Figures are printed, never asserted: this is a benchmark, not a test.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from generate import generate

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


def cli(path: Path) -> None:
    subprocess.run([*CLI, str(path)], cwd=EXTRACTOR, check=True, stdout=subprocess.PIPE)


def peak_rss_mib(path: Path) -> float:
    proc = subprocess.Popen([*CLI, str(path)], cwd=EXTRACTOR, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise RuntimeError(f"CLI failed on {path}")
    return usage.ru_maxrss / 1024


def row(name: str, seconds: float, ref_name: str, ref_seconds: float, size_mib: float, goal: str) -> None:
    print(f"{name:34} {seconds:7.2f} s {size_mib / seconds:8.0f} MiB/s | {ref_name:32} {ref_seconds:7.2f} s "
          f"{size_mib / ref_seconds:8.0f} MiB/s | speed ratio {ref_seconds / seconds:5.2f}x  {goal}")


def main() -> int:
    megabytes = int(os.environ.get("BENCH_MB", "1024"))
    DATA.mkdir(parents=True, exist_ok=True)
    log = DATA / f"mixed-{megabytes}mb.log"
    small = DATA / "mixed-16mb.log"
    for path, size in ((log, megabytes), (small, 16)):
        if not path.exists():
            print(f"generating {path.relative_to(ROOT)} ({size} MiB) ...", flush=True)
            generate(path, size)
    gz = log.with_suffix(".log.gz")
    if not gz.exists():
        print(f"compressing {gz.relative_to(ROOT)} ...", flush=True)
        sh(f"gzip -6 -c {log} > {gz}")
    size_mib = log.stat().st_size / 2**20
    print(f"input: {size_mib:.0f} MiB mixed-format log ({gz.stat().st_size / 2**20:.0f} MiB gzip'd); best of 2 runs\n")

    row("extractor CLI, plain", best_of(2, lambda: cli(log)), "grep -cE", best_of(2, lambda: sh(f"{GREP} {log}")),
        size_mib, "(goal >= 0.5x)")
    row("extractor CLI, gzip", best_of(2, lambda: cli(gz)), "zcat | grep -cE",
        best_of(2, lambda: sh(f"zcat {gz} | {GREP}")), size_mib, "(goal >= 3x)")
    rss_small, rss_large = peak_rss_mib(small), peak_rss_mib(log)
    print(f"{'peak RSS of the CLI':34} {rss_large:7.1f} MiB on {size_mib:.0f} MiB | {rss_small:7.1f} MiB on 16 MiB"
          f"{'':22} | growth {rss_large - rss_small:+.1f} MiB  (goal <= 64 MiB, no growth)")

    import s3_bench  # needs the embedded AWS; kept apart so the figures above run without it
    extract_s, download_s = s3_bench.run(log)
    row("extractor over embedded S3", extract_s, "boto3 download to /dev/null", download_s, size_mib, "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
