"""Scanning on several cores (app.parallel) must give exactly the sequential summary and events."""
import gzip
import io
import json
import os
import pathlib
import random
import signal
import sys
import threading
from collections import Counter
from datetime import datetime, timezone

import pytest

from app import events, grouping, log_parser, parallel, records
from app.event_time import line_time
from app.scan import GroupSums, Totals
from app.decompress import DecompressionError
from app.text import MAX_LINE_BYTES, Regions, strip_controls


def _cri(i: int) -> str:
    """A Kubernetes CRI record: an ERROR header split into P chunks (a long line) with a Java trace, or a short INFO."""
    t = f"2026-11-29T10:00:{i % 60:02d}.{i:09d}Z"
    if i % 3:
        return f"{t} stdout F 2026-11-29 10:00:00,000 INFO [main] App - tick {i}\n"
    head = f"2026-11-29 10:00:00,000 ERROR [main] App - payload {i} rejected: "
    return (f"{t} stderr P {head}{'x' * 40}\n{t} stderr P {'y' * 40} WARN inside\n{t} stderr F tail\n"
            f"{t} stderr F java.lang.IllegalStateException: bad {i}\n{t} stderr F \tat a.B.c(B.java:{i})\n")


def _docker(i: int) -> str:
    def line(text: str, stream: str = "stderr") -> str:
        return json.dumps({"log": text, "stream": stream, "time": "2026-11-29T10:00:00.000000001Z"}) + "\n"
    if i % 4 == 0:
        return line("Traceback (most recent call last):\n") + line('  File "/app/job.py", line 8, in <module>\n') \
            + line(f"ZeroDivisionError: division by zero {i}\n")
    if i % 4 == 1:  # a long line that Docker split: the first part has no final newline
        return line(f"2026-11-29 10:00:01,000 ERROR [w] Job - part one {i} ") + line("and part two\n")
    return line(f"2026-11-29 10:00:01,000 INFO [w] Job - ok {i}\n", "stdout")


def _journald(i: int) -> str:
    message = (f"Traceback (most recent call last):\n  File \"/srv/a.py\", line {i}, in run\nKeyError: 'k{i}'"
               if i % 5 == 0 else f"unit step {i} done")
    return json.dumps({"PRIORITY": "3" if i % 5 == 0 else "6", "SYSLOG_IDENTIFIER": "app", "MESSAGE": message}) + "\n"


def _crash_after_lines(i: int) -> str:
    return (f"2026/11/29 10:00:00 [ERROR] sync: upstream returned 503 ({i})\n2026/11/29 10:00:01 sync: retry {i}\n"
            f"panic: runtime error: index out of range [{i}] with length {i}\n\ngoroutine 1 [running]:\n"
            f"main.process(...)\n\t/src/app/sync.go:{i} +0x1d\n")


# Long lines across chunk edges, CRLF, a byte order mark, no final newline, and events open across edges both
# where a resync line follows (number-led headers) and where none does (JSON lines, bare traces).
def _edges(tricky_lines: list[str]) -> dict[str, str]:
    return {
        "overlong": ("2026-11-27 10:00:00 ERROR " + "x" * 70_000 + "\n2026-11-27 10:00:01 INFO ok\n") * 3
        + "2026-11-27 10:00:02 WARN " + "y" * 200_000,
        "crlf_bom": "\ufeff"
        + "2026-11-27 10:00:00 ERROR a\r\n\tat x.y(Z.java:1)\r\n2026-11-27 10:00:01 INFO b\r\n" * 200,
        "json_only": "".join(json.dumps({"level": "error" if i % 3 else "info", "msg": f"m{i % 7}"})
                             + "\n  at f(x.js:1)\n" for i in range(400)),
        "bare_traces": "Traceback (most recent call last):\n  File \"a.py\", line 1, in <module>\nValueError: x\n"
        * 300,
        "tricky": "".join(f"{line}\n\tat a.b(C.java:1)\n" for line in tricky_lines),
        "cri_partial": "".join(_cri(i) for i in range(300)),
        "docker_json": "".join(_docker(i) for i in range(300)),
        "journald": "".join(_journald(i) for i in range(300)),
        "crash_after_lines": "".join(_crash_after_lines(i) for i in range(200)),
        "syslog_wrapped": "".join(
            f"Nov 29 10:00:{i % 60:02d} node1 kubelet[812]: E1129 10:00:00.000000     812 pod_workers.go:1298] "
            f"Error syncing pod {i}\nNov 29 10:00:{i % 60:02d} node1 app[9]: {{\"level\":\"info\",\"msg\":\"ok\"}}\n"
            f"<11>1 2026-11-29T10:00:00Z host01 fw {i} - - session table full\n" for i in range(300)),
    }


@pytest.fixture(scope="module")
def cases(texts, tricky_lines):
    """Every corpus text (conftest's `texts`) and every edge case above, by name."""
    return {**texts, **_edges(tricky_lines)}


FIELD_CASES = pathlib.Path(__file__).resolve().parent / "field_cases"


def sequential(data: bytes):
    events = []
    return log_parser.summarize(io.BytesIO(data), on_event=events.append), events


def assert_file_shares_give_the_sequential_summary(tmp_path, data: bytes) -> None:
    """``data`` as a file scanned by two processes in shares of 4,099 bytes: the sequential scan's summary."""
    path = tmp_path / "log"
    path.write_bytes(data)
    assert parallel.summarize_file(str(path), processes=2, share_bytes=4099) == sequential(data)[0]


def stitched_in_chunks(data: bytes, size: int, seen=None):
    """(summary, events) of ``data`` cut into chunks of whole lines of about ``size`` bytes, each scanned apart
    (parallel.scan_chunk) and stitched in order; ``seen(chunk, lo, hi)`` is called with each chunk first."""
    events = []
    stitcher = parallel.Stitcher(events.append)
    pos = 0
    while pos < len(data):
        end = data.rfind(b"\n", pos, pos + size) + 1 if pos + size < len(data) else len(data)
        end = end if end > pos else data.index(b"\n", pos) + 1
        chunk = parallel.scan_chunk(data, pos, end)
        if seen is not None:
            seen(chunk, pos, end)
        stitcher.add(chunk)
        pos = end
    return stitcher.summary(len(data), None, 50), events


@pytest.fixture
def branches(monkeypatch):
    """Records which stitching path each chunk took: (event open at the chunk start, resync line found); and under
    "events", how many chunks came with their events one by one (else only summed per group)."""
    seen = Counter()
    add = parallel.Stitcher.add

    def recording_add(self, chunk, **how):
        seen[(self._scanner.open, chunk.resync_line is not None)] += 1
        seen["events"] += chunk.events is not None
        seen["sent whole"] += chunk.resync_line is None and chunk.prefix is not None
        return add(self, chunk, **how)

    monkeypatch.setattr(parallel.Stitcher, "add", recording_add)
    return seen


# With on_event (the CLI's --events) workers list each event; without it (the CLI otherwise, the service) they send
# each chunk's events summed per group, and the parent takes them per group: the same summary either way.
@pytest.mark.parametrize("per_event", [True, False])
@pytest.mark.parametrize("share_bytes", [257, 4096])
def test_file_shares_give_the_sequential_result(tmp_path, branches, share_bytes, per_event, cases):
    for name, text in cases.items():
        data = text.encode()
        path = tmp_path / f"{name}.log"
        path.write_bytes(data)
        events = []
        summary = parallel.summarize_file(str(path), processes=2, on_event=events.append if per_event else None,
                                          share_bytes=share_bytes)
        expected, expected_events = sequential(data)
        assert (summary, events) == (expected, expected_events if per_event else []), name
    assert branches[(True, True)] and branches[(True, False)] and branches[(False, True)]  # every path taken
    assert (branches["events"] > 0) == per_event   # events one by one only for a parent that hands them on
    assert branches["sent whole"] == 0   # a share without a resync line is read again by the parent, not sent


