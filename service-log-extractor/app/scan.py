"""The scan of one stream of log text: the layers of app.text, app.records and app.events wired together, the
candidate-line skip, and the per-event totals that become a Summary.

  bytes --app.text--> lines --app.records--> inner lines --app.events--> events --Totals--> summary

``LineScanner`` is the per-line pipeline (envelopes, then multi-line assembly); ``LineFeeder`` cuts buffers of
whole lines into lines and hands it only those that matter; ``Totals`` counts events and groups them (one by one,
or summed per group by ``GroupSums``), and builds the Summary dict (groups merged by app.grouping.merge_groups, and
the times of each group's first and last event read by app.event_time, each line once, never per event).
app.log_parser runs these on one stream, app.parallel on chunks of one. Where the compiled core is built, the
assembler, the unwrapper and the feeder are its twins (app/_c_events.c, app/_c_scan.c: ``new_assembler``,
``new_unwrapper``, ``new_feeder``); the classes here and in app.records and app.events stay the reference the tests
compare them with.
"""
from __future__ import annotations

import re
from array import array
from datetime import datetime, timezone
from typing import Callable

from . import events, records
from .event_time import format_time, line_time
from .events import INDENTED_HEADER_DATE, new_assembler
from .grouping import GroupTable, make_sample
from .records import ENVELOPE_FIRST, Unwrapper, new_unwrapper
from .severity import ERROR, FATAL, WARN, classify
from .text import MAX_LINE_BYTES, line_text

_LEVEL_CODES = {FATAL: 0, ERROR: 1, WARN: 2}
_LEVELS = (FATAL, ERROR, WARN)
# Events summed per group in a sink (new_chunk_sink) are added to the totals once the sink holds this many groups
# (app.log_parser's scan, app.parallel's parent): the sums hold a group's template, sample and two raw lines, ~0.5 KiB
# a group besides; where nearly every line is a group of its own, unbounded sums of 16 MiB of short lines held
# ~225 MiB. A realistic log reaches it after ~20 MiB.
SUMS_MAX_GROUPS = 4096


class LineScanner:
    """Physical lines in, events out: the envelope layer feeding the event assembler."""

    __slots__ = ("assembler", "unwrapper", "feed")

    def __init__(self, emit: Callable[[int, str, str, str, str, bool, str], None]):
        self.assembler = new_assembler(emit)
        self.unwrapper = new_unwrapper(self.assembler)
        self.feed = self.unwrapper.feed     # feed(line_no, line)

    @property
    def open(self) -> bool:
        """The next lines may continue something: an open event, a traceback, or a partial record."""
        return self.assembler.open or self.unwrapper.pending  # (LineFeeder inlines this test: it runs per line)

    def indented_lines_are_inert(self) -> bool:
        return not self.unwrapper.pending and self.assembler.indented_lines_are_inert()

    def finish(self) -> None:
        self.unwrapper.finish()
        self.assembler.finish()

    def export_state(self) -> tuple:
        return self.assembler.export_state(), self.unwrapper.export_state()

    def restore_state(self, state: tuple, line_offset: int) -> None:
        self.assembler.restore_state(state[0], line_offset)
        self.unwrapper.restore_state(state[1], line_offset)

    @staticmethod
    def resets_state(line: str, previous: str | None, before: str | None = None) -> bool:
        """True when feeding `line` leaves the same state whatever the state before it, given the line before it
        (``previous``; None: not known, and then False) and the one before that (``before``: needed where
        ``previous`` would complete a partial record held, a CRI ``F`` chunk or a whole Docker record, whose inner
        text is then another). That line leaves nothing for `line` to go on: no partial
        chunk, no header awaiting its message, no indented line (one could follow such a header). `line` is a record
        of its own naming no process, whose inner text reaches the classifier whatever came before (a number-led
        header or a JSON line: not indented, and no special line of app.events starts with a digit or `{`, so none
        is a traceback's last line, a continuation or a crash start) with a level and a message that starts an event
        (app.events.starts_an_event): it closes any open event and opens its own or none. Whether it is fed or
        skipped (a line of no event level while nothing is open), the state after it is the same."""
        if previous is None:
            return False
        inner = Unwrapper.single_record(line)
        if inner is None or not (inner[:1].isdigit() or inner[:1] == "{"):
            return False
        level, message, _ = classify(inner, True)
        if level is None or not events.starts_an_event(level, message):
            return False
        above = Unwrapper.inner_lines(previous)
        if not above:   # a partial record held, or nothing handed on
            return False
        if Unwrapper.completes_partial(previous) and (before is None or Unwrapper.inner_lines(before) is None):
            return False   # (a partial record may be held before it: its inner text is not `above`)
        last = above[-1]   # (blank or indented: a header awaiting its message may stand above it)
        return not (last[:1] in (" ", "\t") or last.isspace() or last == "" or events.awaits_message(last))


