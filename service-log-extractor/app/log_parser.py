"""Log scanner: streams a (possibly gzip/zstd compressed) log and summarises its error events.

API
  summarize(stream, *, on_event=None, max_groups=50, finder=None, stop=None, reference_time=None) -> dict
  (the Summary of CONTRACTS.md)
CLI
  python -m app.log_parser [--events] [--processes N] FILE [FILE ...]   (FILE may be `-` for stdin; files of
  32 MiB and more, and compressed or UTF-16 files, pipes and stdin once they prove to hold more than 16 MiB of log,
  are scanned on all usable cores by app.parallel, with the same result; when stderr is a terminal, a file of
  PROGRESS_MIN_BYTES or more shows a progress bar there, in bytes of the file; stdout is the same; timestamps without
  a year take it from the file's modification time, or from now for stdin)

The scan is a pipeline of layers, each a module of its own: bytes -> text lines (app.text: decompression,
UTF-16, BOM, NUL, ANSI, CR, the line limit) -> records (app.records: Docker, CRI, journald and syslog envelopes
unwrapped, partial lines joined, physical line numbers kept) -> level and message (app.severity) -> events
(app.events: multi-line assembly) -> templates and groups (app.grouping), wired together in app.scan.

Bounded memory: the input is read in chunks of READ_SIZE and split into lines; a line longer than
MAX_LINE_BYTES is cut there (the rest is skipped up to the next newline, never buffered) and only the
cut part is classified and sampled. Groups are bounded as described in app.grouping, and the events summed per group
before they reach them by SUMS_BYTES and SUMS_MAX_GROUPS; with ``on_event`` the events are kept (about 13 bytes
each) until the groups are merged, so each carries its group's final id.
"""
from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from datetime import datetime, timezone
from typing import Callable

from . import parallel, text   # (one way: parallel never imports this module; it loads multiprocessing on use)
from .candidates import default_finder
from .scan import SUMS_MAX_GROUPS, LineScanner, Totals, new_chunk_sink, new_feeder
from .text import MAX_LINE_BYTES, Regions

__all__ = ["summarize", "main", "MAX_LINE_BYTES"]

# The summed events of a stretch of the log are added to the totals after the read that reaches SUMS_BYTES or
# app.scan.SUMS_MAX_GROUPS. Adding them after each read (1 MiB) cost ~5% of a one-process scan of a realistic log:
# ~200 groups a MiB, most of them known, each a few Python calls.
SUMS_BYTES = 16 << 20


def summarize(stream, *, on_event: Callable[[dict], None] | None = None, max_groups: int = 50,
              finder=None, stop: Callable[[int], str | None] | None = None,
              reference_time: datetime | None = None) -> dict:
    """Scans a log stream (plain, gzip or zstd; needs only ``.read(n)``) and returns its Summary.

    Returns ``{lines, bytes, counts, stack_traces, groups, groups_total, first_time, last_time, incomplete,
    error}``; ``bytes`` counts uncompressed bytes; times are the events' own (app.event_time), ISO 8601 UTC or
    None, and ``reference_time`` (aware datetime; None: now) gives the year of timestamps without one (syslog,
    klog: the object's LastModified, the file's mtime). A truncated or corrupt compressed stream yields the
    summary of what could be read, with ``incomplete=True`` and ``error`` set, instead of an exception. Errors of
    the underlying stream itself (network, disk) are raised: a retry may succeed. ``on_event`` receives
    ``{"line", "level", "group"}`` for each event, in file order, before this returns. ``finder`` picks the
    candidate-line engine (default: the compiled finder if built, else Hyperscan if installed, else every line;
    see app.candidates). ``stop``, called
    before each read (about every MiB) with the uncompressed bytes read so far, may return a reason to stop there
    (a size or time limit): the summary of what was read is returned, ``incomplete`` with that ``error``.
    app.parallel does the same on several cores.
    """
    totals = Totals(on_event, reference_time)
    # Without on_event, the events are summed per group (in C where the core is built: no Python call per event) and
    # added to the totals group by group every SUMS_BYTES or SUMS_MAX_GROUPS, as app.parallel adds a chunk's.
    sink = new_chunk_sink(-1, False) if on_event is None else None
    scanner = LineScanner(totals.add if sink is None else sink)
    feeder = new_feeder(scanner, finder or default_finder())
    regions = Regions(stream, text.READ_SIZE, stop)
    added = 0   # the bytes read when the sums were last added
    for lo, hi in regions:
        feeder.feed_lines(regions.buf, lo, hi)
        if sink is not None and (regions.total_bytes - added >= SUMS_BYTES or len(sink.groups) >= SUMS_MAX_GROUPS):
            totals.take_sums(sink)
            added = regions.total_bytes
    scanner.finish()
    if sink is not None:
        totals.take_sums(sink)
    return totals.summary(feeder.lines, regions.total_bytes, regions.error, max_groups)


class OutputError(Exception):
    """Writing to stdout failed (a full disk, a closed pipe): not a problem of the input file."""


