"""Text lines -> records: envelopes unwrapped, partial lines joined, physical line numbers kept.

A collector or runtime often wraps each line a program wrote in an envelope of its own. Every later rule (levels,
multi-line traces, exception starts, frames) must see the program's own text, so the envelope is peeled here:

  Docker json-file      ``{"log": "<text>\\n", "stream": "stderr", "time": ...}``; a line Docker split (16 KiB) has no
                        final ``\\n`` in ``log`` and is joined with the next one
  Kubernetes CRI        ``<RFC 3339 time> stdout|stderr P|F <text>``; ``P`` chunks are joined up to their ``F`` chunk
  journald JSON export  ``{"MESSAGE": ..., "PRIORITY": "3", "SYSLOG_IDENTIFIER": ...}``; a multi-line MESSAGE gives
                        one inner line per line of it
  syslog                RFC 5424 ``<PRI>1 TIME HOST APP PROCID MSGID SD MSG``, RFC 3164 ``[<PRI>]Mmm dd hh:mm:ss HOST
                        TAG[PID]: MSG`` (also with an RFC 3339 time, as rsyslog writes it), a bare ``<PRI>MSG``

``Unwrapper(sink).feed(line_no, line)`` calls ``sink(line_no, text, envelope_level, tag, raw)`` for each inner line,
in file order: ``line_no`` is the physical line on which its record starts; ``envelope_level`` is the severity class
the envelope states (syslog PRI or journald PRIORITY on the syslog scale: 0-2 FATAL, 3 ERROR, 4 WARN, 5-7 OTHER)
or None; ``tag`` the program name the envelope gives (or None); ``raw`` the physical line ``line_no`` (the envelope,
which states the record's time: app.event_time), or None when it is ``text`` itself. The envelope's level only
decides where the inner text has no level field of its own (app.events). Lines without an envelope pass through
unchanged.

A journald entry or syslog line of another process than the one before it, and a journald entry whose MESSAGE is a
whole multi-line record, call ``boundary()`` first: nothing above continues past them (one program's traceback is
not the trace of another program's error).

``new_unwrapper(assembler)`` gives the compiled twin of Unwrapper (app/_c_scan.c) where the core is built.
"""
from __future__ import annotations

import json
import re
from typing import Callable

from . import severity
from .severity import MONTHS, parse_syslog, syslog_level
from .text import MAX_LINE_BYTES, strip_controls_text

try:  # the common Docker and journald lines read in C (app/_c_envelope.c); the Python code below is the reference
    from ._c_envelope import docker_record as _docker_fast
    from ._c_envelope import journald_record as _journald_fast
except ImportError:  # the compiled core is not built
    _docker_fast = _journald_fast = None
try:  # the compiled twin of Unwrapper (app/_c_scan.c); the Python class stays the reference
    from . import _c_scan
except ImportError:
    _c_scan = None

Sink = Callable[[int, str, "str | None", "str | None", "str | None"], None]

_CRI = re.compile(r"(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)) (stdout|stderr) ([FP]) ?(.*)", re.S)
# The first characters an envelope can start with: a line starting otherwise passes through unchanged (the scan's
# feeder hands such lines straight to app.events while no partial record is held).
ENVELOPE_FIRST = frozenset("{<0123456789" + "".join(m[0] for m in MONTHS))


def _journald_message(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(b, int) and 0 <= b < 256 for b in value):
        return bytes(value).decode("utf-8", "replace")  # journald exports a non-UTF-8 MESSAGE as a byte array
    return None


def docker_record(line: str) -> tuple[str, str, bool] | None:
    """(stream label, text, complete) of a Docker json-file line (``{"log": ...}``), or None when it is not one:
    ``text`` is ``log`` with controls stripped and, when ``complete`` (it ends in a newline), without its final
    ``\\n``/``\\r``. The compiled reader answers the common shape; json.loads the rest."""
    if _docker_fast is not None:
        record = _docker_fast(line)  # exactly as computed below, or None: declined
        if record is not None:
            return record
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    text = obj.get("log") if isinstance(obj, dict) else None
    if not isinstance(text, str):
        return None
    text = strip_controls_text(text)
    complete = text.endswith("\n")
    return "docker-" + str(obj.get("stream")), text.rstrip("\n").rstrip("\r") if complete else text, complete


