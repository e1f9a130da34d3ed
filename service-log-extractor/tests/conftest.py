import collections
import gzip
import io
import json
import pathlib
import random
import subprocess
import sys
import threading

import boto3
import pytest
from flask import Flask, jsonify, request
from moto import mock_aws
from werkzeug.serving import make_server

from app import severity
from app.config import Config
from app.log_parser import summarize
from app.main import create_app

BUCKET = "test-logs"
MISSING_BUCKET = "no-such-bucket"  # allowed by LOGS_BUCKETS but never created: a 404, not a 403
EXTRACT_TOKEN = "extract-token-for-tests-0001"   # what the receiver sends (EXTRACTOR_TOKEN)
WRITE_TOKEN = "write-token-for-tests-0001"       # what the extractor sends to storage (RESULTS_WRITE_TOKEN)
SAMPLE = (b"2026-11-27 10:00:00,001 INFO  [main] App - starting\n"
          b"2026-11-27 10:00:02,305 ERROR [http-1] Orders - Failed to load order 81723\n"
          b"2026-11-27 10:00:03,305 ERROR [http-2] Orders - Failed to load order 90211\n"
          b"2026-11-27 10:00:04,000 WARN  [pool-1] Pool - pool at 85% capacity\n")


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(Bucket=BUCKET)
        yield client


class FakeStorage:
    """A stand-in for result-storage over real HTTP: records posts, answers with a scripted status."""

    def __init__(self):
        self.posted: list[dict] = []
        self.status = 201
        app = Flask("fake-storage")

        @app.post("/results")
        def results():
            if request.headers.get("Authorization") != f"Bearer {WRITE_TOKEN}":  # as storage checks it
                return jsonify({"error": "invalid bearer token", "details": []}), 401
            self.posted.append(request.get_json())
            if self.status >= 400:
                return jsonify({"error": "scripted failure", "details": []}), self.status
            return jsonify(dict(self.posted[-1], id="fake-id")), self.status

        @app.get("/healthz")
        def healthz():
            return jsonify({"status": "ok"})

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def storage():
    fake = FakeStorage()
    yield fake
    fake.close()


@pytest.fixture
def make_app():
    """make_app(**config) -> the extractor app with the test tokens and buckets, other settings as given."""

    def _make(**settings):
        settings = {"extractor_tokens": (EXTRACT_TOKEN,), "results_write_token": WRITE_TOKEN,
                    "logs_buckets": (BUCKET, MISSING_BUCKET), **settings}
        return create_app(Config(**settings))

    return _make


@pytest.fixture
def authorized():
    """authorized(app) -> a test client that sends the receiver's token with every request."""

    def _client(app):
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {EXTRACT_TOKEN}"
        return client

    return _client


@pytest.fixture
def client(s3, storage, make_app, authorized):
    return authorized(make_app(storage_url=storage.url, storage_timeout=5))


@pytest.fixture
def gz_sample():
    return gzip.compress(SAMPLE)


# --- scanning helpers for the extractor's input-kind tests (test modules share these only as fixtures) ---

SERVICE_DIR = pathlib.Path(__file__).resolve().parents[1]
READ_SIZES = (None, 4096, 7)  # None: everything in one read


class ChunkedStream:
    """A read-only stream (like a botocore StreamingBody) whose .read(n) / .readinto(b) hand out at most `k`
    bytes per call, so that read boundaries fall inside lines, records, escapes and multi-byte characters."""

    def __init__(self, data: bytes, k: int | None = None):
        self._data = bytes(data)
        self._pos = 0
        self._k = k or (1 << 62)

    def readable(self):
        return True

    def read(self, n=-1):
        rest = len(self._data) - self._pos
        n = rest if n is None or n < 0 else min(n, self._k, rest)
        out = self._data[self._pos:self._pos + n]
        self._pos += len(out)
        return out

    def readinto(self, b):
        view = memoryview(b).cast("B")
        n = min(len(view), self._k, len(self._data) - self._pos)
        view[:n] = self._data[self._pos:self._pos + n]
        self._pos += n
        return n


def _check_consistency(summary, events):
    """What the contract ties together in every summary: counts, event order, group ids."""
    per_class = collections.Counter(e["level"] for e in events)
    assert {k: v for k, v in summary["counts"].items() if v} == dict(per_class), "counts disagree with events"
    lines = [e["line"] for e in events]
    assert lines == sorted(set(lines)), "events not in file order (or two on one line)"
    assert all(1 <= n <= max(summary["lines"], 1) for n in lines), "event line outside the scanned lines"
    if summary["groups_total"] <= len(summary["groups"]):  # not capped: every event's group is listed
        ids = {g["id"]: g for g in summary["groups"]}
        for e in events:
            assert e["group"] in ids and ids[e["group"]]["level"] == e["level"], e