def _write(out, obj: dict) -> None:
    try:
        out.write(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")
    except BrokenPipeError:
        raise  # the reader went away (`| head`): handled where the CLI exits
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from exc


PROGRESS_MIN_BYTES = 16 << 20   # of the file (compressed or not): a smaller one takes about a second: no bar


class _Counting:
    """A binary file whose reads advance a progress bar (bytes of the file, compressed or not)."""

    def __init__(self, f, advance: Callable[[int], object]):
        self._f, self._advance = f, advance

    def read(self, n: int = -1) -> bytes:
        data = self._f.read(n)
        self._advance(len(data))
        return data

    def readinto(self, buf) -> int:
        n = self._f.readinto(buf)
        self._advance(n or 0)
        return n


def _progress_bar(name: str, size: int):
    """A tqdm bar on stderr for a large file when stderr is a terminal, else None."""
    if size < PROGRESS_MIN_BYTES or not sys.stderr.isatty():
        return None
    from tqdm import tqdm  # loaded on use: only an interactive CLI run draws a bar

    return tqdm(total=size, desc=os.path.basename(name), unit="iB", unit_scale=True, unit_divisor=1024,
                file=sys.stderr, leave=False, dynamic_ncols=True)


def _after_closing(bar, on_event: Callable[[dict], None]) -> Callable[[dict], None]:
    """on_event, closing the bar first: events come once the whole file is read, and a terminal shows stdout and
    stderr on one screen (an event would be glued to the bar's line)."""
    def emit(event: dict) -> None:
        bar.close()  # (closing twice does nothing)
        on_event(event)

    return emit


def _summarize_path(name: str, processes: int | None, on_event) -> dict:
    processes = processes or parallel.usable_cores()
    with open(name, "rb") as f:
        st = os.fstat(f.fileno())
        # a regular file's lines were written before its mtime; a pipe or device has none worth reading: now
        reference = datetime.fromtimestamp(st.st_mtime, timezone.utc) if stat.S_ISREG(st.st_mode) else None
        bar = _progress_bar(name, st.st_size) if stat.S_ISREG(st.st_mode) else None
        if bar is not None and on_event is not None:
            on_event = _after_closing(bar, on_event)
        try:
            source = f if bar is None else _Counting(f, bar.update)
            if processes == 1:
                return summarize(source, on_event=on_event, reference_time=reference)
            # (a pipe is not read ahead: its first bytes are the scan's)
            if stat.S_ISREG(st.st_mode) and parallel.ranges_are_independent(name):
                if st.st_size < parallel.PARALLEL_MIN_BYTES:
                    return summarize(source, on_event=on_event, reference_time=reference)
                return parallel.summarize_file(name, processes=processes, on_event=on_event,
                                               progress=None if bar is None else bar.update, reference_time=reference)
            # compressed, UTF-16 or a pipe: read once, from the start; the workers start once it proves long
            return parallel.summarize_stream(source, processes=processes, on_event=on_event, reference_time=reference,
                                             solo_bytes=parallel.STREAM_SOLO_BYTES)
        finally:
            if bar is not None:
                bar.close()


class _Unclosed:
    """stdin for one FILE argument: the readers that wrap a stream close it once they are done with it, and stdin may
    be named again (`- -`: the second reads what is left, nothing, as `/dev/stdin` twice does)."""

    def __init__(self, f):
        self._f = f

    def read(self, n: int = -1) -> bytes:
        return self._f.read(n)

    def readinto(self, buf) -> int:
        return self._f.readinto(buf)


def _summarize_stdin(processes: int | None, on_event) -> dict:
    """stdin, read once: on all usable cores (``processes``) once it proves longer than STREAM_SOLO_BYTES."""
    processes = processes or parallel.usable_cores()
    stdin = _Unclosed(sys.stdin.buffer)
    if processes == 1:
        return summarize(stdin, on_event=on_event)
    return parallel.summarize_stream(stdin, processes=processes, on_event=on_event,
                                     solo_bytes=parallel.STREAM_SOLO_BYTES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.log_parser",
        description="Summarise error events of log files (plain, gzip or zstd; detected from the bytes).")
    parser.add_argument("--events", action="store_true",
                        help='print one JSON object per event ({"line", "level", "group"}) instead of summaries')
    parser.add_argument("--processes", type=int, metavar="N", default=None,
                        help="scan files of 32 MiB and more (compressed or UTF-16 files, pipes and stdin: past their "
                             "first 16 MiB of log) on N cores (default: all usable cores; 1: sequential)")
    parser.add_argument("files", nargs="+", metavar="FILE", help="log file, or - for stdin")
    args = parser.parse_args(argv)  # usage errors: message on stderr, exit 2
    if args.processes is not None and args.processes < 1:
        parser.error("--processes must be at least 1")
    if sys.stdout is None:  # started with stdout closed (`>&-`)
        print("log_parser: cannot write the output: stdout is closed", file=sys.stderr)
        return 2
    out = sys.stdout.buffer
    on_event = (lambda event: _write(out, event)) if args.events else None
    status = 0
    for name in args.files:
        try:
            if name == "-":
                summary = _summarize_stdin(args.processes, on_event)
            else:
                summary = _summarize_path(name, args.processes, on_event)
        except BrokenPipeError:
            raise  # stdout, not the file (see OutputError)
        except OSError as exc:
            print(f"log_parser: cannot read {name}: {exc.strerror or exc}", file=sys.stderr)
            status = 2
            continue
        except parallel.WorkerLost as exc:   # (an OOM kill): no summary; with --events, some may have been printed
            print(f"log_parser: cannot scan {name}: {exc}", file=sys.stderr)
            status = 2
            continue
        if summary["incomplete"]:
            print(f"log_parser: {name}: incomplete scan: {summary['error']}", file=sys.stderr)
        if not args.events:
            _write(out, summary)
    try:
        out.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from exc
    return status


def run() -> None:
    """The CLI's entry: main() and its exit status, with the exits of an output error (2), a reader that went away
    (1) and Ctrl-C (130, without a traceback)."""
    try:
        sys.exit(main())
    except OutputError as exc:
        print(f"log_parser: cannot write the output: {exc}", file=sys.stderr)
        sys.exit(2)
    except BrokenPipeError:  # e.g. `| head`: the reader went away, nothing left to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except KeyboardInterrupt:   # Ctrl-C: the workers got it too and are gone
        print("log_parser: interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    run()
