"""Scans one log on several cores, with exactly the summary of app.log_parser.summarize.

The log is cut into chunks of whole lines. Worker processes scan each chunk from a closed state (scan_chunk,
scan_share); the parent stitches the results in file order (Stitcher). Where an event is open across a chunk
boundary (a few % of chunks), or the process of the syslog line before the chunk would end an event the chunk
opens, the parent re-feeds the chunk's lines up to its resync line (a line whose effect does not depend on the state
before it, see ChunkResult) with the true state; from there on the worker's result is exact.
A worker sends its chunk's events summed per group (app.scan.GroupSums), so that the parent's work grows with the
groups of a chunk, not its events; one by one as well only when the caller takes each event (``on_event``).

Two ways to feed the workers:
  summarize_shares   an uncompressed S3 object (S3Ranges) or file (FileRanges; summarize_file): large shares, each
                     streamed by its worker from one read (one ranged GET: each GET has a first-byte latency) in
                     regions of SHARE_READ_BYTES and scanned as one chunk; only the shares' edges are stitched, and
                     nothing is copied through the parent. An S3 object is cut into one share a core, the first
                     scanned by the parent from the GET that opened the object; a file into FILE_SHARES_PER_CORE a
                     core, which balances the cores where one part of the log is denser;
  summarize_stream   any stream (gzip, zstd, stdin, an S3 body): the parent reads and decompresses, and hands
                     chunks of CHUNK_BYTES over through shared memory (ChunkRing), at most two per worker in flight
                     (memory stays bounded).

Workers are processes: the scan is Python and holds the GIL.
"""
from __future__ import annotations

import contextlib
import gc
import itertools
import mmap
import os
import threading
import time
from collections import deque
from datetime import datetime
from functools import partial
from typing import Callable

from .candidates import default_finder
from .decompress import GZIP_MAGIC, ZSTD_MAGIC
from .scan import SUMS_MAX_GROUPS, GroupSums, LineScanner, Totals, new_chunk_sink, new_feeder
from .text import MAX_LINE_BYTES, READ_SIZE, UTF8_BOM, Regions, line_text, utf16_encoding

CHUNK_BYTES = 4 << 20   # a stream's chunk: 4 MiB kept CLI + 2 workers at ~75 MiB PSS on a gzip'd log, at no measured cost
PARALLEL_MIN_BYTES = 32 << 20   # below this, starting workers costs more than it saves
# A log read once from the start (summarize_stream: compressed, UTF-16, a pipe) has no size to go by before it ends
# (and a compressed file holds 3-20x its size of log): the parent scans its first STREAM_SOLO_BYTES of log itself and
# starts the workers only if more follows (UTF-16: 16 MiB of its bytes). Measured on 2 cores, gzip'd realistic logs,
# one process against two with 16 MiB scanned alone: 19 MB 0.32-0.34 s against 0.37-0.42 s (the pool's cost, and a
# last chunk the parent waits for), 29 MB 0.44-0.50 s against 0.45-0.49 s, 57 MB 0.74-0.80 -> 0.65-0.76 s, 95 MB
# 1.20-1.24 -> 0.93-1.03 s. With 8 MiB alone, a log of 12 MB took ~0.07 s more than on one process.
STREAM_SOLO_BYTES = 16 << 20
RESYNC_SEARCH_LINES = 256
RESYNC_SEARCH_MAX_LINES = 16 * RESYNC_SEARCH_LINES   # searched only when none of the first lines will do
SHARE_READ_BYTES = 1 << 19   # a share is scanned in regions of this many bytes (a worker holds about two)
SHARE_MIN_BYTES = 32 << 20   # a smaller share costs more (a worker, a GET, an edge to stitch) than it saves
# A file's shares a core: more than one, so that a core done early takes another share where part of the log is
# denser; few, as each share's groups are stitched by the parent (4 MiB chunks, one task each, had the parent
# stitching ~440 groups 128 times for 512 MiB: ~1 s of its CPU, on a core the workers needed). A file's read costs
# no request, so its shares may be smaller than an S3 object's: a 40 MiB file in 32 + 8 MiB left one core idle.
FILE_SHARES_PER_CORE = 4
FILE_SHARE_MIN_BYTES = 8 << 20
# With each event listed (the CLI's --events) a worker holds its share's event list until it is stitched: bounded.
FILE_EVENTS_SHARE_MAX_BYTES = 16 << 20
# A chunk or share whose events fall into more groups than this is not summed by its worker: the parent scans it
# itself, into its bounded group table (app.grouping). Sums cost ~1 KiB a group; where nearly every line is a group
# of its own (free text that no mask generalises), a 16 MiB share held ~420 MiB of them in its worker and more in
# the parent. A realistic log has a few thousand groups in 512 MiB. Checked every FEED_PIECE_BYTES of a chunk.
CHUNK_MAX_GROUPS = 16384
FEED_PIECE_BYTES = 512 << 10


