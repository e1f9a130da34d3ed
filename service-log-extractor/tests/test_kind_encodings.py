"""Text that is not plain UTF-8 (CONTRACTS.md, Severity classes): text is UTF-8 (BOM or not) or UTF-16 with a BOM;
ANSI escape sequences and NUL bytes are not part of it. So a UTF-16 log, a coloured log or a log with NUL runs gives
what the same text in plain UTF-8 gives; invalid UTF-8 bytes become U+FFFD and never raise."""
import codecs
import gzip
import json
import re

import pytest

REF_LINES = [
    "2026-11-29 10:00:00,100 [5] INFO  Svc.Worker - service started",
    "2026-11-29 10:00:01,200 [5] ERROR Svc.Worker - could not reach database server db01",
    "java.net.ConnectException: Connection refused",
    "\tat java.net.PlainSocketImpl.socketConnect(Native Method)",
    "\tat com.example.Db.open(Db.java:42)",
    "2026-11-29 10:00:02,300 [7] WARN  Svc.Worker - queue length 900 above threshold",
    "2026-11-29 10:00:03,400 [7] INFO  Svc.Worker - Müller's report: 0 errors ✓",
    "2026-11-29 10:00:04,500 [9] FATAL Svc.Worker - out of memory 🚨, shutting down",  # 🚨: a surrogate pair in UTF-16
    "E1129 10:00:05.000000       1 kl.go:7] sync failed for Zürich-1",
]
REF_EVENTS = {2: "ERROR", 6: "WARN", 8: "FATAL", 9: "ERROR"}


def text(lines, eol):
    return "".join(x + eol for x in lines)


def utf16(s, codec):
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    return bom + s.encode(codec)


def without_bytes(summary):
    return {k: v for k, v in summary.items() if k != "bytes"}


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_and_crlf_gives_what_utf8_gives(codec, scan, scan_stable, by_line):
    crlf = text(REF_LINES, "\r\n")
    summary, events = scan_stable(utf16(crlf, codec))  # also with 1- and 7-byte reads: BOM and code units split
    assert by_line(events) == REF_EVENTS
    assert summary["lines"] == len(REF_LINES)
    assert summary["stack_traces"] == 1
    u8_summary, u8_events = scan(crlf.encode())
    assert events == u8_events  # same lines, levels and group ids
    assert without_bytes(summary) == without_bytes(u8_summary)  # same groups, templates and samples
    lf_summary, lf_events = scan(text(REF_LINES, "\n").encode())
    assert by_line(lf_events) == REF_EVENTS and lf_summary["lines"] == summary["lines"]
    assert any("🚨" in g["sample"] for g in summary["groups"])  # the surrogate pair decoded whole


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_long_file(codec, compose, scan, scan_stable, by_line):
    blocks = [(REF_LINES[1:5], {1: "ERROR"}, 1), (REF_LINES[5:6], {1: "WARN"}, 0),
              (REF_LINES[7:9], {1: "FATAL", 2: "ERROR"}, 0)] * 4
    data, expected, traces, n_lines = compose(
        blocks, lambda n: f"2026-11-29 10:00:00,000 [{n % 9}] INFO  Svc.Worker - item {n} done in {n % 50} ms, 0 errors",
        total=3000, seed=21, eol="\r\n")
    summary, events = scan_stable(utf16(data.decode(), codec))
    assert by_line(events) == expected
    assert summary["stack_traces"] == traces == 4
    assert summary["lines"] == n_lines
    assert events == scan(data)[1]


def test_utf16_inside_gzip(scan_stable, by_line):
    # compression is detected from the bytes first, the text encoding from the decompressed bytes
    data = gzip.compress(utf16(text(REF_LINES, "\r\n"), "utf-16-le"))
    summary, events = scan_stable(data)
    assert by_line(events) == REF_EVENTS
    assert summary["lines"] == len(REF_LINES)


