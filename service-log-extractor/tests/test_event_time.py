"""Event times (app.event_time): every timestamp form a line's envelope or header may carry, read as UTC; the year
rule of forms without one; and the times of a summary's groups and of the summary (first and last event), the same
on the sequential, parallel and S3 paths."""
import io
import json
import os
import pathlib
from datetime import datetime, timezone

import pytest

from app import parallel
from app.event_time import format_time, line_time
from app.grouping import merge_groups
from app.log_parser import summarize

REF = datetime(2024, 1, 20, 12, 0, tzinfo=timezone.utc)
TIMES = pathlib.Path(__file__).resolve().parent / "samples" / "times"


def utc(raw: str, reference: datetime = REF) -> str | None:
    found = line_time(raw, reference)
    return None if found is None else format_time(found)


@pytest.mark.parametrize("raw, want", [
    # ISO 8601 / RFC 3339: T or space, `.` or `,`, with and without offset
    ("2024-01-15T10:22:33Z ERROR x", "2024-01-15T10:22:33Z"),
    ("2024-01-15T10:22:33.123+05:30 ERROR x", "2024-01-15T04:52:33.123Z"),
    ("2024-01-15T10:22:33-0700 ERROR x", "2024-01-15T17:22:33Z"),
    ("2024-01-15 10:22:33.5 +0000 ERROR x", "2024-01-15T10:22:33.500Z"),
    ("2024-01-15T10:22:33,250-07:00 ERROR x", "2024-01-15T17:22:33.250Z"),
    ("2024-01-15 10:22:33 UTC [1234] ERROR: x", "2024-01-15T10:22:33Z"),
    ("2024-01-15T10:22:33.1234567Z x", "2024-01-15T10:22:33.123456Z"),
    # log4j / Python logging
    ("2024-01-15 10:22:33,123 ERROR [main] com.acme.App - x", "2024-01-15T10:22:33.123Z"),
    ("2024-01-15 10:22:33,123 - app - ERROR - x", "2024-01-15T10:22:33.123Z"),
    ("[2024-01-15 10:22:33,123] ERROR Kafka x", "2024-01-15T10:22:33.123Z"),
    ("[2024-01-15 10:22:33,123: ERROR/MainProcess] celery x", "2024-01-15T10:22:33.123Z"),
    ("ERROR [main] 2024-01-15 10:22:33,123 CassandraDaemon.java:1 - x", "2024-01-15T10:22:33.123Z"),
    ("E, [2024-01-15T10:22:33.123456 #1234] ERROR -- : x", "2024-01-15T10:22:33.123456Z"),
    ("    2024-01-15T10:22:33.123-0800 [ERROR] agent: x", "2024-01-15T18:22:33.123Z"),
    # syslog, RFC 3164 and RFC 5424 headers
    ("Jan 15 10:22:33 host app[1]: error x", "2024-01-15T10:22:33Z"),
    ("Jan  5 10:22:33 host app[1]: error x", "2024-01-05T10:22:33Z"),
    ("<34>Jan 15 10:22:33 mymachine su: x", "2024-01-15T10:22:33Z"),
    ("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - x", "2003-10-11T22:14:15.003Z"),
    ("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - x", "2003-08-24T12:14:15.000003Z"),
    ("<165>1 - host app - - - x", None),
    ("2024-01-15T10:22:33.123456+00:00 web01 app[1]: error x", "2024-01-15T10:22:33.123456Z"),
    # klog
    ("E0115 10:22:33.123456   12345 reflector.go:138] x", "2024-01-15T10:22:33.123456Z"),
    # Apache error log, ctime, java.util.logging
    ("[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 1] x", "2000-10-11T14:32:52.123456Z"),
    ("[Wed Oct 11 14:32:52 2000] [error] [client 1.2.3.4] x", "2000-10-11T14:32:52Z"),
    ("Jan 15, 2024 10:22:33 PM org.apache.catalina.core.StandardService x", "2024-01-15T22:22:33Z"),
    # nginx error log, Go's log package
    ("2024/01/15 10:22:33 [error] 31#31: *1 connect() failed", "2024-01-15T10:22:33Z"),
    ("2024/01/15 10:22:33.000200 http: panic serving", "2024-01-15T10:22:33.000200Z"),
    # CRI and Docker envelopes: the envelope's time, not the inner header's
    ("2024-01-15T10:22:33.123456789Z stdout F 2020-01-01 00:00:00 ERROR x", "2024-01-15T10:22:33.123456Z"),
    ('{"log":"2020-01-01 00:00:00,000 ERROR x\\n","stream":"stderr","time":"2024-01-15T10:22:33.5Z"}',
     "2024-01-15T10:22:33.500Z"),
    ('{"log":"2024-01-15 10:22:33,007 ERROR x\\n","stream":"stderr"}', "2024-01-15T10:22:33.007Z"),
    # journald export
    ('{"__REALTIME_TIMESTAMP":"1705314153123456","MESSAGE":"x","PRIORITY":"3","time":"2020-01-01T00:00:00Z"}',
     "2024-01-15T10:22:33.123456Z"),
    # JSON time keys
    ('{"time":"2024-01-15T10:22:33Z","level":"error"}', "2024-01-15T10:22:33Z"),
    ('{"timestamp":"2024-01-15T10:22:33.123+01:00","level":"ERROR"}', "2024-01-15T09:22:33.123Z"),
    ('{"@timestamp":"2024-01-15T10:22:33.123Z","log.level":"error"}', "2024-01-15T10:22:33.123Z"),
    ('{"@t":"2024-01-15T10:22:33.1234567Z","@l":"Error"}', "2024-01-15T10:22:33.123456Z"),
    ('{"t":{"$date":"2024-01-15T10:22:33.123+00:00"},"s":"E","msg":"x"}', "2024-01-15T10:22:33.123Z"),
    ('{"t":{"$date":{"$numberLong":"1705314153123"}},"s":"E"}', "2024-01-15T10:22:33.123Z"),
    ('{"date":"2024-01-15 10:22:33","level":"error"}', "2024-01-15T10:22:33Z"),
    ('{"datetime":"2024-01-15T10:22:33","level":"error"}', "2024-01-15T10:22:33Z"),
    ('{"asctime":"2024-01-15 10:22:33,123","levelname":"ERROR"}', "2024-01-15T10:22:33.123Z"),
    ('{"instant":{"epochSecond":1705314153,"nanoOfSecond":123456789},"level":"ERROR"}',
     "2024-01-15T10:22:33.123456Z"),
    # logfmt
    ('time="2024-01-15T10:22:33Z" level=error msg="x since 2023-01-01 00:00:00"', "2024-01-15T10:22:33Z"),
    ("level=error ts=2024-01-15T10:22:33.123Z caller=x.go:1 msg=y", "2024-01-15T10:22:33.123Z"),
    ("t=2024-01-15T10:22:33+0000 lvl=eror msg=y", "2024-01-15T10:22:33Z"),
    ("level=error ts=1705314153.25 msg=y", "2024-01-15T10:22:33.250Z"),
    # YYYYMMDD-HH:MM:SS:mmm
    ("20240115-10:22:33:123|Step_LSC|30002312|x", "2024-01-15T10:22:33.123Z"),
    ("20240115-10:22:33:7|Step_LSC|30002312|x", "2024-01-15T10:22:33.007Z"),
    # Redis, Android logcat, Django/CLF-style bracketed day-first
    ("18:M 15 Jan 2024 10:22:33.018 # Timeout connecting", "2024-01-15T10:22:33.018Z"),
    ("01-15 10:22:33.100  1702  2395 E ActivityManager: ANR", "2024-01-15T10:22:33.100Z"),
    ('[15/Jan/2024 10:22:33] "GET / HTTP/1.1" 500 12', "2024-01-15T10:22:33Z"),
    ("[15/Jan/2024:10:22:33 -0700] error x", "2024-01-15T17:22:33Z"),
])
def test_forms(raw, want):
    assert utc(raw) == want