@pytest.fixture
def chunked_stream():
    """The ChunkedStream class: chunked_stream(data, k)."""
    return ChunkedStream


@pytest.fixture
def scan():
    """scan(data, k=None) -> (summary, events): summarize() over a stream giving at most k bytes per read."""

    def _scan(data, k=None, **kwargs):
        data = data.encode() if isinstance(data, str) else data
        events = []
        summary = summarize(ChunkedStream(data, k), on_event=events.append, **kwargs)
        return summary, events

    return _scan


@pytest.fixture
def scan_stable(scan):
    """scan_stable(data, sizes=None) -> (summary, events), after checking that every read size (whole, 4096, 7,
    and 1 for small inputs) gives exactly the same summary and events, and that the summary is consistent."""

    def _scan_stable(data, sizes=None):
        data = data.encode() if isinstance(data, str) else data
        if sizes is None:
            sizes = READ_SIZES + ((1,) if len(data) <= 20000 else ())
        base = scan(data, sizes[0])
        for k in sizes[1:]:
            other = scan(data, k)
            assert other[1] == base[1], f"events differ with reads of at most {k} bytes"
            assert other[0] == base[0], f"summary differs with reads of at most {k} bytes"
        _check_consistency(*base)
        return base

    return _scan_stable


@pytest.fixture
def by_line():
    """by_line(events) -> {line: level}."""
    return lambda events: {e["line"]: e["level"] for e in events}


@pytest.fixture
def group_of():
    """group_of(summary, event) -> the summary's group of that event (None when not listed)."""
    return lambda summary, event: next((g for g in summary["groups"] if g["id"] == event["group"]), None)


@pytest.fixture
def assert_clean_groups():
    """assert_clean_groups(summary, *texts): no template or sample contains any of the texts."""

    def _check(summary, *texts):
        for g in summary["groups"]:
            for t in texts:
                assert t not in g["template"], (t, g["template"])
                assert t not in g["sample"], (t, g["sample"])

    return _check


@pytest.fixture
def compose():
    """compose(blocks, noise, total=3000, seed=0, eol="\\n") -> (data: bytes, expected {line: level}, traces, lines).

    blocks: [(lines, {offset (1-based in the block): level}, stack traces in the block)]; noise(n) gives the text
    of a level-INFO line for physical line n. The first block starts on line 1, the last one ends the file, and
    `total` noise lines (at least one between two blocks) are spread between them at seeded random places."""

    def _compose(blocks, noise, total=3000, seed=0, eol="\n"):
        rnd = random.Random(seed)
        between = len(blocks) - 1
        if between:
            cuts = sorted(rnd.sample(range(1, total), between - 1)) if between > 1 else []
            gaps = [0] + [b - a for a, b in zip([0] + cuts, cuts + [total])]
            tail = 0
        else:
            gaps, tail = [0], total
        out, expected, traces = [], {}, 0
        for (lines, events, n_traces), gap in zip(blocks, gaps):
            for _ in range(gap):
                out.append(noise(len(out) + 1))
            for off, level in events.items():
                expected[len(out) + off] = level
            out.extend(lines)
            traces += n_traces
        for _ in range(tail):
            out.append(noise(len(out) + 1))
        eol_b = eol.encode() if isinstance(eol, str) else eol
        data = b"".join((x.encode() if isinstance(x, str) else x) + eol_b for x in out)
        return data, expected, traces, len(out)

    return _compose


@pytest.fixture
def run_cli():
    """run_cli(*args) -> parsed JSON lines of `python -m app.log_parser args` run in the service dir (exit 0)."""

    def _run(*args):
        p = subprocess.run([sys.executable, "-m", "app.log_parser", *map(str, args)], cwd=SERVICE_DIR,
                           capture_output=True, timeout=120)
        assert p.returncode == 0, f"exit {p.returncode}: {p.stderr.decode(errors='replace')[-500:]}"
        return [json.loads(x) for x in p.stdout.decode("utf-8").splitlines() if x.strip()]

    return _run


# --- the shared corpus of the scanner tests (test modules reach it only through the fixtures below) ---

ROOT = SERVICE_DIR.parent
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


def _lines_of(text: str) -> str:
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


TEXTS = {name: _lines_of(sample[0]) for name, sample in FORMATS.items()}
TEXTS["contract"] = (SAMPLES / "contract_sample.log").read_text()
TEXTS["demo"] = (ROOT / "samples" / "app-errors.log").read_text()
ALL_LINES = [line for text in TEXTS.values() for line in text.splitlines()]


