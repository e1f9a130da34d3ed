"""Records -> events: which inner lines start FATAL/ERROR/WARN events and which continue the event above.

``Assembler(emit).feed(line_no, text, envelope_level, tag, raw)`` takes the inner lines of app.records in file order
and calls ``emit(line_no, level, group_id, template, sample_line, has_trace, raw_line)`` once per event when it
closes; ``raw_line`` is the physical line the event starts on (the envelope where there is one: its time is the
event's, app.event_time).

Rules (CONTRACTS.md, Severity classes):
  * a line's own level field decides (app.severity.classify); where it has none, the envelope's level does (syslog
    PRI, journald PRIORITY);
  * continuation lines never start events: indented lines (stack frames), `Caused by:`, `... N more`, goroutine
    dumps, Monolog's `[stacktrace]` and `#N` frames, a Python traceback's frames and final exception line;
  * an exception line or a Python traceback belongs to the header event above only when it comes right after the
    header line (what a logger prints for `log.error(msg, exc)`), or when the trace above announced a chained one
    (`During handling of the above exception ...`); after any other line it starts an event of its own (ERROR),
    and the earlier event does not get its trace;
  * a Go runtime crash start (`panic: `, `fatal error: `) is a FATAL event of its own, except right after a FATAL
    header (zap/logrus `Panic` logs its message, then the runtime panics with it);
  * Ruby's Logger writes every line of an exception report with its level header (Rails: a header with no message,
    the exception's message, another empty one, one frame a line): a header with no message opens an event whose
    message the next same-level line gives, or goes on the open one before its first frame; one whose message is a
    stack frame, under the level of the open event, continues it;
  * an indented line that begins with a date is a header like any other (Nomad and Consul indent their lines);
  * after more than MAX_NEUTRAL_GAP lines without a level field, an event stops collecting continuations.

``new_assembler(emit)`` gives the compiled twin of Assembler (app/_c_events.c) where the core is built.
"""
from __future__ import annotations

import re
from typing import Callable

from . import severity
from .grouping import group_id, make_template
from .severity import ERROR, FATAL, HAS_TRACE, OTHER, WANTS_NEXT, classify

try:  # the compiled twin of Assembler (app/_c_events.c); the Python class below stays the reference
    from . import _c_events
except ImportError:  # the compiled core is not built
    _c_events = None

MAX_NEUTRAL_GAP = 10

TRACEBACK = "Traceback (most recent call last):"
# The special unindented lines, as pattern text (_SPECIAL joins them). A line with no level field that starts an
# exception / crash report (verbose syntax):
_EXC_START = r"""
    Exception[ ]in[ ]thread[ ] | Unhandled[ ][Ee]xception | Uncaught[ ](?:[\w.\\]*(?:Error|Exception)|exception)\b
  | thread[ ]'[^']*'[ ]panicked[ ]at
  | (?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*(?:Exception|Error|Throwable|Fault)(?::|\s*$)
  | [A-Z]\w*(?:Exception|Error)(?::[ ]|:?\s*$) | Exception(?::[ ]|\s*$)
"""
_GO_CRASH = r"(?:panic|fatal error): "
# A Python traceback announcing a chained one.
_CHAIN = r"During handling of the above exception|The above exception was the direct cause"
# Unindented continuation lines of a stack trace or crash dump.
_CONTINUATION = (
    r"(?:Caused by|Suppressed|Wrapped by): |\.\.\. \d+ (?:more|common frames omitted)|--- End of |---> "
    r"|goroutine \d+ \[|\[signal |created by |stack backtrace:|\[stacktrace\]|#\d+ [/{\[\w]"
    r"|\"at [\w$.<>/]+\(")   # the last: a frame of a JSON stacktrace array printed one element a line
# Indented lines that are stack frames (mark the event as carrying a stack trace).
_FRAME = re.compile(
    r"\s+(?:at\s|File \"|\.\.\. \d+ (?:more|common)|Caused by:|Suppressed:|---> |--- End of |\d+: [\w<])"
    r"|\t\S+\.go:\d+")
# An indented line that is a header of its own (Nomad and Consul agents indent their log lines): a date first.
# app.scan ends a run of indented lines it may skip at the same date (the pattern is shared so the two agree).
INDENTED_HEADER_DATE = r"[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}[T ][0-9]"
_INDENTED_HEADER = re.compile(r"[ \t]+" + INDENTED_HEADER_DATE)
# A header line whose message is a stack frame (Ruby's Logger writes each backtrace line with the level header).
_FRAME_MESSAGE = re.compile(r"(?:[\w-]+ \([\w.-]+\) )?\S+:\d+:in [`'\w]|at [\w$.<>/]+\(|File \"")
# The four as one pattern (one match a line instead of four), tried in the order the rules take them.
_SPECIAL = re.compile(rf"(?P<chain>{_CHAIN})|(?P<continuation>{_CONTINUATION})|(?P<crash>{_GO_CRASH})"
                      rf"|(?P<exception>(?x:{_EXC_START}))")
