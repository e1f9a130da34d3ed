"""The compiled twins of the envelope layer and the line feeder (app._c_scan) do exactly what the Python classes do.

app.records.Unwrapper and app.scan.LineFeeder are the reference. The Unwrapper twin is fed the same physical lines
as the Python class, both feeding a recorder, and must hand on the same inner lines (with envelope level, tag and
raw line) and boundaries in the same order, and hold the same partial record and state after every line: on
hypothesis sequences of Docker json-file lines (whole and split, escapes, values json.loads must read), CRI lines
(every time-offset form, Unicode digits, near misses), journald exports (byte-array and multi-line messages,
priorities, processes), syslog (RFC 3164, 5424, bare PRI) and plain lines. The whole compiled pipeline (feeder,
unwrapper, assembler) gives the same summaries and events as the Python one on generated files read in small
pieces, with every candidate finder, on the corpus, every sample file and the bench's realistic log.
`make install` builds the modules; without them these tests fail.
"""
import copy
import io
import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import candidates, events, records, scan, severity
from app import text as text_layer
from app.log_parser import summarize

SETTINGS = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def c_scan():
    if records._c_scan is None or events._c_events is None:
        pytest.fail("app._c_scan / app._c_events are not built: run `make install` (setup.py build_ext --inplace)")
    return records._c_scan


class Recorder:
    """An assembler stand-in that records what the envelope layer hands it. It is ``open`` after a line of odd
    length, until a boundary (the unwrapper asks at its first process switch)."""

    def __init__(self):
        self.calls = []
        self.open = False

    def feed(self, line_no, line, envelope_level=None, tag=None, raw=None):
        self.calls.append((line_no, line, envelope_level, tag, raw))
        self.open = len(line) % 2 == 1

    def boundary(self):
        self.calls.append("boundary")
        self.open = False


def unwrap(make, lines):
    """(calls, states): what an unwrapper made by make(recorder) hands on for `lines`, and its state after each."""
    recorder = Recorder()
    unwrapper = make(recorder)
    states = []
    for no, line in enumerate(lines, 1):
        if no % 7 == 0:
            unwrapper.log_switches(no + no % 3)   # a new log of every switch up to there and the first after
        unwrapper.feed(no, line)
        # (the Python class's `partial` is its live list: copied as it is now)
        states.append((unwrapper.pending, copy.deepcopy(unwrapper.partial), unwrapper.export_state(),
                       list(unwrapper.switch_log)))
    unwrapper.finish()
    return recorder.calls, states


def python_unwrapper(recorder):
    return records.Unwrapper(recorder.feed, recorder.boundary, lambda: recorder.open)


# --- generated physical lines, one strategy per envelope ---

TEXTS = ["2026-11-27 10:00:00 ERROR [main] X - boom", "  at x.Y(Y.java:1)", "", "plain", "a\nb", "x\r", "\tindented",
         "a\r\r\nb\r", "\n\nx\n", "\n",
         "Traceback (most recent call last):", "ValueError: x", "\x1b[31mred\x1b[0m", "nul\x00here", "ünï", "\r\n"]
text = st.one_of(st.sampled_from(TEXTS), st.text(max_size=30))


@st.composite
def docker_line(draw):
    log = draw(text) + draw(st.sampled_from(["\n", "\n", "", "\r\n"]))
    obj = {"log": log, "stream": draw(st.sampled_from(["stdout", "stderr"])), "time": "2026-11-27T10:00:00.1Z"}
    if draw(st.booleans()):
        obj["stream"] = draw(st.sampled_from([None, 1, "other"]))   # json.loads' path: not all strings
    if draw(st.integers(0, 9)) == 0:
        del obj["stream"]
    line = json.dumps(obj, ensure_ascii=draw(st.booleans()))
    return line if draw(st.integers(0, 9)) else line[:draw(st.integers(1, len(line)))]   # some cut short