@pytest.mark.parametrize("envelope", ["cri", "docker"])
def test_a_line_after_a_completed_partial_record_is_no_resync_line(envelope):
    """A CRI `F` chunk or a whole Docker record completes the partial record of its stream held before it: its inner
    line is then the joined text (here indented, which an empty header awaiting its message lets pass), so a
    header after it is no resync line unless the line before it leaves no partial record (found by a fuzzer)."""
    def line(stream: str, text: str, complete: bool) -> str:
        if envelope == "cri":
            return f"2026-11-29T10:00:00.000000001Z {stream} {'F' if complete else 'P'} {text}\n"
        return json.dumps({"log": text + ("\n" if complete else ""), "stream": stream,
                           "time": "2026-11-29T10:00:00.000000001Z"}) + "\n"

    head = "".join(line("stdout", f"2026-11-29 10:00:00,000 INFO [main] App - tick {i}", True) for i in range(5))
    cut = line("stderr", "2026-11-29 10:00:00,000 ERROR", True)           # an empty header: awaits its message
    rest = (line("stdout", "\tat a.B.c(B.java:1)", False)                  # held, then completed by the next:
            + line("stdout", "2026-11-29 10:00:00,000 ERROR [main] App - joined", True)   # one indented line
            + line("stdout", "2026-11-29 10:00:00,000 ERROR [main] App - the header's message", True)
            + head)
    data = (head + cut + rest).encode()
    expected, expected_events = sequential(data)
    at = len((head + cut).encode())
    stitcher, events = parallel.Stitcher(None), []
    stitcher = parallel.Stitcher(events.append)
    for lo, hi in ((0, at), (at, len(data))):
        stitcher.add(parallel.scan_chunk(data, lo, hi))
    assert (stitcher.summary(len(data), None, 50), events) == (expected, expected_events)


_ENVELOPED_TEXTS = [
    "2026-11-29 10:00:00,000 ERROR [main] c.e.Svc - boom {i}", "2026-11-29 10:00:00,000 INFO [main] ok {i}",
    "\tat a.B.c(B.java:{i})", "Traceback (most recent call last):", '  File "x.py", line {i}, in f', "ValueError: {i}",
    "2026-11-29 10:00:00,000 WARN [w] x {i}", "fail: App.Svc[0]", "      boom {i}", "2026-11-29 10:00:00,000 ERROR",
    "Caused by: java.io.IOException: x {i}", "panic: runtime error {i}", "", "   ", "2026-11-29 10:00:00 ERROR a\nb {i}",
    '{{"level":"error","msg":"m{i}"}}', "W1129 10:00:00.0 1 x.go:1] w {i}", "2026-11-29 10:00:00,000 ERROR [m] F - \tat x"]


def _enveloped_log(rng: random.Random) -> bytes:
    """Records of Docker json-file and CRI, whole and partial, of both streams, with plain lines among them."""
    out = []
    for i in range(rng.randrange(5, 300)):
        text = rng.choice(_ENVELOPED_TEXTS).format(i=i)
        end, stream = rng.choice(["\n", "\n", "\n", "", "\r\n"]), rng.choice(["stdout", "stderr"])
        kind = rng.random()
        if kind < 0.03:
            out.append(text.split("\n")[0] + "\n")
        elif kind < 0.5:
            out.append(f"2026-11-29T10:00:00.000000001Z {stream} {'F' if end else 'P'} {text.split(chr(10))[0]}\n")
        else:
            out.append(json.dumps({"log": text + end, "stream": stream, "time": "2026-11-29T10:00:00Z"}) + "\n")
    return "".join(out).encode()


def test_enveloped_logs_cut_anywhere_give_the_sequential_result():
    """Generated logs of partial and whole Docker and CRI records, cut into chunks of random sizes and stitched: the
    sequential summary and events (a fuzzer of this shape found the resync lines after completed partial records)."""
    for seed in range(800):   # (seed 596 failed before the fix)
        rng = random.Random(seed)
        data = _enveloped_log(rng)
        expected = sequential(data)
        for size in (rng.randrange(50, 400), rng.randrange(400, 3000)):
            assert stitched_in_chunks(data, size) == expected, (seed, size)


def test_a_docker_json_file_log_has_resync_lines(tmp_path, branches):
    """A Docker json-file record whose `log` ends in a newline and holds one line is a whole record: where its text
    resets the state (a number-led header) it is a resync line, so a chunk whose start needs the state before it is
    re-fed only up to it (before, every such chunk of a Docker log was re-fed whole: a share read again whole)."""
    def record(text: str, stream: str = "stdout") -> str:
        return json.dumps({"log": text + "\n", "stream": stream, "time": "2026-11-29T10:00:00.000000001Z"}) + "\n"

    data = "".join(record(f"2026-11-29 10:00:{i % 60:02d},000 ERROR [main] c.e.Svc - request {i} failed")
                   + "".join(record(f"\tat com.example.Svc.m{k}(Svc.java:{i})", "stderr") for k in range(3))
                   + record(f"2026-11-29 10:00:{i % 60:02d},500 INFO [main] c.e.Svc - request {i} served")
                   for i in range(3000)).encode()
    assert_file_shares_give_the_sequential_summary(tmp_path, data)
    # (the one chunk without: the last, two lines, the second after an indented one, which a header could await)
    assert branches[(True, True)] > 300 and branches[(True, False)] == 1


# JSON lines among what could make one depend on the state before it: continuations, a traceback awaiting its last
# line, a header awaiting its message, pretty-printed JSON, journald records (a process), Docker-like lines.
_JSON_LOG_LINES = [
    '{{"level":50,"time":{i},"msg":"request {i} failed"}}', '{{"level":30,"msg":"ok {i}"}}',
    '{{"level":"error","msg":"boom {i}","stack":"Error: x\\n    at f (a.js:1:1)"}}', '{{"level":"warn","msg":""}}',
    '{{"level":"error","msg":"at a.B.c(B.java:{i})"}}', '{{"level":"error","msg":"File \\"x.py\\", line {i}"}}',
    '{{"level":"fatal","msg":"m{i}"}}', '{{"severity":"ERROR","message":"gcp {i}"}}', '{{"level":"info"}}',
    '{{"MESSAGE":"error {i}","PRIORITY":"3","SYSLOG_IDENTIFIER":"app","_PID":"{i}"}}', '{{"log":"not docker {i}"}}',
    '{{"log":"2026-11-29 10:00:00,000 ERROR [m] x {i}\\n","stream":"stderr","time":"t"}}', "{{", '  "level": "error",',
    "}}", "\tat a.B.c(B.java:{i})", "Traceback (most recent call last):", '  File "x.py", line {i}, in f',
    "ValueError: {i}", "Caused by: java.io.IOException: x {i}", "2026-11-29 10:00:00,000 ERROR [main] c.e.S - boom {i}",
    "2026-11-29 10:00:00,000 ERROR", "panic: runtime error {i}", "goroutine 1 [running]:", "", "   ",
    '{{"level":"error","msg":"boom {i}"}} trailing', "2026-11-29T10:00:00.000000001Z stderr P part {i} ",
    '{{"level":"ERROR","msg":"x {i}"}}', "E1129 10:00:00.000000       1 x.go:1] klog {i}"]


def test_json_line_logs_cut_anywhere_give_the_sequential_result():
    """JSON-lines logs (a `{` line can be a resync line, as a number-led header is) with the lines that could make a
    JSON line's effect hang on the state before it, cut into chunks of random sizes and stitched: the sequential
    summary and events."""
    found = 0
    for seed in range(600):
        rng = random.Random(seed)
        weights = [rng.random() for _ in _JSON_LOG_LINES]
        data = "".join(rng.choices(_JSON_LOG_LINES, weights)[0].format(i=i) + rng.choice(["\n", "\n", "\r\n"])
                       for i in range(rng.randrange(5, 300))).encode()
        expected = sequential(data)
        for size in (rng.randrange(50, 400), rng.randrange(400, 3000)):
            taken = []
            assert stitched_in_chunks(data, size, lambda chunk, lo, hi: taken.append(
                data[lo:hi].splitlines()[chunk.resync_line - 1] if chunk.resync_line is not None else b"")) == \
                expected, (seed, size)
            found += sum(line[:1] == b"{" and not line.startswith(b'{"log":') for line in taken)
    assert found > 1000   # (plain JSON lines were taken as resync lines, not only Docker records)