@pytest.mark.parametrize("raw, want", [
    ('{"time":1705314153,"level":50}', "2024-01-15T10:22:33Z"),
    ('{"time":1705314153.5,"level":50}', "2024-01-15T10:22:33.500Z"),
    ('{"time":1705314153123,"level":50}', "2024-01-15T10:22:33.123Z"),
    ('{"ts":1705314153123456,"level":"error"}', "2024-01-15T10:22:33.123456Z"),
    ('{"ts":1705314153123456789,"level":"error"}', "2024-01-15T10:22:33.123456Z"),
    ('{"ts":"1705314153123","level":"error"}', "2024-01-15T10:22:33.123Z"),
    ('{"ts":1705314153.000001,"level":"error"}', "2024-01-15T10:22:33.000001Z"),
    ('{"ts":12.5,"level":"error"}', None),            # an uptime, not a wall-clock time
    ('{"ts":true,"level":"error"}', None),
])
def test_epoch_units_by_magnitude(raw, want):
    assert utc(raw) == want


@pytest.mark.parametrize("raw", [
    "ERROR something failed", "", "   ", "{not json", '{"level":"error","msg":"x"}', "[]",
    "Traceback (most recent call last):", "java.lang.IllegalStateException: at 2024-01-15 10:22:33",
    "2024-13-45 10:22:33 ERROR impossible date", "2024-01-15 25:61:00 ERROR impossible time",
    "2024-01-15T10:22:33+25:00 ERROR offset out of range", '{"time":"yesterday"}',
])
def test_lines_without_a_time(raw):
    assert line_time(raw, REF) is None