class Totals:
    """Counts, stack traces and groups of the closed events, in file order. With ``on_event``, the events are kept
    compactly (about 13 bytes each) and handed over by ``summary`` once groups are merged, so that each carries the
    id its group has in the summary. ``reference_time`` (aware; None: the time the summary is made) gives the year
    of timestamps without one (app.event_time); given, ``add_group`` reads the time of a new group's first event
    at once (app.parallel's parent does that while its workers scan), else ``summary`` reads every time."""

    def __init__(self, on_event: Callable[[dict], None] | None, reference_time: datetime | None = None):
        self.reference_time = reference_time
        self.counts = {FATAL: 0, ERROR: 0, WARN: 0}
        self.stack_traces = 0
        self.groups = GroupTable()
        self._on_event = on_event
        self._lines = array("Q")
        self._levels = bytearray()
        self._group_index = array("I")
        self._gids: dict[str, int] = {}
        self._times_of: dict[str, datetime | None] = {}   # raw line -> its time (app.event_time.line_time)

    def add(self, line_no: int, level: str, gid: str, template: str, sample: str, trace: bool,
            raw: str | None = None) -> None:
        self.counts[level] += 1
        if trace:
            self.stack_traces += 1
        self.groups.add(gid, level, template, line_no, sample, raw)
        if self._on_event is not None:
            self._lines.append(line_no)
            self._levels.append(_LEVEL_CODES[level])
            self._group_index.append(self._gids.setdefault(gid, len(self._gids)))

    def add_group(self, gid: str, level: str, template: str, count: int, traces: int, first_line: int,
                  last_line: int, sample: str, first_raw: str | None, last_raw: str | None) -> None:
        """``count`` events of one group, ``traces`` of them with a stack trace, with exactly the effect of that many
        ``add`` calls (app.grouping.GroupTable.add_group). Only without ``on_event``, which needs each event."""
        if self._on_event is not None:
            raise ValueError("Totals.add_group: on_event needs the events one by one (add)")
        self.counts[level] += count
        self.stack_traces += traces
        if self.groups.add_group(gid, level, template, count, first_line, last_line, sample, first_raw, last_raw):
            self._read_first_time(first_raw)

    def _read_first_time(self, first_raw: str | None) -> None:
        """A tracked group's first raw line stays to the end: its time is read now, while app.parallel's workers
        still scan, instead of in summary's serial tail. (Without a reference, summary fixes "now".)"""
        if first_raw is not None and self.reference_time is not None and first_raw not in self._times_of:
            self._times_of[first_raw] = line_time(first_raw, self.reference_time)

    def add_sums(self, groups: dict[str, list], line_offset: int = 0) -> None:
        """The events of a stretch of the log summed per group (GroupSums.groups; lines shifted by ``line_offset``),
        with exactly the effect of add_group for each: the stretch follows every event added before."""
        if self._on_event is not None:
            raise ValueError("Totals.add_sums: on_event needs the events one by one (add)")
        counts = self.counts
        for group in groups.values():
            counts[group[0]] += group[3]
            self.stack_traces += group[4]
        for first_raw in self.groups.add_sums(groups, line_offset):
            self._read_first_time(first_raw)

    def take_sums(self, sink) -> None:
        """add_sums of what a sink (new_chunk_sink) summed so far, and the sink emptied for what follows."""
        if sink.groups:
            self.add_sums(sink.groups)
            sink.groups.clear()

    def summary(self, lines: int, total_bytes: int, error: str | None, max_groups: int) -> dict:
        """The Summary (CONTRACTS.md); hands the kept events to ``on_event`` first, in file order."""
        merged, mapping = self.groups.merged()
        if self._on_event is not None:
            ids = [mapping.get(gid, gid) for gid in self._gids]
            emit = self._on_event
            for line_no, level, index in zip(self._lines, self._levels, self._group_index):
                emit({"line": line_no, "level": _LEVELS[level], "group": ids[index]})
        reference = self.reference_time or datetime.now(timezone.utc)
        # The summary's times: over the first and last events of the groups before merging (a merged group keeps
        # only two of its members' events); each raw line is read once (some were by add_group).
        times_of = dict(self._times_of)   # (a copy: without a reference, each summary reads with its own "now")
        for raw in self.groups.raw_lines():
            if raw not in times_of:
                times_of[raw] = line_time(raw, reference)
        timed = [_with_times(g, times_of) for g in merged]
        times = [t for t in times_of.values() if t is not None]
        ranked = sorted(timed, key=lambda t: (-t[0]["count"], t[0]["first_line"]))
        return {
            "lines": lines,
            "bytes": total_bytes,
            "counts": dict(self.counts),
            "stack_traces": self.stack_traces,
            "groups": [g for g, _, _ in ranked[:max(max_groups, 0)]],
            "groups_total": self.groups.total - (len(mapping) - len(merged)),
            "first_time": format_time(min(times)) if times else None,
            "last_time": format_time(max(times)) if times else None,
            "incomplete": error is not None,
            "error": error,
        }