def test_a_json_lines_log_has_resync_lines(tmp_path, branches):
    """A JSON line with an event level resets the state as a number-led header does: a chunk of a pino log whose
    start needs the state before it is re-fed only up to its first such line (before, such chunks were re-fed whole,
    and two processes took longer than one)."""
    data = "".join(json.dumps({"level": 50, "time": i, "msg": f"request {i} failed"}) + "\n"
                   + "".join(f"    at f{k} (/app/x.js:{i}:{k})\n" for k in range(3))
                   + json.dumps({"level": 30, "time": i, "msg": f"request {i} served"}) + "\n"
                   for i in range(3000)).encode()
    assert_file_shares_give_the_sequential_summary(tmp_path, data)
    assert branches[(True, True)] > 50 and branches[(True, False)] == 0


@pytest.mark.parametrize("per_event", [True, False])
def test_stream_chunks_give_the_sequential_result(branches, per_event, cases):
    for name, text in cases.items():
        data = text.encode()
        events = []
        summary = parallel.summarize_stream(io.BytesIO(gzip.compress(data)), processes=2,
                                            on_event=events.append if per_event else None, chunk_bytes=997)
        expected, expected_events = sequential(data)
        assert (summary, events) == (expected, expected_events if per_event else []), name
    assert branches[(True, True)] and branches[(True, False)]
    assert (branches["events"] > 0) == per_event
    assert branches["sent whole"] == 0   # the parent holds a stream's chunk: it is not sent back


@pytest.mark.parametrize("per_event", [False, True])
def test_chunks_with_too_many_groups_are_scanned_by_the_parent(tmp_path, monkeypatch, cases, per_event):
    """A worker stops summing a chunk or share past CHUNK_MAX_GROUPS groups (their sums grew without bound where
    nearly every line is a group of its own): the parent scans it itself, summing its events as the sequential scan
    does (added once they hold app.scan.SUMS_MAX_GROUPS groups, and before a chunk's sums), and the summary and events
    are still the sequential scan's, for shares (read again) and for a stream's chunks (fed from the ring)."""
    monkeypatch.setattr(parallel, "CHUNK_MAX_GROUPS", 20)
    monkeypatch.setattr(parallel, "FEED_PIECE_BYTES", 3000)
    monkeypatch.setattr(parallel, "SUMS_MAX_GROUPS", 5)   # (the parent's own sums added piece by piece)
    seen = Counter()
    add = parallel.Stitcher.add
    monkeypatch.setattr(parallel.Stitcher, "add",
                        lambda self, chunk, **how: (seen.update([chunk.too_many_groups]), add(self, chunk, **how))[1])
    words = ["alpha", "bravo", "delta", "gamma", "kilo", "lima", "oscar", "tango"]
    diverse = "".join(f"2026-11-27 10:00:{i % 60:02d} ERROR {words[i % 8]} {words[i // 8 % 8]} {words[i // 64 % 8]}"
                      f" failed\n\tat a.B.c(B.java:{i})\n" for i in range(512))
    data = (cases["docker_json"] + diverse + cases["crlf_bom"][1:] + diverse + cases["journald"]).encode()
    path = tmp_path / "log"
    path.write_bytes(data)
    for run in (lambda on_event: parallel.summarize_file(str(path), processes=2, share_bytes=40000, on_event=on_event),
                lambda on_event: parallel.summarize_stream(io.BytesIO(gzip.compress(data)), processes=2,
                                                           chunk_bytes=20000, on_event=on_event)):
        events = []
        summary = run(events.append if per_event else None)
        expected, expected_events = sequential(data)
        assert (summary, events) == (expected, expected_events if per_event else [])
    assert seen[True] >= 4 and seen[False] >= 4   # (both kinds of chunk, in both runs)


def test_stream_chunks_scanned_by_the_python_scanner_give_the_sequential_result(monkeypatch, branches, cases):
    """The reference scanner (no compiled core) reads a chunk where it lies in the shared ring, an mmap: it has no
    ``count``, which the Python feeder counts skipped lines with."""
    monkeypatch.setattr(events, "_c_events", None)   # (the workers are forked: they inherit both)
    monkeypatch.setattr(records, "_c_scan", None)
    for name in ("overlong", "crlf_bom", "docker_json", "journald", "syslog_wrapped", "bare_traces"):
        data = cases[name].encode()
        summary = parallel.summarize_stream(io.BytesIO(data), processes=2, chunk_bytes=997)
        assert summary == sequential(data)[0], name
    assert branches[(True, True)] and branches[(True, False)] and branches[(False, True)]


def test_workers_started_by_a_fork_server_read_the_ring(cases):
    """Where threads run (a gunicorn worker), the pool's workers come from a fork server, not from this process: the
    ring's file descriptor goes along with their start, and they map it again."""
    ready, done = threading.Event(), threading.Event()
    thread = threading.Thread(target=lambda: (ready.set(), done.wait(60)))
    thread.start()
    try:
        assert ready.wait(10) and threading.active_count() > 1   # (so that _Workers picks the fork server)
        data = (cases["docker_json"] + cases["crash_after_lines"]).encode()
        assert parallel.summarize_stream(io.BytesIO(gzip.compress(data)), processes=2, chunk_bytes=4099) == \
            sequential(data)[0]
    finally:
        done.set()
        thread.join(10)


def test_the_ring_falls_back_to_a_temporary_file(monkeypatch, cases):
    """Where memfd_create is refused (a seccomp profile) or missing, the ring lives in a deleted temporary file."""
    def refused(*_args):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "memfd_create", refused)
    data = cases["docker_json"].encode()
    assert parallel.summarize_stream(io.BytesIO(data), processes=2, chunk_bytes=997) == sequential(data)[0]


@pytest.fixture(scope="module")
def realistic(make_realistic_log) -> bytes:
    """A 3 MiB log of bench/realistic.py (all its formats, ~16% events, stack traces, CRLF, invalid UTF-8)."""
    return make_realistic_log(3, seed=7)


@pytest.fixture(scope="module")
def realistic_sequential(realistic):
    return sequential(realistic)


@pytest.mark.parametrize("share_bytes", [65_537, 1 << 20])
def test_realistic_log_gives_the_sequential_result(tmp_path, branches, realistic, realistic_sequential, share_bytes):
    path = tmp_path / "realistic.log"
    path.write_bytes(realistic)
    assert parallel.summarize_file(str(path), processes=2, share_bytes=share_bytes) == realistic_sequential[0]
    events = []
    summary = parallel.summarize_file(str(path), processes=2, on_event=events.append, share_bytes=share_bytes)
    assert (summary, events) == realistic_sequential


# -- Shares (summarize_shares, the service's path for a large S3 object): one streamed read per worker. --

def _region_bytes(regions) -> bytes:
    return b"".join(bytes(regions.buf[lo:hi]) for lo, hi in regions)


def _share_bytes(data: bytes, cuts: list[int], path, read_size: int) -> list[bytes]:
    """What Regions(plain=True) makes of each share [a, b) of ``data`` read through a ShareReader."""
    path.write_bytes(data)
    out = []
    for start, end in zip(cuts, cuts[1:]):
        reader = parallel.ShareReader(parallel.FileRanges(str(path)), start, end)
        out.append(_region_bytes(Regions(reader, read_size, plain=True)))
        assert not reader.unscannable
        reader.close()
    return out


_SHARE_TEXTS = {   # edges a share must cut as the stream does
    "plain": b"a 1\nbb 2\n\nccc 3\n",
    "no_final_newline": b"a 1\nbb 2\nccc",
    "bom_crlf": b"\xef\xbb\xbfa 1\r\nbb 2\r\n\r\nccc 3\r\n",
    "controls": b"\0\0a \x1b[31mERROR\x1b[0m 1\n\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ 2\nstray \x1b\n",
    "overlong": b"x" * (MAX_LINE_BYTES + 5) + b"\nshort\n" + b"y" * (MAX_LINE_BYTES * 2 + 3) + b"\nend\n",
}