@pytest.mark.parametrize("encode", [
    pytest.param(lambda s: codecs.BOM_UTF8 + s.encode(), id="utf-8-bom"),
    pytest.param(lambda s: utf16(s, "utf-16-le"), id="utf-16-le-bom"),
])
def test_bom_does_not_hide_a_level_on_line_one(encode, scan, scan_stable, by_line, assert_clean_groups):
    docker_line = ('{"log":"2026-11-29 10:00:02.000 ERROR 1 --- [main] c.e.App : start failed\\n",'
                   '"stream":"stderr","time":"2026-11-29T10:00:02.000000001Z"}')
    for first, level in [("E1129 10:00:00.000000       1 kl.go:1] volume attach timed out", "ERROR"),
                         ("[ERROR] 2026-11-29T10:00:00Z db: connection reset by peer", "ERROR"),
                         (docker_line, "ERROR"),
                         ('{"level":40,"time":1795946400000,"msg":"slow query"}', "WARN")]:
        s = first + "\n2026-11-29 10:00:01,000 INFO  [main] App - ok\n"
        summary, events = scan_stable(encode(s))
        assert by_line(events) == {1: level}, first
        assert summary["lines"] == 2
        assert events == scan(s.encode())[1], first  # same group as without the BOM
        assert_clean_groups(summary, "\ufeff")


# --- ANSI escape sequences ------------------------------------------------------------------------------------------

ESC = "\x1b"
ANSI_LINES = [  # (line, class or None)
    # Spring Boot with spring.output.ansi.enabled
    (f"2026-11-29 10:00:00.100  {ESC}[32m INFO{ESC}[0;39m {ESC}[35m4242{ESC}[0;39m --- [main] {ESC}[36mc.e.app.Boot"
     f"{ESC}[0;39m : started", None),
    (f"2026-11-29 10:00:01.200 {ESC}[31mERROR{ESC}[0;39m {ESC}[35m4242{ESC}[0;39m --- [exec-1] {ESC}[36mc.e.app.Api"
     f"{ESC}[0;39m : upstream timeout after 5000 ms", "ERROR"),
    (f"2026-11-29 10:00:02.300 {ESC}[33m WARN{ESC}[0;39m {ESC}[35m4242{ESC}[0;39m --- [exec-2] {ESC}[36mc.e.app.Api"
     f"{ESC}[0;39m : slow response 2300 ms", "WARN"),
    # .NET console logger: trce dbug info warn fail crit, message on the indented next line
    (f"{ESC}[40m{ESC}[32minfo{ESC}[39m{ESC}[22m{ESC}[49m: Microsoft.Hosting.Lifetime[14]", None),
    ("      Now listening on: http://localhost:5000", None),
    (f"{ESC}[41m{ESC}[30mfail{ESC}[39m{ESC}[22m{ESC}[49m: Microsoft.AspNetCore.Server.Kestrel[13]", "ERROR"),
    ('      Connection id "0HN1", Request id "0HN1:00000001": An unhandled exception was thrown by the application.',
     None),
    (f"{ESC}[40m{ESC}[1m{ESC}[33mwarn{ESC}[39m{ESC}[22m{ESC}[49m: Microsoft.AspNetCore.DataProtection.Repositories"
     f".EphemeralXmlRepository[50]", "WARN"),
    ("      Using an in-memory repository. Keys will not be persisted to storage.", None),
    (f"{ESC}[41m{ESC}[1m{ESC}[37mcrit{ESC}[39m{ESC}[22m{ESC}[49m: Microsoft.AspNetCore.Hosting.Diagnostics[6]",
     "FATAL"),
    ("      Application startup exception", None),
    (f"{ESC}[40m{ESC}[37mdbug{ESC}[39m{ESC}[22m{ESC}[49m: App.Worker[0]", None),
    ("      error handler registered", None),
    # bracketed levels, coloured around and inside the brackets (the Maven style)
    (f"{ESC}[1;31m[ERROR]{ESC}[0m 2026-11-29T10:00:03Z db: connection reset by peer", "ERROR"),
    (f"{ESC}[1;33m[WARNING]{ESC}[0m 2026-11-29T10:00:04Z db: replica lag 12 s", "WARN"),
    (f"{ESC}[0;32m[INFO]{ESC}[0m 2026-11-29T10:00:05Z db: error log flushed", None),
    (f"[{ESC}[1;31mERROR{ESC}[m] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile "
     f"(default-compile) on project app: Compilation failure", "ERROR"),
    (f"[{ESC}[1;33mWARNING{ESC}[m] Using platform encoding to copy filtered resources", "WARN"),
    (f"[{ESC}[1;34mINFO{ESC}[m] {ESC}[1;31mBUILD FAILURE{ESC}[m", None),
    # grep --color (erase-line sequences), 256-colour and true-colour SGR
    (f"2026-11-29 10:00:06,000 {ESC}[01;31m{ESC}[KERROR{ESC}[m{ESC}[K [main] App - disk full", "ERROR"),
    (f"2026-11-29 10:00:07,000 {ESC}[38;5;196mFATAL{ESC}[0m [main] App - out of memory", "FATAL"),
    (f"2026-11-29 10:00:08,000 {ESC}[38;2;255;165;0mWARN{ESC}[0m  [main] App - cache cold", "WARN"),
    # loguru
    (f"{ESC}[32m2026-11-29 10:00:09.000{ESC}[0m | {ESC}[31m{ESC}[1mERROR   {ESC}[0m | {ESC}[36mapp.jobs{ESC}[0m:"
     f"{ESC}[36mrun{ESC}[0m:{ESC}[36m42{ESC}[0m - {ESC}[31m{ESC}[1mjob 7 failed{ESC}[0m", "ERROR"),
    (f"2026-11-29 10:00:10,000 INFO  [main] App - {ESC}[31merror{ESC}[0m count 0", None),
]
CSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_ansi_sequences_are_not_part_of_the_text(scan, scan_stable, by_line, assert_clean_groups):
    coloured = text([x for x, _ in ANSI_LINES], "\n")
    summary, events = scan_stable(coloured)
    assert by_line(events) == {n: level for n, (_, level) in enumerate(ANSI_LINES, 1) if level}
    assert summary["lines"] == len(ANSI_LINES)
    assert_clean_groups(summary, ESC, "[0m", "[0;39m", "[39m")
    plain_summary, plain_events = scan(CSI.sub("", coloured))
    assert events == plain_events  # same group ids as the uncoloured log
    assert summary["groups"] == plain_summary["groups"]  # same templates and samples


