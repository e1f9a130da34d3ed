"""Envelopes are unwrapped for the whole scan (CONTRACTS.md, Severity classes): Docker json-file, Kubernetes CRI,
syslog RFC 3164 / 5424 prefixes, journald JSON export. Every rule applies to the inner text as to a plain line;
`line` counts physical lines and an event's line is the line on which its record starts."""
import json

import pytest

# --- Docker json-file ----------------------------------------------------------------------------------------------


def docker(text, stream="stderr", time="2026-11-29T10:00:00.000000001Z"):
    """One json-file record as dockerd writes it: compact JSON, raw UTF-8, Go's HTML-safe escapes of < > &."""
    s = json.dumps({"log": text, "stream": stream, "time": time}, separators=(",", ":"), ensure_ascii=False)
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def docker_noise(n):
    stream = "stderr" if n % 3 == 0 else "stdout"  # the stream says nothing about severity
    return docker(f"2026-11-29 10:00:{n % 60:02d}.{n % 1000:03d}  INFO 1 --- [exec-{n % 8}] c.e.Api : "
                  f"request {n} served in {n % 97} ms, error budget ok\n", stream)


JAVA_TEXT = [
    "2026-11-29 10:00:01.200 ERROR 1 --- [exec-1] c.e.Api : handler failed for order 4711\n",
    "java.lang.IllegalStateException: order 4711 has no lines\n",  # printed by the logger right after its header
    "\tat com.example.Api.handle(Api.java:42)\n",
    "\tat com.example.Api.dispatch(Api.java:17)\n",
    "Caused by: java.lang.NullPointerException: null\n",
    "\tat com.example.Repo.load(Repo.java:88)\n",
    "\t... 9 more\n",
]
PY_BARE_TEXT = [  # a bare traceback after a level-less line: its own ERROR event on the `Traceback` line
    "worker 3 exiting\n",
    "Traceback (most recent call last):\n",
    '  File "/app/job.py", line 8, in <module>\n',
    "    main()\n",
    '  File "/app/job.py", line 5, in main\n',
    "    return 1 / 0\n",
    "ZeroDivisionError: division by zero\n",
]
PY_LOGGED_TEXT = [  # logger.exception(): header, then the traceback that belongs to it
    "2026-11-29 10:00:02,000 ERROR job - run 17 failed\n",
    "Traceback (most recent call last):\n",
    '  File "<string>", line 1, in <module>\n',  # dockerd writes \u003cstring\u003e
    "KeyError: 'id'\n",
]
GO_PANIC_TEXT = [
    "shutting down\n",
    "panic: assignment to entry in nil map\n",
    "\n",
    "goroutine 1 [running]:\n",
    "main.main()\n",
    "\t/app/main.go:9 +0x2c\n",
    "exit status 2\n",
]
WARN_TEXT = ["2026-11-29 10:00:03.000  WARN 1 --- [pool-1] c.e.Pool : pool at 85% capacity\n"]

SPLIT_AT = 16384  # dockerd cuts a longer line into 16 KiB `log` values; only the last one ends in \n
_ERR_HEAD = "2026-11-29 10:00:04.000 ERROR 1 --- [exec-2] c.e.Api : payload rejected: "
_INFO_HEAD = "2026-11-29 10:00:05.000  INFO 1 --- [exec-3] c.e.Api : dumping payload "
SPLIT_ERROR = [docker(_ERR_HEAD + "x" * (SPLIT_AT - len(_ERR_HEAD))),
               docker("y" * 300 + " WARN mid-line text\n")]
SPLIT_INFO = [docker(_INFO_HEAD + "z" * (SPLIT_AT - len(_INFO_HEAD)), "stdout"),
              docker("ERROR in the middle of an info line " + "q" * (SPLIT_AT - 36), "stdout"),
              docker("panic: still the same info line; FATAL\n", "stdout")]

