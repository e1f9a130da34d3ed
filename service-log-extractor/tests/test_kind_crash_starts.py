"""Crash starts (CONTRACTS.md, Severity classes): a line with no severity field that starts an exception or traceback
is an ERROR event, a Go runtime crash start (`panic:`, `fatal error:`) a FATAL event. The exception a logger prints
right after its header line belongs to that header's event; one that comes only after other, level-less lines
starts its own event, and the earlier event does not get its trace. Continuation lines are never events."""
import pytest

GO_AFTER_LINES = [
    "2026/11/29 10:00:00 [ERROR] sync: upstream returned 503, will retry",  # ERROR, no trace of its own
    "2026/11/29 10:00:01 sync: retry 1 scheduled",  # the std log prefix carries no level
    "panic: runtime error: invalid memory address or nil pointer dereference",  # FATAL, with the goroutine dump
    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x47f2b1]",
    "",
    "goroutine 1 [running]:",
    "main.process(0x0)",
    "\t/src/app/sync.go:88 +0x1d",
    "main.main()",
    "\t/src/app/main.go:12 +0x25",
    "exit status 2",
]
TRACEBACK_AFTER_LINES = [
    "2026-11-29 10:00:00,000 ERROR [main] app: request failed",
    'request body: {"id": 5, "qty": 0}',
    "retrying with defaults",
    "Traceback (most recent call last):",  # its own ERROR event
    '  File "/app/main.py", line 10, in <module>',
    "    run()",
    '  File "/app/main.py", line 7, in run',
    "    return 10 / qty",
    "ZeroDivisionError: division by zero",
]
THREAD_EXCEPTION_AFTER_WARN = [
    "2026-11-29 10:00:00,000 WARNING [main] app: cache miss storm",
    "falling back to database",
    'Exception in thread "worker-2" java.lang.IllegalStateException: pool closed',
    "\tat com.example.Pool.take(Pool.java:31)",
    "\tat java.base/java.lang.Thread.run(Thread.java:1583)",
]
JAVA_AFTER_LINES = [
    "2026-11-29 10:00:00,000 ERROR [main] App - batch 7 failed",
    "batch 7 summary: 120 rows, 3 rejected",
    "java.lang.IllegalStateException: connection pool shut down",  # not right after the header: its own event
    "\tat com.example.db.Pool.get(Pool.java:55)",
    "\tat com.example.Batch.run(Batch.java:20)",
    "Caused by: java.lang.InterruptedException: null",
    "\t... 2 more",
]


@pytest.mark.parametrize("lines, expected", [
    pytest.param(GO_AFTER_LINES, {1: "ERROR", 3: "FATAL"}, id="go-panic"),
    pytest.param(TRACEBACK_AFTER_LINES, {1: "ERROR", 4: "ERROR"}, id="python-traceback"),
    pytest.param(THREAD_EXCEPTION_AFTER_WARN, {1: "WARN", 3: "ERROR"}, id="exception-in-thread-after-warn"),
    pytest.param(JAVA_AFTER_LINES, {1: "ERROR", 3: "ERROR"}, id="java-exception"),
])
def test_crash_after_level_less_lines_is_a_new_event(lines, expected, scan_stable, by_line):
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    assert by_line(events) == expected
    assert summary["stack_traces"] == 1  # the crash's trace; the header above it has none
    assert summary["groups_total"] == 2
    assert summary["lines"] == len(lines)


def test_bare_traceback_template_names_the_exception(scan, group_of):
    summary, events = scan("".join(x + "\n" for x in TRACEBACK_AFTER_LINES))
    crash = next(e for e in events if e["line"] == 4)
    assert "ZeroDivisionError" in group_of(summary, crash)["template"]  # as field case 11