def test_ansi_inside_docker_json(scan_stable, by_line, assert_clean_groups):
    lines = ['{"log":"\\u001b[31mERROR\\u001b[0m 2026-11-29T10:00:00Z db: connection reset\\n","stream":"stderr",'
             '"time":"2026-11-29T10:00:00.000000001Z"}',
             '{"log":"\\u001b[32mINFO\\u001b[0m 2026-11-29T10:00:01Z db: error count 0\\n","stream":"stdout",'
             '"time":"2026-11-29T10:00:01.000000001Z"}']
    summary, events = scan_stable(text(lines, "\n"))
    assert by_line(events) == {1: "ERROR"}
    assert_clean_groups(summary, ESC, "\\u001b")


def test_ansi_long_file(compose, scan_stable, by_line, assert_clean_groups):
    blocks = [([x], {1: level} if level else {}, 0) for x, level in ANSI_LINES if not x.startswith("      ")]
    data, expected, _, n_lines = compose(
        blocks * 2, lambda n: f"2026-11-29 10:00:00.000  {ESC}[32m INFO{ESC}[0;39m {ESC}[35m{n}{ESC}[0;39m --- "
                              f"[main] {ESC}[36mc.e.App{ESC}[0;39m : request {n} ok",
        total=3000, seed=22)
    summary, events = scan_stable(data)
    assert by_line(events) == expected
    assert summary["lines"] == n_lines
    assert_clean_groups(summary, ESC)


# --- NUL bytes ------------------------------------------------------------------------------------------------------

NUL = b"\0"
NUL_LINES = [  # (bytes, class or None)
    (NUL * 3000 + b"2026-11-29 10:00:01,200 ERROR [main] App - disk quota exceeded on /var/data", "ERROR"),
    (b"2026-11-29 10:00:02,300 INFO  [main] App - retry scheduled", None),
    (NUL * 512 + b"E1129 10:00:03.000000       1 kl.go:1] sync failed", "ERROR"),  # klog letter right after NULs
    (NUL * 64 + b"<11>1 2026-11-29T10:00:03.000Z host01 fw 100 - - session table full" + NUL, "ERROR"),
    (NUL * 64 + b'{"log":"2026-11-29 10:00:03.500 ERROR 1 --- [main] c.e.App : write failed\\n","stream":"stderr",'
                b'"time":"2026-11-29T10:00:03.500000001Z"}', "ERROR"),
    (b"2026-11-29 10:00:04,400 " + NUL * 3 + b"WARN  [main] App - low memory: 120 MB free" + NUL * 2, "WARN"),
    (b"2026-11-29 10:00:05,000 INFO  [main] App - retry " + NUL * 2 + b" scheduled", None),
    (NUL * 100, None),  # a line of NULs only
    (NUL * 3 + b"Traceback (most recent call last):", "ERROR"),  # after a level-less line: its own event
    (b'  File "/app/x.py", line 1, in <module>', None),
    (b"ValueError: bad" + NUL, None),
    (b"2026-11-29 10:00:06,000 " + NUL + b"FATAL" + NUL + b" [main] App - shutting down", "FATAL"),
]