DOCKER_BLOCKS = [
    ([docker(x) for x in JAVA_TEXT], {1: "ERROR"}, 1),
    ([docker(x) for x in PY_BARE_TEXT], {2: "ERROR"}, 1),
    ([docker(x) for x in PY_LOGGED_TEXT], {1: "ERROR"}, 1),
    ([docker(x) for x in GO_PANIC_TEXT], {2: "FATAL"}, 1),
    ([docker(x) for x in WARN_TEXT], {1: "WARN"}, 0),
    (SPLIT_ERROR, {1: "ERROR"}, 0),
    (SPLIT_INFO, {}, 0),
]


def test_docker_traces_one_json_line_per_physical_line(scan_stable, by_line, group_of):
    lines = [docker_noise(1)] + [docker(x) for x in JAVA_TEXT + PY_BARE_TEXT + PY_LOGGED_TEXT + GO_PANIC_TEXT
                                 + WARN_TEXT]
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    # 1 INFO; 2-8 Java header+trace; 9-15 level-less line + bare traceback; 16-19 logged traceback;
    # 20-26 level-less line + Go panic; 27 WARN
    assert by_line(events) == {2: "ERROR", 10: "ERROR", 16: "ERROR", 21: "FATAL", 27: "WARN"}
    assert summary["stack_traces"] == 4
    assert summary["lines"] == 27
    bare = next(e for e in events if e["line"] == 10)
    assert "ZeroDivisionError" in group_of(summary, bare)["template"]  # as field case 11 line 8


def test_docker_partial_log_values_join_into_one_line(scan_stable, by_line):
    lines = [docker_noise(1)] + SPLIT_ERROR + SPLIT_INFO + [docker(WARN_TEXT[0])]
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    # 2-3 one ERROR line (the WARN word is in its middle); 4-6 one INFO line whose later parts hold
    # ERROR / panic: / FATAL mid-line: no event; 7 WARN
    assert by_line(events) == {2: "ERROR", 7: "WARN"}
    assert summary["lines"] == 7
    assert summary["stack_traces"] == 0


def test_docker_records_with_attrs(scan_stable, by_line):
    # with --log-opt labels/tag, dockerd adds an "attrs" object between "stream" and "time"
    def rec(text, stream):
        return ('{"log":' + json.dumps(text) + ',"stream":"' + stream + '","attrs":{"tag":"api","com.example.team":'
                '"payments"},"time":"2026-11-29T10:00:00.000000001Z"}')
    lines = [rec("2026-11-29 10:00:00.000  INFO 1 --- [main] c.e.App : error budget ok\n", "stdout"),
             rec("2026-11-29 10:00:01.000 ERROR 1 --- [main] c.e.App : charge failed\n", "stderr"),
             rec("java.lang.IllegalStateException: card declined\n", "stderr"),
             rec("\tat com.example.Pay.charge(Pay.java:12)\n", "stderr"),
             rec("2026-11-29 10:00:02.000  WARN 1 --- [main] c.e.App : retry budget low\n", "stdout")]
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    assert by_line(events) == {2: "ERROR", 5: "WARN"}
    assert summary["stack_traces"] == 1


def test_docker_long_file(compose, scan_stable, by_line):
    data, expected, traces, n_lines = compose(DOCKER_BLOCKS * 3, docker_noise, total=3000, seed=11)
    summary, events = scan_stable(data)
    assert by_line(events) == expected
    assert summary["stack_traces"] == traces == 12
    assert summary["lines"] == n_lines


