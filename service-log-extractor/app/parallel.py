"""Scans one log on several cores, with exactly the summary of app.log_parser.summarize.

The log is cut into chunks of whole lines (CHUNK_BYTES). Worker processes scan each chunk from a closed state
(log_parser.scan_chunk); the parent stitches the results in file order (log_parser.Stitcher). Where an event
is open across a chunk boundary (a few % of chunks), the parent re-feeds the chunk's lines up to its first
resync line (a line whose effect does not depend on the state before it) with the true state; from there on
the worker's result is exact.

Two ways to feed the workers:
  summarize_file     an uncompressed regular file: each worker reads its own byte range (nothing is copied
                     through the parent);
  summarize_stream   any stream (gzip, zstd, stdin, an S3 body): the parent reads and decompresses, and hands
                     the chunks over, at most two per worker in flight (memory stays bounded).
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from typing import Callable

from .decompress import GZIP_MAGIC, ZSTD_MAGIC
from .log_parser import MAX_LINE_BYTES, ChunkResult, Stitcher, _Regions, scan_chunk

CHUNK_BYTES = 8 << 20
PARALLEL_MIN_BYTES = 32 << 20   # below this, starting workers costs more than it saves
_BOM = b"\xef\xbb\xbf"


def usable_cores() -> int:
    return len(os.sched_getaffinity(0))


def _pool(processes: int):
    # fork is cheap (~20 ms) and inherits the compiled Hyperscan database, but unsafe once threads run (a
    # gunicorn worker): then a fork server, started from a fresh interpreter, makes the workers.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    return multiprocessing.get_context(method).Pool(processes)


def is_compressed(path: str) -> bool:
    with open(path, "rb") as f:
        head = f.read(len(ZSTD_MAGIC))
    return head.startswith(GZIP_MAGIC) or head == ZSTD_MAGIC


def read_lines_in_range(path: str, start: int, end: int) -> tuple[bytearray, int, int]:
    """The lines of the file that start in [start, end), as `buf[lo:hi]` (hi just past a newline), cut like
    log_parser._Regions cuts them: a line longer than MAX_LINE_BYTES ends there, a last line gets a newline."""
    before = 1 if start else 0        # one byte before the range tells whether `start` begins a line
    want = before + (end - start) + MAX_LINE_BYTES + 1
    buf = bytearray(want + 1)         # + room for a final newline
    view = memoryview(buf)
    n = 0
    with open(path, "rb", buffering=0) as f:
        f.seek(start - before)
        while n < want:
            got = f.readinto(view[n:want])
            if not got:
                break
            n += got
    eof = n < want
    e = before + (end - start)        # index of `end` in buf
    if not before:
        lo = 3 if buf.startswith(_BOM) else 0
    elif buf[0] == 10:
        lo = 1
    else:
        nl = buf.find(b"\n", 1, n)    # the line running into the range belongs to an earlier one
        if nl < 0:
            return buf, 0, 0
        lo = nl + 1
    if lo >= min(e, n):
        return buf, 0, 0
    if buf[e - 1] == 10:
        return buf, lo, e
    nl = buf.find(b"\n", e, n)
    if nl >= 0:
        return buf, lo, nl + 1
    last_start = buf.rfind(b"\n", lo, e) + 1 or lo
    if eof:                           # the file's last line has no newline
        buf[n] = 10
        return buf, lo, n + 1
    buf[last_start + MAX_LINE_BYTES] = 10  # a line longer than the window: cut as _Regions does
    return buf, lo, last_start + MAX_LINE_BYTES + 1


def _scan_file_range(task: tuple[str, int, int]) -> ChunkResult:
    buf, lo, hi = read_lines_in_range(*task)
    return scan_chunk(buf, lo, hi)


def _scan_bytes(data: bytes) -> ChunkResult:
    return scan_chunk(data, 0, len(data))


def summarize_file(path: str, *, processes: int, on_event: Callable[[dict], None] | None = None,
                   max_groups: int = 50, chunk_bytes: int = CHUNK_BYTES) -> dict:
    """An uncompressed regular file, split into byte ranges that the workers read themselves."""
    size = os.path.getsize(path)
    ranges = [(path, s, min(s + chunk_bytes, size)) for s in range(0, size, chunk_bytes)]
    stitcher = Stitcher(on_event)
    with _pool(processes) as pool:
        for chunk in pool.imap(_scan_file_range, ranges):
            stitcher.add(chunk)
    return stitcher.summary(size, None, max_groups)


def summarize_stream(stream, *, processes: int, on_event: Callable[[dict], None] | None = None,
                     max_groups: int = 50, chunk_bytes: int = CHUNK_BYTES) -> dict:
    """Any log stream (plain, gzip or zstd); the parent reads it and hands chunks to the workers."""
    stitcher = Stitcher(on_event)
    regions = _Regions(stream, chunk_bytes)
    pending: deque = deque()
    with _pool(processes) as pool:
        for lo, hi in regions:
            if len(pending) >= 2 * processes:
                stitcher.add(pending.popleft().get())
            pending.append(pool.apply_async(_scan_bytes, (bytes(regions.buf[lo:hi]),)))
        while pending:
            stitcher.add(pending.popleft().get())
    return stitcher.summary(regions.total_bytes, regions.error, max_groups)