@st.composite
def cri_line(draw):
    """A CRI line, valid but for at most one field (a near miss of the regex there)."""
    broken = draw(st.sampled_from([None, None, None, "offset", "sep", "stream", "tag", "space", "digits"]))
    digits = draw(st.sampled_from(["0123456789", "٠١٢٣٤٥٦٧٨٩"]))
    if broken == "digits":
        digits = "0123456789²x"   # a superscript two is a digit to str.isdigit, not to \d
    d = lambda k: "".join(draw(st.sampled_from(digits)) for _ in range(k))  # noqa: E731
    time = f"{d(4)}-{d(2)}-{d(2)}T{d(2)}:{d(2)}:{d(2)}{draw(st.sampled_from(['', '.', '.123456789', ':', '..']))}"
    offsets = ["+5:30", "+05:3", "", "z", "+05:300", "+05:", "+0:30", "05:30", "+05::30"] if broken == "offset" \
        else ["Z", "+05:30", "+0530", "-08:00"]
    time += draw(st.sampled_from(offsets))
    sep = draw(st.sampled_from(["  ", "\t", ""])) if broken == "sep" else " "
    stream = draw(st.sampled_from(["stdin", "std", "stdouts", "Stdout", "stdexx", "stdoux"])) if broken == "stream" \
        else draw(st.sampled_from(["stdout", "stderr"]))
    tag = draw(st.sampled_from(["X", "", "f", "FP"])) if broken == "tag" else draw(st.sampled_from(["F", "P"]))
    space = draw(st.sampled_from(["", "  ", "\t"])) if broken == "space" else " "
    return f"{time}{sep}{stream} {tag}{space}{draw(text)}"


@st.composite
def journald_line(draw):
    message = draw(st.one_of(text, st.lists(st.integers(0, 255), max_size=8), st.integers(), st.none()))
    obj = {"MESSAGE": message}
    for key, values in (("PRIORITY", ["3", "4", "6", "0", 3, "8", "x", None, True]),
                        ("SYSLOG_IDENTIFIER", ["app", "db", "", 5]), ("_COMM", ["app", "sh"]),
                        ("_PID", ["1", "2", 3])):
        if draw(st.booleans()):
            obj[key] = draw(st.sampled_from(values))
    line = json.dumps(obj)
    return line if draw(st.integers(0, 9)) else "[" + line + "]"


@st.composite
def syslog_line(draw):
    pri = draw(st.sampled_from(["<11>", "<14>", "<27>", "<191>", "<192>", "<x>", ""]))
    body = draw(st.sampled_from([
        "Nov 27 10:00:00 web1 {tag}[12]: {t}", "1 2026-11-27T10:00:00Z web1 {tag} 1 - - {t}",
        "2026-11-27T10:00:00.123+00:00 web1 {tag}: {t}", "{t}", "Nov 27 10:00:00 web1 ERROR: {t}"]))
    return pri + body.format(tag=draw(st.sampled_from(["app", "db", "cron"])), t=draw(text))


plain_line = st.one_of(text, st.sampled_from([
    "2026-11-27 10:00:00,123 ERROR [main] X - boom", "12345678901234567890 std", "1" * 20 + " stdout F x",
    "2026-11-27T10:00:00 main ERROR: boom", "Janet was here", "Jan", "² superscript first", "{not json",
    '{"level":"error","msg":"x"}', "<", "{", "1", "2026-11-27T1", "2026-11-27T", "2026-11-27"]))
# A Java-style error block: the feeder counts inert indented lines unread, up to an indented header (a date first).
trace_block = st.lists(st.sampled_from([
    "\tat com.acme.X.run(X.java:12)", "    at y.Z(Z.java:3)", "\t... 3 more", "  2026-11-27 10:00:01 [ERROR] nomad: x",
    "\t2026/11/27 10:00:01 [WARN] y", "  2026-11-27T1", "\t", "Caused by: java.io.IOException: x", "  plain"]),
    max_size=8).map(lambda lines: "\n".join(["2026-11-27 10:00:00 ERROR [main] X - boom", "\tat a.B(B.java:1)",
                                              *lines]))