def test_docker_inner_text_groups_like_the_plain_line(scan, by_line):
    inner = JAVA_TEXT + WARN_TEXT + PY_LOGGED_TEXT
    plain_summary, plain = scan("".join(inner))
    wrapped_summary, wrapped = scan("".join(docker(x) + "\n" for x in inner))
    assert by_line(wrapped) == {1: "ERROR", 8: "WARN", 9: "ERROR"}
    assert wrapped == plain  # same lines, levels and group ids: the envelope is not part of the text
    assert wrapped_summary["stack_traces"] == plain_summary["stack_traces"] == 2
    # a split line groups like the whole line it was cut from
    joined = SPLIT_ERROR
    whole = _ERR_HEAD + "x" * (SPLIT_AT - len(_ERR_HEAD)) + "y" * 300 + " WARN mid-line text\n"
    _, split_events = scan("".join(x + "\n" for x in joined))
    _, whole_events = scan(whole)
    assert [(e["level"], e["group"]) for e in split_events] == [(e["level"], e["group"]) for e in whole_events]
    assert [e["level"] for e in whole_events] == ["ERROR"]


# --- Kubernetes CRI -------------------------------------------------------------------------------------------------


def cri(text, stream="stderr", tag="F", ts="2026-11-29T10:00:01.000000001Z"):
    return f"{ts} {stream} {tag} {text}"


def cri_noise(n):
    stream = "stdout" if n % 2 else "stderr"
    return cri(f"2026-11-29 10:00:00,000 INFO [main] App - request {n} served, 0 errors", stream,
               ts=f"2026-11-29T10:{n // 60 % 60:02d}:{n % 60:02d}.{n:09d}Z")


CRI_SPLIT_ERROR = [
    cri("2026-11-29 10:00:01,000 ERROR [main] App - payload rejected: " + "x" * 300, tag="P"),
    cri("y" * 300 + " WARN mid-line text", tag="P", ts="2026-11-29T10:00:01.000000002Z"),
    cri("tail of the rejected payload", ts="2026-11-29T10:00:01.000000003Z"),
]
CRI_SPLIT_INFO = [  # one INFO record: level words and crash starts inside later chunks are mid-line text
    cri("2026-11-29 10:00:02,000 INFO [main] App - dumping payload " + "z" * 300, "stdout", "P"),
    cri("ERROR in a later chunk " + "q" * 300, "stdout", "P"),
    cri("panic: not at a line start " + "r" * 100, "stdout", "P"),
    cri("E1129 10:00:02.000000 1 x.go:1] FATAL neither", "stdout", "F"),
]
CRI_JAVA = [cri(x) for x in [
    "2026-11-29 10:00:03,000 ERROR [exec-1] Api - handler failed for order 4711",
    "java.lang.IllegalStateException: order 4711 has no lines",
    "\tat com.example.Api.handle(Api.java:42)",
    "Caused by: java.io.IOException: stream closed",
    "\t... 3 more",
]]
CRI_PY = [cri(x) for x in [
    "worker 3 exiting",
    "Traceback (most recent call last):",
    '  File "/app/job.py", line 8, in <module>',
    "    main()",
    "ZeroDivisionError: division by zero",
]]
CRI_GO = [cri(x) for x in [
    "stopping",
    "panic: my panic",
    "",  # the empty line a panic prints: `<time> stderr F ` with nothing after the tag
    "goroutine 1 [running]:",
    "main.main()",
    "\t/src/app/main.go:18 +0x27",
]]
CRI_BLOCKS = [
    (CRI_SPLIT_ERROR, {1: "ERROR"}, 0),
    (CRI_SPLIT_INFO, {}, 0),
    (CRI_JAVA, {1: "ERROR"}, 1),
    (CRI_PY, {2: "ERROR"}, 1),
    (CRI_GO, {2: "FATAL"}, 1),
    ([cri("2026-11-29 10:00:04,000 WARN [pool] Db - pool at 95 percent", "stdout")], {1: "WARN"}, 0),
]


def test_cri_partial_chunks_form_one_record_starting_on_its_first_line(scan_stable, by_line):
    lines = [cri_noise(1), cri_noise(2)] + CRI_SPLIT_ERROR + CRI_SPLIT_INFO + [cri_noise(10)]
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    # 3-5: one ERROR record (event on its first P line, the WARN in its 2nd chunk is no event); 6-9 one INFO record
    assert by_line(events) == {3: "ERROR"}
    assert summary["lines"] == 10


