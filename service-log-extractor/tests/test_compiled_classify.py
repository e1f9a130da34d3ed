"""The compiled fast path app._c_classify.fast must answer exactly as app.severity.classify's Python code, or decline.

fast(line, context) returns classify's tuple or None ("let Python do it"); these tests compare it with the Python
code run with the fast path switched off (severity._fast = None), on every line of the sample logs, on a generated
realistic log, and on generated header lines. `make install` builds the module; without it these tests fail.
"""
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import events, severity
from app.log_parser import summarize

try:
    from app._c_classify import fast as FAST
except ImportError:  # reported by the `fast` fixture: a failure, not a skip
    FAST = None


@pytest.fixture(scope="module")
def fast():
    if FAST is None:
        pytest.fail("app._c_classify is not built: run `make install` (setup.py build_ext --inplace)")
    assert severity._fast is FAST, "app.severity does not use the compiled fast path"
    return FAST


def python_classify(line: str, context: bool):
    """The reference: classify with the fast path off (also for the Docker `log` field classify recurses into)."""
    saved, severity._fast = severity._fast, None
    try:
        return severity.classify(line, context)
    finally:
        severity._fast = saved


def check(fast, line: str) -> int:
    """Asserts fast agrees with Python on line for both contexts; returns how many of the two it answered."""
    answered = 0
    for context in (True, False):
        got = fast(line, context)
        if got is not None:
            answered += 1
            assert got == python_classify(line, context), (line, context)
    return answered


def lines_of_text(text: str) -> list[str]:
    # classify is handed non-blank lines; keep trailing '\r' and spaces (the parser does not strip them)
    return [line for line in text.split("\n") if line and not line.isspace()]


@pytest.fixture(scope="module")
def realistic_log(make_realistic_log) -> bytes:
    return make_realistic_log(3, seed=2027)


def test_declines_what_it_cannot_read(fast):
    assert fast("", True) is None          # Python raises IndexError there: its business
    assert fast(b"2026-11-29 ERROR x", True) is None  # not a str
    assert fast('{"level":"error","msg":"boom"', True) is None    # json.loads fails: Python's regex fallback
    assert fast('{"level":"error","n":NaN}', True) is None        # json.loads reads NaN, the C parser does not


def test_answers_common_headers(fast):
    assert fast("2026-11-29T10:00:00.123Z ERROR [main] com.acme.X - boom", False) == (
        "ERROR", "com.acme.X - boom", 0)
    assert fast("2026-11-29 10:00:00,123 WARN  [pool-1] Pool - pool at 85%", True) == (
        "WARN", "Pool - pool at 85%", 0)
    assert fast("2026-11-29 10:00:00,102 - botocore - ERROR - Refresh failed", True) == (
        "ERROR", "Refresh failed", 0)
    assert fast('time="2026-11-29T10:00:00Z" level=error msg="boom" err="x: y"', True) == ("ERROR", "boom: x: y", 0)
    assert fast("2026-11-29 10:00:00,123 INFO [main] started", True) == ("OTHER", "", 0)
    assert fast("[2026-11-29 10:00:00,123] INFO in app: started", False) == (None, "", 0)


def test_sample_files(fast, sample_path):
    data = sample_path.read_bytes()
    lines = lines_of_text(data.decode("utf-8", "replace")) + lines_of_text(data.decode("latin-1"))
    for line in lines:
        check(fast, line)


def test_realistic_log_lines(fast, realistic_log):
    for line in lines_of_text(realistic_log.decode("utf-8", "replace")):
        check(fast, line)


def test_realistic_log_classify_calls(fast, realistic_log, monkeypatch):
    """The lines classify is handed while summarizing (envelopes unwrapped), with their context: fast agrees on all
    and answers most (the bench log: about 80% of the calls)."""
    calls = []
    real = events.classify

    def recording(line, context=True):
        calls.append((line, context))
        return real(line, context)

    monkeypatch.setattr(events, "classify", recording)
    summarize(io.BytesIO(realistic_log))
    assert len(calls) > 5000
    answered = 0
    for line, context in calls:
        got = fast(line, context)
        if got is not None:
            answered += 1
            assert got == python_classify(line, context), (line, context)
    share = answered / len(calls)
    print(f"fast path answers {answered} of {len(calls)} classify calls ({share:.0%})")
    assert share > 0.6


def test_summary_identical_without_fast_path(fast, realistic_log, monkeypatch):
    seen = {}
    for mode in ("compiled", "python"):
        if mode == "python":
            monkeypatch.setattr(severity, "_fast", None)
        found = []
        seen[mode] = (summarize(io.BytesIO(realistic_log), on_event=found.append), found)
    assert seen["compiled"] == seen["python"]
    assert seen["python"][0]["counts"]


# --- generated lines ------------------------------------------------------------------------------------------