@pytest.mark.parametrize("read_size", [1, 2, 7])
@pytest.mark.parametrize("name", sorted(_SHARE_TEXTS))
def test_shares_cut_at_any_offsets_give_the_stream_lines(tmp_path, name, read_size):
    """Consecutive shares, cut at any byte (a line start, inside a line, a newline, inside a byte order mark or an
    escape sequence), read a few bytes at a time, hand on exactly the lines (cut, cleaned) the whole stream gives,
    each line once."""
    data = _SHARE_TEXTS[name]
    whole = _region_bytes(Regions(io.BytesIO(data), 7))
    rng = random.Random(name)
    step = 1 if len(data) < 100 else 4099 * read_size
    for a in range(0, len(data) + 1, step):
        cuts = sorted({0, len(data), a, rng.randrange(len(data) + 1), rng.randrange(len(data) + 1)})
        assert b"".join(_share_bytes(data, cuts, tmp_path / "x.log", read_size)) == whole, (name, cuts)


class _Trickle:
    """A file read one byte at a time at first (as a network body may give a short first read)."""

    def __init__(self, path):
        self._f, self._reads = open(path, "rb"), 0

    def read(self, size: int) -> bytes:
        self._reads += 1
        return self._f.read(1 if self._reads < 4 else size)

    def close(self) -> None:
        self._f.close()


def test_a_first_share_read_from_a_trickling_stream_gives_the_stream_lines(tmp_path):
    data = _SHARE_TEXTS["bom_crlf"] * 3
    path = tmp_path / "x.log"
    path.write_bytes(data)
    reader = parallel.ShareReader(parallel.FileRanges(str(path)), 0, len(data), raw=_Trickle(path))
    assert _region_bytes(Regions(reader, 4096, plain=True)) == _region_bytes(Regions(io.BytesIO(data), 4096))


class _BrokenBody:
    def read(self, size: int) -> bytes:
        raise OSError("connection reset by peer")

    def close(self) -> None:
        pass


def test_a_failed_first_share_raises_and_stops_the_workers(tmp_path, monkeypatch, realistic):
    import multiprocessing

    monkeypatch.setattr(parallel, "SHARE_MIN_BYTES", 1 << 20)   # (three shares of the 3 MiB log)
    path = tmp_path / "realistic.log"
    path.write_bytes(realistic)
    with pytest.raises(OSError, match="connection reset"):
        parallel.summarize_shares(parallel.FileRanges(str(path)), len(realistic), processes=3, first=_BrokenBody())
    assert multiprocessing.active_children() == []


def _kill_the_worker_reading(monkeypatch, offset: int) -> None:
    """FileRanges' reads kill the worker process that reads at ``offset`` (as the kernel's OOM killer does), in a
    test's forked workers; the parent (the test process) reads on."""
    import os
    import signal

    parent = os.getpid()
    open_range = parallel.FileRanges.open_range

    def die_at(start: int) -> None:
        if start == offset and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(parallel.FileRanges, "open_range",
                        lambda self, start, length: die_at(start) or open_range(self, start, length))