def test_nul_runs_never_hide_a_level_nor_reach_a_template(scan, scan_stable, by_line, assert_clean_groups):
    data = b"".join(x + b"\n" for x, _ in NUL_LINES)
    summary, events = scan_stable(data)
    assert by_line(events) == {n: level for n, (_, level) in enumerate(NUL_LINES, 1) if level}
    assert summary["stack_traces"] == 1
    assert summary["lines"] == len(NUL_LINES)
    assert_clean_groups(summary, "\0")
    plain_summary, plain_events = scan(data.replace(NUL, b""))
    assert events == plain_events  # same group ids as the text without NULs
    assert summary["groups"] == plain_summary["groups"]


def test_nul_runs_in_a_long_file(compose, scan_stable, by_line, assert_clean_groups):
    blocks = [([x], {1: level} if level else {}, 0) for x, level in NUL_LINES[:8] + NUL_LINES[11:]]
    blocks.append(([NUL * 20000 + b"2026-11-29 10:00:09,000 ERROR [main] App - after a 20 kB hole"], {1: "ERROR"}, 0))
    data, expected, _, n_lines = compose(
        blocks * 2, lambda n: f"2026-11-29 10:00:00,000 INFO  [main] App - request {n} served", total=3000, seed=23)
    summary, events = scan_stable(data)
    assert by_line(events) == expected
    assert summary["lines"] == n_lines
    assert_clean_groups(summary, "\0")


# --- invalid UTF-8 --------------------------------------------------------------------------------------------------

BAD_UTF8_LINES = [
    (b"2026-11-29 10:00:00,000 INFO  [main] App - caf\xe9 opened", None),  # Latin-1
    (b"2026-11-29 10:00:01,000 ERROR [main] App - bad user name \xff\xfe\xfd in request", "ERROR"),
    (b"2026-11-29 10:00:02,000 WARN  [main] App - truncated euro sign \xe2\x82", "WARN"),
    (b"2026-11-29 10:00:03,000 FATAL [main] App - stray \x80\xbf bytes for M\xc3\xbcller", "FATAL"),
    (b"\xc0\xaf\xed\xa0\x80 level-less junk", None),  # overlong form and an encoded surrogate
]


def test_invalid_utf8_becomes_replacement_characters(scan_stable, by_line, group_of):
    data = b"".join(x + b"\n" for x, _ in BAD_UTF8_LINES)
    summary, events = scan_stable(data)  # 1- and 7-byte reads cut the valid and the invalid sequences
    assert by_line(events) == {2: "ERROR", 3: "WARN", 4: "FATAL"}
    assert summary["lines"] == len(BAD_UTF8_LINES)
    for e in events:
        sample = group_of(summary, e)["sample"]
        assert "\ufffd" in sample, sample
        json.dumps(sample, ensure_ascii=False).encode("utf-8")  # a well-formed string (no lone surrogates)
    assert "M\u00fcller" in group_of(summary, events[2])["sample"]  # the valid character beside them survives


def test_invalid_utf8_through_the_cli(tmp_path, run_cli):
    path = tmp_path / "bad.log"
    path.write_bytes(b"".join(x + b"\n" for x, _ in BAD_UTF8_LINES))
    events = run_cli("--events", path)  # stdout must be valid UTF-8 JSON lines
    assert {e["line"]: e["level"] for e in events} == {2: "ERROR", 3: "WARN", 4: "FATAL"}
    (summary,) = run_cli(path)
    assert summary["lines"] == len(BAD_UTF8_LINES)
    assert any("\ufffd" in g["sample"] for g in summary["groups"])
