"""No input makes the scan raise: arbitrary bytes, and byte soups built from the pieces the other input kinds are
made of (envelopes, BOMs, escapes, NULs, crash starts, broken UTF-8). The summary stays consistent with the events
and does not depend on the read size."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PIECES = [
    b"\n", b"\r\n", b"\r", b" ", b"\t", b"\0", b"\0" * 64, b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff", b"\xc3",
    b"\xe2\x82", b"\x80", b"\xed\xa0\x80", b"\x1b[31m", b"\x1b[0;39m", b"\x1b[", b"\x1b", b"\x1b[K",
    b"ERROR", b"WARN", b"FATAL", b"INFO", b"fail: ", b"crit: ", b"E1129 10:00:00.000000 1 a.go:1] ",
    b"2026-11-29 10:00:00,000 ERROR [main] App - boom ", b"2026-11-29 10:00:00,000 INFO [main] App - ok ",
    b'{"log":"', b'\\n","stream":"stderr","time":"2026-11-29T10:00:00Z"}', b'{"log":"x', b"\\u001b", b"\\",
    b"2026-11-29T10:00:01.000000001Z stderr P ", b"2026-11-29T10:00:01.000000001Z stdout F ",
    b"<11>1 2026-11-29T10:00:00Z host app 1 - - ", b"<", b"<999>", b"Nov 29 10:00:00 host app[1]: ",
    b'{"PRIORITY":"3","MESSAGE":"', b'{"level":50,"msg":"x","err":{"stack":"Error: x\\n    at f (a.js:1:1)"}}',
    b'{"version":"1.1","host":"h","short_message":"x","level":', b"[2026-11-29 10:00:00] production.ERROR: x ",
    b"[stacktrace]", b"#0 {main}", b"level=error ", b"level=", b'msg="', b"Traceback (most recent call last):\n",
    b'  File "a.py", line 1, in <module>\n', b"ValueError: x\n", b"panic: boom\n", b"fatal error: x\n",
    b"goroutine 1 [running]:\n", b'Exception in thread "main" java.lang.X: y\n', b"\tat a.B.c(B.java:1)\n",
    b"Caused by: x\n", b"\t... 3 more\n", b"\x1f\x8b\x08", b"\x28\xb5\x2f\xfd",
]

soups = st.lists(st.sampled_from(PIECES) | st.binary(max_size=16), max_size=60).map(b"".join)
inputs = st.binary(max_size=4000) | soups
sizes = st.sampled_from([None, 1, 2, 3, 7, 64, 4096])


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=inputs, k=sizes)
def test_arbitrary_bytes_never_raise(data, k, scan):
    summary, events = scan(data, k)
    assert isinstance(summary["lines"], int) and summary["lines"] >= 0
    assert sum(summary["counts"].values()) == len(events)
    lines = [e["line"] for e in events]
    assert lines == sorted(set(lines))
    assert all(e["level"] in ("FATAL", "ERROR", "WARN") for e in events)
    for g in summary["groups"]:
        assert isinstance(g["template"], str) and isinstance(g["sample"], str)
        for text in (g["template"], g["sample"]):
            text.encode("utf-8")  # well-formed: no lone surrogates
            assert "\0" not in text and "\x1b" not in text


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=soups, k=st.sampled_from([1, 3, 7]))
def test_read_size_never_changes_the_result(data, k, scan):
    (small, small_events), (whole, whole_events) = scan(data, k), scan(data)
    # zlib may name a corrupt gzip header differently when it gets it a byte at a time ("truncated" vs "incorrect
    # checksum"): the words may differ, the verdict and everything read may not.
    assert (small_events, small.pop("error") is None) == (whole_events, whole.pop("error") is None)
    assert small == whole


# Digits str.isdigit() accepts but int() and Decimal() do not read (superscripts, circled digits), and decimal
# digits of other scripts (which both read), in every numeric field the scan converts: the journald PRIORITY and
# __REALTIME_TIMESTAMP (parsed and, for a line json.loads refuses, read as text), JSON level fields on the pino and
# syslog scales. A field that cannot be read is no level or no time; it never stops the scan.
ODD_DIGITS = ["\u00b3", "\u2463", "1\u00b2", "\u0663", "\u0661\u0667\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660"]
NUMERIC_FIELDS = [
    '{{"MESSAGE":"ERROR boom","PRIORITY":"{d}","_PID":"1"}}',
    '{{"MESSAGE":"ERROR boom","PRIORITY":"3","__REALTIME_TIMESTAMP":"{d}"}}',
    '{{"MESSAGE":"ERROR boom","PRIORITY":"3","__REALTIME_TIMESTAMP":"{d}"',   # cut short: read as text
    '{{"level":"error","severity":"{d}","msg":"boom"}}',
    '{{"level":"{d}","msg":"ERROR boom"}}',
    '{{"version":"1.1","host":"h","short_message":"ERROR boom","level":"{d}"}}',
]


def test_numeric_fields_with_digits_int_cannot_read(scan):
    for field in NUMERIC_FIELDS:
        for digits in ODD_DIGITS:
            line = field.format(d=digits)
            summary, events = scan((line + "\n") * 2)
            assert summary["lines"] == 2, line
            assert sum(summary["counts"].values()) == len(events), line


def test_journald_priority_in_other_scripts_is_read():
    """PRIORITY "\u0663" is 3 to int() (a converter might write one); "\u00b3" is no priority."""
    from app.records import journald_record

    assert journald_record('{"MESSAGE":"boom","PRIORITY":"\u0663","_PID":"1"}') == ("boom", "ERROR", None, "1")
    assert journald_record('{"MESSAGE":"boom","PRIORITY":"\u00b3","_PID":"1"}') == ("boom", None, None, "1")


# A JSON string may escape a lone surrogate (`\\ud800`): json.loads and the compiled readers keep it, but no UTF-8
# encoder takes it. Templates and samples hold U+FFFD there instead, so the summary can be written.
LONE_SURROGATE_LINES = [
    '{"log":"ERROR \\ud800 boom\\n","stream":"stderr"}', '{"MESSAGE":"ERROR \\udfff x","PRIORITY":"3"}',
    '{"level":"error","msg":"x \\ud800\\ud800 y"}', '{"level":"error","msg":"pair \\ud83d\\ude00 ok, \\ud83d lone"}',
]


def test_lone_surrogates_from_json_escapes_are_written(tmp_path, run_cli):
    log = tmp_path / "surrogates.log"
    log.write_text("\n".join(LONE_SURROGATE_LINES) + "\n")
    summary = run_cli(log)[0]
    assert summary["counts"]["ERROR"] == len(LONE_SURROGATE_LINES)
    templates = [g["template"] for g in summary["groups"]]   # (a JSON line's sample is the line: its escapes as text)
    assert len(templates) == len(LONE_SURROGATE_LINES) and all("\ufffd" in t for t in templates), templates
    assert any("\U0001f600" in t for t in templates)   # a valid pair stays the character it escapes
    assert any("\ufffd" in g["sample"] for g in summary["groups"])   # the Docker and journald lines' own text
