"""Unit tests of the log scanner (app.log_parser, app.severity, app.grouping, app.decompress)."""
import gzip
import io
import json
import pathlib
import subprocess
import sys

import pytest
import zstandard

from app import grouping
from app.decompress import open_log
from app.log_parser import MAX_LINE_BYTES, summarize

SERVICE_DIR = pathlib.Path(__file__).resolve().parents[1]
SAMPLES = pathlib.Path(__file__).resolve().parent / "samples"


class ReadOnly:
    """Like a botocore StreamingBody: only .read(n), no seek/peek/tell; returns at most `step` bytes."""

    def __init__(self, data: bytes, step: int = 1 << 30):
        self._data = data
        self._pos = 0
        self._step = step

    def read(self, n=-1):
        n = len(self._data) if n is None or n < 0 else n
        out = self._data[self._pos:self._pos + min(n, self._step)]
        self._pos += len(out)
        return out


def scan(text, **kwargs):
    data = text.encode() if isinstance(text, str) else text
    events = []
    summary = summarize(ReadOnly(data), on_event=events.append, **kwargs)
    return summary, events


def lines_of(text: str) -> str:
    return "\n".join(line for line in text.strip("\n").split("\n")) + "\n"


# One realistic sample per format: text, events [(line, level)], same-group pairs, stack_traces.
FORMATS = {
    "log4j_logback": (
        """
2026-11-27 10:00:00.001 [main] INFO  com.acme.App - Service started, error budget ok
2026-11-27 10:00:01.002 [http-nio-8080-exec-1] ERROR com.acme.api.UserController - Failed to load user 42
java.lang.NullPointerException: Cannot invoke "User.getName()" because "u" is null
\tat com.acme.api.UserController.get(UserController.java:51)
\tat jdk.internal.reflect.GeneratedMethodAccessor1.invoke(Unknown Source)
Caused by: java.io.IOException: socket closed
\tat com.acme.db.Conn.read(Conn.java:10)
\t... 31 more
2026-11-27 10:00:02.003 [http-nio-8080-exec-7] ERROR com.acme.api.UserController - Failed to load user 97
2026-11-27 10:00:03.004 [scheduler-1] WARN  com.acme.jobs.Cleanup - Cleanup took 1532 ms
2026-11-27 10:00:04.005 [main] DEBUG com.acme.App - Exception handler registered
2026-11-27 10:00:05.006 [main] FATAL com.acme.App - Cannot bind port 8080
2026-11-27T10:00:06.007Z ERROR 12345 --- [           main] o.s.boot.SpringApplication : Application run failed
""",
        [(2, "ERROR"), (9, "ERROR"), (10, "WARN"), (12, "FATAL"), (13, "ERROR")], [(2, 9)], 1),
    "java_util_logging": (
        """
Nov 27, 2026 10:00:00 AM com.acme.Server start
INFO: Server started, no errors
Nov 27, 2026 10:00:01 AM com.acme.Server handle
SEVERE: Request failed for id 17
java.lang.IllegalArgumentException: bad id
\tat com.acme.Server.handle(Server.java:88)
Nov 27, 2026 10:00:02 AM com.acme.Server handle
WARNING: Slow request 250ms
Nov 27, 2026 10:00:03 AM com.acme.Server handle
SEVERE: Request failed for id 23
""",
        [(4, "ERROR"), (8, "WARN"), (10, "ERROR")], [(4, 10)], 1),
    "python_logging": (
        """
2026-11-27 10:00:00,000 - app.db - INFO - Connected; last error cleared
2026-11-27 10:00:01,000 - app.db - ERROR - Query failed after 3 retries
Traceback (most recent call last):
  File "/srv/app/db.py", line 12, in run
    cur.execute(sql)
psycopg2.OperationalError: server closed the connection unexpectedly
ERROR:root:Could not send mail to ops@example.com
WARNING:root:Disk usage at 91%
[2026-11-27 10:00:02,000] ERROR in app: Exception on /api/orders [GET]
[2026-11-27 10:00:03,000] INFO in app: request finished with error=none
2026-11-27 10:00:04,000 - app.db - CRITICAL - Database unreachable
2026-11-27 10:00:05,000 - app.db - ERROR - Query failed after 5 retries
""",
        [(2, "ERROR"), (7, "ERROR"), (8, "WARN"), (9, "ERROR"), (11, "FATAL"), (12, "ERROR")], [(2, 12)], 1),
    "logfmt": (
        """
ts=2026-11-27T10:00:00Z level=info msg="retrying after error" attempt=1
ts=2026-11-27T10:00:01Z level=error msg="upstream request failed" status=502 url=http://api/x
ts=2026-11-27T10:00:02Z level=warn msg="slow query" duration=2.5s
time="2026-11-27T10:00:03Z" level=error msg="upstream request failed" status=504
time="2026-11-27T10:00:04Z" level=fatal msg="config invalid" err="missing key \\"db\\""
ts=2026-11-27T10:00:05Z caller=main.go:12 level=ERROR msg="disk full"
""",
        [(2, "ERROR"), (3, "WARN"), (4, "ERROR"), (5, "FATAL"), (6, "ERROR")], [(2, 4)], 0),
    "json_lines": (
        """
{"time":"2026-11-27T10:00:00Z","level":"INFO","msg":"handled error page request"}
{"time":"2026-11-27T10:00:01Z","level":"ERROR","msg":"charge failed","error":"card declined","user":12}
{"time":"2026-11-27T10:00:02Z","severity":"WARNING","message":"quota at 80%"}
{"time":"2026-11-27T10:00:03Z","lvl":"Error","msg":"charge failed","error":"card declined","user":99}
{"@timestamp":"2026-11-27T10:00:04Z","log":{"level":"error","logger":"db"},"message":"pool exhausted"}
{"level":50,"time":1764237605000,"msg":"unhandled rejection"}
{"level":30,"time":1764237606000,"msg":"error count reset"}
{"Level":"Fatal","msg":"out of disk"}
{"level":"error","msg":"charge failed","error":"timeout"}
{"level":"error","msg":"boom","stack_trace":"java.lang.IllegalStateException: x\\n\\tat a.B.c(B.java:1)"}
""",
        [(2, "ERROR"), (3, "WARN"), (4, "ERROR"), (5, "ERROR"), (6, "ERROR"), (8, "FATAL"), (9, "ERROR"),
         (10, "ERROR")], [(2, 4)], 1),
    "syslog": (
        """
<34>Nov 27 10:00:00 web01 su[201]: 'su root' failed for lonvick on /dev/pts/8
<13>Nov 27 10:00:01 web01 app[300]: error count is 0
<165>1 2026-11-27T10:00:02.003Z mymachine.example.com evntslog 1234 ID47 [exampleSDID@32473 iut="3"] An application error event
<11>1 2026-11-27T10:00:03Z web02 billing 99 - - payment backend unreachable
<12>Nov 27 10:00:04 web01 kernel: CPU temperature above threshold
<8>Nov 27 10:00:05 web01 kernel: panic imminent
<3>Nov 27 10:00:06 web01 kernel: disk failure on sda
<11>1 2026-11-27T10:00:07Z web03 billing 12 - - payment backend unreachable
""",
        [(1, "FATAL"), (4, "ERROR"), (5, "WARN"), (6, "FATAL"), (7, "ERROR"), (8, "ERROR")], [(4, 8)], 0),
    "apache_error": (
        """
[Fri Nov 27 10:00:00.000001 2026] [mpm_event:notice] [pid 100:tid 200] AH00489: Apache/2.4.58 configured -- resuming normal operations
[Fri Nov 27 10:00:01.000002 2026] [proxy:error] [pid 101:tid 201] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:8080 (backend) failed
[Fri Nov 27 10:00:02.000003 2026] [:warn] [pid 102] [client 10.0.0.1:5000] mod_x: deprecated directive
[Fri Nov 27 10:00:03.000004 2026] [core:info] [pid 103] AH00094: Command line: 'httpd -D FOREGROUND' error log
[Fri Nov 27 10:00:04.000005 2026] [proxy:error] [pid 104:tid 204] (111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:8081 (backend) failed
[Fri Nov 27 10:00:05.000006 2026] [ssl:emerg] [pid 105] AH02311: Fatal error initialising mod_ssl, exiting.
""",
        [(2, "ERROR"), (3, "WARN"), (5, "ERROR"), (6, "FATAL")], [(2, 5)], 0),
    "nginx_error": (
        """
2026/11/27 10:00:00 [notice] 1#1: start worker processes
2026/11/27 10:00:01 [error] 29#29: *3 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: 10.0.0.2, server: localhost, request: "GET /favicon.ico HTTP/1.1"
2026/11/27 10:00:02 [warn] 29#29: *4 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001
2026/11/27 10:00:03 [crit] 29#29: *5 SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share)
2026/11/27 10:00:04 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)
2026/11/27 10:00:05 [alert] 1#1: worker process 31 exited on signal 9
2026/11/27 10:00:06 [error] 30#30: *9 open() "/usr/share/nginx/html/robots.txt" failed (2: No such file or directory), client: 10.0.0.9, server: localhost, request: "GET /robots.txt HTTP/1.1"
2026/11/27 10:00:07 [info] 29#29: *6 client closed connection while waiting for request, error ignored
""",
        [(2, "ERROR"), (3, "WARN"), (4, "FATAL"), (5, "FATAL"), (6, "FATAL"), (7, "ERROR")], [(2, 7)], 0),
    "logcat": (
        """
11-27 10:00:00.100  1702  2395 I ActivityManager: Displayed com.acme/.Main: +350ms (error=0)
11-27 10:00:01.200  1702  2395 E AndroidRuntime: FATAL EXCEPTION: main
11-27 10:00:01.201  1702  2395 E AndroidRuntime: Process: com.acme, PID: 4242
11-27 10:00:02.300  3001  3001 W System.err: java.net.SocketTimeoutException: timeout
11-27 10:00:03.400   911   911 F libc    : Fatal signal 11 (SIGSEGV), code 1
E/AndroidRuntime( 4242): FATAL EXCEPTION: main
W/ConnectivityService(  512): Network lost
I/ActivityManager(  512): Start proc 4242:com.acme/u0a88 for error activity
A/libc    ( 1234): Abort message: 'assertion failed'
""",
        [(2, "ERROR"), (3, "ERROR"), (4, "WARN"), (5, "FATAL"), (6, "ERROR"), (7, "WARN"), (9, "FATAL")],
        [(2, 6)], 0),
    "klog": (
        """
I1127 10:00:00.000000       1 server.go:42] Serving on :8443, errors will be logged
E1127 10:00:01.000000       1 controller.go:114] error syncing 'default/web-1': pods "web-1" not found
W1127 10:00:02.000000       1 reflector.go:324] watch of *v1.Pod ended with: too old resource version: 123 (456)
E1127 10:00:03.000000       1 controller.go:114] error syncing 'default/web-2': pods "web-2" not found
F1127 10:00:04.000000       1 main.go:50] cannot start: config missing
""",
        [(2, "ERROR"), (3, "WARN"), (4, "ERROR"), (5, "FATAL")], [(2, 4)], 0),
    "bracketed": (
        """
[2026-11-27 10:00:00] [INFO] worker started, error rate 0
[2026-11-27 10:00:01] [ERROR] job 17 failed: timeout after 30s
[2026-11-27 10:00:02] [WARNING] queue length 1200 above threshold
[2026-11-27 10:00:03] [ERROR] job 18 failed: timeout after 45s
[2026-11-27 10:00:04] [FATAL] scheduler crashed
[10:00:05 ERR] Serilog style failure for order 5
[2026-11-27 10:00:06,123: ERROR/ForkPoolWorker-1] Task tasks.send[abc] raised unexpected: ValueError('x')
""",
        [(2, "ERROR"), (3, "WARN"), (4, "ERROR"), (5, "FATAL"), (6, "ERROR"), (7, "ERROR")], [(2, 4)], 0),
    "level_after_fields": (
        """
2026-11-27T10:00:00.123Z web01 checkout[4242]: [worker-3] ERROR c.a.Checkout - Payment 881 declined
2026-11-27T10:00:01.123Z web01 checkout[4242]: [worker-4] INFO c.a.Checkout - Payment 882 ok after error retry
2026-11-27 10:00:02.000 UTC [3312] app@orders ERROR:  duplicate key value violates unique constraint "orders_pkey"
2026-11-27 10:00:03.000 UTC [3313] app@orders LOG:  checkpoint complete, 0 errors
2026-11-27T10:00:04.000+01:00  WARN 12345 --- [           main] o.s.b.a.Startup : Slow startup: 12 s
E, [2026-11-27T10:00:05.000000 #4242] ERROR -- checkout: Payment 883 declined
2026-11-27T10:00:06.123Z web02 checkout[4243]: [worker-9] ERROR c.a.Checkout - Payment 990 declined
2026-11-27 10:00:07.000 host-1 sshd[200]: error: kex_exchange_identification: Connection closed by remote host
2026-11-27T10:00:08.123Z\terror\tpayments/retry.go:42\tgiving up after 5 attempts
[2026-11-27T10:00:09Z ERROR my_service::db] connection pool timed out
2026-11-27 10:00:10.000 host-1 app[1]: connection error while flushing
""",
        [(1, "ERROR"), (3, "ERROR"), (5, "WARN"), (6, "ERROR"), (7, "ERROR"), (8, "ERROR"), (9, "ERROR"),
         (10, "ERROR")], [(1, 7)], 0),
    "exceptions_without_level": (
        """
Exception in thread "main" java.lang.IllegalStateException: boom
\tat com.acme.Main.main(Main.java:5)
panic: runtime error: index out of range [5] with length 3

goroutine 1 [running]:
main.main()
\t/app/main.go:8 +0x1d
exit status 2
Unhandled exception. System.InvalidOperationException: Sequence contains no elements
   at System.Linq.ThrowHelper.ThrowNoElementsException()
   at Program.Main(String[] args) in /src/Program.cs:line 12
java.util.concurrent.TimeoutException: waited 30 seconds
2026-11-27 10:00:00,000 INFO  [main] Job - retrying after failure
java.io.IOException: broken pipe
\tat com.acme.Io.write(Io.java:3)
""",
        [(1, "ERROR"), (3, "FATAL"), (9, "ERROR"), (12, "ERROR"), (14, "ERROR")], [], 4),
    "dotnet_console": (
        """
info: Microsoft.Hosting.Lifetime[14]
      Now listening on: http://localhost:5000
fail: Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware[1]
      An unhandled exception has occurred while executing the request.
      System.Exception: boom
         at Api.Controllers.X.Get() in /src/X.cs:line 10
warn: Microsoft.AspNetCore.HttpsPolicy[3]
      Failed to determine the https port for redirect.
""",
        [(3, "ERROR"), (7, "WARN")], [], 1),
    "python_tracebacks": (
        """
INFO starting job, errors so far: 0
Traceback (most recent call last):
  File "job.py", line 3, in <module>
    main()
KeyError: 'user_id'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "job.py", line 5, in <module>
    raise RuntimeError("lookup failed")
RuntimeError: lookup failed
Traceback (most recent call last):
  File "other.py", line 1, in <module>
KeyError: 'account'
""",
        [(2, "ERROR"), (13, "ERROR")], [], 2),
    "misc_runtimes": (
        """
[27-Nov-2026 10:00:00 UTC] PHP Notice:  Undefined index: error in /var/www/a.php on line 3
[27-Nov-2026 10:00:01 UTC] PHP Fatal error:  Uncaught Exception: boom in /var/www/b.php:7
[27-Nov-2026 10:00:02 UTC] PHP Warning:  file_get_contents(/tmp/x): Failed to open stream in /var/www/c.php on line 9
[2026-11-27 10:00:03 +0000] [123] [ERROR] Worker (pid:124) was sent SIGKILL! Perhaps out of memory?
[2026-11-27 10:00:04 +0000] [123] [INFO] Booting worker with pid: 125 after error
thread 'main' panicked at src/main.rs:5:5:
index out of bounds: the len is 3 but the index is 7
stack backtrace:
   0: rust_begin_unwind
/app/index.js:1
throw new Error("config missing");
^

Error: config missing
    at Object.<anonymous> (/app/index.js:1:7)
\ufeffnot a bom here
""",
        [(2, "FATAL"), (3, "WARN"), (4, "ERROR"), (6, "ERROR"), (14, "ERROR")], [], 2),
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_formats(name):
    text, want_events, same_groups, want_traces = FORMATS[name]
    summary, events = scan(lines_of(text))
    assert [(e["line"], e["level"]) for e in events] == want_events
    want_counts = {level: sum(1 for _, lv in want_events if lv == level) for level in ("FATAL", "ERROR", "WARN")}
    assert summary["counts"] == want_counts
    assert summary["stack_traces"] == want_traces
    group = {e["line"]: e["group"] for e in events}
    for a, b in same_groups:
        assert group[a] == group[b], (a, b)
    # Every other event is in a group of its own.
    assert summary["groups_total"] == len(want_events) - len(same_groups)
    assert summary["lines"] == len(text.strip("\n").split("\n"))
    ids = {g["id"] for g in summary["groups"]}
    assert set(group.values()) == ids


def test_info_lines_mentioning_errors_are_not_events():
    text = lines_of("""
2026-11-27 10:00:00,000 INFO  [main] App - Retried after Exception in worker; error count 0
2026-11-27 10:00:00,000 DEBUG [main] App - ERROR handler installed, FATAL path disabled
{"level":"info","msg":"error: none","error":"none"}
level=debug msg="panic recovered" err=nil
<14>Nov 27 10:04:01 web01 cron[99]: (root) CMD (run-parts /etc/cron.hourly) error-free
I1127 10:06:01.000000       1 x.go:1] error handling disabled
plain text line about an error in the docs
""")
    summary, events = scan(text)
    assert events == []
    assert summary["counts"] == {"FATAL": 0, "ERROR": 0, "WARN": 0}


def test_contract_sample():
    summary, events = scan((SAMPLES / "contract_sample.log").read_bytes())
    assert summary["lines"] == 41
    assert summary["counts"] == {"FATAL": 1, "ERROR": 12, "WARN": 4}
    assert summary["stack_traces"] == 3
    assert summary["groups_total"] == 15
    assert [[e["line"], e["level"]] for e in events] == [
        [2, "WARN"], [3, "ERROR"], [10, "ERROR"], [12, "FATAL"], [13, "ERROR"], [19, "WARN"], [20, "ERROR"],
        [22, "ERROR"], [23, "WARN"], [24, "ERROR"], [26, "ERROR"], [28, "ERROR"], [30, "ERROR"], [31, "ERROR"],
        [33, "WARN"], [34, "ERROR"], [37, "ERROR"]]
    group = {e["line"]: e["group"] for e in events}
    assert group[3] == group[10] and group[20] == group[22]
    top = summary["groups"][0]
    assert top == {"id": group[3], "level": "ERROR", "template": "com.acme.api.OrderController - Failed to load order <N>",
                   "count": 2, "first_line": 3, "last_line": 10,
                   "sample": "2026-11-27 10:00:02,305 ERROR [http-8080-3] com.acme.api.OrderController - Failed to load order 81723"}
    traceback_group = next(g for g in summary["groups"] if g["first_line"] == 37)
    assert traceback_group["template"] == "KeyError: <STR>"


def test_group_id_is_stable_and_depends_on_level():
    assert grouping.group_id("ERROR", "x <N>") == grouping.group_id("ERROR", "x <N>")
    assert grouping.group_id("ERROR", "x <N>") != grouping.group_id("WARN", "x <N>")
    assert len(grouping.group_id("ERROR", "x")) == 12


@pytest.mark.parametrize("message, template", [
    ("user 42 failed at 10.0.0.7:5123", "user <N> failed at <IP>"),
    ("GET https://api.example.com/v1/orders?id=9 timed out after 1.5s", "GET <URL> timed out after <DUR>"),
    ("no such file /var/lib/app/data/17.db", "no such file <PATH>"),
    ("request 123e4567-e89b-12d3-a456-426614174000 by bob@example.com", "request <UUID> by <EMAIL>"),
    ("key 'abc' missing, ptr 0x7ffd1234, sha 9f86d081884c7d65", "key <STR> missing, ptr <HEX>, sha <HEX>"),
    ('status=502 url="http://x/y" user=alice', "status=<*> url=<*> user=<*>"),
    ("took 250ms", "took <DUR>"),
])
def test_templates_mask_variable_parts(message, template):
    assert grouping.make_template(message) == template


def test_different_errors_stay_apart():
    summary, events = scan(lines_of("""
2026-11-27 10:00:00,000 ERROR [a] com.acme.Orders - Failed to load order 1
2026-11-27 10:00:00,000 ERROR [a] com.acme.Orders - Failed to save order 1
2026-11-27 10:00:00,000 ERROR [a] com.acme.Users - Failed to load order 1
2026-11-27 10:00:00,000 WARN  [a] com.acme.Orders - Failed to load order 1
"""))
    assert len({e["group"] for e in events}) == 4


def test_groups_sorted_and_capped():
    # Each name stands in two places, so no two templates differ in one position only: nothing merges.
    names = [f"k{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(60)]
    text = "".join(f"2026-11-27 10:00:00,000 ERROR [m] App - failure {n} via {n}\n" for n in names)
    text += "2026-11-27 10:00:00,000 ERROR [m] App - failure kba via kba\n" * 3
    summary, _ = scan(text, max_groups=5)
    assert summary["groups_total"] == 60
    assert len(summary["groups"]) == 5
    assert summary["groups"][0]["template"] == "App - failure kba via kba" and summary["groups"][0]["count"] == 4
    assert summary["groups"][0]["last_line"] == 63
    assert [g["first_line"] for g in summary["groups"][1:]] == [1, 3, 4, 5]


def test_group_table_bounded_but_total_honest(monkeypatch):
    monkeypatch.setattr(grouping, "MAX_TRACKED_GROUPS", 10)
    names = [f"m{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(300)]
    text = "".join(f"2026-11-27 10:00:00,000 ERROR [m] App - failure in module {n} at {n}\n" for n in names)
    summary, events = scan(text)
    assert summary["counts"]["ERROR"] == 300
    assert summary["groups_total"] == 300
    assert len(summary["groups"]) == 10
    assert len({e["group"] for e in events}) == 300


def test_distinct_counter_switches_to_estimate():
    counter = grouping.DistinctCounter(exact_limit=1000)
    for i in range(50_000):
        counter.add(i * 7919)
        counter.add(i * 7919)  # duplicates do not count
    assert abs(counter.count() - 50_000) < 50_000 * 0.03


def test_empty_input():
    summary, events = scan(b"")
    assert events == []
    assert summary == {"lines": 0, "bytes": 0, "counts": {"FATAL": 0, "ERROR": 0, "WARN": 0}, "stack_traces": 0,
                       "groups": [], "groups_total": 0, "incomplete": False, "error": None}


def test_lines_bytes_crlf_and_missing_final_newline():
    data = b"2026-11-27 10:00:00 INFO a\r\n2026-11-27 10:00:01 ERROR b failed\r\n\r\n2026-11-27 10:00:02 WARN c"
    summary, events = scan(data)
    assert summary["lines"] == 4 and summary["bytes"] == len(data)
    assert [(e["line"], e["level"]) for e in events] == [(2, "ERROR"), (4, "WARN")]
    assert summary["groups"][0]["sample"] == "2026-11-27 10:00:01 ERROR b failed"


def test_invalid_utf8_does_not_break_scan():
    data = b"2026-11-27 10:00:00 ERROR bad bytes \xff\xfe\xc3 here\n\xc3\x28 INFO latin1 caf\xe9\n"
    summary, events = scan(data)
    assert [(e["line"], e["level"]) for e in events] == [(1, "ERROR")]
    assert summary["lines"] == 2
    assert "\ufffd" in summary["groups"][0]["sample"]


def test_multibyte_characters_split_across_reads():
    data = "2026-11-27 10:00:00 ERROR Zürich – 東京 failed\n".encode() * 3
    summary = summarize(ReadOnly(data, step=7))
    assert summary["counts"]["ERROR"] == 3 and summary["groups_total"] == 1
    assert summary["groups"][0]["sample"] == "2026-11-27 10:00:00 ERROR Zürich – 東京 failed"


@pytest.mark.parametrize("size", [1 << 20, 3 << 20])
def test_overlong_line_is_truncated(size):
    first = b"2026-11-27 10:00:00 ERROR huge payload " + b"x" * size + b"\n"
    data = first + b"2026-11-27 10:00:01 ERROR after the huge line\n" + b"y" * size
    summary, events = scan(data)
    assert summary["lines"] == 3 and summary["bytes"] == len(data)
    assert [(e["line"], e["level"]) for e in events] == [(1, "ERROR"), (2, "ERROR")]
    sample = summary["groups"][0]["sample"] if summary["groups"][0]["first_line"] == 1 else summary["groups"][1]["sample"]
    assert len(sample) == grouping.SAMPLE_MAX_CHARS + 1 and sample.endswith("…")
    assert all(len(g["template"]) <= grouping.TEMPLATE_MAX_CHARS for g in summary["groups"])
    assert MAX_LINE_BYTES == 64 * 1024


def test_read_only_stream_with_small_reads():
    data = (SAMPLES / "contract_sample.log").read_bytes()
    summary = summarize(ReadOnly(data, step=3))
    assert summary["lines"] == 41 and summary["counts"] == {"FATAL": 1, "ERROR": 12, "WARN": 4}


def test_gzip_and_zstd_detected_from_bytes(tmp_path):
    plain = (SAMPLES / "contract_sample.log").read_bytes()
    want = summarize(io.BytesIO(plain))
    gz = gzip.compress(plain)
    zst = zstandard.ZstdCompressor().compress(plain)
    for blob in (gz, zst):
        got = summarize(ReadOnly(blob, step=5))
        assert got == want
        assert got["bytes"] == len(plain)
    (tmp_path / "archive").write_bytes(zst)  # no extension: the bytes decide
    with open(tmp_path / "archive", "rb") as f:
        assert open_log(f).read() == plain


def test_multi_member_gzip_and_multi_frame_zstd():
    a, b = b"2026-11-27 10:00:00 ERROR one\n", b"2026-11-27 10:00:01 WARN two\n"
    for blob in (gzip.compress(a) + gzip.compress(b),
                 zstandard.ZstdCompressor().compress(a) + zstandard.ZstdCompressor().compress(b)):
        summary = summarize(ReadOnly(blob))
        assert summary["lines"] == 2 and summary["counts"] == {"FATAL": 0, "ERROR": 1, "WARN": 1}
        assert summary["incomplete"] is False


def test_truncated_gzip_gives_partial_summary():
    plain = b"".join(b"2026-11-27 10:00:%02d ERROR failure number %d\n" % (i % 60, i) for i in range(5000))
    blob = gzip.compress(plain)
    summary = summarize(ReadOnly(blob[: len(blob) // 2]))
    assert summary["incomplete"] is True
    assert "truncated" in summary["error"]
    assert 0 < summary["counts"]["ERROR"] < 5000
    assert 0 < summary["bytes"] < len(plain)


def test_truncated_zstd_gives_partial_summary():
    plain = b"".join(b"2026-11-27 10:00:%02d ERROR failure number %d\n" % (i % 60, i) for i in range(5000))
    blob = zstandard.ZstdCompressor().compress(plain)
    summary = summarize(ReadOnly(blob[:-10]))
    assert summary["incomplete"] is True and "truncated" in summary["error"]


def test_corrupt_gzip_gives_partial_summary():
    plain = b"".join(b"2026-11-27 10:00:00 ERROR failure %d\n" % i for i in range(20000))
    blob = bytearray(gzip.compress(plain, compresslevel=1))
    blob[len(blob) // 2:len(blob) // 2 + 64] = b"\xff" * 64
    summary = summarize(ReadOnly(bytes(blob)))
    assert summary["incomplete"] is True and "gzip" in summary["error"]
    assert summary["lines"] < 20000


def test_neutral_gap_ends_an_event():
    text = "2026-11-27 10:00:00 ERROR first\n" + "some output\n" * 12 + "java.lang.IllegalStateException: x\n"
    _, events = scan(text)
    assert [(e["line"], e["level"]) for e in events] == [(1, "ERROR"), (14, "ERROR")]
    # Only the exception right after the header line belongs to it; after other lines it is an event of its own.
    text = "2026-11-27 10:00:00 ERROR first\n" + "some output\n" * 3 + "java.lang.IllegalStateException: x\n"
    _, events = scan(text)
    assert [(e["line"], e["level"]) for e in events] == [(1, "ERROR"), (5, "ERROR")]
    text = "2026-11-27 10:00:00 ERROR first\n" + "java.lang.IllegalStateException: x\n"
    _, events = scan(text)
    assert [(e["line"], e["level"]) for e in events] == [(1, "ERROR")]


def test_container_prefixed_lines():
    text = lines_of("""
2026-11-27T10:00:00.000000001Z stdout F 2026-11-27 10:00:00 INFO ok
2026-11-27T10:00:01.000000001Z stderr F 2026-11-27 10:00:01 ERROR db down
2026-11-27T10:00:01.000000002Z stderr F \tat com.acme.Db.open(Db.java:1)
{"log":"2026-11-27 10:00:02 WARN disk at 91%\\n","stream":"stderr","time":"2026-11-27T10:00:02Z"}
""")
    summary, events = scan(text)
    assert [(e["line"], e["level"]) for e in events] == [(2, "ERROR"), (4, "WARN")]
    assert summary["stack_traces"] == 1


# --- CLI -------------------------------------------------------------------------------------------

def run_cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "app.log_parser", *map(str, args)], cwd=SERVICE_DIR,
                          input=stdin, capture_output=True, timeout=60)


def test_cli_summaries_one_per_file(tmp_path):
    gz = tmp_path / "sample"  # gzip without a .gz name
    gz.write_bytes(gzip.compress((SAMPLES / "contract_sample.log").read_bytes()))
    p = run_cli(SAMPLES / "contract_sample.log", gz)
    assert p.returncode == 0, p.stderr
    out = [json.loads(line) for line in p.stdout.decode().splitlines()]
    assert len(out) == 2
    for summary in out:
        assert summary["lines"] == 41 and summary["groups_total"] == 15 and summary["stack_traces"] == 3
        assert summary["counts"] == {"FATAL": 1, "ERROR": 12, "WARN": 4}


def test_cli_events_match_summary_groups():
    p = run_cli("--events", SAMPLES / "contract_sample.log")
    assert p.returncode == 0, p.stderr
    events = [json.loads(line) for line in p.stdout.decode().splitlines()]
    assert len(events) == 17 and events[0] == {"line": 2, "level": "WARN", "group": events[0]["group"]}
    summary = json.loads(run_cli(SAMPLES / "contract_sample.log").stdout)
    assert {e["group"] for e in events} == {g["id"] for g in summary["groups"]}


def test_cli_stdin():
    data = zstandard.ZstdCompressor().compress(b"2026-11-27 10:00:00 ERROR from stdin\n")
    p = run_cli("-", stdin=data)
    assert p.returncode == 0, p.stderr
    summary = json.loads(p.stdout)
    assert summary["lines"] == 1 and summary["counts"]["ERROR"] == 1


def test_cli_missing_file_exits_2(tmp_path):
    p = run_cli(tmp_path / "nope.log")
    assert p.returncode == 2
    assert b"nope.log" in p.stderr and p.stdout == b""


def test_cli_directory_and_usage_errors_exit_2(tmp_path):
    assert run_cli(tmp_path).returncode == 2
    p = run_cli()
    assert p.returncode == 2 and b"usage" in p.stderr.lower()
    assert run_cli("--bogus", SAMPLES / "contract_sample.log").returncode == 2


def test_byte_order_mark_is_ignored():
    data = b"\xef\xbb\xbf{\"level\":\"error\",\"msg\":\"first line\"}\n"
    for step in (1, 1 << 20):
        events = []
        summary = summarize(ReadOnly(data, step=step), on_event=events.append)
        assert [(e["line"], e["level"]) for e in events] == [(1, "ERROR")]
        assert summary["groups"][0]["template"] == "first line" and summary["bytes"] == len(data)