physical_line = st.one_of(docker_line(), cri_line(), journald_line(), syslog_line(), plain_line, trace_block)


@SETTINGS
@given(st.lists(physical_line, max_size=30))
def test_unwrapper_hands_on_the_same_lines(c_scan, lines):
    lines = [part for line in lines for part in line.split("\n")] if lines else lines
    twin = lambda recorder: c_scan.Unwrapper(recorder, records.unwrapper_deps())  # noqa: E731
    assert unwrap(twin, lines) == unwrap(python_unwrapper, lines)


def test_new_unwrapper_is_the_twin_and_feeds_any_assembler(c_scan, all_lines, tricky_lines):
    recorder = Recorder()
    assert isinstance(records.new_unwrapper(recorder), c_scan.Unwrapper)
    lines = all_lines + tricky_lines
    assert unwrap(records.new_unwrapper, lines) == unwrap(python_unwrapper, lines)


def test_cri_lines_field_by_field(c_scan):
    """Every combination of valid and near-miss CRI fields, in one stream (partial chunks held across them)."""
    lines = [f"2026-11-27T10:00:00{frac}{offset}{sep}{stream} {tag}{space}msg {n}"
             for n, (frac, offset, sep, stream, tag, space) in enumerate(itertools.product(
                 ["", ".5", ":", "١"], ["Z", "+05:30", "+0530", "-0800", "+5:30", "+05:3", "+05:300", "", "z"],
                 [" ", "  ", "\t"], ["stdout", "stderr", "stdin", "stdexx", "stdoux", "std", "Stdout"],
                 ["F", "P", "X", ""], [" ", "", "  "]))]
    assert len(lines) > 9000
    assert unwrap(records.new_unwrapper, lines) == unwrap(python_unwrapper, lines)


@pytest.mark.parametrize("piece", range(1, 30))
def test_split_records_are_joined_up_to_the_line_limit(c_scan, monkeypatch, piece):
    monkeypatch.setattr(records, "MAX_LINE_BYTES", 50)
    chunk = "2026-11-27T10:00:00.1Z stderr P " + "x" * piece
    lines = [chunk] * (60 // piece + 1) + ["2026-11-27T10:00:00.1Z stderr F " + "e" * piece, chunk, chunk,
                                           json.dumps({"log": "y" * piece, "stream": "stderr"}), "plain"]
    assert unwrap(records.new_unwrapper, lines) == unwrap(python_unwrapper, lines)
    calls, _ = unwrap(records.new_unwrapper, lines)
    assert len(calls[0][1]) == 50   # cut at the limit


# --- the whole pipeline ---

@pytest.fixture(scope="module")
def both_pipelines(c_scan):
    """both(data, **summarize_kwargs) -> (compiled, python): (summary, events) of each pipeline; asserts the
    compiled scan really ran in C."""

    def _run(data, **kwargs):
        out = []
        for python in (False, True):
            with pytest.MonkeyPatch.context() as m:   # (undone after each run: safe across hypothesis examples)
                if python:
                    m.setattr(records, "_c_scan", None)
                    m.setattr(events, "_c_events", None)
                else:
                    m.setattr(scan.LineFeeder, "feed_line", _never)
                found = []
                out.append((summarize(io.BytesIO(data), on_event=found.append, **kwargs), found))
        return out

    return _run


def _never(*args):
    raise AssertionError("the Python LineFeeder ran")


ENGINES = [candidates.EveryLine(), candidates.CompiledFinder()]
try:
    ENGINES.append(candidates.HyperscanFinder())
except ImportError:  # no wheel for this platform (arm64)
    pass


@SETTINGS
@given(st.lists(physical_line, max_size=40), st.sampled_from(ENGINES), st.sampled_from(["\n", "\r\n"]))
def test_same_summaries_on_generated_files(both_pipelines, lines, engine, eol):
    data = "".join(line + eol for line in lines).encode("utf-8", "surrogatepass")
    compiled, python = both_pipelines(data, finder=engine)
    assert compiled == python