@pytest.mark.parametrize("raw", [
    "ERROR Failed to process batch from 2024-01-15 10:22:33: timeout",
    "WARN retry scheduled for Jan 15 10:22:33 by the operator",
    "app[12]: job finished at 2024-01-15T10:22:33Z with error",
    "ERROR " + "x" * 80 + " 2024-01-15 10:22:33",
])
def test_a_date_in_the_message_is_not_the_lines_time(raw):
    assert line_time(raw, REF) is None


def test_the_header_wins_over_a_date_in_the_message():
    assert utc("2024-01-15 10:22:33 ERROR batch of 2023-06-01 00:00:00 failed") == "2024-01-15T10:22:33Z"


@pytest.mark.parametrize("raw, reference, want", [
    ("Dec 31 23:59:59 host app: error", datetime(2025, 1, 1, 0, 5, tzinfo=timezone.utc), "2024-12-31T23:59:59Z"),
    ("Dec 31 23:59:59 host app: error", datetime(2025, 1, 15, tzinfo=timezone.utc), "2024-12-31T23:59:59Z"),
    ("Jan  1 00:00:01 host app: error", datetime(2025, 1, 2, tzinfo=timezone.utc), "2025-01-01T00:00:01Z"),
    ("Jan  1 00:30:00 host app: error", datetime(2024, 12, 31, 23, 0, tzinfo=timezone.utc), "2025-01-01T00:30:00Z"),
    ("Jun 15 12:00:00 host app: error", datetime(2025, 1, 2, tzinfo=timezone.utc), "2024-06-15T12:00:00Z"),
    ("Feb 29 10:00:00 host app: error", datetime(2025, 3, 1, tzinfo=timezone.utc), "2024-02-29T10:00:00Z"),
    ("E1231 23:59:30.250000 1 x.go:1] failed", datetime(2025, 1, 2, tzinfo=timezone.utc),
     "2024-12-31T23:59:30.250Z"),
    ("E0101 00:00:45.000001 1 x.go:1] failed", datetime(2025, 1, 2, tzinfo=timezone.utc),
     "2025-01-01T00:00:45.000001Z"),
    # a naive reference is UTC; another zone is converted
    ("Dec 31 23:59:59 host app: error", datetime(2025, 1, 1, 0, 5), "2024-12-31T23:59:59Z"),
])
def test_year_rule(raw, reference, want):
    assert utc(raw, reference) == want