def test_cri_traces(scan_stable, by_line):
    lines = [cri_noise(1)] + CRI_JAVA + CRI_PY + CRI_GO
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    # 2-6 header + Java trace; 7-11 level-less line + bare traceback; 12-17 level-less line + Go panic
    assert by_line(events) == {2: "ERROR", 8: "ERROR", 13: "FATAL"}
    assert summary["stack_traces"] == 3
    assert summary["lines"] == 17


def test_cri_partial_lines_join_per_stream(scan_stable, by_line):
    # stdout and stderr share the file; a P chunk waits for the F chunk of its own stream
    lines = [
        cri("2026-11-29 10:00:01,000 ERROR [main] App - payload rejected: " + "x" * 200, "stderr", "P"),
        cri("2026-11-29 10:00:01,500 INFO [main] App - heartbeat", "stdout", "F"),
        cri("tail of the rejected payload", "stderr", "F"),
        cri("2026-11-29 10:00:02,000 WARN [main] App - slow response", "stdout", "F"),
    ]
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    assert by_line(events) == {1: "ERROR", 4: "WARN"}
    assert summary["lines"] == 4


def test_cri_long_file(compose, scan_stable, by_line):
    data, expected, traces, n_lines = compose(CRI_BLOCKS * 3, cri_noise, total=3000, seed=12)
    summary, events = scan_stable(data)
    assert by_line(events) == expected
    assert summary["stack_traces"] == traces == 9
    assert summary["lines"] == n_lines


def test_cri_record_groups_like_the_plain_line(scan):
    _, split = scan("".join(x + "\n" for x in CRI_SPLIT_ERROR))
    whole = ("2026-11-29 10:00:01,000 ERROR [main] App - payload rejected: " + "x" * 300 + "y" * 300
             + " WARN mid-line text" + "tail of the rejected payload\n")
    _, plain = scan(whole)
    assert [(e["level"], e["group"]) for e in split] == [(e["level"], e["group"]) for e in plain]
    assert [e["level"] for e in plain] == ["ERROR"]


# --- syslog ---------------------------------------------------------------------------------------------------------

RFC3164_LINES = [
    ("Nov 29 10:00:00 host01 kubelet[812]: I1129 10:00:00.000000     812 server.go:10] Started kubelet", None),
    ('Nov 29 10:00:01 host01 kubelet[812]: E1129 10:00:01.000000     812 pod_workers.go:1298] "Error syncing pod, '
     'skipping" pod="default/web"', "ERROR"),
    ("Nov 29 10:00:02 host01 kubelet[812]: W1129 10:00:02.000000     812 reflector.go:424] watch of *v1.Pod ended "
     "with: too old resource version", "WARN"),
    ('Nov  9 10:00:03 host01 api[77]: {"level":"error","ts":"2026-11-09T10:00:03Z","msg":"db down"}', "ERROR"),
    ('Nov  9 10:00:04 host01 api[77]: {"level":"info","ts":"2026-11-09T10:00:04Z","msg":"error budget ok"}', None),
    ('Nov 29 10:00:05 host01 api[77]: time=2026-11-29T10:00:05Z level=warn msg="slow upstream"', "WARN"),
    ('Nov 29 10:00:06 host01 api[77]: time=2026-11-29T10:00:06Z level=info msg="retrying after error"', None),
    ("Nov 29 10:00:07 host01 java[91]: 2026-11-29 10:00:07,000 FATAL [main] App - cannot bind port 8080", "FATAL"),
    ("Nov 29 10:00:08 host01 java[91]: 2026-11-29 10:00:08,000 INFO  [main] App - error page served", None),
    # the program name is a tag, not a level
    ("Nov 29 10:00:09 host01 error-reporter[5]: I1129 10:00:09.000000       5 report.go:3] nothing to report", None),
    ("Nov 29 10:00:10 host01 controller: E1129 10:00:10.000000       1 sync.go:5] sync failed", "ERROR"),
    ("Nov 29 10:00:11 host01 worker[3]: 2026-11-29 10:00:11,000 ERROR [pool-1] Job - job 42 failed", "ERROR"),
]