def usable_cores() -> int:
    """The cores this process may use: its CPU affinity, bounded by a cgroup v2 CPU quota (a container's CPU
    limit: `cpu.max` "quota period", rounded up) where one is set."""
    cores = len(os.sched_getaffinity(0))
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, -(-int(quota) // int(period))))
    except (OSError, ValueError):
        pass  # no cgroup v2 or no limit: the affinity alone
    return cores


class WorkerLost(RuntimeError):
    """A scan worker process ended without answering (killed: an OOM kill, a signal). The scan is abandoned, its
    other workers stopped; nothing was summarised. The service answers 503 (retried later), the CLI exits 2."""


@contextlib.contextmanager
def _lost_as_worker_lost():
    from concurrent.futures.process import BrokenProcessPool

    try:
        yield
    except BrokenProcessPool as exc:
        raise WorkerLost(f"a scan worker process ended without answering ({exc})") from exc


class _Workers:
    """A pool of scan worker processes (concurrent.futures.ProcessPoolExecutor): results in submission order, and
    a worker that dies mid-task raises WorkerLost in the parent instead of leaving it waiting for an answer that
    never comes (multiprocessing.Pool, used before, replaces the dead worker and loses its task). Leaving the block
    before every task is done (an early return, an error) kills the workers instead of waiting for them.

    Two places need the executor's internals (Python 3.11; 3.14 adds terminate_workers()): its processes, to kill
    them, and its end of the result pipe. A worker killed while it sends a result (a pickled chunk result is larger
    than the pipe's 64 KiB buffer) leaves the executor's thread waiting in recv() for the rest of the message, for
    ever: the pipe never ends while this process holds its own copy of the writing end. Once every worker is dead,
    closing that copy gives the thread an end of file, and the pool is then broken as with any other death."""

    POLL_SECONDS = 1.0   # how often a wait for a result looks for a dead worker (see result)
    TICK_SECONDS = 0.2   # how often it calls ``on_wait`` (a progress bar's refresh)

    def __init__(self, processes: int, on_wait: Callable[[], object] | None = None, ring: ChunkRing | None = None):
        """``on_wait``: called about every TICK_SECONDS while the parent waits for a result; ``reads`` then counts
        the bytes of their shares the workers have read (_note_read). ``ring``: the shared memory the workers read
        a stream's chunks from (_scan_slot)."""
        # fork is cheap (~20 ms) and shares the parent's loaded modules, but unsafe once threads run (a gunicorn
        # worker): then a fork server, started from a fresh interpreter, makes the workers. It was started with the
        # environment of its first use: the workers get the AWS settings of now (S3Ranges reads with them).
        import multiprocessing  # loaded on use: a sequential scan (the service, small files) never needs it
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if threading.active_count() == 1 else "forkserver"
        context = multiprocessing.get_context(method)
        if method != "fork":
            # The fork server loads the workers' modules once (boto3 alone takes ~0.3 s), so that the workers of
            # later scans start with them loaded. (Read when the server starts: at the process's first pool.)
            context.set_forkserver_preload(["app.parallel", "boto3"])
        aws_env = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
        self._on_wait = on_wait
        self.reads = context.Value("q", 0) if on_wait is not None else None
        # Frozen objects are left alone by the workers' garbage collector, so the pages holding them stay shared
        # with the parent instead of being copied into each worker (CPython's advice for forking servers). The
        # executor forks its workers at the first submit: frozen until then.
        self._frozen = method == "fork"
        if self._frozen:
            gc.freeze()
        try:
            self._executor = ProcessPoolExecutor(processes, mp_context=context, initializer=_worker_env,
                                                 initargs=(aws_env, self.reads, ring))
        except BaseException:
            self._unfreeze()
            raise
        self._running: set = set()   # futures not done yet (a done future leaves it: its result is not held here)

    def _unfreeze(self) -> None:
        if self._frozen:
            self._frozen = False
            gc.unfreeze()

    def submit(self, fn, *args):
        """A future of ``fn(*args)`` run in a worker; WorkerLost once a worker has died."""
        try:
            with _lost_as_worker_lost():
                future = self._executor.submit(fn, *args)
        finally:
            self._unfreeze()   # (the workers are forked now)
        self._running.add(future)
        future.add_done_callback(self._running.discard)
        return future

    def result(self, future):
        """The future's result; a worker's exception is raised as is, a dead worker as WorkerLost. While it waits it
        looks for a dead worker every POLL_SECONDS (one that died sending a result would leave the wait hanging),
        and calls ``on_wait`` every TICK_SECONDS."""
        tick = self.POLL_SECONDS if self._on_wait is None else self.TICK_SECONDS
        waited = 0.0
        while True:
            with _lost_as_worker_lost():
                try:
                    return future.result(timeout=tick)
                except TimeoutError:
                    pass
            if self._on_wait is not None:
                self._on_wait()
            waited += tick
            if waited >= self.POLL_SECONDS:
                waited = 0.0
                if any(p.exitcode is not None for p in self._processes()):   # (workers end only at shutdown)
                    self._kill()   # the executor's thread then fails the futures: WorkerLost on the next turn

    def map(self, fn, items):
        """``fn(item)`` for each item, run in the workers, yielded in order."""
        pending = deque(self.submit(fn, item) for item in items)   # all submitted now: the workers start

        def results():
            while pending:   # (popped: a result is not held once it is taken)
                yield self.result(pending.popleft())
        return results()

    def __enter__(self) -> "_Workers":
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            if all(f.done() for f in list(self._running)):
                self._executor.shutdown(wait=True)
            else:
                self._kill()
                self._executor.shutdown(wait=True, cancel_futures=True)
        finally:
            self._unfreeze()

    def _processes(self) -> list:
        return list((getattr(self._executor, "_processes", None) or {}).values())

    def _kill(self) -> None:
        """Kills the workers and waits for them to end, then closes this process's end of the result pipe (see the
        class). The executor's own thread reaps them (reaping them here too races it: a process reaped by the
        other thread stays "alive" in multiprocessing's books)."""
        import multiprocessing.connection

        processes = self._processes()
        for process in processes:
            process.terminate()
        multiprocessing.connection.wait([process.sentinel for process in processes])
        queue = getattr(self._executor, "_result_queue", None)
        if queue is not None:
            queue._writer.close()


_share_reads = None   # in a worker: _Workers.reads, where the parent shows progress (a multiprocessing Value)
_chunk_ring: ChunkRing | None = None   # in a worker: the ring of its pool's stream (summarize_stream), if any


def _worker_env(aws_env: dict, reads=None, ring: ChunkRing | None = None) -> None:
    global _share_reads, _chunk_ring
    for key in [k for k in os.environ if k.startswith("AWS_") and k not in aws_env]:
        del os.environ[key]
    os.environ.update(aws_env)
    _share_reads, _chunk_ring = reads, ring


def _note_read(n: int) -> None:
    """Adds ``n`` bytes read of a share to the parent's count, where it keeps one (_Workers.reads)."""
    if _share_reads is not None and n > 0:
        with _share_reads.get_lock():
            _share_reads.value += n


HEAD_BYTES = len(ZSTD_MAGIC)   # what head_is_plain needs of a log's first bytes


def head_is_plain(head: bytes) -> bool:
    """True when a log starting with ``head`` (its first HEAD_BYTES) can be read in byte ranges apart: not
    compressed and not UTF-16 (decoding and decompression run from the start). NUL and ESC bytes, which app.text
    removes before lines are cut, are removed by each worker from its own share (see ShareReader)."""
    return not (head.startswith(GZIP_MAGIC) or head == ZSTD_MAGIC or utf16_encoding(head))


def ranges_are_independent(path: str) -> bool:
    """head_is_plain for a file."""
    with open(path, "rb") as f:
        return head_is_plain(f.read(HEAD_BYTES))


class FileRanges:
    """Byte ranges of a regular file (picklable: a worker opens the file itself)."""

    def __init__(self, path: str):
        self.path = path

    def open_range(self, offset: int, length: int):
        """A reader (``read(n)``, ``close()``) of up to ``length`` bytes from ``offset``; fewer only at the end."""
        f = open(self.path, "rb")
        f.seek(offset)
        return _Bounded(f, length)


class _Bounded:
    """The first ``length`` bytes of a file object."""

    def __init__(self, f, length: int):
        self._f, self._left = f, length

    def read(self, size: int) -> bytes:
        data = self._f.read(min(size, self._left)) if self._left > 0 else b""
        self._left -= len(data)
        return data

    def close(self) -> None:
        if self._f is not None:
            self._f.close()


class RangeReadError(OSError):
    """A ranged read failed in a worker (S3 error, object changed): the scan is retried as a whole later. A plain
    OSError with a message, so that it crosses the process boundary intact."""


_worker_s3: dict = {}   # per process: one S3 client per client configuration
_worker_s3_lock = threading.Lock()   # (the service process reads shares again from its request threads)


class S3Ranges:
    """Byte ranges of one S3 object version, each streamed from its own ranged GET (picklable: a worker makes its
    own client, with the endpoint and region of the parent's). The version id, or else If-Match on the ETag, pins
    every range to the object the scan started on: an object overwritten meanwhile fails the read (412) instead
    of mixing two versions in one summary."""

    def __init__(self, bucket: str, key: str, *, version_id: str | None, etag: str | None, endpoint_url: str | None,
                 region: str | None, connect_timeout: float, read_timeout: float):
        self.bucket, self.key, self.version_id, self.etag = bucket, key, version_id, etag
        self.client_config = (endpoint_url, region, connect_timeout, read_timeout)

    def _client(self):
        with _worker_s3_lock:
            return _worker_s3.get(self.client_config) or self._new_client()

    def _new_client(self):
        import boto3  # loaded on use, in the worker
        from botocore.config import Config

        endpoint_url, region, connect_timeout, read_timeout = self.client_config
        # (a session of its own: boto3's default session is not safe to make clients from in several threads)
        client = _worker_s3[self.client_config] = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region, config=Config(
                connect_timeout=connect_timeout, read_timeout=read_timeout,
                retries={"mode": "standard", "max_attempts": 3}))
        return client

    def _get(self, offset: int, length: int):
        """The body of one ranged GET of ``length`` bytes at ``offset`` (fewer at the end of the object), None when
        the offset is at or past the end. Raises RangeReadError."""
        from botocore.exceptions import BotoCoreError, ClientError

        kwargs = {"Bucket": self.bucket, "Key": self.key, "Range": f"bytes={offset}-{offset + length - 1}"}
        if self.version_id:
            kwargs["VersionId"] = self.version_id
        elif self.etag:
            kwargs["IfMatch"] = f'"{self.etag}"'
        try:
            return self._client().get_object(**kwargs)["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "InvalidRange":  # offset at or past the end
                return None
            raise RangeReadError(f"ranged GET of s3://{self.bucket}/{self.key} at {offset}: {exc}") from None
        except BotoCoreError as exc:
            raise RangeReadError(f"ranged GET of s3://{self.bucket}/{self.key} at {offset}: {exc}") from None

    def open_range(self, offset: int, length: int):
        """A reader (``read(n)``, ``close()``) of up to ``length`` bytes from ``offset``, streamed from one ranged
        GET; fewer only at the end of the object. A failed read raises RangeReadError."""
        body = self._get(offset, length)
        return _S3Body(body, self, offset) if body is not None else _Bounded(None, 0)


class _S3Body:
    """A ranged GET's body; a failure while it streams is a RangeReadError (it crosses the process boundary)."""

    def __init__(self, body, source: S3Ranges, offset: int):
        self._body, self._where = body, f"s3://{source.bucket}/{source.key} at {offset}"

    def read(self, size: int) -> bytes:
        from botocore.exceptions import BotoCoreError

        try:
            return self._body.read(size)
        except BotoCoreError as exc:
            raise RangeReadError(f"ranged GET of {self._where}: {exc}") from None

    def close(self) -> None:
        self._body.close()


class ShareReader:
    """The bytes of the lines of ``source`` (FileRanges, S3Ranges) that start in [start, end), streamed from one
    read (``source.open_range``: one ranged GET), for a Regions(plain=True) to cut as app.text cuts the whole log:
    it begins at the first line that starts at or after ``start`` (a UTF-8 byte order mark at offset 0 dropped) and
    ends with the newline of the line that runs across ``end``. That line is read at most to MAX_LINE_BYTES past
    ``end``, where Regions cuts it anyway; ``unscannable`` tells when the cut could differ from the stream's, which
    cuts after removing NUL and ESC bytes: the last line was cut and holds one (the caller then scans the log as a
    stream). ``raw``: read from this stream, at offset ``start`` - 1 (or 0), instead."""

    def __init__(self, source, start: int, end: int, raw=None):
        # The byte before `start` tells whether a line starts there; near offset 0, a byte order mark may too.
        origin = 0 if start <= len(UTF8_BOM) else start - 1
        self._window_end = end + MAX_LINE_BYTES + 1
        self._raw = raw if raw is not None else source.open_range(origin, self._window_end - origin)
        self._pos = origin            # offset of the next byte from the source
        self._start, self._end = start, end
        self._phase = "bom" if origin == 0 else "align"   # then "body" (up to end), "tail" (the line across end)
        self._controls = False        # a NUL or ESC byte since the last newline handed on
        self._head = b""              # the first bytes, while a byte order mark may still be arriving
        self._over = b""              # bytes to hand on before reading more
        self.unscannable = False

    @property
    def reached(self) -> int:
        """The offset of the next byte the source would give (at least ``start``)."""
        return max(self._pos, self._start)

    def close(self) -> None:
        self._raw.close()

    def readinto(self, view) -> int:
        data = self.read(len(view))
        view[:len(data)] = data
        return len(data)

    def read(self, size: int) -> bytes:
        if self._over:   # (what a read gave past the size asked for: the byte order mark's wait can)
            data, self._over = self._over[:size], self._over[size:]
            return data
        while self._phase != "done":
            got = self._raw.read(min(size, self._window_end - self._pos)) if self._pos < self._window_end else b""
            data, at = got, self._pos
            self._pos += len(got)
            if self._phase == "bom":   # (offset 0)
                self._head += got
                if got and len(self._head) < len(UTF8_BOM):
                    continue            # a byte order mark may still be arriving
                data, at, self._head = self._head, 0, b""
                if data.startswith(UTF8_BOM):
                    data, at = data[len(UTF8_BOM):], len(UTF8_BOM)
                self._phase = "body" if at >= self._start else "align"   # (the first line starts at `at`)
                if self._phase == "body" and at >= self._end:
                    self._phase = "done"    # no line starts in the share
                    return b""
                if got and not data:
                    continue
            if not data:    # the source's or the window's end
                self.unscannable = self._phase == "tail" and self._pos >= self._window_end and self._controls
                self._phase = "done"
                return b""
            if self._phase == "align":   # the first line start at or after `start` follows a newline
                nl = data.find(b"\n", max(0, self._start - 1 - at))
                if nl < 0:
                    continue            # still in the line that started before `start`
                at += nl + 1
                if at >= self._end:     # no line starts in the share
                    self._phase = "done"
                    return b""
                data, self._phase = data[nl + 1:], "body"
            if self._phase == "body" and at + len(data) >= self._end:
                head = self._end - at   # data[:head] (never empty) is the rest of the share; a line runs
                if data[head - 1] == 10:    # across `end` unless it ends there
                    data, self._phase = data[:head], "done"
                else:
                    self._phase = "tail"
                    nl = data.find(b"\n", head)
                    if nl >= 0:
                        data, self._phase = data[:nl + 1], "done"
            elif self._phase == "tail":
                nl = data.find(b"\n")
                if nl >= 0:
                    data, self._phase = data[:nl + 1], "done"
            if data:
                self._note(data)
                if len(data) > size:
                    data, self._over = data[:size], data[size:]
                return data
        return b""

    def _note(self, data: bytes) -> None:
        nl = data.rfind(b"\n")
        rest = data[nl + 1:] if nl >= 0 else data
        self._controls = (self._controls and nl < 0) or b"\0" in rest or b"\x1b" in rest


class ChunkRing:
    """Shared memory through which summarize_stream hands its chunks to the workers: ``slots`` slots of
    ``slot_bytes`` each, in one file that the parent and its workers map. Pickling a 4 MiB chunk through the pool's
    pipe copied it five times (bytes, pickle, the pipe's two ends, unpickling) and made the workers fault in fresh
    pages for each chunk: a third of the parent's CPU on a gzip'd log and ~0.9 s of the workers' system time per
    512 MiB. The file is a memfd (memory that no path names, and that a container's /dev/shm size, 64 MiB by
    default, does not bound), or a deleted temporary file where there is none (where memfd_create is refused; the
    chart's RuntimeDefault seccomp profile allows it, and its /tmp is a 64 MiB emptyDir that several such rings of
    2 x processes x CHUNK_BYTES could fill); only the pages written take memory.

    A forked worker inherits the mapping; a fork server's worker gets the file descriptor along with its start
    (pickled as multiprocessing's own shared heap is: reduction.DupFd) and maps it again."""

    def __init__(self, slots: int, slot_bytes: int, fd: int | None = None):
        """``fd``: the file to map (a fork server's worker's copy, which the ring then owns); None: a new one."""
        self.slots, self.slot_bytes = slots, slot_bytes
        self.fd = _memory_file(slots * slot_bytes) if fd is None else fd
        try:
            self.map = mmap.mmap(self.fd, slots * slot_bytes)
        except BaseException:   # (ENOMEM under an address-space limit): the file is not left open
            os.close(self.fd)
            raise

    def __reduce__(self):
        from multiprocessing import reduction

        return _attach_ring, (reduction.DupFd(self.fd), self.slots, self.slot_bytes)

    def put(self, slot: int, data) -> None:
        """Writes ``data`` (a bytes-like of at most slot_bytes) at the start of ``slot``."""
        start = slot * self.slot_bytes
        memoryview(self.map)[start:start + len(data)] = data

    def close(self) -> None:
        try:
            self.map.close()
        finally:
            os.close(self.fd)


def _memory_file(size: int) -> int:
    """A file descriptor of ``size`` bytes of zeros that no path names (ChunkRing)."""
    try:
        fd = os.memfd_create("log-chunks", os.MFD_CLOEXEC)
    except (AttributeError, OSError):   # not Linux, or refused (a seccomp profile): a temporary file, deleted
        import tempfile   # (loaded on use: ~7 ms of the CLI's start)

        with tempfile.TemporaryFile() as f:
            fd = os.dup(f.fileno())
    try:
        os.ftruncate(fd, size)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _attach_ring(fd, slots: int, slot_bytes: int) -> ChunkRing:
    return ChunkRing(slots, slot_bytes, fd.detach())


def _scan_slot(slot: int, length: int, keep_events: bool) -> ChunkResult:
    """Scans the chunk in ``slot`` of the pool's ring (its first ``length`` bytes) where it lies: the parent reuses
    the slot only once this result is stitched."""
    start = slot * _chunk_ring.slot_bytes
    return scan_chunk(_chunk_ring.map, start, start + length, keep_events=keep_events, whole=False)


def summarize_shares(source, size: int, *, processes: int, on_event: Callable[[dict], None] | None = None,
                     max_groups: int = 50, share_bytes: int | None = None, read_bytes: int = SHARE_READ_BYTES,
                     stop: Callable[[int], str | None] | None = None, deadline: float | None = None,
                     error: str | None = None, reference_time: datetime | None = None, first=None,
                     progress: Callable[[int], object] | None = None) -> dict | None:
    """An uncompressed log of ``size`` bytes read from ``source`` in large byte ranges, with one read each: the log is
    cut into ``processes`` shares of SHARE_MIN_BYTES or more (``share_bytes`` each, where given: summarize_file's,
    and tests cut many), and each worker streams its share from one read of
    ``source`` (one ranged GET of an S3 object, where each GET has a first-byte latency and the embedded S3 copies
    the whole object for each one) and scans it in regions of ``read_bytes``, holding only those. A worker's share
    needs no stitching inside: only the shares' boundaries are stitched, as chunks are.

    ``deadline`` (time.monotonic()): the workers start no read after it, and the summary covers what was read by
    then, ``incomplete`` with the reason ``stop`` gives for the offset reached; ``stop`` is also asked after each
    share (a size or time limit). ``error`` marks a summary that covers ``size`` bytes of a longer log. Returns None
    when a share cannot be scanned apart (ShareReader.unscannable): nothing was handed to ``on_event`` then, and
    the caller scans the log as a stream. A failed read (OSError, RangeReadError) is raised. ``progress`` is called
    with the bytes the workers have read since its last call, while the parent waits for them (and with the rest
    once all is stitched); ``reference_time``: the year of timestamps without one
    (app.scan.Totals).

    ``first``: a stream of the log from its start (the body the caller opened to sniff it). The parent then scans
    the first share from it while processes - 1 workers scan the others: one read and one worker less."""
    if share_bytes is None:   # one share a core, none smaller than SHARE_MIN_BYTES (a many-core pod)
        processes = max(1, min(processes, size // SHARE_MIN_BYTES))
        share_bytes = max(1, -(-size // processes))
    shares = [(source, s, min(s + share_bytes, size), read_bytes) for s in range(0, size, share_bytes)]
    stitcher = Stitcher(on_event, reference_time=reference_time, reread_stop=_deadline_stop(deadline))
    scan = partial(scan_share, keep_events=on_event is not None, deadline=deadline)
    rest, workers = (shares[1:], processes - 1) if first is not None else (shares, processes)
    shown = 0   # the bytes shown by ``progress``: those the workers have read (their count is polled while waiting)

    def show_reads() -> None:
        nonlocal shown
        done = pool.reads.value   # (read once: the workers go on adding to it)
        if done > shown:
            progress(done - shown)
            shown = done

    pool = _Workers(min(workers, len(rest)), on_wait=show_reads if progress is not None else None) \
        if rest and workers > 0 else None
    with pool or contextlib.nullcontext():
        results = pool.map(scan, rest) if pool is not None else map(scan, rest)
        if first is not None and shares:   # (the workers start on the rest meanwhile)
            results = itertools.chain([scan(shares[0], raw=first)], results)
        for chunk, (_source, start, end, _read) in zip(results, shares):
            if chunk is None:
                return None
            try:
                if chunk.stopped_at is not None:   # (a share to be read again, past the deadline, is left out)
                    raise _Stopped(chunk.stopped_at if stitcher.add(chunk, read_again=False) else start)
                stitcher.add(chunk)
            except _Stopped as stopped:
                why = stop(stopped.reached) if stop is not None else None
                return stitcher.summary(stopped.reached, why or "time limit reached", max_groups)
            why = stop(end) if stop is not None and end < size else None
            if why is not None:
                return stitcher.summary(end, why, max_groups)
    if progress is not None and size > shown:   # (the rest: what was read by then, and any share the parent read)
        progress(size - shown)
    return stitcher.summary(size, error, max_groups)


def summarize_file(path: str, *, processes: int, on_event: Callable[[dict], None] | None = None,
                   max_groups: int = 50, share_bytes: int | None = None,
                   progress: Callable[[int], object] | None = None,
                   reference_time: datetime | None = None) -> dict:
    """An uncompressed regular file, cut into equal shares (``share_bytes`` each, where given) that the workers read
    themselves (summarize_shares; ``progress``, ``reference_time``: see there): FILE_SHARES_PER_CORE a core, fewer
    where they would be under FILE_SHARE_MIN_BYTES but one a core at least, and with ``on_event`` none over
    FILE_EVENTS_SHARE_MAX_BYTES. A file whose shares cannot be scanned apart (ShareReader.unscannable, rare) is read
    once as a stream."""
    size = os.path.getsize(path)
    if share_bytes is None:
        processes = max(1, processes)
        shares = max(processes, min(FILE_SHARES_PER_CORE * processes, size // FILE_SHARE_MIN_BYTES))
        if on_event is not None:
            shares = max(shares, -(-size // FILE_EVENTS_SHARE_MAX_BYTES))
        share_bytes = max(1, -(-size // shares))
    summary = summarize_shares(FileRanges(path), size, processes=processes, on_event=on_event, max_groups=max_groups,
                               share_bytes=share_bytes, progress=progress, reference_time=reference_time)
    if summary is not None:
        return summary
    with open(path, "rb") as f:  # nothing was handed to on_event yet: nothing is reported twice
        return summarize_stream(f, processes=processes, on_event=on_event, max_groups=max_groups,
                                reference_time=reference_time)


def summarize_stream(stream, *, processes: int, on_event: Callable[[dict], None] | None = None,
                     max_groups: int = 50, chunk_bytes: int | None = None,
                     stop: Callable[[int], str | None] | None = None,
                     reference_time: datetime | None = None, solo_bytes: int = 0) -> dict:
    """Any log stream (plain, gzip or zstd); the parent reads it and hands chunks to the workers. ``stop``: as
    app.log_parser.summarize's, asked before each chunk is read (``reference_time``: see summarize_shares).
    ``solo_bytes``: the parent scans the log itself until it has read this many bytes of it (uncompressed), reading as
    app.log_parser.summarize does, and starts the workers only if more follows (callers pass STREAM_SOLO_BYTES
    where the log's length is not known; 0: workers from the first chunk on)."""
    stitcher = Stitcher(on_event, reference_time=reference_time)
    # Alone, the parent reads as app.log_parser.summarize does (a limit's ``stop`` cuts the log where that does, and a
    # small log needs no larger buffer); then in chunks. One iterator for both phases: it carries a partial line from
    # one region to the next.
    chunk_size = chunk_bytes or CHUNK_BYTES
    regions = Regions(stream, min(READ_SIZE, chunk_size), stop) if solo_bytes > 0 else \
        Regions(stream, chunk_size, stop, fill=True)
    chunks = iter(regions)
    region = next(chunks, None)
    while region is not None and regions.total_bytes <= solo_bytes:
        stitcher.scan_lines(regions.buf, *region)
        region = next(chunks, None)
    regions.read_size, regions.fill = chunk_size, True
    if region is None:   # the whole log was scanned alone: no worker started
        return stitcher.summary(regions.total_bytes, regions.error, max_groups)
    # (a region is never longer than the buffer it is cut from)
    ring = ChunkRing(2 * processes, Regions.buffer_bytes(chunk_size))
    try:
        free = list(range(ring.slots))
        pending: deque = deque()   # (future, slot, length): a slot is reused once its chunk is stitched

        def stitch_oldest() -> None:
            future, slot, length = pending.popleft()
            start = slot * ring.slot_bytes
            stitcher.add(pool.result(future), lines=(ring.map, start, start + length))
            free.append(slot)

        with _Workers(processes, ring=ring) as pool:
            while region is not None:
                lo, hi = region
                if not free:
                    stitch_oldest()
                slot = free.pop()
                ring.put(slot, memoryview(regions.buf)[lo:hi])
                pending.append((pool.submit(_scan_slot, slot, hi - lo, on_event is not None), slot, hi - lo))
                region = next(chunks, None)
            while pending:
                stitch_oldest()
    finally:
        ring.close()
    return stitcher.summary(regions.total_bytes, regions.error, max_groups)


class ChunkResult:
    """What a worker reports for one chunk of whole lines, scanned from a closed state.

    Line numbers are relative to the chunk (its first line is 1). ``sums`` holds the chunk's events summed per group
    (app.scan.GroupSums), ``sums_from_resync`` those from the resync line on (empty without one). ``events``, only
    when the parent hands each event on (else None), are ``(line, level, group_id, has_trace)`` in file order; the
    template, sample and raw lines of a group's first and last event are those of ``sums``. ``resync_line`` is a
    line after which the state no longer depends on what came before the chunk (None if none is found in the first
    RESYNC_SEARCH_LINES lines, or up to RESYNC_SEARCH_MAX_LINES where none of the first would do); ``prefix`` holds
    the bytes before it (the whole chunk if None) so that the parent can re-feed them with the true state. ``tail``
    is the scanner state at the end of the chunk.

    The process of the last syslog line or journald entry fed (app.records.Unwrapper) is part of that state too, and
    a worker starts with none known. It decides one thing: whether the next record of a process ends an event open
    above it, which it does when the process before is known and another one (Unwrapper.switch_log says where
    that hangs on the process before). ``first_switch`` is the worker's first switch in the chunk (None: the chunk
    names no process, and the one before it goes on). The resync line is one whose first switch from it on,
    ``resync_switch``, does not hang on the process before it (or there is none), so that from there on the worker's
    events are the true ones whatever that process was.

    A share (scan_share) is a chunk too, read from its source: ``share`` is ``(source, start, end, read_bytes)``,
    and ``prefix`` is None when it has no resync line (the parent reads the share again rather than hold it);
    ``stopped_at`` is set when a deadline stopped it: the offset its reads reached. ``too_many_groups``: the worker
    stopped summing past CHUNK_MAX_GROUPS groups, and the result holds nothing else: the parent scans the chunk
    itself, as one without a resync line. A chunk of a stream has no
    prefix without a resync line either (the parent holds its bytes). Sending a 4 MiB chunk back through the pipe for each
    chunk without a resync line cost more than the parallel scan saved on logs that have none (syslog)."""

    __slots__ = ("lines", "sums", "sums_from_resync", "events", "resync_line", "prefix", "tail", "first_switch",
                 "resync_switch", "share", "stopped_at", "too_many_groups")

    def __init__(self, lines, sums, sums_from_resync, events, resync_line, prefix, tail, first_switch,
                 resync_switch, too_many_groups: bool = False):
        self.lines, self.sums, self.sums_from_resync, self.events = lines, sums, sums_from_resync, events
        self.resync_line, self.prefix, self.tail = resync_line, prefix, tail
        self.first_switch, self.resync_switch = first_switch, resync_switch
        self.share, self.stopped_at = None, None
        self.too_many_groups = too_many_groups


def _find_resync(buf, lo: int, hi: int, switch_log: list[tuple]) -> tuple[int, int, tuple | None] | None:
    """(line number in the chunk, byte offset, first switch from it on or None) of the first line that resets the
    scanner state whatever came before it (LineScanner.resets_state) and whose first process switch from it on, in
    ``switch_log`` (Unwrapper.switch_log: every switch up to RESYNC_SEARCH_MAX_LINES and the first after), does not
    hang on the process before it; None if there is none in the first RESYNC_SEARCH_LINES lines, or, where there
    were some but each was followed by such a switch, in the first RESYNC_SEARCH_MAX_LINES."""
    k = 0             # switch_log[k]: the first switch at or after the line looked at
    skip_to = 0       # the lines before it share a switch that hangs on the process before
    seen = False
    pos, previous, before = lo, None, None   # (start, end) of the line before, and of the one before that
    for line_no in range(1, RESYNC_SEARCH_MAX_LINES + 1):
        if pos >= hi or (line_no > RESYNC_SEARCH_LINES and not seen):
            break
        nl = buf.find(b"\n", pos, hi)
        first = buf[pos]
        # only a line led by a digit (a byte past ASCII may start a digit of another script) or a `{` can be one: a
        # JSON line, or a Docker json-file record (whose text may be either)
        if line_no >= skip_to and previous is not None and (48 <= first <= 57 or first >= 0x80 or first == 0x7B) and \
                LineScanner.resets_state(line_text(buf, pos, nl), line_text(buf, *previous),
                                         line_text(buf, *before) if before is not None else None):
            seen = True
            while k < len(switch_log) and switch_log[k][0] < line_no:
                k += 1
            switch = switch_log[k] if k < len(switch_log) else None
            if switch is None or switch[1] is None:
                return line_no, pos, switch
            skip_to = switch[0] + 1
        previous, before = (pos, nl), previous
        pos = nl + 1
    return None


def _pieces(buf, lo: int, hi: int):
    """``(start, end)`` of consecutive pieces of the whole lines buf[lo:hi] (hi just past a newline), each cut at a
    newline: the last one before FEED_PIECE_BYTES, or the first after it where a line is longer than a piece."""
    while lo < hi:
        cut = hi
        if hi - lo > FEED_PIECE_BYTES:
            cut = buf.rfind(b"\n", lo, lo + FEED_PIECE_BYTES) + 1
            if cut <= lo:
                cut = buf.find(b"\n", lo + FEED_PIECE_BYTES, hi) + 1 or hi
        yield lo, cut
        lo = cut


class _ChunkScan:
    """A worker's scan of one chunk from a closed state, fed in regions of whole lines (``feed``), then reported
    (``result``): the events summed per group, those of the first RESYNC_SEARCH_MAX_LINES lines kept one by one
    until the resync line is chosen among them."""

    def __init__(self, finder, keep_events: bool):
        # every event summed; those past the lines a resync line may be found in summed apart, the ones before kept
        # one by one (summed from the resync line once it is chosen); in C, no Python call per event
        self._sink = new_chunk_sink(RESYNC_SEARCH_MAX_LINES, keep_events)
        self.sums = GroupSums(groups=self._sink.groups)
        self.scanner = LineScanner(self._sink)
        self.scanner.unwrapper.log_switches(RESYNC_SEARCH_MAX_LINES)
        self.feeder = new_feeder(self.scanner, finder or default_finder())
        self.too_many_groups = False

    def feed(self, buf, lo: int, hi: int) -> None:
        """Feeds the whole lines buf[lo:hi] in pieces (_pieces); once the sums hold more than CHUNK_MAX_GROUPS
        groups, ``too_many_groups`` is set and the rest (and any later feed) is left unread."""
        for start, cut in _pieces(buf, lo, hi):
            if self.too_many_groups:
                break
            self.feeder.feed_lines(buf, start, cut)
            self.too_many_groups = len(self._sink.groups) > CHUNK_MAX_GROUPS

    def result(self, first_lines, lo: int, hi: int, *, whole: bool = True) -> ChunkResult:
        """The ChunkResult, with the resync line searched in ``first_lines[lo:hi]``, the chunk's first lines (all of
        it, unless ``whole`` is False: a share, whose prefix without a resync line is read again from its source)."""
        if self.too_many_groups:   # the parent scans the chunk itself (its prefix: the whole chunk where needed)
            return ChunkResult(0, GroupSums(), GroupSums(), None, None, bytes(first_lines[lo:hi]) if whole else None,
                               None, None, None, too_many_groups=True)
        switch_log = self.scanner.unwrapper.switch_log
        resync = _find_resync(first_lines, lo, hi, switch_log)
        resync_line, resync_pos, resync_switch = resync if resync is not None else (None, hi, None)
        sums_from_resync = GroupSums()
        if resync_line is not None and all(event[0] >= resync_line for event in self._sink.early):
            sums_from_resync = self.sums   # (no event before it: the same sums, pickled once for the parent)
        elif resync_line is not None:
            for event in self._sink.early:
                if event[0] >= resync_line:
                    sums_from_resync.add(*event)
            _add_later(sums_from_resync, GroupSums(groups=self._sink.late_groups))
        prefix = bytes(first_lines[lo:resync_pos]) if resync_line is not None or whole else None
        return ChunkResult(self.feeder.lines, self.sums, sums_from_resync, self._sink.events, resync_line, prefix,
                           self.scanner.export_state(), switch_log[0] if switch_log else None, resync_switch)


def scan_chunk(buf, lo: int, hi: int, finder=None, *, keep_events: bool = True, whole: bool = True) -> ChunkResult:
    """Scans the whole lines `buf[lo:hi]` (hi just past a newline) from a closed state; ``keep_events``: list each
    event too (ChunkResult.events), for a parent that hands them on. ``whole`` False: without a resync line the
    result holds no ``prefix`` (a parent that has the chunk's lines, or can read them again, needs none sent)."""
    scan = _ChunkScan(finder, keep_events)
    scan.feed(buf, lo, hi)
    return scan.result(buf, lo, hi, whole=whole)


def _deadline_stop(deadline: float | None) -> Callable[[int], str | None] | None:
    """A Regions stop check that stops at ``deadline`` (time.monotonic())."""
    return None if deadline is None else (lambda _n: "deadline" if time.monotonic() >= deadline else None)


class _Stopped(Exception):
    """A share read again by the parent was stopped by the deadline at offset ``reached``."""

    def __init__(self, reached: int):
        super().__init__(reached)
        self.reached = reached


def scan_share(task: tuple, keep_events: bool, deadline: float | None = None, raw=None) -> ChunkResult | None:
    """Scans the lines that start in one share ``(source, start, end, read_bytes)`` of a log, streamed from one read
    of the source (ShareReader) in regions of ``read_bytes``, as scan_chunk scans a chunk: the resync line is
    searched in the first region. None when the share cannot be scanned apart (ShareReader.unscannable).
    ``deadline`` (time.monotonic()): no read starts after it; the result then covers the lines read so far and
    ``stopped_at`` is the offset the reads reached. Raises what the source's reads raise (RangeReadError). ``raw``:
    see ShareReader."""
    source, start, end, read_bytes = task
    reader = ShareReader(source, start, end, raw)
    scan = _ChunkScan(None, keep_events)
    stop = _deadline_stop(deadline)
    first = None    # the bytes of the first region: the resync line is searched in them once all is scanned
    counted = start   # the share's bytes counted as read (_note_read), up to its end
    try:
        regions = Regions(reader, read_bytes, stop, plain=True)
        for lo, hi in regions:
            if first is None:
                first = bytes(memoryview(regions.buf)[lo:hi])
            scan.feed(regions.buf, lo, hi)   # (past too_many_groups, read on unfed: whether the share can be
            #                                   scanned apart is known at its end)
            reached = min(reader.reached, end)
            _note_read(reached - counted)
            counted = max(counted, reached)
    finally:
        reader.close()
    if regions.error is None:
        _note_read(end - counted)   # (lines may end before the share's last bytes are read: the share is done)
    if reader.unscannable:
        return None
    chunk = scan.result(first or b"", 0, len(first or b""), whole=False)
    chunk.share = task
    if regions.error is not None:
        chunk.stopped_at = reader.reached
    return chunk


def _add_later(sums: GroupSums, later: GroupSums) -> None:
    """Adds to ``sums`` the sums ``later`` of the events that follow all of its own: as if each were added."""
    groups = sums.groups
    for gid, group in later.groups.items():
        mine = groups.get(gid)
        if mine is None:
            groups[gid] = list(group)
        else:
            mine[3] += group[3]
            mine[4] += group[4]
            mine[6], mine[8] = group[6], group[8]


def _ends_the_same(switch: tuple | None, source) -> bool:
    """Whether a process switch (an entry of Unwrapper.switch_log) that the worker saw with no process known before
    it goes the same way after ``source``: it ends the open event only after a known, other process."""
    return switch is None or switch[1] is None or source is None or source == switch[1]


class Stitcher:
    """Joins ChunkResults, in file order, into the summary a sequential scan gives."""

    def __init__(self, on_event: Callable[[dict], None] | None, finder=None, reference_time: datetime | None = None,
                 reread_stop: Callable[[int], str | None] | None = None):
        self._reread_stop = reread_stop   # a share read again stops where this says (raising _Stopped)
        self.totals = Totals(on_event, reference_time)
        self._per_event = on_event is not None   # (then each ChunkResult must hold its events)
        # Without on_event, the events the parent scans itself are summed per group in C (as the sequential scan's
        # are): added one by one, they cost ~3,000 instructions each more, and a log where the parent scans much (no
        # resync lines, or more groups than a worker sums) ran slower on two processes than on one.
        self._sink = new_chunk_sink(-1, False) if on_event is None else None
        self._scanner = LineScanner(self.totals.add if self._sink is None else self._sink)
        self._feeder = new_feeder(self._scanner, finder or default_finder())

    def scan_lines(self, buf, lo: int, hi: int) -> None:
        """The parent's own scan of the whole lines buf[lo:hi], which follow those of every chunk added before, in
        pieces (_pieces), its sums added to the totals once they hold app.scan.SUMS_MAX_GROUPS groups."""
        for start, cut in _pieces(buf, lo, hi):
            self._feeder.feed_lines(buf, start, cut)
            if self._sink is not None and len(self._sink.groups) >= SUMS_MAX_GROUPS:
                self._add_own_sums()

    def _add_own_sums(self) -> None:
        """The events the parent scanned itself so far, added to the totals (they precede any chunk's taken next)."""
        if self._sink is not None:
            self.totals.take_sums(self._sink)

    def add(self, chunk: ChunkResult, *, read_again: bool = True, lines: tuple | None = None) -> bool:
        """Stitches the next chunk; False (and nothing done) where a share would have to be read again but
        ``read_again`` is False. ``lines``: ``(buf, lo, hi)``, the chunk's bytes where the parent holds them (a
        stream's chunk, in its ChunkRing slot)."""
        base = self._feeder.lines
        unwrapper = self._scanner.unwrapper
        if not chunk.too_many_groups and not self._scanner.open and \
                _ends_the_same(chunk.first_switch, unwrapper.export_state()[1]):
            # the chunk's closed start state, with no process known, gave the true events
            named = chunk.first_switch is not None
            self._take(chunk, base, 1, chunk.sums)
        elif chunk.resync_line is None:  # no resync line (or too many groups): the parent scans the chunk itself
            # (the compiled feeder only reads its buffer: the bytes are fed as they are, not copied)
            if chunk.prefix is not None:
                buf, lo, hi = chunk.prefix, 0, len(chunk.prefix)
            elif lines is not None:      # a stream's chunk, held by the parent
                buf, lo, hi = lines
            else:                        # a share: read again
                if not read_again:
                    return False
                self._feed_share(*chunk.share)
                return True
            self.scan_lines(buf, lo, hi)
            return True
        else:  # re-feed the lines before the resync line with the true state; that line closes what is open
            prefix = chunk.prefix
            if prefix:
                self.scan_lines(prefix, 0, len(prefix))
            self._scanner.finish()
            named = chunk.resync_switch is not None
            self._take(chunk, base, chunk.resync_line, chunk.sums_from_resync)
        tail = chunk.tail
        if not named:   # no process named from the line taken from on: the true one before it goes on
            tail = (tail[0], (tail[1][0], unwrapper.export_state()[1]))
        self._scanner.restore_state(tail, base)
        self._feeder.lines = base + chunk.lines
        return True

    def _feed_share(self, source, start: int, end: int, read_bytes: int) -> None:
        reader = ShareReader(source, start, end)
        try:
            regions = Regions(reader, read_bytes, self._reread_stop, plain=True)
            for lo, hi in regions:
                self.scan_lines(regions.buf, lo, hi)
        finally:
            reader.close()
        if regions.error is not None:
            raise _Stopped(reader.reached)

    def _take(self, chunk: ChunkResult, base: int, from_line: int, sums: GroupSums) -> None:
        """The chunk's events from ``from_line`` on, summed in ``sums``; one by one when they are handed on."""
        self._add_own_sums()
        if self._per_event:
            add = self.totals.add
            groups = sums.groups
            for line_no, level, gid, trace in chunk.events:
                if line_no >= from_line:
                    _, template, sample, _, _, first, last, first_raw, last_raw = groups[gid]
                    # Totals keeps only the raw lines of a group's first and last event
                    raw = first_raw if line_no == first else last_raw if line_no == last else None
                    add(base + line_no, level, gid, template, sample, trace, raw)
            return
        self.totals.add_sums(sums.groups, base)

    def summary(self, total_bytes: int, error: str | None, max_groups: int) -> dict:
        self._scanner.finish()
        self._add_own_sums()
        return self.totals.summary(self._feeder.lines, total_bytes, error, max_groups)