@pytest.mark.parametrize("how", ["shares", "shares_first", "file", "stream"])
def test_a_killed_worker_raises_instead_of_hanging(tmp_path, monkeypatch, realistic, how):
    """A worker killed mid-task is WorkerLost, and the other workers are stopped (multiprocessing.Pool, used before,
    replaced the dead worker and lost its task: the parent waited for it forever)."""
    import multiprocessing

    monkeypatch.setattr(parallel, "SHARE_MIN_BYTES", 1 << 20)
    path = tmp_path / "realistic.log"
    path.write_bytes(realistic)
    size, share = len(realistic), -(-len(realistic) // 3)
    assert size > 2 << 20
    # the second share or chunk (the first is the parent's where `first` is given), whose read starts a byte before
    # it (that byte tells whether it starts with a line)
    _kill_the_worker_reading(monkeypatch, (1 << 20 if how == "file" else share) - 1)
    with pytest.raises(parallel.WorkerLost, match="ended without answering"):
        if how == "stream":   # the parent hands the chunks over: a worker dies on its first
            scan_chunk, parent = parallel.scan_chunk, os.getpid()
            monkeypatch.setattr(parallel, "scan_chunk", lambda *a, **k: (
                os.getpid() != parent and os.kill(os.getpid(), signal.SIGKILL)) or scan_chunk(*a, **k))
            with gzip.open(io.BytesIO(gzip.compress(realistic))) as stream:
                parallel.summarize_stream(stream, processes=2, chunk_bytes=1 << 20)
        elif how == "file":
            parallel.summarize_file(str(path), processes=2, share_bytes=1 << 20)
        else:
            with open(path, "rb") as first:
                parallel.summarize_shares(parallel.FileRanges(str(path)), size, processes=3,
                                          first=first if how == "shares_first" else None)
    assert multiprocessing.active_children() == []


# Run in a child interpreter with a timeout: a regression would hang, not fail. (fork: the functions below are found
# in the child's __main__.)
_WORKERS_SCRIPT = """
import os, signal, sys
import multiprocessing.connection as connection
from app import parallel

def big(n):
    return bytes(n)

def dies_sending(n):   # sends half of its result, then is killed (as by the OOM killer)
    send = connection.Connection._send
    def half_then_killed(self, buf, *args):
        if len(buf) > 1 << 20:
            send(self, bytes(buf[:len(buf) // 2]))
            os.kill(os.getpid(), signal.SIGKILL)
        return send(self, buf)
    connection.Connection._send = half_then_killed
    return bytes(n)

case = sys.argv[1]
for _ in range(5):
    if case == "early":        # results larger than the pipe in flight when the block is left
        with parallel._Workers(2) as workers:
            next(workers.map(big, [32 << 20] * 6))
    else:
        try:
            with parallel._Workers(2) as workers:
                workers.result(workers.submit(dies_sending, 8 << 20))
        except parallel.WorkerLost:
            pass
        else:
            sys.exit("no WorkerLost")
import multiprocessing
sys.exit(f"left running: {multiprocessing.active_children()}" if multiprocessing.active_children() else 0)
"""


@pytest.mark.parametrize("case", ["early", "killed_sending"])
def test_workers_never_hang_on_a_result_cut_off_in_the_pipe(case):
    """A worker killed while it sends a result larger than the pipe's buffer (when a scan is left early, or by the
    OOM killer) left the executor's thread waiting in recv() for the rest of it: the parent hung for ever
    (found in review). The pool must end, WorkerLost where a result was awaited, and leave no process behind."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _WORKERS_SCRIPT, case], cwd=pathlib.Path(parallel.__file__).parents[1],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_share_ending_in_a_cut_line_with_controls_is_not_scanned_apart(tmp_path):
    """The stream removes NUL and ESC bytes before it cuts an overlong line; a share reads its last line only to
    MAX_LINE_BYTES past its end, so it cannot know where the stream cuts one holding them: the caller scans the log
    as a stream instead (summarize_shares gives None)."""
    data = b"first\n" + b"\0" * 10 + b"z" * (MAX_LINE_BYTES * 3) + b"\nlast ERROR x\n"
    path = tmp_path / "x.log"
    path.write_bytes(data)
    reader = parallel.ShareReader(parallel.FileRanges(str(path)), 0, 20)
    _region_bytes(Regions(reader, 4096, plain=True))
    assert reader.unscannable
    assert parallel.summarize_shares(parallel.FileRanges(str(path)), len(data), processes=2, share_bytes=20) is None
    # without the NUL bytes the cut is the stream's
    clean = data.replace(b"\0", b"")
    path.write_bytes(clean)
    assert parallel.summarize_shares(parallel.FileRanges(str(path)), len(clean), processes=2,
                                     share_bytes=20) == sequential(clean)[0]


@pytest.mark.parametrize("per_event", [True, False])
@pytest.mark.parametrize(("share_bytes", "read_bytes"), [(257, 97), (4096, 1 << 20)])
def test_shares_give_the_sequential_result(tmp_path, branches, share_bytes, read_bytes, per_event, cases):
    """Every case cut into shares: a share without a resync line where the state before it matters is read again
    by the parent (ChunkResult.prefix None), as a chunk's prefix is re-fed."""
    for name, text in cases.items():
        data = text.encode()
        path = tmp_path / f"{name}.log"
        path.write_bytes(data)
        events = []
        summary = parallel.summarize_shares(parallel.FileRanges(str(path)), len(data), processes=2,
                                            on_event=events.append if per_event else None,
                                            share_bytes=share_bytes, read_bytes=read_bytes)
        expected, expected_events = sequential(data)
        assert (summary, events) == (expected, expected_events if per_event else []), name
    assert branches[(True, True)] and branches[(True, False)] and branches[(False, True)]


@pytest.mark.parametrize("processes", [1, 2, 3])
def test_the_parent_scans_the_first_share_from_the_stream_it_opened(tmp_path, monkeypatch, realistic,
                                                                   realistic_sequential, processes):
    monkeypatch.setattr(parallel, "SHARE_MIN_BYTES", 1 << 20)
    path = tmp_path / "realistic.log"
    path.write_bytes(realistic)
    opened = []   # the parent's reads (a worker appends to its own copy)
    open_range = parallel.FileRanges.open_range

    def recording(self, offset, length):
        opened.append(offset)
        return open_range(self, offset, length)

    monkeypatch.setattr(parallel.FileRanges, "open_range", recording)
    events = []
    with open(path, "rb") as first:
        summary = parallel.summarize_shares(parallel.FileRanges(str(path)), len(realistic), processes=processes,
                                            on_event=events.append, first=first)
    assert (summary, events) == realistic_sequential
    assert opened == []   # the first share from `first`; with one process, the only one


def test_no_share_is_smaller_than_the_minimum(tmp_path, monkeypatch, realistic, realistic_sequential):
    """A small object on a many-core pod is cut into fewer shares, none under SHARE_MIN_BYTES: here one, the
    parent's, so no worker is started at all."""
    path = tmp_path / "realistic.log"
    path.write_bytes(realistic)
    assert len(realistic) < 2 * parallel.SHARE_MIN_BYTES
    monkeypatch.setattr(parallel, "_Workers", lambda processes: pytest.fail(f"{processes} workers started"))
    with open(path, "rb") as first:
        summary = parallel.summarize_shares(parallel.FileRanges(str(path)), len(realistic), processes=16, first=first)
    assert summary == realistic_sequential[0]


def test_a_share_read_again_stops_at_the_deadline(tmp_path, monkeypatch):
    """A share whose start needs the state before it and has no resync line (JSON lines: none resets the state) is
    read again by the parent; the deadline stops that read too, and the summary covers the lines read by then."""
    data = "".join(json.dumps({"level": "error", "msg": f"m{i}"}) + "\n  at f(x.js:1)\n" for i in range(4000)).encode()
    path = tmp_path / "json.log"
    path.write_bytes(data)
    ticks = []   # one a call of the clock: each read asks it once

    def summary(deadline):
        ticks.clear()
        monkeypatch.setattr(parallel.time, "monotonic", lambda: ticks.append(1) or len(ticks))

        def stop(reached):   # as the service's limits: a reason once the deadline has passed
            return f"time limit reached at {reached}" if parallel.time.monotonic() >= deadline else None

        with open(path, "rb") as first:
            return parallel.summarize_shares(parallel.FileRanges(str(path)), len(data), processes=1, share_bytes=
                                             len(data) // 2 + 1, read_bytes=4096, deadline=deadline, first=first,
                                             stop=stop)

    assert summary(10 ** 6) == sequential(data)[0]
    reads_again = len(data) // 2 // 4096   # the last reads were the parent's, of the second share
    stopped = summary(len(ticks) - reads_again // 2)
    assert stopped["incomplete"] and stopped["error"] == f"time limit reached at {stopped['bytes']}"
    # (past the second share's first reads: the worker's scan of it ended, the parent's reading it again did not)
    assert len(data) // 2 + 4 * 4096 < stopped["bytes"] < len(data) and stopped["lines"] < data.count(b"\n")


def test_shares_stop_at_the_deadline(tmp_path, monkeypatch, realistic):
    """No read starts after the deadline: the summary covers the lines read by then, incomplete with the reason
    the caller's stop gives for the offset reached."""
    path = tmp_path / "realistic.log"
    path.write_bytes(realistic)
    clock = iter(range(1000))
    monkeypatch.setattr(parallel.time, "monotonic", lambda: next(clock))   # one tick a read (the parent's own)
    seen = []

    def stop(reached):
        seen.append(reached)
        return f"time limit reached at {reached}"

    with open(path, "rb") as first:
        summary = parallel.summarize_shares(parallel.FileRanges(str(path)), len(realistic), processes=1,
                                            read_bytes=65536, deadline=5, stop=stop, first=first)
    assert summary["incomplete"] and summary["error"] == f"time limit reached at {seen[0]}"
    assert summary["bytes"] == seen[0] == 5 * 65536   # five reads before the deadline
    head = realistic[:5 * 65536]
    assert summary["lines"] == head.count(b"\n")
    assert summary["counts"] == sequential(head[:head.rfind(b"\n") + 1])[0]["counts"]


def test_realistic_log_with_a_reference_time_gives_the_sequential_result(tmp_path, realistic):
    """With a reference time (the CLI's mtime, the service's LastModified), the parent reads the time of each
    group's first event as the group is first stitched (Totals.add_group), the rest in summary: the times of the
    sequential scan, year-less ones (syslog `Nov 27`) too."""
    path = tmp_path / "realistic.log"
    path.write_bytes(realistic)
    years = []
    for reference in (datetime(2027, 1, 3, tzinfo=timezone.utc), datetime(2026, 11, 20, tzinfo=timezone.utc)):
        want = log_parser.summarize(io.BytesIO(realistic), reference_time=reference)
        got = parallel.summarize_file(str(path), processes=2, share_bytes=65_537, reference_time=reference)
        assert got == want
        years.append(sorted({g[key][:4] for g in want["groups"] for key in ("first_time", "last_time")}))
    assert years == [["2026"], ["2025", "2026"]]   # the second puts year-less November lines a year back


def _stitch(data: bytes, cuts: list[int], on_event) -> dict:
    """Scans data[a:b] for each pair of cuts (line starts) as a worker does, and stitches the chunks in order."""
    stitcher = parallel.Stitcher(on_event)
    for lo, hi in zip(cuts, cuts[1:]):
        chunk = strip_controls(data[lo:hi])  # (as a worker's Regions strip its share, see parallel.ShareReader)
        stitcher.add(parallel.scan_chunk(bytearray(chunk), 0, len(chunk), keep_events=on_event is not None))
    return stitcher.summary(len(data), None, 50)


@pytest.mark.parametrize("seed", range(3))
def test_chunks_cut_at_any_line_give_the_sequential_result(branches, realistic, realistic_sequential, seed):
    """Cuts at random lines, half of them inside a stack trace or a continued record (an indented line), so that
    events are open across many chunk edges: summed per group or one by one, the sequential result."""
    starts, nl = [0], realistic.find(b"\n")
    while nl >= 0 and nl + 1 < len(realistic):
        starts.append(nl + 1)
        nl = realistic.find(b"\n", nl + 1)
    indented = [s for s in starts if realistic[s:s + 1] in (b" ", b"\t")]
    rng = random.Random(seed)
    cuts = sorted({0, len(realistic), *rng.sample(starts[1:], 150), *rng.sample(indented, 150)})
    assert _stitch(realistic, cuts, None) == realistic_sequential[0]
    events = []
    assert (_stitch(realistic, cuts, events.append), events) == realistic_sequential
    assert branches[(True, True)] > 20 and branches[(True, False)] and branches[(False, True)]


def test_tracked_group_bound_and_distinct_estimate(tmp_path, monkeypatch, realistic):
    """Past MAX_TRACKED_GROUPS (later groups untracked, their events still counted) and past the distinct counter's
    exact limit (HyperLogLog): groups summed per chunk enter the table in the order of their first event, and the
    counter sees the same ids."""
    monkeypatch.setattr(grouping, "MAX_TRACKED_GROUPS", 40)
    monkeypatch.setattr(grouping, "EXACT_DISTINCT_LIMIT", 100)
    path = tmp_path / "realistic.log"
    path.write_bytes(realistic)
    want = sequential(realistic)
    assert want[0]["groups_total"] > 300   # both bounds passed
    for share_bytes in (4099, 65_537):
        assert parallel.summarize_file(str(path), processes=2, share_bytes=share_bytes) == want[0]
    events = []
    summary = parallel.summarize_file(str(path), processes=2, on_event=events.append, share_bytes=65_537)
    assert (summary, events) == want


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("reference", [None, datetime(2027, 1, 1, 12, tzinfo=timezone.utc)])
def test_totals_take_group_sums_as_the_events(seed, reference):
    """Totals.add_group of each run's GroupSums (app.parallel's worker-side fold) gives the summary that Totals.add
    of each event gives: counts, stack traces, groups and their order, first/last lines, samples and times (with a
    reference, add_group reads a new group's first time at once: the same time summary reads)."""
    rng = random.Random(seed)
    kinds = [(level, f"job {i} failed") for i, level in enumerate(["ERROR", "WARN", "FATAL", "ERROR"] * 5)]
    events = []   # Totals.add's arguments
    for line in range(1, 2000):
        if rng.random() < 0.3:
            level, template = rng.choice(kinds[:rng.choice((3, 20))])
            raw = rng.choice([f"2026-11-{1 + line // 100:02d} 10:{line % 60:02d}:00 {level} {template} ({line})",
                              f"<11>Dec 31 23:{line % 60:02d}:00 host app: {level} {template} ({line})",
                              f"{level} {template} ({line}), no time"])
            events.append((line, level, grouping.group_id(level, template), template, raw, rng.random() < 0.2, raw))
    one_by_one, summed = Totals(None, reference), Totals(None, reference)
    for event in events:
        one_by_one.add(*event)
    pos = 0
    while pos < len(events):
        run, sums = events[pos:pos + rng.randint(1, 200)], GroupSums()
        pos += len(run)
        for event in run:
            sums.add(*event)
        for gid, (level, template, sample, count, traces, first, last, first_raw, last_raw) in sums.groups.items():
            summed.add_group(gid, level, template, count, traces, first, last, sample, first_raw, last_raw)
    early = dict(summed._times_of)
    assert len(early) == (len(summed.groups._groups) if reference else 0)
    assert all(line_time(raw, reference) == t for raw, t in early.items())
    assert summed.summary(2000, 123, None, 50) == one_by_one.summary(2000, 123, None, 50)
    assert one_by_one.stack_traces and len(set(one_by_one.counts.values())) == 3
    with pytest.raises(ValueError):   # on_event needs each event
        Totals(print).add_group("0123456789ab", "ERROR", "t", 1, 0, 1, 1, "s", None, None)


@pytest.mark.parametrize("seed", range(4))
def test_sums_of_later_events_add_as_the_events(seed):
    """parallel._add_later(sums, later): the GroupSums of a stretch, then of the stretch after it, as one GroupSums
    of both (groups in the order of their first event, counts, traces, first and last lines and raw lines)."""
    rng = random.Random(seed)
    kinds = [("ERROR", f"job {i} failed") for i in range(12)]
    events = []
    for line in range(1, 500):
        if rng.random() < 0.4:
            level, template = rng.choice(kinds[:rng.choice((2, 12))])
            raw = f"{level} {template} ({line})"
            events.append((line, level, grouping.group_id(level, template), template, raw, rng.random() < 0.2, raw))
    cut = rng.randrange(len(events) + 1)
    whole, head, tail = GroupSums(), GroupSums(), GroupSums()
    for n, event in enumerate(events):
        whole.add(*event)
        (head if n < cut else tail).add(*event)
    parallel._add_later(head, tail)
    assert list(head.groups.items()) == list(whole.groups.items())


class _BreaksOff:
    """A stream of ``data`` in pieces of 50 bytes that raises DecompressionError once, after ``after`` bytes, and
    then ends (as a reader may, once it has raised)."""

    def __init__(self, data: bytes, after: int):
        self._data, self._after, self._pos, self._raised = data, after, 0, False

    def read(self, size: int) -> bytes:
        if self._pos >= self._after:
            if self._raised:
                return b""
            self._raised = True
            raise DecompressionError("truncated here")
        out = self._data[self._pos:min(self._pos + size, self._pos + 50, self._after)]
        self._pos += len(out)
        return out


@pytest.mark.parametrize("overlong", [False, True])
@pytest.mark.parametrize("after", [0, 1, 49, 1000, 1337])
def test_regions_filled_hand_on_what_came_before_an_error(after, overlong):
    """Regions(fill=True) (app.parallel's stream chunks) reads on until its size is in: an error met while filling
    is raised once the bytes before it are handed on, as the regions of a plain Regions hand them on; also while
    the rest of an overlong line is being skipped."""
    data = b"".join(b"line %d ERROR x\n" % i for i in range(200))
    if overlong:
        data = data[:900] + b"x" * (MAX_LINE_BYTES + 3000) + data[900:]
        after += MAX_LINE_BYTES + 2000 if after >= 900 else 0

    def lines(**fill):
        regions = Regions(_BreaksOff(data, after), 997, **fill)
        return _region_bytes(regions), regions.error

    plain = lines()
    assert lines(fill=True) == plain and plain[1] == "truncated here"
    if after >= 16 and not overlong:   # (an error within the first bytes, still being sniffed, loses them either way)
        assert plain[0] == data[:after] + (b"" if data[:after].endswith(b"\n") else b"\n")


def test_regions_read_size_may_change_between_regions():
    """summarize_stream's solo phase reads in the sequential scan's reads, then in its chunks: Regions follows
    read_size and fill as they change, and a larger read_size gets a larger buffer with the partial line carried."""
    data = b"".join(b"line %d ERROR x\n" % i for i in range(3000))
    regions = Regions(_BreaksOff(data, len(data)), 1000)
    small = len(regions.buf)
    sizes, bufs = [], []
    for lo, hi in regions:
        sizes.append(hi - lo)
        bufs.append(bytes(regions.buf[lo:hi]))
        if len(sizes) == 3:
            regions.read_size, regions.fill = 4000, True
        if len(sizes) == 6:
            regions.read_size = 10 ** 6
    # (a region is what was read, 50 bytes a read here, plus the partial line carried from the one before)
    assert all(s <= 50 + 20 for s in sizes[:3]) and all(3900 < s <= 4000 + 20 for s in sizes[3:6])
    assert len(sizes) == 7 and sizes[6] > 40_000   # the rest in one read
    assert b"".join(bufs) == data and len(regions.buf) == Regions.buffer_bytes(10 ** 6) > small
    assert regions.error == "truncated here"


def test_truncated_stream_is_flagged_incomplete(texts):
    data = gzip.compress(texts["shuffled-0"].encode())[:-100]
    summary = parallel.summarize_stream(io.BytesIO(data), processes=2, chunk_bytes=997)
    assert summary == sequential(data)[0] and summary["incomplete"]


def test_empty_file(tmp_path):
    path = tmp_path / "empty.log"
    path.write_bytes(b"")
    assert parallel.summarize_file(str(path), processes=2) == sequential(b"")[0]


# Bytes that app.text rewrites before lines are cut: UTF-16 files are read once by the parent (summarize_stream);
# NUL runs and ANSI colours are removed by each worker from its range, or, where a range ends in an overlong line
# holding them, the file is read once instead.
_BYTE_CASES = {  # name -> its bytes, made of the `texts` fixture
    "utf16le": lambda texts: ("\ufeff" + texts["shuffled-0"].replace("\n", "\r\n")).encode("utf-16-le"),
    "utf16be": lambda texts: ("\ufeff" + texts["shuffled-1"]).encode("utf-16-be"),
    "nul_runs": lambda texts: b"\0" * 5000
    + texts["shuffled-2"].encode().replace(b"\nTraceback", b"\n\0\0\0Traceback"),
    "nul_run_over_the_line_limit": lambda texts: texts["shuffled-0"].encode() + b"\0" * 150_000
    + texts["shuffled-1"].encode(),
    "ansi": lambda texts: texts["shuffled-0"].encode().replace(b" ERROR ", b" \x1b[31mERROR\x1b[0;39m "),
    "gzip": lambda texts: gzip.compress((texts["shuffled-1"] + texts["shuffled-2"]).encode()),   # (read as a stream)
    **{p.name: lambda texts, p=p: p.read_bytes() * 40 for p in sorted(FIELD_CASES.glob("*.log"))},
}


# -- Progress (the CLI's bar): the workers count the bytes of their shares as they read them; the parent shows the
# count while it waits for their results. --

def _slow_square(x: int) -> int:
    import time
    time.sleep(0.7)   # a task that runs for a while (not a wait for a condition)
    return x * x


def test_the_parent_is_called_while_it_waits_for_a_worker():
    ticks = []
    with parallel._Workers(1, on_wait=lambda: ticks.append(1)) as pool:
        assert list(pool.map(_slow_square, [3])) == [9]
    assert len(ticks) >= 2   # every TICK_SECONDS (0.2 s) of a 0.7 s task


def test_a_share_counts_its_bytes_once_as_it_is_read(tmp_path, monkeypatch, realistic):
    import multiprocessing

    path = tmp_path / "realistic.log"
    path.write_bytes(realistic)
    reads = multiprocessing.Value("q", 0)
    monkeypatch.setattr(parallel, "_share_reads", reads)
    counts = []
    note = parallel._note_read
    monkeypatch.setattr(parallel, "_note_read", lambda n: counts.append(n) or note(n))
    start, end = 100_000, 1_300_000   # (neither on a line start: the share's lines run past its end)
    parallel.scan_share((parallel.FileRanges(str(path)), start, end, 65_536), keep_events=False)
    assert reads.value == end - start and len([n for n in counts if n > 0]) > 10


@pytest.mark.parametrize("share_bytes", [None, 300_007])
def test_progress_adds_up_to_the_file_size(tmp_path, realistic, realistic_sequential, share_bytes):
    path = tmp_path / "realistic.log"
    path.write_bytes(realistic)
    shown = []
    summary = parallel.summarize_file(str(path), processes=2, share_bytes=share_bytes, progress=shown.append)
    assert summary == realistic_sequential[0]
    assert sum(shown) == len(realistic) and min(shown) > 0


@pytest.mark.parametrize("solo_bytes", [0, 2500])
@pytest.mark.parametrize("name", sorted(_BYTE_CASES))
def test_cli_path_gives_the_sequential_result(tmp_path, monkeypatch, texts, name, solo_bytes):
    data = _BYTE_CASES[name](texts)
    path = tmp_path / "case.log"
    path.write_bytes(data)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "STREAM_SOLO_BYTES", solo_bytes)   # (a stream's first chunks scanned alone)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 1009)       # a stream's chunks (compressed, UTF-16)
    monkeypatch.setattr(parallel, "FILE_SHARE_MIN_BYTES", 1009)   # a file's shares
    events = []
    summary = log_parser._summarize_path(str(path), 2, events.append)
    assert (summary, events) == sequential(data)


@pytest.mark.parametrize("solo_bytes", [0, 1, 5000, 20_000, 59_999, 60_000, 10 ** 9])
def test_a_stream_scanned_alone_at_first_gives_the_sequential_result(realistic, monkeypatch, solo_bytes):
    """summarize_stream scans the first ``solo_bytes`` of log itself (several chunks, then workers for the rest), and
    starts no worker where the log ends within them; with each event handed on too."""
    data = realistic[:60_000]
    started = []
    real_workers = parallel._Workers
    monkeypatch.setattr(parallel, "_Workers", lambda *a, **k: started.append(1) or real_workers(*a, **k))
    events = []
    summary = parallel.summarize_stream(io.BytesIO(gzip.compress(data)), processes=2, chunk_bytes=4099,
                                        on_event=events.append, solo_bytes=solo_bytes)
    assert (summary, events) == sequential(data)
    assert len(started) == (solo_bytes < len(data))
    empty = parallel.summarize_stream(io.BytesIO(b""), processes=2, solo_bytes=solo_bytes)
    assert empty == sequential(b"")[0] and len(started) == (solo_bytes < len(data))


def _route(monkeypatch) -> list:
    """Replaces the CLI's three scans with recorders of which one ran (and with which solo_bytes)."""
    taken = []
    monkeypatch.setattr(parallel, "summarize_stream",
                        lambda *a, solo_bytes=0, **k: taken.append(("stream", solo_bytes)) or {"counts": None})
    monkeypatch.setattr(parallel, "summarize_file", lambda *a, **k: taken.append(("shares",)) or {"counts": None})
    monkeypatch.setattr(log_parser, "summarize", lambda *a, **k: taken.append(("sequential",)) or {"counts": None})
    return taken


@pytest.mark.parametrize("compress, size, path_taken", [
    (False, 8999, ("sequential",)), (False, 9000, ("shares",)),
    (True, 100, ("stream", 777)), (True, 9000, ("stream", 777))])
def test_cli_reads_a_compressed_file_as_a_stream_whatever_its_size(tmp_path, monkeypatch, compress, size,
                                                                    path_taken):
    """A compressed file holds several times its size of log: the CLI reads it as a stream, which starts workers
    past STREAM_SOLO_BYTES of log; an uncompressed file is cut into shares from PARALLEL_MIN_BYTES on."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 9000)
    monkeypatch.setattr(parallel, "STREAM_SOLO_BYTES", 777)
    taken = _route(monkeypatch)
    data = (b"plain log line\n" * size)[:size]
    if compress:   # a gzip stream of stored blocks, cut to the size (only its head is looked at)
        data = gzip.compress(data, 0)[:size]
    path = tmp_path / "x.log"
    path.write_bytes(data)
    log_parser._summarize_path(str(path), 2, None)
    log_parser._summarize_path(str(path), 1, None)
    assert taken == [path_taken, ("sequential",)]


def test_cli_reads_stdin_and_a_pipe_as_streams(tmp_path, monkeypatch):
    """stdin and a named pipe have no size: read as streams (workers past STREAM_SOLO_BYTES), one process with
    --processes 1; the pipe's first bytes are not read ahead to sniff it (they reach the scan)."""
    monkeypatch.setattr(parallel, "STREAM_SOLO_BYTES", 777)
    taken = _route(monkeypatch)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x\n")))
    log_parser._summarize_stdin(2, None)
    log_parser._summarize_stdin(1, None)
    assert taken == [("stream", 777), ("sequential",)]
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_bytes, args=(b"ERROR one\n",), daemon=True)
    writer.start()
    monkeypatch.setattr(parallel, "summarize_stream",
                        lambda stream, **k: taken.append(("stream", k["solo_bytes"], stream.read())) or {})
    log_parser._summarize_path(str(fifo), 2, None)
    writer.join(timeout=60)
    assert not writer.is_alive() and taken[-1] == ("stream", 777, b"ERROR one\n")