RFC5424_LINES = [
    ("<14>1 2026-11-29T10:00:00Z host01 api 77 - - I1129 10:00:00.000000      77 main.go:1] serving", None),
    ("<11>1 2026-11-29T10:00:01Z host01 api 77 - - E1129 10:00:01.000000      77 main.go:9] listener failed",
     "ERROR"),
    ('<12>1 2026-11-29T10:00:02.123456+01:00 host01 api 77 - - {"level":"warn","msg":"cache miss storm"}', "WARN"),
    ('<13>1 2026-11-29T10:00:03Z host01 api 77 - - time=2026-11-29T10:00:03Z level=info msg="error count 0"', None),
    ("<10>1 2026-11-29T10:00:04Z host01 java 91 ID47 - 2026-11-29 10:00:04,000 FATAL [main] App - out of memory",
     "FATAL"),
    # the examples of RFC 5424 section 6.5: PRI 34 = auth.crit, 165 = local4.notice
    ("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8",
     "FATAL"),
    ('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" '
     'eventSource="Application" eventID="1011"] An application event log entry...', None),
    ("<187>1 2026-11-29T10:00:07Z host01 fw - - - session table full", "ERROR"),  # 187 = local7.err
    ("<0>1 2026-11-29T10:00:08Z host01 kernel - - - machine check on cpu 3", "FATAL"),  # kern.emerg
    ("<191>1 2026-11-29T10:00:09Z host01 fw - - - error counters dumped", None),  # local7.debug
    ('<28>1 2026-11-29T10:00:10Z host01 ntpd 5 - [meta sequenceId="1"] clock unsynchronized', "WARN"),  # daemon.warning
]

RFC3164_PRI_LINES = [
    ("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", "FATAL"),  # RFC 3164 5.4
    ("<13>Feb  5 17:32:18 10.0.0.99 myapp: Use the BFG!", None),  # user.notice
    ("<27>Nov 29 10:00:00 host01 app[5]: disk write failed", "ERROR"),  # daemon.err
    ("<28>Nov 29 10:00:01 host01 app[5]: disk nearly full", "WARN"),  # daemon.warning
    ("<30>Nov 29 10:00:02 host01 app[5]: error log rotated", None),  # daemon.info
    ("<9>Nov 29 10:00:03 host01 app[5]: cannot continue", "FATAL"),  # user.alert
]


@pytest.mark.parametrize("table", [RFC3164_LINES, RFC5424_LINES, RFC3164_PRI_LINES],
                         ids=["rfc3164", "rfc5424", "rfc3164-with-pri"])
def test_syslog_prefixes(table, scan_stable, by_line):
    summary, events = scan_stable("".join(line + "\n" for line, _ in table))
    assert by_line(events) == {n: level for n, (_, level) in enumerate(table, 1) if level}
    assert summary["lines"] == len(table)


def test_syslog_rfc3339_file_format(scan_stable, by_line):
    # rsyslog's high-precision file format: the RFC 3164 prefix with an RFC 3339 time stamp
    lines = [
        "2026-11-29T10:00:00.123456+00:00 host01 kubelet[812]: I1129 10:00:00.000000     812 server.go:10] ok",
        "2026-11-29T10:00:01.123456+00:00 host01 kubelet[812]: E1129 10:00:01.000000     812 kl.go:1] sync failed",
        '2026-11-29T10:00:02.123456+00:00 host01 api[77]: {"level":"warn","msg":"slow"}',
        "2026-11-29T10:00:03.123456+00:00 host01 api[77]: ts=2026-11-29T10:00:03Z level=info msg=\"error 0\"",
    ]
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    assert by_line(events) == {2: "ERROR", 3: "WARN"}


