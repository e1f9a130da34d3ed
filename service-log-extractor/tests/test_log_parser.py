"""Unit tests of the log scanner (app.log_parser, app.severity, app.grouping, app.decompress)."""
import gzip
import io
import json
import pathlib
import subprocess
import sys

import pytest
import zstandard

from app import grouping, log_parser
from app.decompress import open_log
from app.log_parser import MAX_LINE_BYTES, summarize

SERVICE_DIR = pathlib.Path(__file__).resolve().parents[1]
SAMPLES = pathlib.Path(__file__).resolve().parent / "samples"


@pytest.fixture
def read_only_scan(read_only):
    """read_only_scan(text, **kwargs) -> (summary, events) of summarize() over a ReadOnly stream."""

    def _scan(text, **kwargs):
        data = text.encode() if isinstance(text, str) else text
        events = []
        summary = summarize(read_only(data), on_event=events.append, **kwargs)
        return summary, events

    return _scan


def test_formats(format_name, format_sample, read_only_scan, lines_of):  # one test per FORMATS name (conftest)
    text, want_events, same_groups, want_traces = format_sample
    summary, events = read_only_scan(lines_of(text))
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


def test_info_lines_mentioning_errors_are_not_events(lines_of, read_only_scan):
    text = lines_of("""
2026-11-27 10:00:00,000 INFO  [main] App - Retried after Exception in worker; error count 0
2026-11-27 10:00:00,000 DEBUG [main] App - ERROR handler installed, FATAL path disabled
{"level":"info","msg":"error: none","error":"none"}
level=debug msg="panic recovered" err=nil
<14>Nov 27 10:04:01 web01 cron[99]: (root) CMD (run-parts /etc/cron.hourly) error-free
I1127 10:06:01.000000       1 x.go:1] error handling disabled
plain text line about an error in the docs
""")
    summary, events = read_only_scan(text)
    assert events == []
    assert summary["counts"] == {"FATAL": 0, "ERROR": 0, "WARN": 0}


def test_contract_sample(read_only_scan):
    summary, events = read_only_scan((SAMPLES / "contract_sample.log").read_bytes())
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
                   "first_time": "2026-11-27T10:00:02.305Z", "last_time": "2026-11-27T10:00:03.410Z",
                   "sample": "2026-11-27 10:00:02,305 ERROR [http-8080-3] com.acme.api.OrderController - Failed to load order 81723"}
    traceback_group = next(g for g in summary["groups"] if g["first_line"] == 37)
    assert traceback_group["template"] == "KeyError: <STR>"
    assert traceback_group["first_time"] is None  # a traceback's first line states no time
    assert (summary["first_time"], summary["last_time"]) == ("2026-11-27T10:00:01.120Z", "2026-11-27T10:07:00.100Z")


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


def test_different_errors_stay_apart(read_only_scan, lines_of):
    summary, events = read_only_scan(lines_of("""
2026-11-27 10:00:00,000 ERROR [a] com.acme.Orders - Failed to load order 1
2026-11-27 10:00:00,000 ERROR [a] com.acme.Orders - Failed to save order 1
2026-11-27 10:00:00,000 ERROR [a] com.acme.Users - Failed to load order 1
2026-11-27 10:00:00,000 WARN  [a] com.acme.Orders - Failed to load order 1
"""))
    assert len({e["group"] for e in events}) == 4