def _shuffled(seed: int, n: int = 3000) -> str:
    rng = random.Random(seed)
    return "\n".join(rng.choice(ALL_LINES) for _ in range(n)) + "\n"


TEXTS.update({f"shuffled-{seed}": _shuffled(seed) for seed in range(3)})


# Level words in every case, in every place a format puts one, plus exception starts and fixed-layout formats:
# each line the classifier takes as an event must be found by the engines, and each INFO twin must not count.
_EVENT_WORDS = sorted({w for w, lvl in severity._LEVELS.items() if lvl != severity.OTHER} | {"fail"})
_PLACES = [
    "2026-11-27 10:00:00,123 {w} [main] com.acme.X - boom 42", "2026-11-27 10:00:00 [{w}] boom",
    "[2026-11-27 10:00:00] [ {w} ] boom", "[Thu Nov 27 10:00:00.123 2026] [core:{w}] [pid 1] boom",
    "<{w}> boom", "time=2026-11-27T10:00:00Z level={w} msg=boom", 'time=x level="{w}" msg="boom"',
    '{{"level":"{w}","msg":"boom"}}', '{{"log":{{"level":"{w}"}},"message":"boom"}}',
    '{{"severity": "{w}", "message": "boom"}}', "{w}: boom", "{w}\tboom", "{w},\tboom",
    "Nov 27 10:00:00 web1 app[12]: {w}: boom", "app: {w}: boom", "2026-11-27 10:00:00 - billing - {w} - boom",
]
_FIXED = [
    "java.lang.IllegalStateException: x", "ValueError: bad", "SomeError", "com.x.SoapFault:", "x.y.FooThrowable",
    "Traceback (most recent call last):", "panic: boom", "fatal error: all goroutines are asleep",
    "thread 'main' panicked at src/main.rs:2:5:", "Unhandled exception. System.X: y", "Uncaught Error in foo",
    'Exception in thread "main" java.lang.X', "PHP Fatal error:  Uncaught Exception: x", "PHP Warning:  foo",
    '{"level":50,"msg":"x"}', '{"level": "60", "msg": "x"}', "E1127 10:00:00.000000       1 x.go:12] boom",
    "11-27 10:00:00.000  1234  1250 E Tag: boom", "E/Tag( 123): boom", "11-27 10:00:00.000 W/Tag(  7): x",
    "F/libc: Fatal signal 11", "A/DEBUG: Abort message", "<11>Nov 27 10:00:00 web1 app[1]: boom",
    "<187>1 2026-11-27T10:00:00Z web1 app 1 - - boom",
]


def _tricky_lines() -> list[str]:
    inner = [p.format(w=v) for w in _EVENT_WORDS for v in (w, w.title(), w.upper()) for p in _PLACES] + _FIXED
    # in envelopes: a sample of the level places, and every fixed-layout line (each its own engine pattern)
    wrapped = inner[::5] + _FIXED
    docker = [json.dumps({"log": line + "\n", "stream": "stdout"}) for line in wrapped]
    cri = ["2026-11-27T10:00:00.123456789Z stderr F " + line for line in wrapped]
    journald = [json.dumps({"MESSAGE": line, "PRIORITY": "6", "SYSLOG_IDENTIFIER": "app"}) for line in wrapped]
    syslog = ["<14>1 2026-11-27T10:00:00Z web1 app 1 - - " + line for line in wrapped]
    return inner + docker + cri + journald + syslog


# Every real log file the tests hold: the demo's samples, the contract sample, the field cases, the outside logs.
_TESTS_DIR = pathlib.Path(__file__).resolve().parent
SAMPLE_FILES = sorted(p for d in (_TESTS_DIR.parents[1] / "samples", _TESTS_DIR / "samples", _TESTS_DIR / "field_cases",
                                  _TESTS_DIR / "outside_logs") for p in d.rglob("*") if p.is_file())


