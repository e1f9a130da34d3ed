r"""Finds the lines that may start an event, so the scanner classifies only those.

A line can open an event only if it holds a level field, a level-bearing syslog/klog/logcat/JSON field, or the
start of an exception or traceback. The patterns below match a superset of such lines; every other line is
skipped unread by the scanner while no event is open (while one is open, it reads every line, since stack
frames carry no such words). Two patterns may end by taking a newline (`[0-4][^0-9]`, and `\v` in
`[ \t\r\f\v]*`, which includes `\n`): such a hit counts for the line that newline ends.

Three engines, identical summaries: `CompiledFinder` (app._c_finder, C built from source with the service, on every
platform), Hyperscan (SIMD, all patterns in one pass over a chunk; a test tool, used by the service only where the
compiled core is not built and the wheel is installed), and otherwise `EveryLine`, which hands every line to the
classifier (pure Python, ~25 MB/s; Python's `re` running these patterns was 10x slower still, as it has no
multi-literal search). The compiled engine matches these patterns by hand, line by line, and reports a superset of
the lines Hyperscan hits (it may take a few more lines, never fewer); it releases the GIL while it scans. It is the
default: as fast as Hyperscan on realistic logs (~1.2x slower on a sparse one), and a process that loads no
Hyperscan library holds ~4 MiB less of it, the figure that kept the CLI and its workers above 64 MiB PSS. The
tests run Hyperscan against EveryLine on every sample, and the compiled engine against both. Known limits: an
exception name ending a line is found only when ASCII whitespace follows it (`\s` in the classifier also takes
Unicode spaces); a Docker json-file line split by Docker (over 16 KiB, its first part without `\n`) is joined only
when its first part is a candidate (a pattern for "a `log` value not ending in `\n`" cost a third of the scan):
where only a later part holds a level word, that part is read alone.
"""
from __future__ import annotations

import threading

# Stems of the event level words (error/erro/err, warning, fatal, critical, emergency, alert, panic, severe, .NET fail,
# zap's dpanic).
_STEMS = rb"err|eror|warn|wrn|fata|ftl|crit|emerg|alert|pani|severe|fail|dpani"
# The classifier takes a level word in upper case anywhere in a header, but in lower or mixed case only where formats
# put one, and these patterns follow it: so "error" inside an INFO line's message is not a candidate. `\"` and `\t`
# are the same text escaped inside a JSON string (Docker's json-file "log" field).
_CASELESS = [
    # `error:`, `[error]`, `[core:warn ]`, `<error>`, `"error"`, `Error<TAB>`, `error,<TAB>`, a padded level column
    # `Error    SVC` (one pattern with more endings costs less than another pattern on the same words)
    rb"(?:" + _STEMS + rb")[a-z]*(?:[ \t]*[\]>]|[:\"\t\\]|[,;/|][\t\\]| [ \t])",
    rb"=(?:\\?\")?(?:" + _STEMS + rb")",                                   # logfmt `level=error`, `level="warn"`
    # JSON: level keys, numeric too (pino/bunyan 40 and up, 10-39 being trace to info; GELF and journald's PRIORITY
    # 0-4; leading zeros as the classifier reads them, `"04"`), MongoDB's one-letter `s`
    rb"\"(?:level|severity|lvl|loglevel|log\.level|levelname|log_level|@l|priority|s)\\?\"[ \t]*:[ \t]*(?:\\?\")?"
    rb"(?:0*(?:[4-9][0-9]|[1-9][0-9][0-9]|[0-4][^0-9])|[few]\"|" + _STEMS + rb")",
    rb"exception|throwable|traceback",
    rb"error[ \t\r\f\v]*$",                                                   # `FooError` ending a line
]
# Each pattern below starts with a literal or a small set of them, so Hyperscan's literal matcher does most of
# the work (line anchors made the set 4x slower). They may over-match (the classifier decides), never under-match.
_CASE_SENSITIVE = [
    _STEMS.upper(),                                                           # ERROR, WARN, CRITICAL, ...
    rb"Fault|Uncaught|panicked",                                              # `x.SoapFault:`, `thread 'main' panicked`
    # syslog <PRI> whose severity (PRI % 8) is 0..4: FATAL, ERROR or WARN (at a line start or inside a JSON string)
    b"|".join(b"<%d>" % p for p in range(192) if p % 8 <= 4),
    rb"[WEF](?:0[1-9]|1[0-2])[0-3][0-9] [0-9]",                               # klog `E1127 10:06:00`
    rb"[0-9] +[WEFA] ",                                                       # logcat threadtime `... 1234  1250 E Tag:`
    # logcat brief `E/Tag(`, at a line start, after logcat's time or a space, or as a JSON string's start (Docker);
    # on its own (`[WEFA]/` anywhere) the short literal pushed Hyperscan onto an engine 50% slower on the whole set
    rb"(?:^|[\s\"])[WEFA]/",
    # a common level name right after the time (`2026/11/29 10:00:00 error ...`; padded columns are found above):
    # app.severity reads a level column only so
    rb"[0-9Z],? (?:[Ee]rr|[Ee]rror|[Ww]arn|[Ww]arning|[Ff]atal) ",
    rb"^(?:Error|Warning|Critical|Fatal|Alert|Emergency|Severe),",            # a CSV row led by its level column
    rb"[0-9]:[0-9][0-9]\.[0-9]+ # ",                                         # Redis `10:00:00.123 # ` (warning)
    # partial chunks that a later line completes: CRI `P`, a Docker json-file `log` without its final `\n`
    rb" std(?:out|err) P ",
    rb"(?:[^n]|[^\\]n)\", ?\"stream\"",   # (no `[ \t]*`: it splits the literal and made the scan 3x slower)
]