@pytest.mark.parametrize("dt, want", [
    (datetime(2024, 1, 15, 10, 22, 33, tzinfo=timezone.utc), "2024-01-15T10:22:33Z"),
    (datetime(2024, 1, 15, 10, 22, 33, 123000, tzinfo=timezone.utc), "2024-01-15T10:22:33.123Z"),
    (datetime(2024, 1, 15, 10, 22, 33, 123400, tzinfo=timezone.utc), "2024-01-15T10:22:33.123400Z"),
    (datetime(2024, 1, 15, 10, 22, 33, 1, tzinfo=timezone.utc), "2024-01-15T10:22:33.000001Z"),
])
def test_canonical_form(dt, want):
    assert format_time(dt) == want


def test_garbage_never_raises():
    for raw in ["{" * 1000, '{"time":' + "9" * 400 + "}", '{"ts":1e400}', "\x00\x1b[31m", "Jan 99 99:99:99 x",
                '{"t":{"$date":[1,2]}}', '{"instant":{"epochSecond":"x"}}', "<999999>1 - - -", "9" * 5000,
                '{"a":' * 20000, '{"ts":NaN}', '{"ts":Infinity}', '{"ts":-1705314153}']:
        line_time(raw, REF)


# -- in summaries --------------------------------------------------------------------------------------------------

def _summary(text: str, **kwargs) -> dict:
    return summarize(io.BytesIO(text.encode()), reference_time=kwargs.pop("reference_time", REF), **kwargs)


def test_groups_first_and_last_across_a_file():
    log = ("2024-01-15 10:00:00,000 ERROR Orders - Failed to load order 1\n"
           "2024-01-15 10:00:01,000 WARN Pool - pool at 90% capacity\n"
           "2024-01-15 10:05:00,000 ERROR Orders - Failed to load order 2\n"
           "2024-01-15 10:06:00,000 INFO Orders - fine\n"
           "2024-01-15 10:09:59,999 ERROR Orders - Failed to load order 3\n")
    summary = _summary(log)
    orders, pool = summary["groups"]
    assert (orders["first_time"], orders["last_time"]) == ("2024-01-15T10:00:00Z", "2024-01-15T10:09:59.999Z")
    assert (pool["first_time"], pool["last_time"]) == ("2024-01-15T10:00:01Z", "2024-01-15T10:00:01Z")
    assert (summary["first_time"], summary["last_time"]) == ("2024-01-15T10:00:00Z", "2024-01-15T10:09:59.999Z")
    assert list(orders) == ["id", "level", "template", "count", "first_line", "last_line", "first_time", "last_time",
                            "sample"]
    keys = list(summary)
    assert keys[keys.index("groups_total"):keys.index("groups_total") + 3] == ["groups_total", "first_time",
                                                                              "last_time"]


def test_summary_times_are_earliest_and_latest_not_first_and_last_lines():
    log = ("2024-01-15 10:00:00 ERROR alpha failed\n"
           "2024-01-14 09:00:00 WARN beta slow\n"      # an older line later in the file (a merged log)
           "2024-01-16 08:00:00 ERROR gamma broke down\n"
           "2024-01-15 11:00:00 ERROR alpha failed\n")
    summary = _summary(log)
    assert (summary["first_time"], summary["last_time"]) == ("2024-01-14T09:00:00Z", "2024-01-16T08:00:00Z")


def test_events_without_times_are_null_and_do_not_count():
    summary = _summary("ERROR no time here\nERROR no time here\n")
    [group] = summary["groups"]
    assert group["first_time"] is None and group["last_time"] is None
    assert summary["first_time"] is None and summary["last_time"] is None
    mixed = _summary("ERROR no time here\n2024-01-15 10:00:00 WARN disk almost full\n")
    assert (mixed["first_time"], mixed["last_time"]) == ("2024-01-15T10:00:00Z", "2024-01-15T10:00:00Z")