def test_same_summaries_with_reads_cut_anywhere(both_pipelines, texts, monkeypatch):
    monkeypatch.setattr(text_layer, "READ_SIZE", 997)
    for name in ("shuffled-0", "shuffled-1", "contract", "demo"):
        compiled, python = both_pipelines(texts[name].encode())
        assert compiled == python, name


def test_same_summaries_on_the_corpus(both_pipelines, texts, tricky_lines):
    for text_value in list(texts.values()) + ["\n".join(tricky_lines) + "\n"]:
        compiled, python = both_pipelines(text_value.encode())
        assert compiled == python


def test_same_summaries_on_every_sample_file(both_pipelines, sample_path):
    compiled, python = both_pipelines(sample_path.read_bytes())
    assert compiled == python


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_same_summary_on_the_realistic_log(both_pipelines, make_realistic_log, engine):
    compiled, python = both_pipelines(make_realistic_log(2, seed=11), finder=engine)
    assert compiled == python
    assert compiled[0]["counts"]["ERROR"] > 100


FEEDER_CASES = {
    # a partial record held while the open event's indented lines would be inert: they must be fed (and flush it)
    "partial-during-trace": ["2026-11-27 10:00:00 ERROR [main] X - boom", "\tat a.B(B.java:1)",
                             "2026-11-27T10:00:01.1Z stderr P 2026-11-27 10:00:01 ERROR [w] Y - ",
                             "\tat c.D(D.java:2)", "\tat e.F(F.java:3)", "2026-11-27 10:00:02 INFO ok"],
    # an indented header (a date first) ends the run of inert frames and is read as a header
    "indented-header": ["2026-11-27 10:00:00 ERROR [main] X - boom", "\tat a.B(B.java:1)", "\tat c",
                        "    2026-11-27 10:00:01 [WARN] nomad: slow", "\tat d", "  2026/11/27 10:00:02 [ERROR] x: y"],
    "traceback-then-envelopes": ["Traceback (most recent call last):", '  File "x.py", line 1, in <module>',
                                 '{"log":"ValueError: bad\\n","stream":"stderr"}', "<11>Nov 27 10:00:00 h a[1]: x",
                                 "Nov 27 10:00:01 h b[2]: ERROR y", '{"MESSAGE":"a\\nb","PRIORITY":"3","_PID":"1"}'],
    "crlf-and-long": ["2026-11-27 10:00:00 ERROR [main] X - " + "z" * 70000, "\tat a\r", "x\r"],
}


@pytest.mark.parametrize("case", sorted(FEEDER_CASES))
@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_feeder_cases(both_pipelines, case, engine):
    compiled, python = both_pipelines(("\n".join(FEEDER_CASES[case]) + "\n").encode(), finder=engine)
    assert compiled == python
    assert compiled[1], "no event found: the case tests nothing"


def test_feeder_counts_lines_it_skips_and_takes_a_new_count(c_scan):
    scanner = scan.LineScanner(lambda *event: None)
    feeder = scan.new_feeder(scanner, candidates.default_finder())
    assert isinstance(feeder, c_scan.LineFeeder)
    buf = bytearray(b"plain\n" * 10 + b"2026-11-27 10:00:00 ERROR x - boom\n\tat a.B(B.java:1)\n\tat c\nplain\n")
    feeder.feed_lines(buf, 0, len(buf))
    assert feeder.lines == 14
    feeder.lines = 100   # app.parallel sets the count when it stitches chunks
    feeder.feed_lines(b"x\n", 0, 2)
    assert feeder.lines == 101
    with pytest.raises(ValueError):
        feeder.feed_lines(buf, 0, len(buf) + 1)