def test_syslog_same_inner_message_same_group(scan, by_line):
    lines = [
        "Nov 29 10:00:01 host01 kubelet[812]: E1129 10:00:01.000000     812 kl.go:1] volume attach timed out",
        "Nov 30 11:12:13 host01 kubelet[9]: E1130 11:12:13.000000       9 kl.go:1] volume attach timed out",
        "<11>1 2026-11-29T10:00:01Z host01 api 77 - - payment backend unreachable",
        "<11>1 2026-11-30T11:00:02Z host01 api 78 - - payment backend unreachable",
    ]
    _, events = scan("".join(x + "\n" for x in lines))
    assert by_line(events) == {1: "ERROR", 2: "ERROR", 3: "ERROR", 4: "ERROR"}
    assert events[0]["group"] == events[1]["group"]
    assert events[2]["group"] == events[3]["group"]
    assert events[0]["group"] != events[2]["group"]


def syslog_noise(n):
    return (f"Nov 29 10:{n // 60 % 60:02d}:{n % 60:02d} host01 kubelet[812]: I1129 10:00:00.000000     812 "
            f"server.go:10] request {n} served, 0 errors")


def test_syslog_long_file(compose, scan_stable, by_line):
    blocks = [([line], {1: level} if level else {}, 0) for line, level in RFC3164_LINES + RFC5424_LINES]
    data, expected, _, n_lines = compose(blocks * 2, syslog_noise, total=3000, seed=13)
    summary, events = scan_stable(data)
    assert by_line(events) == expected
    assert summary["lines"] == n_lines


# --- journald JSON export -------------------------------------------------------------------------------------------


def journald(priority, message, n=1, message_first=False):
    fields = {"__CURSOR": f"s=5f1c;i={n:x};b=9a1e;m={n:x};t=5f1c;x={n:x}",
              "__REALTIME_TIMESTAMP": str(1795946400000000 + n * 1000), "__MONOTONIC_TIMESTAMP": str(9000000 + n),
              "_BOOT_ID": "9a1e0c2d4b6f4e0a8c1d2e3f4a5b6c7d", "_TRANSPORT": "stdout", "SYSLOG_FACILITY": "3",
              "_HOSTNAME": "host01", "SYSLOG_IDENTIFIER": "app", "_PID": "812"}
    if message_first:
        fields = {"MESSAGE": message, **fields, "PRIORITY": priority}
    else:
        fields.update(PRIORITY=priority, MESSAGE=message)
    return json.dumps(fields)


def journald_noise(n):
    if n % 5 == 0:
        return journald("7", "error handler installed for worker", n)  # debug
    return journald("6", f"request {n} served", n, message_first=n % 2 == 0)


def test_journald_priority_scale(scan_stable, by_line):
    lines = [journald(str(p), f"unit state changed to {p}", p + 1) for p in range(8)]
    lines.append(journald("6", "error counter reset", 9))
    lines.append(journald("3", "write to /dev/sdb1 failed", 10, message_first=True))
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    # PRIORITY 0-2 FATAL, 3 ERROR, 4 WARN, 5-7 no event, whatever the message says
    assert by_line(events) == {1: "FATAL", 2: "FATAL", 3: "FATAL", 4: "ERROR", 5: "WARN", 10: "ERROR"}
    assert summary["lines"] == 10


PY_TRACEBACK_MESSAGE = ("Traceback (most recent call last):\n  File \"/usr/lib/app/run.py\", line 3, in <module>\n"
                        "    main()\nValueError: bad config value 'x'")