def test_an_event_takes_the_time_of_its_first_line():
    log = ("2024-01-15 10:00:00,000 ERROR Orders - Failed to load order 1\n"
           "java.lang.IllegalStateException: 2024-02-02 02:02:02\n"
           "\tat com.acme.Orders.load(Orders.java:88)\n")
    [group] = _summary(log)["groups"]
    assert group["first_time"] == group["last_time"] == "2024-01-15T10:00:00Z"


def test_envelopes_give_the_time():
    log = ('{"log":"2020-01-01 00:00:00 ERROR payment failed\\n","stream":"stderr","time":"2024-01-15T10:00:00Z"}\n'
           "2024-01-15T10:00:05Z stderr P 2020-01-01 00:00:00 ERROR payment fa\n"
           "2024-01-15T10:00:06Z stderr F iled\n"
           '{"__REALTIME_TIMESTAMP":"1705313100000000","PRIORITY":"3","SYSLOG_IDENTIFIER":"pay","MESSAGE":"boom"}\n'
           "<11>Jan 15 10:10:00 web01 pay[1]: upstream gone\n")
    summary = _summary(log)
    times = {g["first_line"]: (g["first_time"], g["last_time"]) for g in summary["groups"]}
    assert times[1] == ("2024-01-15T10:00:00Z", "2024-01-15T10:00:05Z")
    assert times[4] == ("2024-01-15T10:05:00Z", "2024-01-15T10:05:00Z")
    assert times[5] == ("2024-01-15T10:10:00Z", "2024-01-15T10:10:00Z")


def test_reference_time_sets_the_syslog_year():
    log = "Dec 31 23:59:00 web01 app[1]: error: disk gone\nJan  1 00:01:00 web01 app[1]: error: disk gone\n"
    summary = _summary(log, reference_time=datetime(2025, 1, 1, 0, 2, tzinfo=timezone.utc))
    assert (summary["first_time"], summary["last_time"]) == ("2024-12-31T23:59:00Z", "2025-01-01T00:01:00Z")


def test_merge_groups_carries_first_and_last_raw():
    def group(gid, template, first, last):
        return {"id": gid, "level": "ERROR", "template": template, "count": 1, "first_line": first, "last_line": last,
                "sample": template, "first_raw": f"raw {first}", "last_raw": f"raw {last}"}

    groups = [group("a", "user 1 not found here", 5, 50), group("b", "user 2 not found here", 2, 20),
              group("c", "user 3 not found here", 9, 90)]
    for order in (groups, groups[::-1]):
        [merged], _ = merge_groups(order)
        assert (merged["first_line"], merged["last_line"]) == (2, 90)
        assert (merged["first_raw"], merged["last_raw"]) == ("raw 2", "raw 90")


def test_merged_groups_in_a_summary():
    log = ("2024-01-15 10:00:00 ERROR user alice not found in directory\n"
           "2024-01-15 10:00:01 ERROR user bob_2 not found in directory\n"
           "2024-01-15 10:00:02 ERROR user carol-3 not found in directory\n"
           "2024-01-15 10:09:00 ERROR user bob_2 not found in directory\n"
           "2024-01-15 10:05:00 ERROR user dave.4 not found in directory\n")
    summary = _summary(log)
    [merged] = [g for g in summary["groups"] if "<*>" in g["template"]]
    assert merged["count"] == 5 and merged["last_line"] == 5
    # the first event's time, and the time of the event on the greatest last_line (not the latest time)
    assert (merged["first_time"], merged["last_time"]) == ("2024-01-15T10:00:00Z", "2024-01-15T10:05:00Z")
    # the summary's: over the members' first and last events (bob_2's last is the latest)
    assert summary["last_time"] == "2024-01-15T10:09:00Z"


# -- the parallel paths ------------------------------------------------------------------------------------------