def test_ranges_are_independent_unless_compressed_or_utf16(tmp_path):
    path = tmp_path / "x.log"
    for data, independent in ((b"plain\n", True), (b"", True), (b"a\0b\n", True), (b"\x1b[31mE\n", True),
                              ("\ufeffx\n".encode("utf-16-le"), False), (gzip.compress(b"x\n"), False)):
        path.write_bytes(data)
        assert parallel.ranges_are_independent(str(path)) is independent, data



# -- The process of the last syslog line or journald entry is part of the scan state: the next record of another
# process ends the open event (app.records.Unwrapper). A worker starts with no process known. --

def _stitch_pieces(pieces: list[bytes], on_event=None) -> dict:
    stitcher = parallel.Stitcher(on_event)
    for piece in pieces:
        buf = bytearray(piece)
        stitcher.add(parallel.scan_chunk(buf, 0, len(buf), keep_events=on_event is not None))
    return stitcher.summary(sum(map(len, pieces)), None, 50)


SWITCH_CASES = {
    # the chunk opens an event with a line of no process, then another process's line ends it: the trace below
    # belongs to nothing (found in review)
    "switch after a plain line": [
        b"<25>Nov 17 10:59:19 host7 app/x[3767]: DEBUG id=1\n",
        b"2026-11-18T10:13:59Z host ERROR[62]: quota exceeded\n2026-11-22T10:40:26Z host app[67]: 0xdeadbeef\n"
        b"\tat com.x.Y.m(Y.java:541)\n"],
    # the same process goes on: its line does not end the event, the trace is the event's
    "same process goes on": [
        b"Nov 17 10:59:19 host7 app[1]: WARN slow start\n",
        b"2026-11-18 10:13:59 ERROR quota exceeded\nNov 17 10:59:20 host7 app[1]: retrying\n"
        b"\tat com.x.Y.m(Y.java:541)\n"],
    # a chunk that names no process: the one before it goes on into the next chunk (a line the scan skips, one of no
    # level while nothing is open, names none either) (a line the scan skips, one of no
    # level while nothing is open, names none either)
    "carried over a chunk naming none": [
        b"Nov 17 10:59:19 host7 app[1]: WARN slow start\n",
        b"2026-11-18 10:00:00 INFO nothing here\n",
        b"2026-11-18 10:00:01 ERROR boom\nNov 17 10:59:20 host7 db[2]: vacuum\n\tat com.x.Y.m(Y.java:1)\n"],
    # journald entries: the process is (identifier, pid)
    "journald": [
        b'{"MESSAGE": "WARN slow start", "PRIORITY": "4", "SYSLOG_IDENTIFIER": "app", "_PID": "1"}\n',
        b"2026-11-18 10:00:01 ERROR boom\n"
        b'{"MESSAGE": "vacuum", "SYSLOG_IDENTIFIER": "db", "_PID": "2"}\n'
        b"\tat com.x.Y.m(Y.java:1)\n"],
    # an event open across the cut, a resync line, then a switch with an event open: the worker's process before
    # that switch (none) is not the true one (app, from lines it skipped while nothing was open)
    "switch after the resync line": [
        b"Nov 17 10:59:19 host7 app[1]: WARN slow start\n2026-11-18 10:00:00 ERROR first\n",
        b"\tat a.B.c(B.java:1)\nNov 17 10:59:19 host7 app[1]: still app\n2026-11-18 10:00:01 ERROR second\n"
        b"Nov 17 10:59:20 host7 db[2]: vacuum\n\tat com.x.Y.m(Y.java:1)\n"],
}


