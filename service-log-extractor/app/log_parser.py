"""Log scanner: streams a (possibly gzip/zstd compressed) log and summarises its error events.

API
  open_log(stream) -> binary reader           (app.decompress; detects gzip/zstd from the bytes)
  summarize(stream, *, on_event=None, max_groups=50) -> dict   (the Summary of CONTRACTS.md)
CLI
  python -m app.log_parser [--events] [--processes N] FILE [FILE ...]   (FILE may be `-` for stdin; files of
  32 MiB and more are scanned on all usable cores by app.parallel, with the same result)

Bounded memory: the input is read in chunks of READ_SIZE and split into lines; a line longer than
MAX_LINE_BYTES is cut there (the rest is skipped up to the next newline, never buffered) and only the
cut part is classified and sampled. Groups are bounded as described in app.grouping.

Multi-line events: stack frames, `Caused by:`, `... N more`, Python traceback frames and their final
exception line, goroutine dumps and the exception line printed right after a header line belong to the
event above (which then counts in `stack_traces` once it carries frames). They are never events of their
own. A traceback or exception start with no event above it (e.g. under an INFO line) is an ERROR event.
After more than MAX_NEUTRAL_GAP lines without a level field, an event stops collecting continuations.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import stat
import sys
import zlib
from typing import Callable

import zstandard

from .candidates import default_finder
from .decompress import DecompressionError, open_log
from .grouping import GroupTable, group_id, make_sample, make_template
from .severity import ERROR, FATAL, HAS_TRACE, OTHER, WANTS_NEXT, WARN, classify, strip_container_prefix

__all__ = ["open_log", "summarize", "main"]

READ_SIZE = 1 << 20
MAX_LINE_BYTES = 64 * 1024
MAX_NEUTRAL_GAP = 10

_TRACEBACK = "Traceback (most recent call last):"
# A line with no level field that starts an exception / crash report.
_EXC_START = re.compile(r"""
    Exception[ ]in[ ]thread[ ] | Unhandled[ ][Ee]xception | Uncaught[ ](?:[\w.\\]*(?:Error|Exception)|exception)\b
  | panic:[ ] | fatal[ ]error:[ ] | thread[ ]'[^']*'[ ]panicked[ ]at
  | (?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*(?:Exception|Error|Throwable|Fault)(?::|\s*$)
  | [A-Z]\w*(?:Exception|Error)(?::[ ]|:?\s*$) | Exception(?::[ ]|\s*$)
""", re.X)
# Unindented continuation lines of a stack trace or crash dump.
_CONTINUATION = re.compile(
    r"(?:Caused by|Suppressed|Wrapped by): |\.\.\. \d+ (?:more|common frames omitted)|--- End of |---> "
    r"|goroutine \d+ \[|\[signal |created by |stack backtrace:")
# Indented lines that are stack frames (mark the event as carrying a stack trace).
_FRAME = re.compile(
    r"\s+(?:at\s|File \"|\.\.\. \d+ (?:more|common)|Caused by:|Suppressed:|---> |--- End of |\d+: [\w<])"
    r"|\t\S+\.go:\d+")
_CHAIN = re.compile(r"During handling of the above exception|The above exception was the direct cause")
# The first characters _CHAIN, _CONTINUATION and _EXC_START can match at.
_SPECIAL_FIRST = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$.-[")
_PY_FINAL = re.compile(r"[A-Za-z_][\w.]*(?:: |:?\s*$)")  # `KeyError: 'x'`, `KeyboardInterrupt`


class _Event:
    __slots__ = ("line_no", "level", "message", "sample", "kind", "trace", "exc_seen", "await_chain",
                 "final", "wants_next")

    def __init__(self, line_no: int, level: str, message: str, sample: str, kind: str):
        self.line_no = line_no
        self.level = level
        self.message = message
        self.sample = sample
        self.kind = kind            # "header" (level field), "exc" (exception line), "tb" (Python traceback)
        self.trace = False
        self.exc_seen = kind != "header"
        self.await_chain = False
        self.final: str | None = None
        self.wants_next = False


class _Scanner:
    """Line-by-line state machine: which lines start events, which continue the event above."""

    def __init__(self, emit: Callable[[int, str, str, str, str, bool], None]):
        self._emit = emit       # emit(line_no, level, group_id, template, sample_line, has_trace) per closed event
        self._cur: _Event | None = None
        self._in_tb = False     # inside a Python traceback: the next unindented line is its last line
        self._gap = 0

    def feed(self, line_no: int, line: str) -> None:
        if not line:
            return
        original = line
        if line[0].isdigit() and line.find(" std", 0, 48) >= 0:
            line = strip_container_prefix(line)
            if not line:
                return
        first = line[0]
        cur = self._cur
        if first == " " or first == "\t":
            if cur is not None and not line.isspace():
                self._gap = 0
                if cur.wants_next:  # .NET console logger: the message is on the first indented line
                    cur.message = f"{cur.message} {line.strip()}"
                    cur.wants_next = False
                if self._in_tb or _FRAME.match(line):
                    cur.trace = True
            return
        if self._in_tb:
            self._in_tb = False
            if _PY_FINAL.match(line) and not line.startswith(_TRACEBACK):
                if cur is not None:
                    cur.final = line
                return
        if line.startswith(_TRACEBACK):
            if cur is not None and (not cur.exc_seen or cur.await_chain):
                cur.trace = cur.exc_seen = True
                cur.await_chain = False
                self._gap = 0
            else:
                self._open(_Event(line_no, ERROR, line, original, "tb")).trace = True
            self._in_tb = True
            return
        if first not in _SPECIAL_FIRST or (first in "IWEF" and line[5:6] == " " and line[1:5].isdigit()):
            pass  # a header line (a timestamp, `<PRI>`, `{`, klog's `E1127 `) cannot be any of the special lines below
        elif _CHAIN.match(line) or _CONTINUATION.match(line):
            if cur is not None:
                if _CHAIN.match(line):
                    cur.await_chain = True
                else:
                    cur.trace = True
                self._gap = 0
            return
        elif _EXC_START.match(line):
            if cur is not None and not cur.exc_seen:
                cur.exc_seen = True  # the exception a logger prints right after its header line
                self._gap = 0
            else:
                self._open(_Event(line_no, ERROR, line, original, "exc"))
            return
        level, message, flags = classify(line, cur is not None)
        if level is None:
            if cur is not None:
                self._gap += 1
                if self._gap > MAX_NEUTRAL_GAP:
                    self._close()
        elif level == OTHER:
            self._close()
        else:
            event = self._open(_Event(line_no, level, message, original, "header"))
            event.trace = bool(flags & HAS_TRACE)
            event.wants_next = bool(flags & WANTS_NEXT)

    def _open(self, event: _Event) -> _Event:
        self._close()
        self._cur = event
        self._gap = 0
        return event

    def _close(self) -> None:
        event = self._cur
        if event is None:
            return
        self._cur = None
        message = event.final or event.message if event.kind == "tb" else event.message
        template = make_template(message)
        self._emit(event.line_no, event.level, group_id(event.level, template), template, event.sample, event.trace)

    def indented_lines_are_inert(self) -> bool:
        """True when indented lines cannot change anything (the event already carries a trace, no gap to reset,
        no message awaited): the feeder may then count a run of them without decoding or feeding them."""
        cur = self._cur
        return cur is not None and cur.trace and not cur.wants_next and self._gap == 0

    @property
    def open(self) -> bool:
        """An event (or a traceback) is open: the next lines may continue it."""
        return self._cur is not None or self._in_tb

    def finish(self) -> None:
        self._close()

    # -- for app.parallel: a chunk is scanned from a closed state, then stitched to the state before it --

    def export_state(self) -> tuple:
        return self._cur, self._in_tb, self._gap

    def restore_state(self, state: tuple, line_offset: int) -> None:
        cur, self._in_tb, self._gap = state
        if cur is not None:
            cur.line_no += line_offset
        self._cur = cur

    @staticmethod
    def resets_state(line: str) -> bool:
        """True when feeding `line` leaves the same state whatever the state before it: the line reaches the
        classifier whatever came before (a number-led header: not indented, no traceback or continuation
        form) and has a level, so it closes any open event and opens its own or none."""
        line = strip_container_prefix(line)
        return line[:1].isdigit() and classify(line, True)[0] is not None


class _Totals:
    """Counts, stack traces and groups of the closed events, in file order."""

    def __init__(self, on_event: Callable[[dict], None] | None):
        self.counts = {FATAL: 0, ERROR: 0, WARN: 0}
        self.stack_traces = 0
        self.groups = GroupTable()
        self._on_event = on_event

    def add(self, line_no: int, level: str, gid: str, template: str, sample: str, trace: bool) -> None:
        self.counts[level] += 1
        if trace:
            self.stack_traces += 1
        self.groups.add(gid, level, template, line_no, sample)
        if self._on_event is not None:
            self._on_event({"line": line_no, "level": level, "group": gid})


_INDENT = b" \t"
_INDENTED_RUN = re.compile(rb"(?:[ \t][^\n]*\n)+")


def _line_text(buf, start: int, end: int) -> str:
    """The line `buf[start:end]` (without its newline) as text; a line longer than MAX_LINE_BYTES is cut there."""
    if end - start > MAX_LINE_BYTES:
        end = start + MAX_LINE_BYTES
    elif end > start and buf[end - 1] == 13:  # CRLF line ending
        end -= 1
    return buf[start:end].decode("utf-8", "replace")


class _LineFeeder:
    """Cuts a byte stream into lines for the scanner, handing it only the lines that matter.

    The input is read with ``readinto`` into one reused buffer (a partial last line is moved to the front,
    never concatenated), so memory stays at MAX_LINE_BYTES + READ_SIZE whatever the size of the log. While no
    event is open, only candidate lines (app.candidates) are decoded and classified: the others cannot change
    the scanner's state, and are only counted. While an event is open every line is fed, as stack frames carry
    no level words.
    """

    def __init__(self, scanner: _Scanner, finder):
        self.scanner = scanner
        self.finder = finder
        self.lines = 0

    def feed_line(self, buf, start: int, end: int) -> None:
        """One line (without its newline)."""
        self.lines += 1
        self.scanner.feed(self.lines, _line_text(buf, start, end))

    def feed_lines(self, buf, lo: int, hi: int) -> None:
        """All complete lines in buf[lo:hi] (hi is just past a newline)."""
        scanner = self.scanner
        cursor = self.finder.cursor(buf, lo, hi)
        pos = lo
        while pos < hi:
            if scanner.open:
                if buf[pos] in _INDENT and scanner.indented_lines_are_inert():
                    run_end = _INDENTED_RUN.match(buf, pos, hi).end()
                    self.lines += buf.count(b"\n", pos, run_end)
                    pos = run_end
                    continue
                nl = buf.find(b"\n", pos, hi)
                self.feed_line(buf, pos, nl)
                pos = nl + 1
                continue
            hit = cursor.next(pos)
            if hit < 0:
                self.lines += buf.count(b"\n", pos, hi)
                return
            start = buf.rfind(b"\n", pos, hit) + 1 or pos
            if start > pos:
                self.lines += buf.count(b"\n", pos, start)
            nl = buf.find(b"\n", start, hi)
            self.feed_line(buf, start, nl)
            pos = nl + 1


class _Regions:
    """Reads a log stream into one reused buffer and yields regions of whole lines, `buf[lo:hi]`, hi just past a
    newline. A line longer than MAX_LINE_BYTES is cut there (a newline is written at the cut, the rest skipped up
    to its newline); a last line without a newline gets one. A region is valid until the next one is asked for.
    ``total_bytes`` counts what was read (uncompressed); ``error`` is set when a compressed stream turns out
    truncated or corrupt (the regions so far are still good)."""

    def __init__(self, stream, read_size: int = READ_SIZE):
        self._stream = stream
        self._read_size = read_size
        self.buf = bytearray(MAX_LINE_BYTES + read_size + 1)
        self.total_bytes = 0
        self.error: str | None = None

    def __iter__(self):
        buf, view, read_size = self.buf, memoryview(self.buf), self._read_size
        filled = 0            # bytes in buf: the carried partial line, then the new read
        skipping = False      # inside a line longer than MAX_LINE_BYTES, already cut: drop bytes up to its newline
        try:
            reader = open_log(self._stream)
            first = True
            while True:
                n = reader.readinto(view[filled:filled + read_size])
                if not n:
                    break
                self.total_bytes += n
                pos, filled = 0, filled + n
                if first:
                    first = False
                    if buf.startswith(b"\xef\xbb\xbf"):
                        pos = 3  # a UTF-8 byte order mark is not part of the first line
                if skipping:
                    nl = buf.find(b"\n", pos, filled)
                    if nl < 0:
                        filled = 0
                        continue
                    skipping, pos = False, nl + 1
                last_nl = buf.rfind(b"\n", pos, filled)
                if last_nl >= 0:
                    yield pos, last_nl + 1
                    pos = last_nl + 1
                rest = filled - pos
                if rest > MAX_LINE_BYTES:
                    buf[pos + MAX_LINE_BYTES] = 10  # the overlong line's cut part, as a line of its own
                    yield pos, pos + MAX_LINE_BYTES + 1
                    skipping, rest = True, 0
                buf[:rest] = buf[pos:pos + rest]  # same size: the buffer is never resized
                filled = rest
        except (DecompressionError, EOFError, zlib.error, zstandard.ZstdError) as exc:
            self.error = str(exc) or exc.__class__.__name__
        if filled and not skipping:
            buf[filled] = 10
            yield 0, filled + 1


def _summary(totals: _Totals, lines: int, total_bytes: int, error: str | None, max_groups: int) -> dict:
    return {
        "lines": lines,
        "bytes": total_bytes,
        "counts": dict(totals.counts),
        "stack_traces": totals.stack_traces,
        "groups": totals.groups.top(max_groups),
        "groups_total": totals.groups.total,
        "incomplete": error is not None,
        "error": error,
    }


def summarize(stream, *, on_event: Callable[[dict], None] | None = None, max_groups: int = 50,
              finder=None) -> dict:
    """Scans a log stream (plain, gzip or zstd; needs only ``.read(n)``) and returns its Summary.

    Returns ``{lines, bytes, counts, stack_traces, groups, groups_total, incomplete, error}``; ``bytes``
    counts uncompressed bytes. A truncated or corrupt compressed stream yields the summary of what could
    be read, with ``incomplete=True`` and ``error`` set, instead of an exception. Errors of the underlying
    stream itself (network, disk) are raised: a retry may succeed. ``on_event`` receives
    ``{"line", "level", "group"}`` for each event, in file order. ``finder`` picks the candidate-line engine
    (default: Hyperscan if available, else every line; see app.candidates). app.parallel does the same on
    several cores.
    """
    totals = _Totals(on_event)
    scanner = _Scanner(totals.add)
    feeder = _LineFeeder(scanner, finder or default_finder())
    regions = _Regions(stream)
    for lo, hi in regions:
        feeder.feed_lines(regions.buf, lo, hi)
    scanner.finish()
    return _summary(totals, feeder.lines, regions.total_bytes, regions.error, max_groups)


RESYNC_SEARCH_LINES = 256


class ChunkResult:
    """What a worker reports for one chunk of whole lines, scanned from a closed state (see app.parallel).

    Line numbers are relative to the chunk (its first line is 1). ``events`` are ``(line, level, group_id,
    has_trace)`` in file order; ``firsts`` maps a group id to ``(template, sample)`` of its first event in the
    chunk, ``firsts_from_resync`` the same counting from the resync line. ``resync_line`` is the first line
    after which the state no longer depends on what came before the chunk (None if not found in the first
    RESYNC_SEARCH_LINES lines); ``prefix`` holds the bytes before it (the whole chunk if None) so that the
    parent can re-feed them with the true state. ``tail`` is the scanner state at the end of the chunk."""

    __slots__ = ("lines", "events", "firsts", "firsts_from_resync", "resync_line", "prefix", "tail")

    def __init__(self, lines, events, firsts, firsts_from_resync, resync_line, prefix, tail):
        self.lines, self.events, self.firsts = lines, events, firsts
        self.firsts_from_resync, self.resync_line, self.prefix, self.tail = firsts_from_resync, resync_line, prefix, tail


def _find_resync(buf, lo: int, hi: int) -> tuple[int | None, int]:
    """(line number in the chunk, byte offset) of the first line that resets the scanner state."""
    pos = lo
    for line_no in range(1, RESYNC_SEARCH_LINES + 1):
        if pos >= hi:
            break
        nl = buf.find(b"\n", pos, hi)
        if _Scanner.resets_state(_line_text(buf, pos, nl)):
            return line_no, pos
        pos = nl + 1
    return None, hi


def scan_chunk(buf, lo: int, hi: int, finder=None) -> ChunkResult:
    """Scans the whole lines `buf[lo:hi]` (hi just past a newline) from a closed state."""
    resync_line, resync_pos = _find_resync(buf, lo, hi)
    events: list[tuple] = []
    firsts: dict[str, tuple] = {}
    firsts_from_resync: dict[str, tuple] = {}

    def emit(line_no, level, gid, template, sample, trace):
        events.append((line_no, level, gid, trace))
        if gid not in firsts:
            firsts[gid] = (template, make_sample(sample))
        if resync_line is not None and line_no >= resync_line and gid not in firsts_from_resync:
            firsts_from_resync[gid] = (template, make_sample(sample))

    scanner = _Scanner(emit)
    feeder = _LineFeeder(scanner, finder or default_finder())
    feeder.feed_lines(buf, lo, hi)
    return ChunkResult(feeder.lines, events, firsts, firsts_from_resync, resync_line, bytes(buf[lo:resync_pos]),
                       scanner.export_state())


class Stitcher:
    """Joins ChunkResults, in file order, into the summary a sequential scan gives (see app.parallel)."""

    def __init__(self, on_event: Callable[[dict], None] | None, finder=None):
        self.totals = _Totals(on_event)
        self._scanner = _Scanner(self.totals.add)
        self._feeder = _LineFeeder(self._scanner, finder or default_finder())

    def add(self, chunk: ChunkResult) -> None:
        base = self._feeder.lines
        if not self._scanner.open:  # the chunk's closed start state was the true one
            self._take(chunk, base, 1, chunk.firsts)
        elif chunk.resync_line is None:  # no resync line: the parent scans the chunk itself
            prefix = bytearray(chunk.prefix)
            self._feeder.feed_lines(prefix, 0, len(prefix))
            return
        else:  # re-feed the lines before the resync line with the true state; that line closes what is open
            prefix = bytearray(chunk.prefix)
            if prefix:
                self._feeder.feed_lines(prefix, 0, len(prefix))
            self._scanner.finish()
            self._take(chunk, base, chunk.resync_line, chunk.firsts_from_resync)
        self._scanner.restore_state(chunk.tail, base)
        self._feeder.lines = base + chunk.lines

    def _take(self, chunk: ChunkResult, base: int, from_line: int, firsts: dict) -> None:
        add = self.totals.add
        for line_no, level, gid, trace in chunk.events:
            if line_no >= from_line:
                template, sample = firsts[gid]
                add(base + line_no, level, gid, template, sample, trace)

    def summary(self, total_bytes: int, error: str | None, max_groups: int) -> dict:
        self._scanner.finish()
        return _summary(self.totals, self._feeder.lines, total_bytes, error, max_groups)


def _write(out, obj: dict) -> None:
    out.write(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")


def _summarize_path(name: str, processes: int | None, on_event) -> dict:
    from . import parallel  # imports this module: loaded on use

    processes = processes or parallel.usable_cores()
    with open(name, "rb") as f:
        st = os.fstat(f.fileno())
        if processes == 1 or not stat.S_ISREG(st.st_mode) or st.st_size < parallel.PARALLEL_MIN_BYTES:
            return summarize(f, on_event=on_event)
        if parallel.is_compressed(name):
            return parallel.summarize_stream(f, processes=processes, on_event=on_event)
    return parallel.summarize_file(name, processes=processes, on_event=on_event)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.log_parser",
        description="Summarise error events of log files (plain, gzip or zstd; detected from the bytes).")
    parser.add_argument("--events", action="store_true",
                        help='print one JSON object per event ({"line", "level", "group"}) instead of summaries')
    parser.add_argument("--processes", type=int, metavar="N", default=None,
                        help="scan files of 32 MiB and more on N cores (default: all usable cores; 1: sequential)")
    parser.add_argument("files", nargs="+", metavar="FILE", help="log file, or - for stdin")
    args = parser.parse_args(argv)  # usage errors: message on stderr, exit 2
    if args.processes is not None and args.processes < 1:
        parser.error("--processes must be at least 1")
    out = sys.stdout.buffer
    on_event = (lambda event: _write(out, event)) if args.events else None
    status = 0
    for name in args.files:
        try:
            if name == "-":
                summary = summarize(sys.stdin.buffer, on_event=on_event)
            else:
                summary = _summarize_path(name, args.processes, on_event)
        except OSError as exc:
            print(f"log_parser: cannot read {name}: {exc.strerror or exc}", file=sys.stderr)
            status = 2
            continue
        if summary["incomplete"]:
            print(f"log_parser: {name}: incomplete scan: {summary['error']}", file=sys.stderr)
        if not args.events:
            _write(out, summary)
    out.flush()
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. `| head`: the reader went away, nothing left to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
