"""Log scanner: streams a (possibly gzip/zstd compressed) log and summarises its error events.

API
  open_log(stream) -> binary reader           (app.decompress; detects gzip/zstd from the bytes)
  summarize(stream, *, on_event=None, max_groups=50) -> dict   (the Summary of CONTRACTS.md)
CLI
  python -m app.log_parser [--events] FILE [FILE ...]      (FILE may be `-` for stdin)

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
import sys
import zlib
from typing import Callable

import zstandard

from .candidates import default_finder
from .decompress import DecompressionError, open_log
from .grouping import GroupTable, group_id, make_template
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

    def __init__(self, on_event: Callable[[dict], None] | None):
        self.counts = {FATAL: 0, ERROR: 0, WARN: 0}
        self.stack_traces = 0
        self.groups = GroupTable()
        self._on_event = on_event
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
        if first.isdigit():  # a header line (timestamp first) cannot be any of the special lines below
            pass
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
        gid = group_id(event.level, template)
        self.counts[event.level] += 1
        if event.trace:
            self.stack_traces += 1
        self.groups.add(gid, event.level, template, event.line_no, event.sample)
        if self._on_event is not None:
            self._on_event({"line": event.line_no, "level": event.level, "group": gid})

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


_INDENT = b" \t"
_INDENTED_RUN = re.compile(rb"(?:[ \t][^\n]*\n)+")


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
        """One line (without its newline); a line longer than MAX_LINE_BYTES is cut there."""
        if end - start > MAX_LINE_BYTES:
            end = start + MAX_LINE_BYTES
        elif end > start and buf[end - 1] == 13:  # CRLF line ending
            end -= 1
        self.lines += 1
        self.scanner.feed(self.lines, buf[start:end].decode("utf-8", "replace"))

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


def summarize(stream, *, on_event: Callable[[dict], None] | None = None, max_groups: int = 50,
              finder=None) -> dict:
    """Scans a log stream (plain, gzip or zstd; needs only ``.read(n)``) and returns its Summary.

    Returns ``{lines, bytes, counts, stack_traces, groups, groups_total, incomplete, error}``; ``bytes``
    counts uncompressed bytes. A truncated or corrupt compressed stream yields the summary of what could
    be read, with ``incomplete=True`` and ``error`` set, instead of an exception. Errors of the underlying
    stream itself (network, disk) are raised: a retry may succeed. ``on_event`` receives
    ``{"line", "level", "group"}`` for each event, in file order. ``finder`` picks the candidate-line engine
    (default: Hyperscan if available, else ``re``; see app.candidates).
    """
    scanner = _Scanner(on_event)
    feeder = _LineFeeder(scanner, finder or default_finder())
    buf = bytearray(MAX_LINE_BYTES + READ_SIZE)
    view = memoryview(buf)
    filled = 0            # bytes in buf: the carried partial line, then the new read
    skipping = False      # inside a line longer than MAX_LINE_BYTES, already fed: drop bytes up to its newline
    total_bytes = 0
    error = None
    try:
        reader = open_log(stream)
        first = True
        while True:
            n = reader.readinto(view[filled:filled + READ_SIZE])
            if not n:
                break
            total_bytes += n
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
                feeder.feed_lines(buf, pos, last_nl + 1)
                pos = last_nl + 1
            rest = filled - pos
            if rest > MAX_LINE_BYTES:
                feeder.feed_line(buf, pos, pos + MAX_LINE_BYTES)
                skipping, rest = True, 0
            buf[:rest] = buf[pos:pos + rest]  # same size: the buffer is never resized
            filled = rest
    except (DecompressionError, EOFError, zlib.error, zstandard.ZstdError) as exc:
        error = str(exc) or exc.__class__.__name__
    if filled and not skipping:
        feeder.feed_line(buf, 0, filled)
    scanner.finish()
    return {
        "lines": feeder.lines,
        "bytes": total_bytes,
        "counts": dict(scanner.counts),
        "stack_traces": scanner.stack_traces,
        "groups": scanner.groups.top(max_groups),
        "groups_total": scanner.groups.total,
        "incomplete": error is not None,
        "error": error,
    }


def _write(out, obj: dict) -> None:
    out.write(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.log_parser",
        description="Summarise error events of log files (plain, gzip or zstd; detected from the bytes).")
    parser.add_argument("--events", action="store_true",
                        help='print one JSON object per event ({"line", "level", "group"}) instead of summaries')
    parser.add_argument("files", nargs="+", metavar="FILE", help="log file, or - for stdin")
    args = parser.parse_args(argv)  # usage errors: message on stderr, exit 2
    out = sys.stdout.buffer
    on_event = (lambda event: _write(out, event)) if args.events else None
    status = 0
    for name in args.files:
        try:
            if name == "-":
                summary = summarize(sys.stdin.buffer, on_event=on_event)
            else:
                with open(name, "rb") as f:
                    summary = summarize(f, on_event=on_event)
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