@pytest.mark.parametrize("period", [1, 2, 8, 16, 17, 200])
def test_feeder_counts_long_skipped_runs(c_scan, period):
    """Runs the feeder skips, long enough that one of count_newlines's 16 byte-sized counters would wrap if they
    were not summed in time (lines of 16 bytes or a divisor of it put every newline in one counter), around an
    event and an inert trace, at offsets that cut the count's 16-byte steps anywhere."""
    skipped = (b"p" * (period - 1) + b"\n") * (8192 // period + 3)
    for head in range(17):
        scanner = scan.LineScanner(lambda *event: None)
        feeder = scan.new_feeder(scanner, candidates.default_finder())
        buf = bytearray(b"h" * head + b"\n" + skipped + b"2026-11-27 10:00:00 ERROR x - boom\n" +
                        b"\tat a.B(B.java:1)\n" * 300 + skipped)
        feeder.feed_lines(buf, 0, len(buf))
        assert feeder.lines == buf.count(b"\n"), (period, head)


def test_a_changed_regex_is_refused(c_scan):
    """The CRI regex and the feeder's indented-run regex are written out in C: a twin built from another source (or
    without re.S for CRI) refuses to start, rather than reading lines the old way."""
    import re

    deps = dict(records.unwrapper_deps(), docker_fast=None, journald_fast=None)
    c_scan.Unwrapper(Recorder(), deps)   # the real one is accepted
    for changed in (re.compile(records._CRI.pattern.replace("stdout", "stdin")), re.compile(records._CRI.pattern)):
        with pytest.raises(ValueError, match="CRI.*app/_c_scan.c"):
            c_scan.Unwrapper(Recorder(), dict(deps, CRI=changed))
    for name, changed in (("PRI", re.compile(severity._PRI.pattern.replace("1,3", "1,4"), re.S)),
                          ("RFC5424", re.compile(severity._RFC5424.pattern)),   # (without re.S)
                          ("RFC3164", re.compile(severity._RFC3164.pattern.replace("@", ""), re.S))):
        with pytest.raises(ValueError, match=f"{name}.*app/_c_scan.c"):
            c_scan.Unwrapper(Recorder(), dict(deps, **{name: changed}))
    scanner = scan.LineScanner(lambda *event: None)
    feeder_deps = {"ENVELOPE_FIRST": records.ENVELOPE_FIRST, "MAX_LINE_BYTES": records.MAX_LINE_BYTES,
                   "INDENTED_RUN": scan._INDENTED_RUN}
    c_scan.LineFeeder(scanner.unwrapper, scanner.assembler, candidates.EveryLine(), feeder_deps)
    with pytest.raises(ValueError, match="INDENTED_RUN"):
        c_scan.LineFeeder(scanner.unwrapper, scanner.assembler, candidates.EveryLine(),
                          dict(feeder_deps, INDENTED_RUN=re.compile(scan._INDENTED_RUN.pattern + b"?")))


# --- the syslog reader (Unwrapper.syslog_fields) against app.severity.parse_syslog ---

_SYSLOG_PIECES = ["<", ">", "<13>", "<0>", "<191>", "<192>", "<007>", "<1234>", "1 ", "1", " ", "  ", "-", "[", "]",
                  "\\", "\\]", '"', "=", ":", ": ", "\n", "\t", "\x1c", "Nov", "Jan 1", "Nov  9 10:59:09",
                  "Nov 27 10:00:00", "nov 27 10:00:00", "2026-11-27T10:00:00", "2026-11-27T10:00:00Z",
                  "2026-11-27T10:00:00.123+01:00", "2026-11-27T10:00:00+0100", "2026-11-27T10:00:00+01:0",
                  "2026-11-27T10:00:00.Z", "web1", "db-1.prod:5", "app", "app[12]", "app[]", "app[1x]", "cron/x@y",
                  "ERROR", "error", "Warn", "fatal", "info", "x", "ü", "[id a=\"1\"]", "[a][b]", "[a\\]b]"]


@st.composite
def syslogish_line(draw):
    return "".join(draw(st.lists(st.sampled_from(_SYSLOG_PIECES), min_size=1, max_size=14)))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(syslogish_line(), syslog_line(), st.text(min_size=1, max_size=40)).filter(bool))
def test_syslog_lines_read_as_parse_syslog_reads_them(c_scan, line):
    got = records.new_unwrapper(Recorder()).syslog_fields(line)
    if not line.isascii():
        assert got is NotImplemented
    else:
        assert got == severity.parse_syslog(line), line