def _mixed_log(lines: int) -> bytes:
    """Lines of many time forms and envelopes, with traces, partial records and lines without times."""
    out = []
    for i in range(lines):
        s, ms = i % 60, i % 1000
        kind = i % 13
        if kind == 0:
            out.append(f"2024-01-15 10:{i // 60 % 60:02d}:{s:02d},{ms:03d} ERROR [w-{i % 7}] Orders - order {i} failed")
            out.append(f"java.lang.IllegalStateException: order {i}")
            out.append("\tat com.acme.Orders.load(Orders.java:88)")
        elif kind == 1:
            out.append(f'{{"log":"ERROR payment {i} failed\\n","stream":"stderr",'
                       f'"time":"2024-01-15T11:00:{s:02d}.{i:09d}Z"}}')
        elif kind == 2:
            out.append(f"2024-01-15T12:00:{s:02d}.{i:09d}Z stderr P ERROR cache shard {i} ref")
            out.append(f"2024-01-15T12:00:{s:02d}.{i + 1:09d}Z stderr F reshing failed")
        elif kind == 3:
            out.append(f'{{"__REALTIME_TIMESTAMP":"{1705314153000000 + i * 1000}","PRIORITY":"3","SYSLOG_IDENTIFIER"'
                       f':"db","_PID":"{i % 3}","MESSAGE":"connection {i} lost\\nretrying"}}')
        elif kind == 4:
            out.append(f"Dec 31 23:{i % 60:02d}:{s:02d} web01 app[{i % 5}]: error: disk {i % 4} gone")
        elif kind == 5:
            out.append(f"E0101 00:00:{s:02d}.{i:06d}       1 reflector.go:138] failed to list pods {i}")
        elif kind == 6:
            out.append(f'{{"level":50,"time":{1705314153000 + i},"msg":"request {i} failed"}}')
        elif kind == 7:
            out.append(f'level=error ts=2024-01-15T13:00:{s:02d}.{ms:03d}Z msg="cache miss {i}"')
        elif kind == 8:
            out.append(f"20240115-14:00:{s:02d}:{ms}|Step|1|ERROR step {i} failed")
        elif kind == 9:
            out.append(f"ERROR no time on this line {i}")
        elif kind == 10:
            out.append(f"[Mon Jan 15 15:00:{s:02d}.{i:06d} 2024] [core:error] [pid {i}] AH00126: bad uri {i}")
        elif kind == 11:
            out.append(f"2024/01/15 16:00:{s:02d} [error] 31#31: *{i} connect() failed")
        else:
            out.append(f"2024-01-15 17:00:{s:02d} INFO fine {i}")
    return ("\n".join(out) + "\n").encode()


@pytest.mark.parametrize("chunk_bytes", [4096, 65536])
def test_parallel_paths_give_the_sequential_times(tmp_path, chunk_bytes):
    data = _mixed_log(6000)
    ref = datetime(2024, 1, 2, tzinfo=timezone.utc)
    sequential = summarize(io.BytesIO(data), reference_time=ref, max_groups=10_000)
    assert sum(g["first_time"] is not None and g["first_time"] != g["last_time"] for g in sequential["groups"]) >= 9
    assert sequential["first_time"] and sequential["last_time"]
    path = tmp_path / "mixed.log"
    path.write_bytes(data)
    ranged = parallel.summarize_file(str(path), processes=2, share_bytes=chunk_bytes, reference_time=ref,
                                     max_groups=10_000)
    assert ranged == sequential
    streamed = parallel.summarize_stream(io.BytesIO(data), processes=2, chunk_bytes=chunk_bytes, reference_time=ref,
                                         max_groups=10_000)
    assert streamed == sequential


def test_parallel_equals_sequential_on_the_realistic_log(tmp_path, make_realistic_log):
    data = make_realistic_log(2, 7)
    ref = datetime(2026, 12, 1, tzinfo=timezone.utc)
    sequential = summarize(io.BytesIO(data), reference_time=ref)
    assert sum(g["first_time"] is not None for g in sequential["groups"]) >= 10
    path = tmp_path / "realistic.log"
    path.write_bytes(data)
    assert parallel.summarize_file(str(path), processes=2, share_bytes=65536, reference_time=ref) == sequential


# -- the CLI and the service ---------------------------------------------------------------------------------------