@pytest.hookimpl(trylast=True)  # after the tests' own parametrize marks, so that ids read e.g. "hyperscan-klog"
def pytest_generate_tests(metafunc):
    """Parametrize, over the sorted names, every test taking `format_name` (FORMATS) or `text_name` (TEXTS);
    the fixtures `format_sample` and `corpus_text` then give the data of that name. A test taking `sample_path`
    runs once for each file of SAMPLE_FILES. A test taking
    `rejected_auth_header` runs once for each Authorization header the extractor must refuse."""
    if "format_name" in metafunc.fixturenames:
        metafunc.parametrize("format_name", sorted(FORMATS))
    if "text_name" in metafunc.fixturenames:
        metafunc.parametrize("text_name", sorted(TEXTS))
    if "sample_path" in metafunc.fixturenames:
        metafunc.parametrize("sample_path", SAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
    if "rejected_auth_header" in metafunc.fixturenames:
        # none, an unknown token, storage's write token (valid, but for the other direction), another scheme
        metafunc.parametrize("rejected_auth_header",
                             [None, "Bearer wrong-token-0123456789", f"Bearer {WRITE_TOKEN}", "Basic abc"])


@pytest.fixture
def read_only():
    """The ReadOnly class: read_only(data, step=1 << 30), a stream with only .read(n), at most `step` bytes a call."""
    return ReadOnly


@pytest.fixture
def lines_of():
    """lines_of(text) -> the text without its leading and trailing blank lines, newline-terminated."""
    return _lines_of


@pytest.fixture
def format_sample(format_name):
    """FORMATS[format_name]: (text, events [(line, level)], same-group line pairs, stack_traces)."""
    return FORMATS[format_name]


@pytest.fixture(scope="session")
def texts():
    """{name: text}: every format sample (as lines_of gives it), "contract", "demo", and "shuffled-0".."shuffled-2"
    (3000 lines each drawn from all the others, seeded)."""
    return TEXTS


@pytest.fixture
def corpus_text(text_name):
    """TEXTS[text_name]."""
    return TEXTS[text_name]


@pytest.fixture(scope="session")
def all_lines():
    """Every line of the format samples, the contract sample and the demo log, in that order."""
    return ALL_LINES


@pytest.fixture(scope="session")
def tricky_lines():
    """Level words in every case and place, crash starts and fixed-layout lines, bare and in envelopes."""
    return _tricky_lines()


# --- constants of the extract API tests, as fixtures ---

@pytest.fixture
def bucket():
    """The logs bucket the s3 fixture creates (allowed by LOGS_BUCKETS)."""
    return BUCKET


@pytest.fixture
def missing_bucket():
    """Allowed by LOGS_BUCKETS but never created."""
    return MISSING_BUCKET


@pytest.fixture
def extract_token():
    """The receiver's token (EXTRACTOR_TOKEN) that make_app configures."""
    return EXTRACT_TOKEN


@pytest.fixture
def sample():
    """A four-line log: one INFO, two ERRORs of one group, one WARN."""
    return SAMPLE


@pytest.fixture(scope="session")
def make_realistic_log(tmp_path_factory):
    """make_realistic_log(megabytes, seed) -> the bytes of a log from the bench's generator (bench/realistic.py: ~20
    formats and envelopes, ~16% events, fresh values, stack traces, CRLF, invalid UTF-8), made once per arguments.
    The generator lives with the bench (a script directory, not a package): loaded from its file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_realistic", pathlib.Path(__file__).resolve().parents[2] / "bench" / "realistic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made: dict = {}

    def make(megabytes: int, seed: int) -> bytes:
        if (megabytes, seed) not in made:
            path = tmp_path_factory.mktemp("realistic") / f"realistic-{megabytes}-{seed}.log"
            module.generate_realistic(path, megabytes, seed=seed)
            made[megabytes, seed] = path.read_bytes()
        return made[megabytes, seed]

    return make


@pytest.fixture(scope="session")
def mask_inputs():
    """mask_inputs(data) -> the texts app.grouping.mask() is handed while ``data`` is summarized, in order (the
    template cache emptied first, so each distinct message is masked)."""
    from app import events, grouping

    def run(data: bytes) -> list[str]:
        seen = []
        real = grouping.mask

        def recording(text, *args):
            seen.append(text)
            return real(text, *args)

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(grouping, "mask", recording)
            mp.setattr(grouping, "_template_cache", {})
            # the compiled templater calls the masker itself: the Python make_template calls mask()
            mp.setattr(events, "make_template", grouping.make_template_python)
            summarize(io.BytesIO(data))
        return seen

    return run


@pytest.fixture(scope="session")
def in_threads():
    """in_threads(fn, threads=4, times=5) -> the results of ``fn()`` called ``times`` times in each of ``threads``
    threads running at once (gunicorn scans in threads); fails naming any exception a thread raised."""
    def run(fn, threads: int = 4, times: int = 5) -> list:
        results, errors = [], []

        def work():
            try:
                for _ in range(times):
                    results.append(fn())
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(repr(exc))

        workers = [threading.Thread(target=work) for _ in range(threads)]
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        assert errors == [] and len(results) == threads * times, errors
        return results

    return run