class GroupSums:
    """The events of a stretch of a log summed per group, as Totals.add_group takes them: app.parallel's workers
    send these instead of one entry per event. ``add`` takes what Totals.add takes; ``groups`` maps a group id, in
    the order of its first event, to ``[level, template, sample, count, traces, first_line, last_line, first_raw,
    last_raw]`` (``sample``: make_sample of the first event's line; lines as numbered by the caller)."""

    __slots__ = ("groups",)

    def __init__(self, groups: dict[str, list] | None = None):
        self.groups: dict[str, list] = {} if groups is None else groups

    def add(self, line_no: int, level: str, gid: str, template: str, sample: str, trace: bool,
            raw: str | None = None) -> None:
        group = self.groups.get(gid)
        if group is None:
            self.groups[gid] = [level, template, make_sample(sample), 1, int(trace), line_no, line_no, raw, raw]
        else:
            group[3] += 1
            group[4] += trace
            group[6] = line_no
            group[8] = raw


class ChunkSink:
    """The emit of an assembler whose events are summed per group (an app.parallel worker's; a sequential scan's
    without ``on_event``, see app.log_parser.summarize): every event summed into ``groups`` (as GroupSums.add sums them), one
    past line ``split`` summed into ``late_groups`` too, one up to it kept whole in ``early`` (a tuple of the seven
    arguments; a negative ``split``: neither, the sums alone), and with ``keep_events`` ``(line_no, level, gid,
    trace)`` appended to ``events`` (else None). ``new_chunk_sink`` gives the compiled twin (app/_c_events.c), which costs the compiled
    assembler no Python call per event; this class is its reference."""

    __slots__ = ("groups", "late_groups", "early", "events", "_split", "_sums", "_late")

    def __init__(self, split: int, keep_events: bool):
        self._sums, self._late = GroupSums(), GroupSums()
        self.groups, self.late_groups = self._sums.groups, self._late.groups
        self.early: list[tuple] = []
        self.events: list[tuple] | None = [] if keep_events else None
        self._split = split

    def __call__(self, line_no: int, level: str, gid: str, template: str, sample: str, trace: bool,
                 raw: str | None = None) -> None:
        self._sums.add(line_no, level, gid, template, sample, trace, raw)
        if self._split < 0:
            pass
        elif line_no > self._split:
            self._late.add(line_no, level, gid, template, sample, trace, raw)
        else:
            self.early.append((line_no, level, gid, template, sample, trace, raw))
        if self.events is not None:
            self.events.append((line_no, level, gid, trace))


def new_chunk_sink(split: int, keep_events: bool) -> ChunkSink:
    """A ChunkSink: the compiled twin where the core is built (the same sums, lists and tuples: tests/
    test_compiled_events.py), else the Python class."""
    c_events = events._c_events   # (looked up there: tests switch it off there)
    if c_events is None:
        return ChunkSink(split, keep_events)
    return c_events.ChunkSink(split, keep_events, make_sample)