class HyperscanFinder:
    """Hyperscan engine: one pass per chunk collects the end offsets of all hits."""

    name = "hyperscan"

    def __init__(self):
        import hyperscan

        self._hs = hyperscan
        exprs = _CASELESS + _CASE_SENSITIVE
        flags = [hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_MULTILINE] * len(_CASELESS)
        flags += [hyperscan.HS_FLAG_MULTILINE] * len(_CASE_SENSITIVE)
        self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        self._db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=flags)
        # A scratch space serves one scan at a time: one per thread (gunicorn runs requests in threads).
        self._local = threading.local()

    def _scratch(self):
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = self._hs.Scratch(self._db)
        return scratch

    def cursor(self, buf, lo: int, hi: int) -> "_ListCursor":
        hits: list[int] = []
        append = hits.append

        def on_match(_id, _from, to, _flags, _ctx):
            # A pattern may end by taking a newline (`[0-4][^0-9]`, `[ \t\r\f\v]*`: \v includes \n): that hit is on
            # the line the newline ends. Left at the offset after it, it named the next line, and at the end of the
            # chunk an offset the feeder could not place (it looped forever).
            end = lo + to
            append(end - 1 if buf[end - 1] == 10 else end)

        self._db.scan(memoryview(buf)[lo:hi], match_event_handler=on_match, scratch=self._scratch())
        hits.sort()  # different patterns report in order of their match ends; keep the scan monotonic
        return _ListCursor(hits)


class CompiledFinder:
    """Compiled engine (app._c_finder): the start offsets of the candidate lines of a chunk, found in C without the
    GIL; a superset of Hyperscan's lines."""

    name = "compiled"

    def __init__(self):
        from ._c_finder import find_lines  # ImportError where the compiled core is not built

        self._find_lines = find_lines

    def cursor(self, buf, lo: int, hi: int) -> "_ListCursor":
        return _ListCursor(self._find_lines(buf, lo, hi))


class _ListCursor:
    """The sorted candidate offsets of a region; ``hits`` is public: the compiled feeder (app/_c_scan.c) walks
    the list itself, as ``next`` does."""

    __slots__ = ("hits", "_i")

    def __init__(self, hits: list[int]):
        self.hits, self._i = hits, 0

    def next(self, pos: int) -> int:
        hits, i = self.hits, self._i
        while i < len(hits) and hits[i] < pos:
            i += 1
        self._i = i
        return hits[i] if i < len(hits) else -1


class EveryLine:
    """Pure-Python engine: every line is a candidate (the scan then classifies all of them)."""

    name = "every-line"

    def cursor(self, buf, lo: int, hi: int) -> "_EveryLineCursor":
        return _EveryLineCursor(hi)


class _EveryLineCursor:
    __slots__ = ("_hi",)

    def __init__(self, hi):
        self._hi = hi

    def next(self, pos: int) -> int:
        return pos if pos < self._hi else -1


_default = None


def default_finder():
    """The compiled engine where the core is built (`make install`, the image), else Hyperscan where importable,
    else EveryLine; built once per process (compiling Hyperscan's patterns takes ms). All three give the same
    summaries."""
    global _default
    if _default is None:
        for engine in (CompiledFinder, HyperscanFinder):
            try:
                _default = engine()
                break
            except ImportError:
                pass
        else:
            _default = EveryLine()
    return _default