def test_cli_takes_the_year_from_the_files_mtime(tmp_path, run_cli):
    path = tmp_path / "messages"
    path.write_bytes(b"Dec 31 23:59:00 web01 app[1]: error: disk gone\n")
    mtime = datetime(2025, 1, 3, tzinfo=timezone.utc).timestamp()
    os.utime(path, (mtime, mtime))
    [summary] = run_cli(str(path))
    assert summary["first_time"] == summary["groups"][0]["last_time"] == "2024-12-31T23:59:00Z"


def test_service_takes_the_year_from_last_modified(client, s3, storage, bucket):
    s3.put_object(Bucket=bucket, Key="syslog/messages", Body=b"Jan  1 00:00:01 web01 app[1]: error: disk gone\n")
    modified = s3.head_object(Bucket=bucket, Key="syslog/messages")["LastModified"]
    assert client.post("/extract", json={"bucket": bucket, "key": "syslog/messages"}).status_code == 201
    [posted] = storage.posted
    # Jan 1 is never after LastModified + a day in LastModified's own year (moto stamps the time of the put)
    assert posted["first_time"] == f"{modified.year}-01-01T00:00:01Z"
    assert posted["groups"][0]["first_time"] == posted["first_time"]


# -- samples of each family --------------------------------------------------------------------------------------

SAMPLE_REFERENCE = datetime(2025, 1, 2, tzinfo=timezone.utc)
# file -> (summary first_time, last_time, {group first_line: (first_time, last_time)})
SAMPLE_TIMES = {
    "log4j.log": ("2024-03-10T08:15:01.250Z", "2024-03-10T08:16:02.999Z",
                  {2: ("2024-03-10T08:15:01.250Z", "2024-03-10T08:16:02.999Z"),
                   5: ("2024-03-10T08:15:07Z", "2024-03-10T08:15:07Z")}),
    "python.log": ("2024-03-10T09:00:05.123Z", "2024-03-10T09:00:06.500Z",
                   {2: ("2024-03-10T09:00:05.123Z", "2024-03-10T09:00:06.500Z")}),
    "nginx_error.log": ("2024-03-10T10:00:01Z", "2024-03-10T10:02:30Z",
                        {2: ("2024-03-10T10:00:01Z", "2024-03-10T10:02:30Z")}),
    "apache_error.log": ("2024-03-10T11:00:02.123456Z", "2024-03-10T11:05:00.500Z",
                         {2: ("2024-03-10T11:00:02.123456Z", "2024-03-10T11:05:00.500Z")}),
    "syslog.log": ("2024-12-31T23:59:10Z", "2025-01-01T00:01:00Z",
                   {2: ("2024-12-31T23:59:10Z", "2025-01-01T00:00:20Z"),
                    4: ("2025-01-01T00:01:00Z", "2025-01-01T00:01:00Z")}),
    "klog.log": ("2024-12-31T23:59:30.250Z", "2025-01-01T00:00:45.000001Z",
                 {2: ("2024-12-31T23:59:30.250Z", "2025-01-01T00:00:45.000001Z")}),
    "docker.json": ("2024-03-10T12:00:01.500Z", "2024-03-10T12:00:09.123456Z",
                    {2: ("2024-03-10T12:00:01.500Z", "2024-03-10T12:00:09.123456Z")}),
    "cri.log": ("2024-03-10T12:00:01.100Z", "2024-03-10T13:00:04Z",
                {2: ("2024-03-10T12:00:01.100Z", "2024-03-10T13:00:04Z")}),
    "journald.json": ("2024-03-10T13:00:01.234Z", "2024-03-10T13:01:40.000001Z",
                      {2: ("2024-03-10T13:00:01.234Z", "2024-03-10T13:01:40.000001Z")}),
    "pino.json": ("2024-03-10T14:00:01.042Z", "2024-03-10T14:01:00Z",
                  {2: ("2024-03-10T14:00:01.042Z", "2024-03-10T14:01:00Z")}),
    "logfmt.log": ("2024-03-10T13:00:01.500Z", "2024-03-10T15:10:00.000250Z",
                   {2: ("2024-03-10T13:00:01.500Z", "2024-03-10T15:10:00.000250Z")}),
    "healthapp.log": ("2024-03-10T16:00:01.606Z", "2024-03-10T16:00:02.050Z",
                      {2: ("2024-03-10T16:00:01.606Z", "2024-03-10T16:00:02.050Z")}),
}