# Lines that look like resync lines but whose effect hangs on what came before (found in review): the worker must not
# sum from them.
NOT_RESYNC_CASES = {
    # a syslog line naming a process, which the sequential scan feeds (an event is open) and the worker skips (INFO,
    # nothing open): the process after it is not the same
    "a resync-like line naming a process": [
        b"Nov 17 10:59:19 host7 db: ERROR boom\n",
        b"2026-11-18T10:13:59Z host app: 2026-11-18 10:00:23 INFO fine\n2026-11-18 10:00:24 ERROR second\n",
        b"Nov 17 10:59:20 host7 app: \tat a.B(C.java:25)\n"],
    # a CRI chunk that the partial chunk before the cut goes on into
    "a CRI F chunk after a P chunk": [
        b"2026-11-29T10:00:00.000000001Z stderr P 2026-11-18 10:00:00 ERROR part \n",
        b"2026-11-29T10:00:00.000000001Z stderr F 2026-11-18 10:00:00 ERROR cri\n"],
    # Rails: a header with no message; the next same-level line gives it
    "the message of an empty header": [b"2026-11-18 10:00:09 FATAL \n", b"2026-11-18 10:00:09 FATAL rails msg 9\n"],
    "the message of an empty header, a blank line between": [
        b"2026-11-18 10:00:09 FATAL \n\n", b"2026-11-18 10:00:09 FATAL rails msg 9\n"],
    # Ruby's Logger: a frame under the level header goes on the open event
    "a frame under a level header": [
        b"2026-11-18 10:00:00 ERROR boom\n", b"2026-11-18 10:00:00 ERROR app/models/x.rb:12:in `foo'\n"],
    # an empty message under the level of the open event goes on it
    "an empty header under an open event": [
        b"2026-11-18 10:00:00 ERROR boom\n\tat a.B(C.java:1)\n", b"2026-11-18 10:00:01 ERROR \n\tat d.E(F.java:2)\n"],
    # a CRI line with a short time is plain text to the envelope layer (` std` before column 20)
    "a CRI-like line with a short time": [
        b"Nov 17 10:59:06 host7 db[2]: WARN step 6\n",
        b"2026-11-29T10:00Z stdout F 2026-11-18 10:00:07 error short 7\n\tat a.B.c(B.java:1)\n"],
}