def _with_times(group: dict, times_of: dict) -> tuple[dict, datetime | None, datetime | None]:
    """A merged group as the Summary lists it (``first_time``/``last_time`` after ``last_line``, no raw lines),
    with the two times as datetimes (None where the line states none); ``times_of``: raw line -> its time. Of its
    first and last event, the earlier time is first_time and the later last_time (lines out of order, a merged log),
    and one that states a time stands for both when the other states none."""
    known = [t for t in (times_of.get(group.get("first_raw")), times_of.get(group.get("last_raw"))) if t is not None]
    first, last = (min(known), max(known)) if known else (None, None)
    out = {}
    for key, value in group.items():
        if key == "first_raw" or key == "last_raw":
            continue
        out[key] = value
        if key == "last_line":
            out["first_time"] = format_time(first) if first is not None else None
            out["last_time"] = format_time(last) if last is not None else None
    return out, first, last


_INDENT = b" \t"
# A run of indented lines the feeder may count unread; an indented line that begins with a date is a header
# (app.events) and ends the run.
_INDENTED_RUN = re.compile(rb"(?:[ \t](?![ \t]*" + INDENTED_HEADER_DATE.encode() + rb")[^\n]*\n)+")


def _newlines(buf, lo: int, hi: int) -> int:
    """``buf.count(b"\\n", lo, hi)``, also for an mmap (app.parallel's ChunkRing), which has no ``count``."""
    count = getattr(buf, "count", None)
    return count(b"\n", lo, hi) if count is not None else memoryview(buf)[lo:hi].tobytes().count(b"\n")


class LineFeeder:
    """Cuts buffers of whole lines into lines for a LineScanner, handing it only the lines that matter.

    While nothing is open, only candidate lines (app.candidates) are decoded and fed: the others cannot change the
    scanner's state, and are only counted. While an event or a partial record is open every line is fed, as stack
    frames and continuation chunks carry no level words.
    """

    def __init__(self, scanner: LineScanner, finder):
        self.scanner = scanner
        self.finder = finder
        self.lines = 0

    def feed_line(self, buf, start: int, end: int) -> None:
        """One line (without its newline)."""
        self.lines += 1
        line = line_text(buf, start, end)
        scanner = self.scanner
        if line[:1] in ENVELOPE_FIRST or scanner.unwrapper.partial is not None:
            scanner.feed(self.lines, line)
        else:  # no envelope starts so (app.records): one call less for most lines
            scanner.assembler.feed(self.lines, line)

    def feed_lines(self, buf, lo: int, hi: int) -> None:
        """All complete lines in buf[lo:hi] (hi is just past a newline); ``buf``: bytes, a bytearray or an mmap."""
        scanner = self.scanner
        assembler, unwrapper = scanner.assembler, scanner.unwrapper
        cursor = self.finder.cursor(buf, lo, hi)
        pos = lo
        while pos < hi:
            if assembler.open or unwrapper.partial is not None:  # scanner.open, inlined
                if buf[pos] in _INDENT and scanner.indented_lines_are_inert():
                    run_end = _INDENTED_RUN.match(buf, pos, hi)
                    if run_end is not None:
                        run_end = run_end.end()
                        self.lines += _newlines(buf, pos, run_end)
                        pos = run_end
                        continue
                nl = buf.find(b"\n", pos, hi)
                self.feed_line(buf, pos, nl)
                pos = nl + 1
                continue
            hit = cursor.next(pos)
            if hit < 0:
                self.lines += _newlines(buf, pos, hi)
                return
            start = buf.rfind(b"\n", pos, hit) + 1 or pos
            if start > pos:
                self.lines += _newlines(buf, pos, start)
            nl = buf.find(b"\n", start, hi)
            self.feed_line(buf, start, nl)
            pos = nl + 1


def new_feeder(scanner: LineScanner, finder):
    """A LineFeeder(scanner, finder): the compiled twin (app/_c_scan.c) when the scanner's unwrapper and assembler
    are the compiled ones (it then runs the per-line loop, decoding and dispatch in C), else the Python class; the
    same lines reach the scanner either way (tests/test_compiled_scan.py)."""
    c_scan, c_events = records._c_scan, events._c_events  # (looked up there: tests switch them off there)
    if c_scan is None or c_events is None or not isinstance(scanner.unwrapper, c_scan.Unwrapper) \
            or not isinstance(scanner.assembler, c_events.Assembler):
        return LineFeeder(scanner, finder)
    return c_scan.LineFeeder(scanner.unwrapper, scanner.assembler, finder,
                             {"ENVELOPE_FIRST": ENVELOPE_FIRST, "MAX_LINE_BYTES": MAX_LINE_BYTES,
                              "INDENTED_RUN": _INDENTED_RUN})