JOURNALD_BLOCKS = [
    ([journald("3", PY_TRACEBACK_MESSAGE)], {1: "ERROR"}, 1),
    ([journald("4", "disk usage at 91 percent", message_first=True)], {1: "WARN"}, 0),
    ([journald("3", "2026-11-29 10:00:04,000 ERROR [main] App - request failed\n"
                    "java.lang.IllegalStateException: broken\n\tat com.example.App.run(App.java:10)")],
     {1: "ERROR"}, 1),
    ([journald("2", "RAID array md0 degraded")], {1: "FATAL"}, 0),
    ([journald("6", "Traceback-free info message with a\nsecond line")], {}, 0),
]


def test_journald_multiline_message(scan_stable, by_line):
    lines = [journald("6", "Started job", 1), journald("3", PY_TRACEBACK_MESSAGE, 2),
             journald("4", "disk usage at 91 percent", 3),
             JOURNALD_BLOCKS[2][0][0], journald("3", PY_TRACEBACK_MESSAGE, 5, message_first=True)]
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    assert by_line(events) == {2: "ERROR", 3: "WARN", 4: "ERROR", 5: "ERROR"}
    assert summary["stack_traces"] == 3
    assert summary["lines"] == 5
    assert events[0]["group"] == events[3]["group"]  # the same traceback, other cursor and time


def test_journald_binary_message(scan_stable, by_line):
    # journalctl -o json writes a MESSAGE that is not valid UTF-8 as an array of byte values
    def binary(priority, raw):
        return json.dumps({"__REALTIME_TIMESTAMP": "1795946400000000", "PRIORITY": priority,
                           "SYSLOG_IDENTIFIER": "app", "MESSAGE": list(raw)})
    lines = [binary("3", b"write to /dev/sdb1 failed: \xff\xfe"), binary("6", b"error counter \xe9 reset"),
             binary("4", b"disk nearly full \x80"), journald("6", "Started backup job")]
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    assert by_line(events) == {1: "ERROR", 3: "WARN"}
    assert summary["lines"] == 4


def test_journald_long_file(compose, scan_stable, by_line):
    data, expected, traces, n_lines = compose(JOURNALD_BLOCKS * 3, journald_noise, total=3000, seed=14)
    summary, events = scan_stable(data)
    assert by_line(events) == expected
    assert summary["stack_traces"] == traces == 6
    assert summary["lines"] == n_lines


def test_another_process_never_continues_an_event(scan_stable, by_line):
    """journald and syslog say which process wrote a record: one program's traceback is not another one's trace."""
    def entry(pid, ident, prio, message):
        return json.dumps({"_PID": str(pid), "SYSLOG_IDENTIFIER": ident, "PRIORITY": str(prio), "MESSAGE": message})
    traceback = ("Traceback (most recent call last):\n  File \"/srv/bill.py\", line 9, in run\n"
                 "KeyError: 'invoice'")
    lines = [entry(10, "nginx", 3, "upstream timed out while reading response header"),
             entry(99, "billing", 3, traceback),                  # a whole record of its own: not nginx's trace
             entry(99, "billing", 3, "java.lang.IllegalStateException: other"),
             entry(42, "java", 3, "2026-11-29 10:00:00,000 ERROR [main] App - failed"),
             entry(42, "java", 3, "java.lang.IllegalStateException: logged with it"),   # same process: its exception
             entry(42, "java", 3, "\tat com.example.App.run(App.java:7)"),
             "Nov 29 10:00:01 host01 app[7]: ERROR [main] App - upstream failed",
             "Nov 29 10:00:01 host01 cron[8]: Traceback (most recent call last):",        # another program
             'Nov 29 10:00:01 host01 cron[8]:   File "/etc/cron.py", line 1, in <module>',
             "Nov 29 10:00:01 host01 cron[8]: ValueError: bad"]
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    assert by_line(events) == {1: "ERROR", 2: "ERROR", 3: "ERROR", 4: "ERROR", 7: "ERROR", 8: "ERROR"}
    assert summary["stack_traces"] == 3   # billing's traceback, java's frame, cron's traceback