LOGGED = {
    "log4j-java": ([
        "2026-11-29 10:00:00,000 ERROR [http-1] c.e.Api - handler failed",
        "java.lang.IllegalStateException: order 4711 has no lines",
        "\tat com.example.Api.handle(Api.java:42)",
        "\tSuppressed: java.io.IOException: close failed",
        "\t\tat com.example.Res.close(Res.java:9)",
        "Caused by: java.lang.NullPointerException: null",
        "\tat com.example.Repo.load(Repo.java:88)",
        "\t... 9 more",
    ], {1: "ERROR"}),
    "python-logging": ([
        "2026-11-29 10:00:00,000 - app.jobs - ERROR - job 17 failed",
        "Traceback (most recent call last):",
        '  File "/app/jobs.py", line 30, in run',
        "    do()",
        "KeyError: 'id'",
    ], {1: "ERROR"}),
    "warn-with-exception": ([  # the exception is the WARN event's trace, not an ERROR event
        "2026-11-29 10:00:00,000 WARN  [pool-1] c.e.Client - call failed, retrying",
        "java.net.SocketTimeoutException: Read timed out",
        "\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)",
        "\tat com.example.Client.call(Client.java:77)",
    ], {1: "WARN"}),
    "critical-python": ([
        "2026-11-29 10:00:00,000 CRITICAL [main] app: cannot start",
        "Traceback (most recent call last):",
        '  File "/app/main.py", line 3, in <module>',
        "OSError: [Errno 98] Address already in use",
    ], {1: "FATAL"}),
    "python-chained": ([  # one traceback print-out: the chained part is no new event
        "2026-11-29 10:00:00,000 ERROR [main] app: lookup failed",
        "Traceback (most recent call last):",
        '  File "/app/a.py", line 4, in lookup',
        "    return table[key]",
        "KeyError: 'x'",
        "",
        "During handling of the above exception, another exception occurred:",
        "",
        "Traceback (most recent call last):",
        '  File "/app/a.py", line 9, in <module>',
        '    lookup("x")',
        "LookupError: no entry for 'x'",
    ], {1: "ERROR"}),
}


@pytest.mark.parametrize("name", sorted(LOGGED))
def test_exception_right_after_its_header_belongs_to_it(name, scan_stable, by_line):
    lines, expected = LOGGED[name]
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    assert by_line(events) == expected
    assert summary["stack_traces"] == 1
    assert summary["lines"] == len(lines)


BARE_STARTS = [
    'Exception in thread "main" java.lang.IllegalStateException: boom',  # 1 ERROR
    "\tat com.acme.Main.main(Main.java:5)",
    "Caused by: java.io.IOException: closed",
    "\tat com.acme.Io.read(Io.java:3)",
    "\t... 1 more",
    "",
    "fatal error: all goroutines are asleep - deadlock!",  # 7 FATAL
    "",
    "goroutine 1 [chan receive]:",
    "main.main()",
    "\t/app/main.go:8 +0x2d",
    "",
    "goroutine 18 [select, 2 minutes]:",
    "net/http.(*persistConn).writeLoop(0xc000155c20)",
    "\t/usr/local/go/src/net/http/transport.go:2421 +0xe5",
    "created by net/http.(*Transport).dialConn in goroutine 6",
    "\t/usr/local/go/src/net/http/transport.go:1777 +0x16f1",
    "exit status 2",
    "Traceback (most recent call last):",  # 19 ERROR
    '  File "/app/cli.py", line 3, in <module>',
    "    sys.exit(main())",
    "KeyboardInterrupt",
    "panic: boom [recovered]",  # 23 FATAL
    "\tpanic: boom",
    "",
    "goroutine 7 [running]:",
    "main.worker()",
    "\t/app/w.go:14 +0x65",
]
BARE_EVENTS = {1: "ERROR", 7: "FATAL", 19: "ERROR", 23: "FATAL"}


def test_bare_crash_starts_and_their_classes(scan_stable, by_line):
    summary, events = scan_stable("".join(x + "\n" for x in BARE_STARTS))
    assert by_line(events) == BARE_EVENTS
    assert summary["stack_traces"] == 4
    assert summary["counts"] == {"FATAL": 2, "ERROR": 2, "WARN": 0}


@pytest.mark.parametrize("connector", [
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
])
def test_chained_bare_traceback_is_one_event(connector, scan_stable, by_line):
    lines = ["Traceback (most recent call last):", '  File "/app/a.py", line 4, in lookup', "    return table[key]",
             "KeyError: 'x'", "", connector, "", "Traceback (most recent call last):",
             '  File "/app/a.py", line 9, in <module>', '    lookup("x")', "LookupError: no entry for 'x'"]
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    assert by_line(events) == {1: "ERROR"}
    assert summary["stack_traces"] == 1


