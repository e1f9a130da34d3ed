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


def classify_calls(data: bytes, monkeypatch) -> list[tuple[str, bool]]:
    """The (line, context) calls classify is handed while data is summarized (envelopes unwrapped), by the Python
    Assembler (the compiled one calls the fast path itself, and classify only where it declines)."""
    calls = []
    real = events.classify

    def recording(line, context=True):
        calls.append((line, context))
        return real(line, context)

    monkeypatch.setattr(events, "classify", recording)
    monkeypatch.setattr(events, "_c_events", None)
    summarize(io.BytesIO(data))
    return calls


def count_answered(fast, calls) -> int:
    """How many of the (line, context) calls the fast path answers; each answer must equal classify's."""
    answered = 0
    for line, context in calls:
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
    calls = classify_calls(realistic_log, monkeypatch)
    assert len(calls) > 4000   # (pino lines of levels 10-39 are no candidates: ~5,300 calls before)
    answered = count_answered(fast, calls)
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


# Lines inside an event (no event hint) that may or may not hold a hint of another level (`[info]`, `level=`, `INFO`,
# `LOG:`) and near misses: with context, the fast path must tell OTHER from a continuation as classify does.
_OTHER_VOCAB = ["[info]", "[INFO]", ":debug]", "[note]", ":note]", "[trace]", ":Notice]", "[info", "info]", "]", "[",
                ":", "level=", "LEVEL=", "Lvl=", "severity=", "xlevel=", "level =", "=", "==", "INFO", "INFOS", "xINFO",
                "DEBUG", "DEBU", "TRACE", "TRAC", "NOTICE", "VERBOSE", "FINEST", "FINER", "FINE", "CONFIG", "INF",
                "DBG", "VRB", "TRC", "LOG:", "LOG", "LOG :", "Info", "iNFO", "NX", "CX", "IX", "LX", "ID", "at",
                "com.acme.Foo.bar(Foo.java:12)", "File", '"x.py",', "line", "12", "_", "-", "é", "\u0130NFO",
                "\u212aelvin", "ſeverity=", "İNFO", "INFO_", "_INFO", "LOG_", "9INFO"]


@_SETTINGS
@given(tokens=st.lists(st.sampled_from(_OTHER_VOCAB), min_size=1, max_size=12), space=_SPACE, pad=st.integers(0, 170))
def test_generated_lines_with_and_without_other_hints(fast, tokens, space, pad):
    line = space.join(tokens)
    check(fast, line)
    check(fast, "x" * pad + " " + line)   # (the hint counts only within the head)


# Redis (`pid:role day Mon [year] hh:mm:ss[.ms] mark message`, or `[pid]` before Redis 3) and the .NET console
# logger (`level: category[event id]`, the message on the next, indented line): a valid line with at most one part
# swapped for a near miss, so that each boundary is met.
_DIGIT_RUN = st.text(st.sampled_from("0123456789\u0663\uff17"), min_size=1, max_size=7)
_REDIS_PARTS = [   # (valid choices, near misses)
    (["1:M", "32:S", "9999:C", "7:X", "[4018]", "[1]"], ["1234567:M", "12:A", "12:m", "12M", "[12", "12]", "[\u00b2]",
                                                          ":M", "[]", "x1:M"]),
    ([" "], ["", "  ", "\t"]),
    (["1", "27", "07", "\u0663"], ["127", "", "x", "1 1"]),
    ([" "], ["", "  "]),
    (["Nov", "Dec"], ["NOV", "nov", "No", "Novv", "N\u00f6v", "\u00c4pr"]),
    ([" "], ["", "  "]),
    (["", "2026 "], ["202 ", "20266 ", "2026", "2026  ", "2026-", "2026:"]),
    (["08:00:00", "23:59:59.123", "08:00:00.1", "\u0660\u0668:00:00"], ["8:00:00", "08:00:0", "08:00:00.",
                                                                        "08:00:00,028", "08-00-00", "08:00:00.x"]),
    ([" "], ["", "  "]),
    ([".", "*", "#", "-"], ["+", "##", "", "!"]),
    ([" "], ["", "\t"]),
]
_DOTNET_PARTS = [
    (["fail", "crit", "warn", "info", "dbug", "trce"], ["Fail", "FAIL", "warning", "err", "fai", "debug"]),
    ([": "], [":", ":  ", " : ", ":\t"]),
    (["Microsoft.EntityFrameworkCore.Database.Connection", "Acme.Orders.Worker", "A`1+B<T>-x", "Caf\u00e9.\u65e5",
      "Name_1"], ["", "x y", "a/b", "a[b", "a]b", "\u00b2"]),
    (["[20004]", "[0]", "[\u0663]"], ["[]", "[x]", "[1", "", "[1][2]", "[\u00b2]", "[1 ]"]),
    (["", " ", "\t", "\r", "\x1c", "\u3000", " \u2028"], [" x", "\u00a0x", ".", "]"]),
]