def test_every_sample_is_checked():
    assert sorted(p.name for p in TIMES.iterdir()) == sorted(SAMPLE_TIMES)


@pytest.mark.parametrize("name", sorted(SAMPLE_TIMES))
def test_sample_times(name):
    first, last, groups = SAMPLE_TIMES[name]
    summary = summarize(io.BytesIO((TIMES / name).read_bytes()), reference_time=SAMPLE_REFERENCE)
    assert (summary["first_time"], summary["last_time"]) == (first, last)
    assert {g["first_line"]: (g["first_time"], g["last_time"]) for g in summary["groups"]} == groups
    json.dumps(summary)   # the summary stays plain JSON


def test_a_long_event_line_keeps_its_time_and_not_its_length(tmp_path):
    """A group keeps its first and last event's raw line cut to head and tail: a Docker record's `time` comes
    after a long `log` text, a header's time before it."""
    from app.events import RAW_MAX_CHARS, Assembler

    kept = []
    assembler = Assembler(lambda *event: kept.append(event[-1]))
    long_text = "ERROR upload failed: " + "x" * 70_000
    docker = json.dumps({"log": long_text + "\n", "stream": "stderr", "time": "2026-02-03T04:05:06.5Z"})
    assembler.feed(1, long_text, raw=docker)
    assembler.feed(2, "2026-02-03 04:05:07,250 " + long_text)
    assembler.finish()
    assert len(kept) == 2 and all(len(raw) <= RAW_MAX_CHARS for raw in kept)
    assert [format_time(line_time(raw)) for raw in kept] == ["2026-02-03T04:05:06.500Z", "2026-02-03T04:05:07.250Z"]


@pytest.mark.parametrize("line, want", [
    ("28-Nov-2026 22:22:33.123 SEVERE [main] org.apache.catalina.startup.Catalina.start Server startup failed",
     "2026-11-28T22:22:33.123Z"),                                   # Tomcat catalina.out (OneLineFormatter)
    ("081109 203615 148 WARN dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_388 terminating",
     "2008-11-09T20:36:15Z"),                                        # Hadoop HDFS
    ("17/06/09 20:10:40 ERROR executor.Executor: Exception in task 0.0 in stage 1.0 (TID 2)",
     "2017-06-09T20:10:40Z"),                                        # Spark's log4j
    ("2017-06-09 20:10:40 ERROR 170609 201040 is in the message", "2017-06-09T20:10:40Z"),
])
def test_more_header_forms(line, want):
    assert utc(line) == want


def test_a_groups_times_are_ordered_and_one_known_time_stands_for_both():
    """Lines out of order (a merged log): the earlier of the first and last event's times is first_time. A group
    whose first event states no time takes the last one's for both."""
    log = (b"2026-11-28 10:05:00,000 ERROR a.B - Request 1 failed: upstream timeout\n"
           b"2026-11-28 09:00:00,000 ERROR a.B - Request 2 failed: upstream timeout\n"
           b"ERROR: Connection to db-4 lost\n"
           b"2026-11-28 11:00:05,456 ERROR: Connection to db-8 lost\n")
    summary = summarize(io.BytesIO(log))
    times = {g["template"].split()[0]: (g["first_time"], g["last_time"]) for g in summary["groups"]}
    assert times["a.B"] == ("2026-11-28T09:00:00Z", "2026-11-28T10:05:00Z")
    assert times["Connection"] == ("2026-11-28T11:00:05.456Z", "2026-11-28T11:00:05.456Z")
    assert (summary["first_time"], summary["last_time"]) == ("2026-11-28T09:00:00Z", "2026-11-28T11:00:05.456Z")
