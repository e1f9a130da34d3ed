"""The header fast paths of app.severity must return exactly what the token scan returns."""
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import severity

_STAMPS = ["2026-11-27 10:00:00,123", "2026/11/27 10:00:00", "2026-11-27T10:00:00.123Z", "10:00:00.123 4711", "1732701600"]
_LEVEL_FIELDS = ["ERROR", "WARN", "INFO", "DEBUG", "FATAL", "EROR", "NOTE", "DEFAULT", "INFORMATION", "ERRORS",
                 "ERROR:", "ERROR,", "ERROR/x", "ERROR1", "[error]", "[ WARN ]", "[core:error]", "[info]", "[x]"]
_RESTS = ["boom 42", "[main] com.acme.X - boom", "- error budget ok", "5#5: *1 connect() failed", ""]
SYNTHETIC = [" ".join(p).rstrip() for p in itertools.product(_STAMPS, _LEVEL_FIELDS, _RESTS)]
SYNTHETIC += [f"{key}=2026-11-27T10:00:00Z {field}={quote}{value}{quote} msg=\"boom 1\" err=\"x: y\" {rest}"
              for key in ("time", "ts", "at", "date", "level", "host") for field in ("level", "lvl", "severity", "log.level")
              for value in ("error", "WARN", "info", "Debug", "eror", "note", "bogus") for quote in ("", '"')
              for rest in ("", "error budget")]


def _slow(monkeypatch, line, context):
    with monkeypatch.context() as m:
        m.setattr(severity, "_numeric_header", lambda line: None)
        m.setattr(severity, "_fast", None)  # the compiled fast path (tests/test_compiled_classify.py) answers these too
        m.setattr(severity, "_LOGFMT_HEADER", severity.re.compile(r"(?!)"))  # never matches
        return severity.classify(line, context)


@pytest.mark.parametrize("context", [True, False])
def test_numeric_header_fast_path_agrees_with_token_scan(monkeypatch, context, all_lines, tricky_lines):
    lines = SYNTHETIC + all_lines + tricky_lines
    fast_hits = 0
    for line in filter(None, lines):
        got, want = severity.classify(line, context), _slow(monkeypatch, line, context)
        # The message of an OTHER line is never used; with no event open, OTHER and None have the same effect.
        other = (severity.OTHER if context else None, "", 0)
        got, want = [other if r[0] == severity.OTHER else r for r in (got, want)]
        assert got == want, line
        fast_hits += severity._numeric_header(line) is not None
    assert fast_hits > 200  # the fast path is taken, not only bypassed


# What has_other_hint must find, as one pattern: the three patterns behind its substring pre-tests are this one
# split, so the pre-tests must never hide a match.
_OTHER_HINT_ONE_PATTERN = severity.re.compile(
    r"\b(?:INFO|DEBUG|TRACE|NOTICE|VERBOSE|FINEST|FINER|FINE|CONFIG|INF|DBG|VRB|TRC|DEBU|TRAC)\b|\bLOG:"
    r"|(?i:\[(?:info|debug|notice|trace|note)\]|:(?:info|debug|notice|trace)\]|\b(?:level|lvl|severity)=)")
_HINT_PIECES = ["INFO", "INF", "DEBUG", "DEBU", "TRAC", "FINEST", "CONFIG", "LOG:", "xLOG:", "_INFO", "INFOx", "[Info]",
                "info]", "[NOTE]", ":debug]", ":note]", "Level=", "lvl=", "xlevel=", "SEVERITY=", "\u017feverity=",
                "\u212a", "\u0130NFO", "é", " ", "=", "]", "[", ":", "a", "1", "\t"]


@given(st.lists(st.sampled_from(_HINT_PIECES), max_size=8).map("".join))
@settings(derandomize=True, max_examples=3000)
def test_other_hint_finds_what_the_one_pattern_finds(text):
    assert severity.has_other_hint(text) == (_OTHER_HINT_ONE_PATTERN.search(text) is not None)


def test_other_hint_on_real_lines(all_lines, tricky_lines):
    for line in SYNTHETIC + all_lines + tricky_lines:
        head = line[:severity.HEAD_CHARS]
        assert severity.has_other_hint(head) == (_OTHER_HINT_ONE_PATTERN.search(head) is not None), line