def test_two_tracebacks_in_a_row_are_two_events(scan_stable, by_line):
    lines = ["Traceback (most recent call last):", '  File "/app/a.py", line 1, in <module>', "ValueError: a",
             "Traceback (most recent call last):", '  File "/app/b.py", line 1, in <module>', "KeyError: 'b'"]
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    assert by_line(events) == {1: "ERROR", 4: "ERROR"}
    assert summary["stack_traces"] == 2


def test_stack_traces_counts_the_events_that_carry_one(scan_stable, by_line):
    lines = [
        "2026-11-29 10:00:00,000 ERROR [main] App - request 1 failed",  # 1 ERROR + trace
        "java.lang.IllegalArgumentException: bad id",
        "\tat com.acme.Api.get(Api.java:10)",
        "2026-11-29 10:00:01,000 WARN  [main] App - slow request",  # 4 WARN
        "2026-11-29 10:00:02,000 ERROR [main] App - request 2 failed",  # 5 ERROR, no trace
        "some detail line",
        "Traceback (most recent call last):",  # 7 ERROR + trace
        '  File "/app/x.py", line 2, in <module>',
        "OSError: [Errno 28] No space left on device",
        "flushing buffers",
        "panic: out of space",  # 11 FATAL + trace
        "",
        "goroutine 1 [running]:",
        "main.main()",
        "\t/app/main.go:3 +0x1",
        "2026-11-29 10:00:03,000 ERROR [main] App - request 3 failed",  # 16 ERROR
    ]
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    assert by_line(events) == {1: "ERROR", 4: "WARN", 5: "ERROR", 7: "ERROR", 11: "FATAL", 16: "ERROR"}
    assert summary["stack_traces"] == 3


@pytest.mark.parametrize("lines, expected", [
    pytest.param(["2026/11/29 10:00:00 [INFO] sync: 120 items",
                  "panic: runtime error: slice bounds out of range [:5] with capacity 3", "",
                  "goroutine 1 [running]:", "main.main()", "\t/app/main.go:20 +0x1d"], {2: "FATAL"}, id="panic"),
    pytest.param(["2026-11-29 10:00:00,000 INFO  [main] App - worker pool started",
                  'Exception in thread "worker-1" java.lang.OutOfMemoryError: Java heap space',
                  "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)"], {2: "ERROR"}, id="exception-in-thread"),
])
def test_runtime_crash_right_after_an_info_line_is_an_event(lines, expected, scan_stable, by_line):
    # printed by the runtime (Go) / the JVM's default handler, not by the logger of the INFO line
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    assert by_line(events) == expected
    assert summary["stack_traces"] == 1


def test_crash_starts_in_a_long_file(compose, scan_stable, by_line):
    blocks = [
        (GO_AFTER_LINES, {1: "ERROR", 3: "FATAL"}, 1),
        (TRACEBACK_AFTER_LINES, {1: "ERROR", 4: "ERROR"}, 1),
        (THREAD_EXCEPTION_AFTER_WARN, {1: "WARN", 3: "ERROR"}, 1),
        (JAVA_AFTER_LINES, {1: "ERROR", 3: "ERROR"}, 1),
        (LOGGED["log4j-java"][0], {1: "ERROR"}, 1),
        (LOGGED["warn-with-exception"][0], {1: "WARN"}, 1),
        # after the INFO noise, a level-less line first, so that the crash does not follow a header line
        (["worker shutting down"] + BARE_STARTS, {n + 1: level for n, level in BARE_EVENTS.items()}, 4),
    ]
    data, expected, traces, n_lines = compose(
        blocks * 3, lambda n: f"2026-11-29 10:00:00,000 INFO  [main] App - request {n} served in {n % 40} ms",
        total=3000, seed=31)
    summary, events = scan_stable(data)
    assert by_line(events) == expected
    assert summary["stack_traces"] == traces == 30
    assert summary["lines"] == n_lines