def _one_near_miss(parts):
    @st.composite
    def lines(draw):
        miss = draw(st.integers(-1, len(parts) - 1))   # -1: every part valid
        text = "".join(draw(st.sampled_from(bad if k == miss else good)) for k, (good, bad) in enumerate(parts))
        return text + draw(st.one_of(st.just(""), _MESSAGE))
    return lines()


def redis_lines():
    return _one_near_miss(_REDIS_PARTS)


def dotnet_lines():
    return _one_near_miss(_DOTNET_PARTS)


@_SETTINGS
@given(line=redis_lines())
def test_generated_redis_lines(fast, line):
    check(fast, line)


@_SETTINGS
@given(line=dotnet_lines())
def test_generated_dotnet_lines(fast, line):
    check(fast, line)


def test_redis_and_dotnet_lines_answered(fast):
    """Each form is answered (not only agreed on where answered), with its level and message."""
    assert fast("32:M 27 Nov 2026 08:00:00.028 # Timeout connecting to the MASTER", True) == (
        "WARN", "Timeout connecting to the MASTER", 0)
    assert fast("28:C 27 Nov 08:00:00.435 * 80197 changes in 103 seconds. Saving...", False) == (
        "OTHER", "80197 changes in 103 seconds. Saving...", 0)
    assert fast("[4018] 14 Nov 07:01:22 - Accepted 10.0.0.2:52110", True) == ("OTHER", "Accepted 10.0.0.2:52110", 0)
    assert fast("fail: Microsoft.EntityFrameworkCore.Database.Connection[20004]", True) == (
        "ERROR", "Microsoft.EntityFrameworkCore.Database.Connection[20004]", severity.WANTS_NEXT)
    assert fast("crit: Acme.Orders.Worker[0] worker stopped", True) == ("FATAL", "Acme.Orders.Worker[0] worker stopped", 0)
    assert fast("info: Microsoft.Hosting.Lifetime[14] ", False) == (
        "OTHER", "Microsoft.Hosting.Lifetime[14] ", severity.WANTS_NEXT)
    for line in ["1234567:M 27 Nov 08:00:00 # x",   # no `:` in line[1:6]: classify does not try Redis
                 "32:M 27 Nov 2026 08:00:00.028 + x", "warning: not the console logger"]:
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


# --- event-level JSON lines (json.loads and _classify_json's field logic in C) -----------------------------------

def test_json_event_lines_answered(fast):
    """The common shapes are answered (check asserts equality with Python for both contexts)."""
    lines = [
        '{"level":50,"time":1,"pid":1,"msg":"request errored","err":{"type":"Error","message":"connect ECONNREFUSED",'
        '"stack":"Error: connect ECONNREFUSED\\n    at TLSSocket.socketOnEnd (node:_http_client:524:23)"}}',
        '{"level":"error","ts":1.5,"caller":"a.go:1","msg":"failed","error":"pq: could not serialize"}',
        '{"t":{"$date":"2026-11-27T08:01:06.375+00:00"},"s":"E",  "c":"SHARDING", "id":22736, "ctx":"x",'
        '"msg":"Error running periodic reload","attr":{"error":"NetworkInterfaceExceededTimeLimit"}}',
        '{"@t":"2026-11-27T08:00:38Z","@mt":"Host terminated unexpectedly","@l":"Fatal","@x":"System.X: y\\n   at Z"}',
        '{"version":"1.1","host":"h","short_message":"disk full","full_message":"disk full\\nat x","level":3}',
        '{"@timestamp":"2026","log":{"level":"warn","logger":"x"},"message":"slow","error":{"message":"tmo",'
        '"stack_trace":"a\\nb"}}',
        '{"event":"failed","level":"error","exception":"Traceback (most recent call last):\\n  File \\"x\\""}',
        '{"msg":"caf\\u00e9 \\ud83d\\ude00 lone \\ud800 end","LEVEL":"warn","Msg":"later wins","err":"  a\\n b "}',
        '{"@t":"x","@mt":"Reconciliation finished with {ErrorCount} errors","ErrorCount":0}',
    ]
    for line in lines:
        assert check(fast, line) == 2, line
    assert fast(lines[0], True) == ("ERROR", "request errored", 1)   # only an "error" object gives its message
    assert fast(lines[7], False) == ("WARN", "later wins: a", 1)     # "err" holds a newline: a trace