@pytest.mark.parametrize("name", sorted({**SWITCH_CASES, **NOT_RESYNC_CASES}))
def test_a_cut_where_the_state_before_matters_gives_the_sequential_result(name):
    """A process switch after the cut, or a line that only looks like a resync line: summed per group or one by
    one, the sequential result."""
    pieces = {**SWITCH_CASES, **NOT_RESYNC_CASES}[name]
    expected, expected_events = sequential(b"".join(pieces))
    events = []
    assert (_stitch_pieces(pieces, events.append), events) == (expected, expected_events)
    assert _stitch_pieces(pieces) == expected


def _process_mix(rng: random.Random, lines: int) -> bytes:
    """Syslog lines of three processes (some with an ISO time), journald entries, plain headers of each level, CRI
    chunks, Rails' empty headers and Ruby's frame headers, lines of no level, and traces: events open across process
    switches of every kind, and lines that look like resync lines without being ones."""
    out = []
    for i in range(lines):
        proc = rng.choice(["app[1]", "db[2]", "cron[3]"])
        level = rng.choice(["ERROR", "WARN", "INFO", "INFO", ""])
        kind = rng.randrange(13)
        if kind == 0:
            out.append(f"Nov 17 10:59:{i % 60:02d} host7 {proc}: {level} step {i}")
        elif kind == 1:
            out.append(f"<{rng.choice([11, 14, 30])}>Nov 17 10:59:19 host7 {proc}: {level} step {i}")
        elif kind == 2:
            message = rng.choice([f"2026-11-18 10:00:00 {level or 'INFO'} inner {i}", f"{level} iso {i}"])
            out.append(f"2026-11-18T10:13:59Z host {proc}: {message}")
        elif kind == 3:
            ident, pid = proc[:-1].split("[")
            out.append(json.dumps({"MESSAGE": f"{level} entry {i}", "PRIORITY": rng.choice(["3", "6"]),
                                   "SYSLOG_IDENTIFIER": ident, "_PID": pid}))
        elif kind == 4:
            out.append(f"2026-11-18 10:00:{i % 60:02d} {level or 'ERROR'} plain {i}")
        elif kind == 5:
            out.append(f"plain text {i}")
        elif kind == 6:   # CRI chunks: a P chunk goes on into the next line of its stream
            out.append(f"2026-11-29T10:00:00.{i:09d}Z {rng.choice(['stdout', 'stderr'])} {rng.choice('PF')} "
                       f"2026-11-18 10:00:00 {level or 'ERROR'} cri {i}")
        elif kind == 7:   # Rails: an empty header, then the message under the same level
            header = f"2026-11-18 10:00:00 {level or 'FATAL'}"
            out.extend([header + " ", f"{header} rails {i}"])
        elif kind == 8:   # Ruby's Logger: a frame under the level header
            out.append(f"2026-11-18 10:00:00 {level or 'ERROR'} app/models/x.rb:{i}:in `foo'")
        else:
            out.extend(rng.choice([["\tat a.B.c(B.java:1)"], ["  File \"a.py\", line 1, in f"],
                                   ["Traceback (most recent call last):", '  File "a.py", line 1', "KeyError: k"]]))
    return ("\n".join(out) + "\n").encode()


@pytest.mark.parametrize("search_lines", [3, parallel.RESYNC_SEARCH_LINES])   # 3: often searched again, further
@pytest.mark.parametrize("seed", range(40))
def test_process_switches_across_cuts_at_any_line_give_the_sequential_result(monkeypatch, search_lines, seed):
    monkeypatch.setattr(parallel, "RESYNC_SEARCH_LINES", search_lines)
    rng = random.Random(seed)
    data = _process_mix(rng, 300)
    starts = [0] + [i + 1 for i, byte in enumerate(data[:-1]) if byte == 10]
    cuts = sorted({0, len(data), *rng.sample(starts[1:], 40)})
    expected, expected_events = sequential(data)
    events = []
    assert (_stitch(data, cuts, events.append), events) == (expected, expected_events)
    assert _stitch(data, cuts, None) == expected