_DIGITS = st.text("0123456789", min_size=1, max_size=9)
_FRACTION = st.one_of(st.just(""), st.builds(lambda sep, d: sep + d, st.sampled_from([",", "."]), _DIGITS))
_OFFSET = st.sampled_from(["", "Z", "+00:00", "+0000", "-05:30", " UTC", " +0000", "z"])
_TIMESTAMP = st.one_of(
    st.builds(lambda date_sep, t, frac, off: f"2026{date_sep}11{date_sep}29{t}10:00:00{frac}{off}",
              st.sampled_from(["-", "/"]), st.sampled_from(["T", " ", "  ", "\t"]), _FRACTION, _OFFSET),
    st.builds(lambda frac: f"11-29 10:00:00{frac}", _FRACTION),                 # logcat's time
    st.sampled_from(["1732701600", "10:00:00.123 4711", "29/Nov/2026:10:00:00 +0000", "Nov 29 10:00:00",
                     "2026-11-29 10:00:00.123 1234 5678", "1:M 29 Nov 2026 10:00:00.123", "E1129 10:00:00.123456 1"]),
)
_LEVEL_WORDS = ["ERROR", "WARN", "WARNING", "FATAL", "CRITICAL", "SEVERE", "ERR", "EROR", "ERRO", "PANIC", "ALERT",
                "EMERG", "INFO", "DEBUG", "TRACE", "NOTICE", "NOTE", "LOG", "DEFAULT", "INFORMATION", "HINT", "FINE",
                "ERRORS", "WARNINGS", "INFOS", "ERROR1", "ERR:", "ERROR:", "ERROR,", "ERROR;", "ERROR/x", "ERROR|",
                "WARN.", "ERROR-", "E", "W", "I", "UTC", "GMT", "MAIN", "X"]


def _cased(word: str, how: int) -> str:
    return [word, word.lower(), word.title(), word.swapcase()][how]


_LEVEL = st.one_of(
    st.builds(_cased, st.sampled_from(_LEVEL_WORDS), st.integers(0, 3)),
    st.sampled_from(["[error]", "[ WARN ]", "[core:error]", "[ssl:warn]", "[info]", "[x]", "[ERROR]", "[Error]",
                     "<error>", "< warn >", "level=error", "lvl=WARN", 'severity="info"', "production.ERROR:",
                     "app.WARNING", "error:", "Warning:", "[main ERROR]", "[pid 12:tid 3]", "(error)", "[[x]]",
                     "[" + "x" * 130 + "]", "-", "--", "|", "»", "::", "*5", "#12:"]),
    st.text(st.sampled_from("ABCDEFGIKLNORTUW"), min_size=1, max_size=8),
)
_TIME_WORD = st.builds(_cased, st.sampled_from(sorted(severity._TIME_WORDS)), st.integers(0, 3))
_FIELD = st.one_of(_TIME_WORD, st.builds(lambda w: w + ",", _TIME_WORD), st.sampled_from(["[main]", "[http-nio-8080-exec-1]", "1234", "---", "-", "- app.module -", "#12:", "*5",
                          "[QuorumPeer[myid=3]/0:0:0:0:0:0:0:0:2181]", "(pid 12)", "c.a.X", "UTC", "Nov",
                          "host-1", "app:", "worker", "[", "]", "<x>", "=", "a=b", "5#5:", "file.go:12]", "x]"]))
_SPACE = st.sampled_from([" ", "  ", "\t", " \t ", "\u3000", "\x1c", ""])
_MESSAGE = st.one_of(
    st.sampled_from(["", "boom", "Failed to load order 81723", "error budget ok", "ERROR again", "level=error x",
                     'msg="quoted \\" error" err="x: y"', "msg= err=", "é ü 日本 error", "İ ı ſ K", "x" * 700,
                     "connect() failed (111: Connection refused)", "[info] done", "INFO: done", "LOG:  x",
                     'msg="a\\\nb" err=x', 'level=error msg="x\\\n" error=y', "PANİC", "ſevere", "level=ınfo x"]),
    st.text(max_size=40),
    st.text(st.characters(codec="ascii"), max_size=60),
)
_TRAIL = st.sampled_from(["", " ", "\t", "\r", " \r", "  \t"])


@st.composite
def header_lines(draw):
    parts = [draw(_TIMESTAMP)]
    for _ in range(draw(st.integers(0, 2))):
        parts.append(draw(_FIELD))
    parts.append(draw(_LEVEL))
    for _ in range(draw(st.integers(0, 3))):
        parts.append(draw(_FIELD))
    parts.append(draw(_MESSAGE))
    if draw(st.booleans()):
        parts[0] = f"[{parts[0]}]"
    line = "".join(part + draw(_SPACE) for part in parts) + draw(_TRAIL)
    return line if line.strip() else "x"


_VOCAB = ["2026-11-29", "10:00:00,123", "10:00:00.123Z", "[main]", "ERROR", "error", "Error:", "WARN", "warn:",
          "INFO", "info", "-", "|", ":", "=>", "app", "app:", "level=error", "ts=1", 'msg="a b"', "err=boom",
          "time=2026-11-29T10:00:00Z", "<warn>", "(x)", "[ssl:warn]", "[error]", "UTC", "Nov", "29", "#5", "*12:",
          "x.ERROR:", "a.b", "{", '"level":"info"', '"level":30', '"s":"I"', "PHP", "fail", ",", "é", "ſ", "\u0130",
          '"level":4', '"level":5', '"level":"warn"', '"severity": "3"', '"level":"ınfo"', "PANİC", "ſeverity=error",
          "[ınfo]", "level=ınfo", "\u212aelvin", "MSK", "msk", "Sept.", "pm,", "\\\n", '"', "msg=", "lvl=Warn"]


