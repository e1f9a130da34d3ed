"""Finds the lines that may start an event, so the scanner classifies only those.

A line can open an event only if it holds a level word, a level-bearing syslog/klog/logcat/JSON field, or the
start of an exception or traceback. The patterns below match a superset of such lines; every other line is
skipped unread by the scanner while no event is open (while one is open, it reads every line, since stack
frames carry no such words). Patterns never match across a newline, so each hit lies in one line.

Two engines run the same patterns: Hyperscan (SIMD, all patterns in one pass over a chunk) where its wheel
exists, and Python's `re` otherwise. They find the same set of lines, so summaries are identical; the tests
compare both with a scan that classifies every line.
"""
from __future__ import annotations

import re
import threading

# Case-insensitive level words and exception starts: "err" covers error/erro/stderr, "pani" panic/panicked, ...
_WORDS = rb"err|eror|warn|wrn|fata|ftl|crit|emerg|alert|pani|severe|fail|exception|throwable|traceback"
# Each pattern below starts with a literal or a small set of them, so Hyperscan's literal matcher does most of
# the work (line anchors made the set 4x slower). They may over-match (the classifier decides), never under-match.
_CASE_SENSITIVE = [
    # syslog <PRI> whose severity (PRI % 8) is 0..4: FATAL, ERROR or WARN (at a line start or inside a JSON string)
    b"|".join(b"<%d>" % p for p in range(192) if p % 8 <= 4),
    rb"[WEF](?:0[1-9]|1[0-2])[0-3][0-9] [0-9]",                       # klog `E1127 10:06:00`
    rb"[0-9] +[WEFA] ",                                               # logcat threadtime `... 1234  1250 E Tag:`
    rb"[WEFA]/",                                                      # logcat brief `E/Tag(`
    rb"Fault",                                                        # `com.x.SoapFault:`
]
# JSON numeric levels (pino/bunyan): 40 warn, 50 error, 60 fatal.
_CASELESS = [
    _WORDS,
    rb"\"(?:level|severity|lvl|loglevel|log\.level|levelname|log_level|@l)\"[ \t]*:[ \t]*\"?[1-9][0-9]",
]


class ReFinder:
    """Pure-Python engine."""

    name = "re"

    def __init__(self):
        parts = [b"(?i:" + p + b")" for p in _CASELESS] + _CASE_SENSITIVE
        self._rx = re.compile(b"|".join(parts), re.M)

    def cursor(self, buf, lo: int, hi: int) -> "_ReCursor":
        return _ReCursor(self._rx, buf, hi)


class _ReCursor:
    __slots__ = ("_search", "_buf", "_hi")

    def __init__(self, rx, buf, hi):
        self._search, self._buf, self._hi = rx.search, buf, hi

    def next(self, pos: int) -> int:
        """Offset inside the first candidate line at or after `pos` (a line start), or -1."""
        m = self._search(self._buf, pos, self._hi)
        return m.end() if m else -1


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
            append(lo + to)

        self._db.scan(memoryview(buf)[lo:hi], match_event_handler=on_match, scratch=self._scratch())
        hits.sort()  # different patterns report in order of their match ends; keep the scan monotonic
        return _ListCursor(hits)


class _ListCursor:
    __slots__ = ("_hits", "_i")

    def __init__(self, hits: list[int]):
        self._hits, self._i = hits, 0

    def next(self, pos: int) -> int:
        hits, i = self._hits, self._i
        while i < len(hits) and hits[i] < pos:
            i += 1
        self._i = i
        return hits[i] if i < len(hits) else -1


class EveryLine:
    """Reference engine for tests: every line is a candidate (the scan then classifies all of them)."""

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
    """Hyperscan when importable (x86-64 wheels), else `re`; built once per process (compiling takes ms)."""
    global _default
    if _default is None:
        try:
            _default = HyperscanFinder()
        except ImportError:
            _default = ReFinder()
    return _default