def journald_record(line: str) -> tuple[str, str | None, str | None, object] | None:
    """(message, level, tag, pid) of a journald JSON export line, or None when it is not one: ``MESSAGE`` (a byte
    array decoded, controls stripped), the severity class of ``PRIORITY`` (None without one), ``SYSLOG_IDENTIFIER``
    or ``_COMM`` (a str, else None), ``_PID`` as given (the process, with the tag: app.records' boundaries).
    The compiled reader answers lines whose values are all strings; json.loads the rest."""
    if _journald_fast is not None:
        record = _journald_fast(line)  # exactly as computed below, or None: declined
        if record is not None:
            return record
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    if not isinstance(obj, dict):
        return None
    message = _journald_message(obj.get("MESSAGE"))
    if message is None:
        return None
    message = strip_controls_text(message)
    priority = obj.get("PRIORITY")
    level = None
    # isdecimal, not isdigit: int() reads decimal digits of any script, and raises on "³" (a digit to isdigit)
    if isinstance(priority, (str, int)) and str(priority).isdecimal() and int(priority) <= 7:
        level = syslog_level(int(priority))
    tag = obj.get("SYSLOG_IDENTIFIER") or obj.get("_COMM")
    return message, level, tag if isinstance(tag, str) else None, obj.get("_PID")


class Unwrapper:
    """The envelope layer (see the module docstring). Holds at most one partial record: a chunk of another stream
    or envelope ends it (CRI and Docker write a split line's chunks one after the other)."""

    __slots__ = ("_sink", "_boundary", "_is_open", "partial", "_source", "switch_log", "_log_until", "_log_closed")

    def __init__(self, sink: Sink, boundary: Callable[[], None] = lambda: None,
                 is_open: Callable[[], bool] = lambda: True):
        self._sink = sink
        self._boundary = boundary           # called where the envelope says a record cannot go on (another process)
        self._is_open = is_open             # whether the sink holds something a boundary would end (unknown: True)
        self.partial: list | None = None    # [stream, first line_no, list of text pieces, size, first raw line]
        self._source = None                 # the process of the last journald entry or syslog line
        # For app.parallel, whose chunks start with no process known: the process switches (journald entries, syslog
        # lines) as (line_no, the process if whether a boundary came there hung on the process before, else None):
        # by default the first one only (see log_switches)
        self.switch_log: list[tuple] = []
        self._log_until, self._log_closed = 0, False

    @property
    def pending(self) -> bool:
        """A partial record is held: the next line may continue it."""
        return self.partial is not None

    def feed(self, line_no: int, line: str) -> None:
        first = line[:1]
        if first == "{":
            if line.startswith('{"log":'):
                if self._docker(line_no, line):
                    return
            elif '"MESSAGE"' in line:
                if self._journald(line_no, line):
                    return
        elif first.isdigit():
            if line.find(" std", 20, 48) >= 0:
                m = _CRI.match(line)
                if m:
                    self._join(line_no, "cri-" + m.group(2), m.group(4), m.group(3) == "F", line)
                    return
            if line[10:11] == "T":
                self._syslog(line_no, line)
                return
        elif first == "<" or line[:3] in MONTHS:
            self._syslog(line_no, line)
            return
        if self.partial is not None:
            self.flush()
        self._sink(line_no, line, None, None, None)

    def finish(self) -> None:
        self.flush()

    def log_switches(self, until: int) -> None:
        """Starts a new ``switch_log`` of every process switch up to line ``until`` and the first one after it."""
        self.switch_log, self._log_until, self._log_closed = [], until, False

    def flush(self) -> None:
        """Hands on the partial record held (its stream went on with something else, or ended)."""
        partial, self.partial = self.partial, None
        if partial is not None:
            self._emit_text(partial[1], "".join(partial[2]), None, None, partial[4])

    def _syslog(self, line_no: int, line: str) -> None:
        parsed = parse_syslog(line)
        if self.partial is not None:
            self.flush()
        if parsed is None:
            self._sink(line_no, line, None, None, None)
        else:
            self._switch_source(line_no, parsed[1], False)
            self._sink(line_no, parsed[2], parsed[0], parsed[1], line)

    def _switch_source(self, line_no: int, source, whole: bool) -> None:
        """Another process's record (or a journald entry that is a whole multi-line record) cannot continue the
        event above: a traceback one program logged is not the trace of another one's error."""
        if not self._log_closed:
            self.switch_log.append((line_no, None if whole or source is None or not self._is_open() else source))
            self._log_closed = line_no > self._log_until
        if whole or (source != self._source and source is not None and self._source is not None):
            self._boundary()
        self._source = source

    def _docker(self, line_no: int, line: str) -> bool:
        record = docker_record(line)
        if record is None:
            return False
        self._join(line_no, *record, line)
        return True

    def _journald(self, line_no: int, line: str) -> bool:
        record = journald_record(line)
        if record is None:
            return False
        message, level, tag, pid = record
        if self.partial is not None:
            self.flush()
        self._switch_source(line_no, (tag, pid), "\n" in message.strip("\n"))
        self._emit_text(line_no, message, level, tag, line)
        return True

    def _join(self, line_no: int, stream: str, text: str, complete: bool, raw: str) -> None:
        held = self.partial
        if held is not None and held[0] != stream:
            self.flush()
            held = None
        if held is None:
            if complete:
                self._emit_text(line_no, text, None, None, raw)
                return
            held = self.partial = [stream, line_no, [], 0, raw]
        if held[3] < MAX_LINE_BYTES:  # a record is cut at the line limit, as a plain line is
            held[2].append(text)
            held[3] += len(text)
        if complete:
            self.partial = None
            self._emit_text(held[1], "".join(held[2])[:MAX_LINE_BYTES], None, None, held[4])

    def _emit_text(self, line_no: int, text: str, level: str | None, tag: str | None, raw: str) -> None:
        if "\n" in text:
            for part in text.split("\n"):
                self._sink(line_no, part.rstrip("\r"), level, tag, raw)
        else:
            self._sink(line_no, text, level, tag, raw)

    # -- for app.parallel: chunks are scanned from an empty state, then stitched --

    def export_state(self) -> tuple:
        held = self.partial
        return (None if held is None else [held[0], held[1], list(held[2]), held[3], held[4]]), self._source

    def restore_state(self, state: tuple, line_offset: int) -> None:
        held, self._source = state
        self.partial = None if held is None else [held[0], held[1] + line_offset, list(held[2]), held[3], held[4]]

    @staticmethod
    def inner_lines(line: str) -> list[str] | None:
        """The inner lines an Unwrapper hands on for ``line`` alone, or None when it holds a partial record after it
        (a CRI ``P`` chunk, a Docker line without ``\\n``: the next line may continue it)."""
        if line[:1] not in ENVELOPE_FIRST:
            return [line]
        got: list[str] = []
        unwrapper = Unwrapper(lambda line_no, text, level, tag, raw: got.append(text), lambda: None, lambda: False)
        unwrapper.feed(1, line)
        return None if unwrapper.pending else got

    @staticmethod
    def _chunk(line: str) -> tuple[str, bool] | None:
        """(text, complete) of a CRI or Docker json-file line as feed reads it (complete: a CRI ``F`` chunk, a Docker
        ``log`` ending in a newline); None for any other line."""
        first = line[:1]
        if first.isdigit() and line.find(" std", 20, 48) >= 0:   # (as feed tells a CRI line)
            m = _CRI.match(line)
            return (m.group(4), m.group(3) == "F") if m else None
        if first == "{" and line.startswith('{"log":'):         # (as feed tells a Docker line)
            record = docker_record(line)
            return (record[1], record[2]) if record is not None else None
        return None

    @staticmethod
    def completes_partial(line: str) -> bool:
        """Whether ``line`` would complete a partial record of its stream, were one held: a CRI ``F`` chunk, a Docker
        json-file line whose ``log`` ends in a newline (feed joins it to the ``P`` chunks or parts before it)."""
        chunk = Unwrapper._chunk(line)
        return chunk is not None and chunk[1]

    @staticmethod
    def single_record(line: str) -> str | None:
        """The inner text of a line that is a whole record on its own and carries no envelope level nor process,
        else None (a partial chunk, a journald record, a syslog line with a PRI or a tag: whether such a line is
        fed, and so which process comes after it, hangs on what came before). A Docker json-file line is one when its
        ``log`` ends in a newline and holds no other. Used to find lines that reset the scan state."""
        chunk = Unwrapper._chunk(line)
        if chunk is not None:   # whole when complete (after a line that leaves no partial record: the caller's
            text, complete = chunk   # check) and holding one inner line
            return text if complete and "\n" not in text else None
        first = line[:1]
        if first.isdigit():
            if line[10:11] == "T":
                parsed = parse_syslog(line)
                return line if parsed is None else (parsed[2] if parsed[0] is None and parsed[1] is None else None)
            return line
        if first == "{":   # fed as it is unless feed may read it as a Docker or journald record
            return None if line.startswith('{"log":') or '"MESSAGE"' in line else line
        if first == "<" or line[:3] in MONTHS:
            return None
        return line