def test_groups_sorted_and_capped(read_only_scan):
    # Each name stands in two places, so no two templates differ in one position only: nothing merges.
    names = [f"k{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(60)]
    text = "".join(f"2026-11-27 10:00:00,000 ERROR [m] App - failure {n} via {n}\n" for n in names)
    text += "2026-11-27 10:00:00,000 ERROR [m] App - failure kba via kba\n" * 3
    summary, _ = read_only_scan(text, max_groups=5)
    assert summary["groups_total"] == 60
    assert len(summary["groups"]) == 5
    assert summary["groups"][0]["template"] == "App - failure kba via kba" and summary["groups"][0]["count"] == 4
    assert summary["groups"][0]["last_line"] == 63
    assert [g["first_line"] for g in summary["groups"][1:]] == [1, 3, 4, 5]


def test_group_table_bounded_but_total_honest(monkeypatch, read_only_scan):
    monkeypatch.setattr(grouping, "MAX_TRACKED_GROUPS", 10)
    names = [f"m{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(300)]
    text = "".join(f"2026-11-27 10:00:00,000 ERROR [m] App - failure in module {n} at {n}\n" for n in names)
    summary, events = read_only_scan(text)
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


def test_empty_input(read_only_scan):
    summary, events = read_only_scan(b"")
    assert events == []
    assert summary == {"lines": 0, "bytes": 0, "counts": {"FATAL": 0, "ERROR": 0, "WARN": 0}, "stack_traces": 0,
                       "groups": [], "groups_total": 0, "first_time": None, "last_time": None,
                       "incomplete": False, "error": None}


def test_lines_bytes_crlf_and_missing_final_newline(read_only_scan):
    data = b"2026-11-27 10:00:00 INFO a\r\n2026-11-27 10:00:01 ERROR b failed\r\n\r\n2026-11-27 10:00:02 WARN c"
    summary, events = read_only_scan(data)
    assert summary["lines"] == 4 and summary["bytes"] == len(data)
    assert [(e["line"], e["level"]) for e in events] == [(2, "ERROR"), (4, "WARN")]
    assert summary["groups"][0]["sample"] == "2026-11-27 10:00:01 ERROR b failed"


def test_invalid_utf8_does_not_break_scan(read_only_scan):
    data = b"2026-11-27 10:00:00 ERROR bad bytes \xff\xfe\xc3 here\n\xc3\x28 INFO latin1 caf\xe9\n"
    summary, events = read_only_scan(data)
    assert [(e["line"], e["level"]) for e in events] == [(1, "ERROR")]
    assert summary["lines"] == 2
    assert "\ufffd" in summary["groups"][0]["sample"]


def test_multibyte_characters_split_across_reads(read_only):
    data = "2026-11-27 10:00:00 ERROR Zürich – 東京 failed\n".encode() * 3
    summary = summarize(read_only(data, step=7))
    assert summary["counts"]["ERROR"] == 3 and summary["groups_total"] == 1
    assert summary["groups"][0]["sample"] == "2026-11-27 10:00:00 ERROR Zürich – 東京 failed"


@pytest.mark.parametrize("size", [1 << 20, 3 << 20])
def test_overlong_line_is_truncated(size, read_only_scan):
    first = b"2026-11-27 10:00:00 ERROR huge payload " + b"x" * size + b"\n"
    data = first + b"2026-11-27 10:00:01 ERROR after the huge line\n" + b"y" * size
    summary, events = read_only_scan(data)
    assert summary["lines"] == 3 and summary["bytes"] == len(data)
    assert [(e["line"], e["level"]) for e in events] == [(1, "ERROR"), (2, "ERROR")]
    sample = summary["groups"][0]["sample"] if summary["groups"][0]["first_line"] == 1 else summary["groups"][1]["sample"]
    assert len(sample) == grouping.SAMPLE_MAX_CHARS + 1 and sample.endswith("…")
    assert all(len(g["template"]) <= grouping.TEMPLATE_MAX_CHARS for g in summary["groups"])
    assert MAX_LINE_BYTES == 64 * 1024


def test_read_only_stream_with_small_reads(read_only):
    data = (SAMPLES / "contract_sample.log").read_bytes()
    summary = summarize(read_only(data, step=3))
    assert summary["lines"] == 41 and summary["counts"] == {"FATAL": 1, "ERROR": 12, "WARN": 4}


def test_gzip_and_zstd_detected_from_bytes(tmp_path, read_only):
    plain = (SAMPLES / "contract_sample.log").read_bytes()
    want = summarize(io.BytesIO(plain))
    gz = gzip.compress(plain)
    zst = zstandard.ZstdCompressor().compress(plain)
    for blob in (gz, zst):
        got = summarize(read_only(blob, step=5))
        assert got == want
        assert got["bytes"] == len(plain)
    (tmp_path / "archive").write_bytes(zst)  # no extension: the bytes decide
    with open(tmp_path / "archive", "rb") as f:
        assert open_log(f).read() == plain


def test_multi_member_gzip_and_multi_frame_zstd(read_only):
    a, b = b"2026-11-27 10:00:00 ERROR one\n", b"2026-11-27 10:00:01 WARN two\n"
    for blob in (gzip.compress(a) + gzip.compress(b),
                 zstandard.ZstdCompressor().compress(a) + zstandard.ZstdCompressor().compress(b)):
        summary = summarize(read_only(blob))
        assert summary["lines"] == 2 and summary["counts"] == {"FATAL": 0, "ERROR": 1, "WARN": 1}
        assert summary["incomplete"] is False


def test_truncated_gzip_gives_partial_summary(read_only):
    plain = b"".join(b"2026-11-27 10:00:%02d ERROR failure number %d\n" % (i % 60, i) for i in range(5000))
    blob = gzip.compress(plain)
    summary = summarize(read_only(blob[: len(blob) // 2]))
    assert summary["incomplete"] is True
    assert "truncated" in summary["error"]
    assert 0 < summary["counts"]["ERROR"] < 5000
    assert 0 < summary["bytes"] < len(plain)


def test_truncated_zstd_gives_partial_summary(read_only):
    plain = b"".join(b"2026-11-27 10:00:%02d ERROR failure number %d\n" % (i % 60, i) for i in range(5000))
    blob = zstandard.ZstdCompressor().compress(plain)
    summary = summarize(read_only(blob[:-10]))
    assert summary["incomplete"] is True and "truncated" in summary["error"]


def test_corrupt_gzip_gives_partial_summary(read_only):
    plain = b"".join(b"2026-11-27 10:00:00 ERROR failure %d\n" % i for i in range(20000))
    blob = bytearray(gzip.compress(plain, compresslevel=1))
    blob[len(blob) // 2:len(blob) // 2 + 64] = b"\xff" * 64
    summary = summarize(read_only(bytes(blob)))
    assert summary["incomplete"] is True and "gzip" in summary["error"]
    assert summary["lines"] < 20000


def test_neutral_gap_ends_an_event(read_only_scan):
    text = "2026-11-27 10:00:00 ERROR first\n" + "some output\n" * 12 + "java.lang.IllegalStateException: x\n"
    _, events = read_only_scan(text)
    assert [(e["line"], e["level"]) for e in events] == [(1, "ERROR"), (14, "ERROR")]
    # Only the exception right after the header line belongs to it; after other lines it is an event of its own.
    text = "2026-11-27 10:00:00 ERROR first\n" + "some output\n" * 3 + "java.lang.IllegalStateException: x\n"
    _, events = read_only_scan(text)
    assert [(e["line"], e["level"]) for e in events] == [(1, "ERROR"), (5, "ERROR")]
    text = "2026-11-27 10:00:00 ERROR first\n" + "java.lang.IllegalStateException: x\n"
    _, events = read_only_scan(text)
    assert [(e["line"], e["level"]) for e in events] == [(1, "ERROR")]


def test_container_prefixed_lines(lines_of, read_only_scan):
    text = lines_of("""
2026-11-27T10:00:00.000000001Z stdout F 2026-11-27 10:00:00 INFO ok
2026-11-27T10:00:01.000000001Z stderr F 2026-11-27 10:00:01 ERROR db down
2026-11-27T10:00:01.000000002Z stderr F \tat com.acme.Db.open(Db.java:1)
{"log":"2026-11-27 10:00:02 WARN disk at 91%\\n","stream":"stderr","time":"2026-11-27T10:00:02Z"}
""")
    summary, events = read_only_scan(text)
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


def test_byte_order_mark_is_ignored(read_only):
    data = b"\xef\xbb\xbf{\"level\":\"error\",\"msg\":\"first line\"}\n"
    for step in (1, 1 << 20):
        events = []
        summary = summarize(read_only(data, step=step), on_event=events.append)
        assert [(e["line"], e["level"]) for e in events] == [(1, "ERROR")]
        assert summary["groups"][0]["template"] == "first line" and summary["bytes"] == len(data)


@pytest.fixture(params=["compiled", "python"])
def sink_kind(request, monkeypatch):
    """The sequential scan's event sink without on_event: the compiled ChunkSink, or (with the Python assembler)
    app.scan.ChunkSink."""
    from app import events

    if request.param == "python":
        monkeypatch.setattr(events, "_c_events", None)
    elif events._c_events is None:
        pytest.fail("app._c_events is not built: run `make install`")
    return request.param


def test_the_summed_groups_of_a_stretch_are_bounded(monkeypatch, read_only):
    """Where nearly every line is a group of its own, the sums are added once they hold SUMS_MAX_GROUPS groups (after
    that read), not only every SUMS_BYTES: 16 MiB of such short lines held ~225 MiB of sums."""
    from app import scan, text

    monkeypatch.setattr(text, "READ_SIZE", 64 << 10)
    monkeypatch.setattr(log_parser, "SUMS_MAX_GROUPS", 500)
    sizes = []
    real = scan.Totals.add_sums
    monkeypatch.setattr(scan.Totals, "add_sums", lambda self, groups, *a: (sizes.append(len(groups)),
                                                                          real(self, groups, *a))[1])
    words = ["alpha", "bravo", "delta", "gamma", "kilo", "lima", "oscar", "tango"]
    data = "".join(f"2026-11-27 10:00:00 ERROR {words[i % 8]} {words[i // 8 % 8]} {words[i // 64 % 8]} "
                   f"{words[i // 512 % 8]} {words[i // 4096 % 8]} failed\n" for i in range(32768)).encode()
    summary = summarize(read_only(data))
    assert summary["groups_total"] > 10000 and len(data) < log_parser.SUMS_BYTES
    per_read = (64 << 10) // 40   # groups one read can add (lines of ~60 bytes)
    assert len(sizes) > 10 and max(sizes) < 500 + per_read, sizes


@pytest.mark.parametrize("sums_bytes, sums_groups", [(1, 4096), (2 << 20, 4096), (log_parser.SUMS_BYTES, 4096),
                                                     (log_parser.SUMS_BYTES, 7)])
def test_summing_per_stretch_gives_the_summary_of_adding_each_event(sink_kind, sums_bytes, sums_groups, monkeypatch,
                                                                     make_realistic_log, read_only):
    """Without on_event the events of each stretch (SUMS_BYTES, SUMS_MAX_GROUPS) are summed per group and added group
    by group (Totals.add_sums); with it, one by one: the same summary, on a realistic log of several reads and
    stretches (groups that span them: added after each read, after two, once, after each read past 7 groups), on
    every sample, and with the group table's bound reached (which groups are tracked hangs on the order they come
    in)."""
    monkeypatch.setattr(log_parser, "SUMS_BYTES", sums_bytes)
    monkeypatch.setattr(log_parser, "SUMS_MAX_GROUPS", sums_groups)
    texts = [make_realistic_log(3, 11)] + [p.read_bytes() for p in sorted(SAMPLES.glob("*.log"))]
    for data in texts:
        assert summarize(read_only(data)) == summarize(read_only(data), on_event=lambda e: None)
    monkeypatch.setattr(grouping, "MAX_TRACKED_GROUPS", 10)
    names = [f"m{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(300)]
    # each group's events spread over several reads, in a rotating order
    lines = [f"2026-11-27 10:00:00,000 ERROR [m] App - failure in module {names[(i * 7) % 300]} {'x' * 3000}\n"
             for i in range(1500)]
    data = "".join(lines).encode()
    assert len(data) > 4 << 20
    assert summarize(read_only(data)) == summarize(read_only(data), on_event=lambda e: None)