def test_json_duplicate_keys(fast):
    """json.loads keeps an exact key once, where it first occurs, with its last value; {k.lower(): v} then lets the
    later of two spellings win: the spelling that first occurs last, not the pair that comes last."""
    for line, level, message in (
            ('{"Level":"warn","level":"error","Level":"info","msg":"m"}', "ERROR", "m"),
            ('{"msg":"a","MSG":"b","msg":"c","level":"error"}', "ERROR", "b"),
            ('{"level":"error","EXCEPTION":"x","Exception":{"message":"y"},"EXCEPTION":"z"}', "ERROR",
             '{"level":"error","EXCEPTION":"x","Exception":{"message":"y"},"EXCEPTION":"z"}'),
            ('{"level":"warn","error":{"Message":"a","message":"b","Message":"c"}}', "WARN", "b"),
            ('{"@l":"warn","@L":null,"@l":0}', "WARN", '{"@l":"warn","@L":null,"@l":0}')):
        assert check(fast, line) == 2, line
        assert fast(line, True) == (level, message, 0), line


def test_json_edge_cases(fast):
    """Answered, and equal to Python: the numeric scales, str() of odd level values, escapes, limits."""
    for line in ('{"short_message":"disk","level":4}', '{"short_message":"disk","level":40,"msg":"error"}',
                 '{"level":-0,"msg":"error"}', '{"level":"error","LEVEL":-5}', '{"level":"error","lvl":"50"}',
                 '{"level":"warn","severity":1e400}', '{"level":"warn","Level":"\\u0065rror"}',
                 '{"level":"error","level":"0000000000000000000000000050"}', '{"level":"warn","level":null}',
                 '{"level":"warn","level":null,"log":{"Level":"fatal","level":"error"}}',
                 '{"level":"error","msg":"a\\u0000b","err":"\\u2028x\\u000ay"}',
                 '{"level":"error","msg":"\\ud800\\ud800"}', '{"level":"error","msg":"\\udc00\\ud83d\\ude00\\ud83d"}',
                 '{"level":"error","msg":"\\/\\b\\f\\r\\t"}',
                 '{"level":"error","a":' + "[" * 60 + "]" * 60 + "}", '{"level":"error","n":' + "9" * 3900 + "}",
                 '{"level":"error","error":{"stack":[],"trace":"a\\nb"}}', '{"level":"error","error":{"Trace":"a\\nb"}}',
                 '{"level":"error","err":{"stack":1,"stack":"a\\nb"}}',
                 '{"level":"error","err":{"stack":"a\\nb","x":1,"stack":2}}',
                 '{"level":"error","full_message":"  a\\n  "}', '{"level":"error","full_message":" a \\n b "}',
                 '{"level":"error","error":"   ","msg":""}', '{"level":"error","error":"\\n\\nx","exception":"y"}',
                 '{"level":"error"} \t\r\n'):
        assert check(fast, line) == 2, line


def test_json_event_lines_declined(fast):
    for line in ('{"level":"error","msg":"x",}', '{"level":"error","n":Infinity}', '{"level":"error","n":-Infinity}',
                 '{"level":"error","msg":"x"} x', '{"level":"error","msg":"\\x"}', '{"level":"error","msg":"a\tb"}',
                 '{"level":"error","a":' + "[" * 100 + "]" * 100 + "}", '{"level":"error","n":' + "1" * 5000 + "}",
                 '{"level":"error","stac\\u212a":"a\\nb"}', '{"level":"error","LEVEL":"\\u0665\\u0660","msg":"x"}',
                 '{"log":"2026-11-29 ERROR x","stream":"stdout"}'):
        assert fast(line, True) is None, line
        check(fast, line)


def _json_string_text(pieces: list[str]) -> str:
    return '"' + "".join(pieces) + '"'