def test_syslog_forms_at_their_edges(c_scan):
    unwrapper = records.new_unwrapper(Recorder())
    lines = ["<13>1 2026-11-27T10:00:00Z web1 app 12 ID47 - msg", "<13>1 2026-11-27T10:00:00Z web1 - 12 ID47 -",
             "<13>1 2026-11-27T10:00:00Z web1 app 12 ID47 [a b=\"]\"][c] m", "<13>1 a b c d e [x",
             "<13>1 a b c d e -\n",
             '<13>1 a b c d e [x y="\\]"] m', "<13>1 a b c d e [x\\]] m", "<13>1 a b c d e [x\\\\] m",
             '<13>1 a b c d e [x y="\\"z"][w] m',
             "<13>1 a b c d e -\n\n", "<13>1 a b c d e -x", "<13>1 a b c d e [x\\", "<13>1 a  b c d e - m",
             "<13>Nov 27 10:00:00 web1 app[12]: m", "<13>Nov 27 10:00:00 web1 error: m", "<13>plain", "<192>x",
             "<1000>x", "<>x", "Nov 27 10:00:00 web1 app: m", "Nov 27 10:00:00 WARN app: m", "Nov 27 10:00:00 web1 app",
             "2026-11-27T10:00:00Z web1 app[1]:m", "2026-11-27T10:00:00+01:00 web1 a/b@c-d.e: m", "2026-11-27 x",
             "Janet", "1", "<", "<7>", "<7>1 ", "Nov 27 10:00:00 web1 app[12] m", "Nov 27 10:00:00 web1 app[12]:"]
    for line in lines:
        assert unwrapper.syslog_fields(line) == severity.parse_syslog(line), line


@pytest.mark.parametrize("make", ["python", "compiled"])
def test_switch_log_names_a_process_only_where_the_boundary_hangs_on_the_one_before(c_scan, make):
    """(line, process) at a journald entry or syslog line; the process only where an event is open there and the
    record neither is a whole multi-line one nor lacks a process (app.parallel needs nothing else). By default the
    log holds the first switch only; log_switches(until) logs each one up to line `until` and the first after."""
    def switches(lines, until=None):
        recorder = Recorder()
        unwrapper = python_unwrapper(recorder) if make == "python" else c_scan.Unwrapper(
            recorder, records.unwrapper_deps())
        if until is not None:
            unwrapper.log_switches(until)
        for no, line in enumerate(lines, 1):
            unwrapper.feed(no, line)
        return unwrapper.switch_log

    def first_switch(lines):
        log = switches(lines)
        assert len(log) <= 1
        return log[0] if log else None

    opens, closed = "odd", "even"   # the Recorder is open after a line of odd length
    entry = json.dumps({"MESSAGE": "one line", "SYSLOG_IDENTIFIER": "app", "_PID": "7"})
    whole = json.dumps({"MESSAGE": "Traceback:\n  two lines", "SYSLOG_IDENTIFIER": "app", "_PID": "7"})
    syslog = "Nov 27 10:00:00 web1 app[12]: x"
    assert first_switch([opens, "plain", closed]) is None
    assert first_switch([opens, entry]) == (2, ("app", "7"))
    assert first_switch([closed, entry]) == (2, None)
    assert first_switch([opens, whole]) == (2, None)
    assert first_switch([opens, syslog, opens, entry]) == (2, "app")
    assert first_switch([closed, syslog, opens, entry]) == (2, None)
    assert first_switch([opens, "<11>" + "no process here"]) == (2, None)
    lines = [opens, syslog, closed, entry, opens, whole, opens, syslog, closed, syslog]
    assert switches(lines, 100) == [(2, "app"), (4, None), (6, None), (8, "app"), (10, None)]
    assert switches(lines, 6) == [(2, "app"), (4, None), (6, None), (8, "app")]
    assert switches(lines, 0) == [(2, "app")]