# The first characters _CHAIN, _CONTINUATION, _EXC_START and _GO_CRASH can match at.
_SPECIAL_FIRST = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$.-[#\"")
_PY_FINAL = re.compile(r"[A-Za-z_][\w.]*(?:: |:?\s*$)")  # `KeyError: 'x'`, `KeyboardInterrupt`

Emit = Callable[[int, str, str, str, str, bool, str], None]
# An event's raw line is kept whole up to RAW_MAX_CHARS: the tracked groups then hold at most 2 x 10,000 of these
# (app.grouping), instead of up to two 64 KiB lines each.
RAW_MAX_CHARS, RAW_HEAD_CHARS, RAW_TAIL_CHARS = 2048, 1536, 512


class _Event:
    __slots__ = ("line_no", "level", "message", "sample", "kind", "trace", "exc_seen", "await_chain",
                 "final", "wants_next", "wants_message", "raw")

    def __init__(self, line_no: int, level: str, message: str, sample: str, kind: str, raw: str | None):
        self.line_no = line_no
        # the physical line it starts on (app.event_time reads its time there): the envelope's, else the line
        # itself; a group keeps two of them, so a long one is kept as its head and tail (a Docker record's `time`
        # is at its end)
        if raw is None:
            raw = sample
        self.raw = raw if len(raw) <= RAW_MAX_CHARS else raw[:RAW_HEAD_CHARS] + raw[-RAW_TAIL_CHARS:]
        self.level = level
        self.message = message
        self.sample = sample
        self.kind = kind            # "header" (level field), "exc" (exception line), "tb" (Python traceback)
        self.trace = False
        self.exc_seen = kind != "header"
        self.await_chain = False
        self.final: str | None = None
        self.wants_next = False     # .NET console logger: the message is on the next, indented line
        self.wants_message = False  # a header with no message: the next same-level header line gives it


class Assembler:
    """Line-by-line state machine over inner lines (see the module docstring)."""

    def __init__(self, emit: Emit):
        self._emit = emit
        self.cur: _Event | None = None
        self.in_tb = False     # inside a Python traceback: the next unindented line is its last line
        self._gap = 0           # level-less lines since the last line that continued the event
        self._after = 0         # unindented lines since the current event's header line (0: the next follows it)

    def feed(self, line_no: int, line: str, envelope_level: str | None = None, tag: str | None = None,
             raw: str | None = None) -> None:
        """One inner line; ``raw``: its physical line when that is another (an envelope), else None."""
        if not line or line.isspace():
            return
        cur = self.cur
        first = line[0]
        if (first == " " or first == "\t") and _INDENTED_HEADER.match(line):
            line = line.lstrip()  # an indented header line: read as if it were not indented
            first = line[0]
        if first == " " or first == "\t":  # indented: frames, or the header's message going on (not counted in _after)
            if cur is not None:
                self._gap = 0
                if cur.wants_next:  # .NET console logger: the message is on the first indented line
                    cur.message = f"{cur.message} {line.strip()}"
                    cur.wants_next = False
                    self._after = 0
                if self.in_tb or _FRAME.match(line):
                    cur.trace = True
            return
        after = self._after
        self._after = after + 1
        if self.in_tb:
            self.in_tb = False
            if _PY_FINAL.match(line) and not line.startswith(TRACEBACK):
                if cur is not None:
                    cur.final = line
                return
        if first not in _SPECIAL_FIRST or (first in "IWEF" and line[5:6] == " " and line[1:5].isdigit()):
            pass  # a header line (a timestamp, `<PRI>`, `{`, klog's `E1127 `) cannot be any of the special lines below
        elif line.startswith(TRACEBACK):
            if cur is not None and ((cur.kind == "header" and not cur.exc_seen and after == 0) or cur.await_chain):
                cur.trace = cur.exc_seen = True
                cur.await_chain = False
                self._gap = 0
            else:
                self._open(_Event(line_no, ERROR, line, line, "tb", raw)).trace = True
            self.in_tb = True
            return
        else:
            special = _SPECIAL.match(line)
            if special is not None:
                self._special(special.lastgroup, line_no, line, cur, after, raw)
                return
        level, message, flags = classify(line, cur is not None or envelope_level is not None)
        if level is None and envelope_level is not None:
            level, message, flags = envelope_level, (f"{tag}: {line}" if tag else line), 0
        if level is None:
            if cur is not None:
                self._gap += 1
                if self._gap > MAX_NEUTRAL_GAP:
                    self._close()
        elif level == OTHER:
            self._close()
        elif not message or message.isspace():
            # A header with nothing behind it: Rails writes one before and after an exception's message line, then
            # the backtrace one frame a line, each with the level header. Before any frame it goes on the open event
            # of its level; otherwise it opens one whose message the next same-level line gives.
            if cur is not None and cur.level == level and not cur.trace:
                self._gap = 0
            else:
                event = self._open(_Event(line_no, level, "", line, "header", raw))
                event.wants_message = True
        elif cur is not None and cur.level == level and cur.wants_message and after == 0:
            cur.message, cur.sample, cur.wants_message = message, line, False
            self._gap = 0
        elif cur is not None and cur.level == level and _FRAME_MESSAGE.match(message):
            cur.trace = True  # a backtrace line under the same level header: Ruby's Logger, one line a frame
            self._gap = 0
        else:
            event = self._open(_Event(line_no, level, message, line, "header", raw))
            event.trace = bool(flags & HAS_TRACE)
            event.wants_next = bool(flags & WANTS_NEXT)

    def _special(self, kind: str, line_no: int, line: str, cur: _Event | None, after: int, raw: str | None) -> None:
        """A line _SPECIAL matched: a chained-exception notice, a continuation, a Go crash or an exception start."""
        if kind == "chain" or kind == "continuation":
            if cur is not None:
                if kind == "chain":
                    cur.await_chain = True
                else:
                    cur.trace = True
                self._gap = 0
        elif kind == "crash":
            if cur is not None and cur.level == FATAL and cur.kind == "header" and after == 0:
                cur.exc_seen = True
                self._gap = 0
            else:
                self._open(_Event(line_no, FATAL, line, line, "exc", raw))
        elif cur is not None and ((cur.kind == "header" and not cur.exc_seen and after == 0) or cur.await_chain):
            cur.exc_seen = True  # the exception a logger prints right after its header line
            cur.await_chain = False
            self._gap = 0
        else:
            self._open(_Event(line_no, ERROR, line, line, "exc", raw))

    def _open(self, event: _Event) -> _Event:
        self._close()
        self.cur = event
        self._gap = 0
        self._after = 0
        return event

    def _close(self) -> None:
        event = self.cur
        if event is None:
            return
        self.cur = None
        message = event.final or event.message if event.kind == "tb" else event.message
        template = make_template(message)
        self._emit(event.line_no, event.level, group_id(event.level, template), template, event.sample, event.trace,
                   event.raw)

    def indented_lines_are_inert(self) -> bool:
        """True when indented lines cannot change anything (the event already carries a trace, no gap to reset,
        no message awaited): the feeder may then count a run of them without decoding or feeding them."""
        cur = self.cur
        return cur is not None and cur.trace and not cur.wants_next and self._gap == 0

    @property
    def open(self) -> bool:
        """An event (or a traceback) is open: the next lines may continue it."""
        return self.cur is not None or self.in_tb

    def finish(self) -> None:
        self._close()

    def boundary(self) -> None:
        """A record boundary the envelope knows of (another process's journald entry or syslog line): nothing
        above continues past it."""
        self._close()
        self.in_tb = False

    # -- for app.parallel: a chunk is scanned from a closed state, then stitched to the state before it --

    def export_state(self) -> tuple:
        return self.cur, self.in_tb, self._gap, self._after

    def restore_state(self, state: tuple, line_offset: int) -> None:
        cur, self.in_tb, self._gap, self._after = state
        if cur is not None:
            cur.line_no += line_offset
        self.cur = cur


def starts_an_event(level: str, message: str) -> bool:
    """Whether a header line of ``level`` (app.severity.classify, not None) with ``message`` ends whatever event is
    open and opens its own (or none, for OTHER) in Assembler.feed: not when the message is blank (it may go on an
    open event of its level, or give the message an empty header above awaits) or a stack frame (Ruby's Logger
    writes each frame with the level header)."""
    return level == OTHER or (message != "" and not message.isspace() and _FRAME_MESSAGE.match(message) is None)


def awaits_message(line: str) -> bool:
    """Whether ``line``, an inner line, is a header with a level and no message: the next line of its level may
    give the event its message (see Assembler.feed)."""
    level, message, _ = classify(line, True)
    return level is not None and level != OTHER and (message == "" or message.isspace())


def new_assembler(emit: Emit):
    """An Assembler(emit): the compiled twin (app/_c_events.c) when it is built, else the Python class; the same
    events either way (tests/test_compiled_events.py). The twin runs the control flow of ``feed`` in C and calls
    back into the same Python objects for the rest: the classifier, the special lines' regexes, the templating."""
    if _c_events is None:
        return Assembler(emit)
    return _c_events.Assembler(emit, {
        "classify": classify, "fast": severity._fast, "make_template": make_template, "group_id": group_id,
        "frame": _FRAME.match, "py_final": _PY_FINAL.match, "special": _SPECIAL.match,
        "frame_message": _FRAME_MESSAGE.match, "FATAL": FATAL, "ERROR": ERROR, "OTHER": OTHER,
        "TRACEBACK": TRACEBACK, "HAS_TRACE": HAS_TRACE, "WANTS_NEXT": WANTS_NEXT, "MAX_NEUTRAL_GAP": MAX_NEUTRAL_GAP,
        "RAW_MAX_CHARS": RAW_MAX_CHARS, "RAW_HEAD_CHARS": RAW_HEAD_CHARS, "RAW_TAIL_CHARS": RAW_TAIL_CHARS,
        "SPECIAL_FIRST": "".join(sorted(_SPECIAL_FIRST)), "INDENTED_HEADER": _INDENTED_HEADER, "SPECIAL": _SPECIAL,
        "FRAME_MESSAGE": _FRAME_MESSAGE,
    })