_JSON_STR_PIECE = st.one_of(
    st.sampled_from(["boom", "Error: x", " ", "  ", "\\n", '\\"', "\\\\", "\\/", "\\t", "\\r", "\\b", "\\f",
                     "\\u00e9", "\\u00E9", "é", "日本", "😀", "\\ud83d\\ude00", "\\uD83D\\uDE00", "\\ud800",
                     "\\udc00", "\\ud800\\u0041", "\\ud800\\ud800\\udc00", "\\u000a", "\\u000A", "\\u0020", "\\u2028",
                     "\\u00a0", "\\u0000", "\x7f", "\u00a0", "\u3000", "\\n    at f (a.js:1:2)", "stack", "error",
                     "warn", "\\u0065rror", "level", '\\"level\\":\\"error\\"', "x" * 300]),
    st.text(st.characters(blacklist_characters='"\\', blacklist_categories=("Cc", "Cs")), max_size=6),
    st.sampled_from(["\\x", "\t", "\\u12", "\n", "\\"]),    # json.loads fails on these: declined or answered as Python
)
_BROKEN_PIECES = ("\\x", "\t", "\\u12", "\n", "\\")
_JSON_STR = st.builds(_json_string_text, st.lists(_JSON_STR_PIECE, max_size=5))
_JSON_STR_CLEAN = st.builds(_json_string_text, st.lists(_JSON_STR_PIECE.filter(lambda p: p not in _BROKEN_PIECES),
                                                        max_size=5))
_JSON_NUMBER = st.sampled_from(["0", "-0", "3", "4", "7", "30", "40", "50", "60", "99", "1.5", "-1.5e3", "1e3",
                                "1E+2", "-5", "50.0", "2e-2", "12345678901234567890", "1" * 40])
_JSON_BAD_NUMBER = st.sampled_from(["007", "1.", "1e", "NaN", "Infinity", "-Infinity", "-", "+1", ".5"])
_JSON_WS = st.sampled_from(["", "", "", " ", "  ", "\t", "\n", "\r\n"])
_JSON_ANY_WS = st.sampled_from(["", " ", "\u00a0", "\x0b", "\x0c", "\u3000"])   # \s for the regexes, not for json


def _json_atom(broken: bool):
    """A string, number or literal; with broken, one json.loads rejects or reads differently now and then."""
    atom = st.one_of(_JSON_STR_CLEAN, _JSON_NUMBER, st.sampled_from(["true", "false", "null"]))
    return st.one_of(atom, _JSON_STR, _JSON_BAD_NUMBER) if broken else atom


def _cased_key(key: str, how: int) -> str:
    return _cased(key, how) if how < 4 else key


_TRACE_MEMBERS = ["message", "msg", "Message", "stack", "Stack", "stack_trace", "stackTrace", "trace", "Trace",
                  "type", "name", "code", "MSG", "callstack", "sta\\u0063k", "stac\\u212a"]
_OTHER_KEYS = ["time", "ts", "caller", "hostname", "pid", "name", "v", "@t", "@timestamp", "_extra", "req", "attr",
               "x", "lev\\u0065l", "\\u006dsg", "Err", "ERROR", "Exception", "Message", "MSG", "Level", "LOG"]
_JSON_KEY_NAMES = sorted(set(severity._JSON_LEVEL_KEYS + severity._JSON_MESSAGE_KEYS + severity._JSON_ERROR_KEYS
                             + severity._JSON_TRACE_KEYS + ("full_message", "short_message")))
_JSON_KEY = st.one_of(st.builds(_cased_key, st.sampled_from(_JSON_KEY_NAMES), st.integers(0, 6)),
                      st.sampled_from(_OTHER_KEYS + _TRACE_MEMBERS))


@st.composite
def _json_container(draw, depth: int, broken: bool) -> str:
    ws = lambda: draw(_JSON_ANY_WS if broken and draw(st.integers(0, 9)) == 0 else _JSON_WS)   # noqa: E731
    if depth > 2:
        return draw(_json_atom(broken))
    items = draw(st.integers(0, 4))
    if draw(st.booleans()):
        body = ",".join(ws() + draw(_json_value(depth + 1, broken)) + ws() for _ in range(items))
        return "[" + (body or ws()) + "]"
    keys = st.one_of(st.sampled_from(_TRACE_MEMBERS), _JSON_KEY)
    body = ",".join(f'{ws()}"{draw(keys)}"{ws()}:{ws()}{draw(_json_value(depth + 1, broken))}{ws()}'
                    for _ in range(items))
    return "{" + (body or ws()) + "}"


def _json_value(depth: int = 0, broken: bool = False):
    atom = _json_atom(broken)
    return st.one_of(atom, atom, _json_container(depth, broken))


_LEVEL_VALUES = st.one_of(
    st.builds(lambda w, how: f'"{_cased(w, how)}"', st.sampled_from(
        ["error", "warn", "warning", "fatal", "critical", "err", "info", "debug", "bogus", "", "x1"]), st.integers(0, 3)),
    st.sampled_from(["10", "20", "30", "40", "50", "60", "0", "2", "3", "4", "5", "7", "8", "-0", "-50", "50.0", "1e2",
                     '"50"', '"3"', '"05"', '"٥"', '"\\u0065rror"', '"ERROR "', "null", "true", "[1]", '{"a":1}',
                     '"inf"', "1e400", '"0000000000000000000000000050"']),
)