@st.composite
def token_soup(draw):
    tokens = draw(st.lists(st.sampled_from(_VOCAB), min_size=1, max_size=14))
    line = "".join(tok + draw(_SPACE) for tok in tokens) + draw(_TRAIL)
    return line if line.strip() else "x"


_SETTINGS = settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(line=header_lines())
def test_generated_headers(fast, line):
    check(fast, line)


@_SETTINGS
@given(line=token_soup())
def test_generated_token_soup(fast, line):
    check(fast, line)


@_SETTINGS
@given(first=st.sampled_from("0123456789[{tadlTIWEFS<x ("), rest=st.text(max_size=80))
def test_generated_any_text(fast, first, rest):
    check(fast, first + rest)


@settings(max_examples=300, deadline=None)
@given(line=header_lines(), pad=st.integers(300, 5000), filler=st.sampled_from(["x", " ", "1 ", "a=b ", "[x]"]))
def test_generated_long_lines(fast, line, pad, filler):
    check(fast, line + filler * pad)
    check(fast, filler * (pad // len(filler)) + line)   # the header scans stop at 400/512/4096 characters


@pytest.mark.parametrize("width", range(370, 420, 3))
def test_header_length_limits(fast, width):
    """_numeric_header gives up past 400 characters, the token scan past 512 characters or 32 tokens."""
    for line in (f"2026-11-29 {'1' * width} ERROR boom", f"2026-11-29 {'1' * width} INFO boom",
                 f"2026-11-29 {'1' * width} INFO error", f"2026-11-29 {'1' * width} [warn] boom",
                 f"2026-11-29 {'1' * width} [info] error", f"2026-11-29 {'1' * width} [error] boom",
                 f"2026-11-29 10:00:00 {'x' * width} ERROR boom", f"{'[a] ' * (width // 4)}ERROR: boom",
                 f"{'1 ' * (width // 12)}WARN boom", f"{'a ' * (width // 12)}WARN boom",
                 f"ts=1 {'k=v ' * (width // 3)}level=error msg=x"):
        check(fast, line)


@pytest.mark.parametrize("key", ["level", "Level", "severity", "lvl", "log.level", "levelname", "@l", "s", "lvel"])
def test_json_levels(fast, key):
    values = [str(n) for n in (0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 30, 39, 40, 49, 50, 59, 60, 99, 1000)]
    values += ["info", "INFO", "warn", "Error", "bogus", "", "x1", "٩", "3.5"]
    for value in values:
        for form in ('{"%s":%s,"msg":"error x"}', '{"%s" : "%s", "msg": "x"}', '{"msg":"a","%s":"%s"}',
                     '{"t":{"$date":"2026-11-29T10:00:00Z"},"%s":"%s", "c":"X"}', '{"%s":%s', '{"x":1,"%s":\t"%s"}'):
            check(fast, form % (key, value))
    for letter in "FEWIDX":
        for line in ('{"t":{"$date":"2026-11-29T10:00:00.1+00:00"},"s":"%s",  "c":"X", "msg":"m"}',
                     '{"t":{"$date":"x"}, "s":"%s1 ", "msg":"error"}', '{"t":{"$date":"x"},"s":"%s2x","level":"info"}'):
            check(fast, line % letter)


def test_time_words_and_free_words(fast):
    """Time words (`Nov`, `UTC`, `pm,`) do not count as the free header words that end the scan after four."""
    words = sorted(severity._TIME_WORDS) + ["host", "app:", "main", "x1", "Sept.x"]
    for word in words:
        for w in (word, word.upper(), word.title() + ",", word + "."):
            for line in (f"{w} error: boom", f"2026-11-29 {w} a b c ERROR x", f"a b c {w} d ERROR: x, y",
                         f"a: {w} warn: x", f"[1] {w} {w} {w} {w} {w} WARN x", f"{w} app.ERROR: x"):
                check(fast, line)


def test_klog(fast):
    for letter in "IWEFDX":
        for month in ("01", "09", "10", "12", "00", "13", "1x"):
            for rest in ("29 10:00:00.123456    1234 file.go:12] boom", "31 10:00:00.1 1 f.go:1]", "3\u0663 10:00:00.1 1 f]x",
                         "29 10:00:00.123456 1234 file.go:12]  two spaces", "29 10:00:00 1 f.go:1] no fraction",
                         "29 10:00:00.5\t7 a b] space in file", "49 10:00:00.5 7 f.go:1] day 49", "29 10:00:00.5 7 ] x",
                         "29 10:00:00.5 7 f.go:1]\n", "29 10:00:00.5 \u0667 f:1] unicode digit pid"):
                check(fast, f"{letter}{month}{rest}")