def new_unwrapper(assembler) -> Unwrapper:
    """An Unwrapper feeding ``assembler.feed`` and calling ``assembler.boundary``: the compiled twin
    (app/_c_scan.c) when it is built, which feeds a compiled Assembler (app.events.new_assembler) without a Python
    call per line, else the Python class; the same inner lines either way (tests/test_compiled_scan.py)."""
    if _c_scan is None:
        return Unwrapper(assembler.feed, assembler.boundary, lambda: assembler.open)
    return _c_scan.Unwrapper(assembler, unwrapper_deps())


def unwrapper_deps() -> dict:
    """What the compiled Unwrapper calls or copies of this module and app.severity (it refuses a regex it was not
    written for)."""
    return {
        "docker_fast": _docker_fast, "docker_record": docker_record, "journald_fast": _journald_fast,
        "journald_record": journald_record,
        "parse_syslog": parse_syslog, "MONTHS": MONTHS, "MAX_LINE_BYTES": MAX_LINE_BYTES, "CRI": _CRI,
        # the twin reads ASCII syslog lines itself, as parse_syslog does
        "PRI": severity._PRI, "RFC5424": severity._RFC5424, "RFC3164": severity._RFC3164,
        "LEVELS": severity._LEVELS, "syslog_level": syslog_level,
    }