def _event_shape(level_key: str, message_key: str, error_key: str, trace_key: str):
    """Pairs (key, value strategy) of one shape; values are JSON texts (strategies of broken)."""
    return [(level_key, lambda broken: _LEVEL_VALUES), (message_key, lambda broken: _JSON_STR if broken else _JSON_STR_CLEAN),
            (error_key, lambda broken: _json_value(0, broken)), (trace_key, lambda broken: _json_value(0, broken))]


_SHAPES = [
    _event_shape("level", "msg", "err", "stack"),                       # pino / bunyan (err object)
    _event_shape("log.level", "message", "error.message", "error.stack_trace"),   # ECS flattened
    _event_shape("log", "message", "error", "error.stack_trace"),       # ECS nested ("log":{"level":..})
    _event_shape("level", "event", "exception", "exc_info"),            # structlog
    _event_shape("level", "msg", "error", "stacktrace"),                # zap
    _event_shape("level", "msg", "error", "stack_trace"),               # logrus
    _event_shape("@l", "@mt", "@m", "@x"),                              # Serilog compact
    _event_shape("level", "short_message", "full_message", "_extra"),   # GELF (syslog scale)
    _event_shape("severity", "text", "exc_info", "trace"),
]
_LOG_OBJECT = st.builds(lambda ws, lv, more: '{"level"' + ws + ":" + lv + more + "}", _JSON_WS, _LEVEL_VALUES,
                        st.sampled_from(["", ',"logger":"x"', ',"Level":"info"', ',"LEVEL":null', ',"level":"warn"']))


@st.composite
def json_event_lines(draw):
    """A JSON line in one of _SHAPES, with extra fields, a duplicate key now and then, maybe a MongoDB start; one in
    four is "broken": whitespace json does not take, bad escapes or numbers, NaN, trailing garbage."""
    broken = draw(st.integers(0, 3)) == 0
    ws = lambda: draw(_JSON_ANY_WS if broken and draw(st.integers(0, 9)) == 0 else _JSON_WS)   # noqa: E731
    pairs = []
    for key, value in draw(st.sampled_from(_SHAPES)):
        if draw(st.integers(0, 4)) == 0:
            continue                                                 # the field is missing
        value = _LOG_OBJECT if key == "log" and draw(st.booleans()) else value(broken)
        pairs.append((_cased_key(key, draw(st.integers(0, 8))), draw(value)))
    pairs += draw(st.lists(st.tuples(_JSON_KEY, _json_value(0, broken)), max_size=4))
    for _ in range(draw(st.integers(0, 3))):                         # duplicate keys, maybe cased otherwise
        if pairs:
            key, _ = draw(st.sampled_from(pairs))
            pairs.append((_cased_key(key, draw(st.integers(0, 6))), draw(_json_value(0, broken))))
    pairs = draw(st.permutations(pairs))
    body = ",".join(f'{ws()}"{key}"{ws()}:{ws()}{value}{ws()}' for key, value in pairs)
    if draw(st.integers(0, 3)) == 0:                                 # MongoDB: this exact start, then anything
        letter = draw(st.sampled_from("FEWID"))
        line = '{"t":{"$date":"2026-11-29T10:00:00.1+00:00"},"s":"%s"%s' % (letter, draw(st.sampled_from(
            ["", "  ", "1"]))) + ("," + body if body else "") + "}"
    else:
        line = "{" + (body or ws()) + "}"
    return line + draw(st.sampled_from(["", " ", "\t", "\r", "\n", " x", ",", "}"] if broken else ["", " ", "\t", "\r\n"]))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=json_event_lines())
def test_generated_json_event_lines(fast, line):
    check(fast, line)


def test_realistic_log_json_events_answered(fast, realistic_log, monkeypatch):
    """Event-level JSON lines handed to classify while summarizing are answered in C (the bench log: all of them)."""
    calls = classify_calls(realistic_log, monkeypatch)
    json_events = [(line, context) for line, context in calls if line.startswith("{")
                   and python_classify(line, context)[0] in (severity.WARN, severity.ERROR, severity.FATAL)]
    assert len(json_events) > 200
    answered = count_answered(fast, json_events)
    share = answered / len(json_events)
    print(f"fast path answers {answered} of {len(json_events)} event-level JSON lines ({share:.0%})")
    assert share > 0.95
