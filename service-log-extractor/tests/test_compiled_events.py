"""The compiled twin of the event assembler (app._c_events.Assembler) emits exactly what app.events.Assembler emits.

The Python class is the reference. Both are fed the same inner lines (with the envelope level, tag and raw line
app.records hands over) and must emit the same events and agree on their state (`open`, `in_tb`, whether indented
lines are inert) after every line: on hypothesis sequences drawn from line shapes that reach every rule of
app.events (headers of every class, Rails' empty headers and frame messages, .NET's message on the next line,
tracebacks and their chains, exception and crash starts, continuations, indented frames and headers, long lines,
non-ASCII spaces and digits, envelope levels), on every line of the shared corpus, and as whole summaries of every
sample file. The state the twin exports for app.parallel survives pickling and resumes where it left off.
`make install` builds the module; without it these tests fail.
"""
import io
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import events, grouping, scan
from app.log_parser import summarize

SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def twin():
    """The compiled Assembler type; fails (not skips) when the core is not built."""
    if events._c_events is None:
        pytest.fail("app._c_events is not built: run `make install` (setup.py build_ext --inplace)")
    return events._c_events.Assembler


@pytest.fixture
def python_only(monkeypatch):
    """Switches the scan to the Python Assembler for the rest of the test."""
    monkeypatch.setattr(events, "_c_events", None)


LEVEL_WORDS = ["ERROR", "WARN", "FATAL", "INFO", "DEBUG", "error", "Warning", "CRITICAL"]
HEADERS = [
    "2026-11-27 10:00:0{n} {w} [main] com.acme.Orders - failed order {n}",
    "2026-11-27 10:00:0{n} {w} ",                          # a header with no message
    "2026-11-27 10:00:0{n} {w} app/models/order.rb:{n}:in `save'",   # a frame as the message
    "2026-11-27 10:00:0{n} {w} at com.acme.X.run(X.java:{n})",
    "E, [2026-11-27T10:00:0{n}.123 #1] ERROR -- : ",        # Rails, empty and with a message or a frame
    "E, [2026-11-27T10:00:0{n}.123 #1] ERROR -- : Order {n} failed",
    "E, [2026-11-27T10:00:0{n}.123 #1] ERROR -- : app/x.rb:{n}:in `y'",
    "W, [2026-11-27T10:00:0{n}.123 #1]  WARN -- : slow {n}",
    "fail: Microsoft.AspNetCore.Server.Kestrel[{n}]",         # .NET: the message follows, indented
    "warn: Acme.Worker[{n}]",
    "E1127 10:00:0{n}.000000       1 reflector.go:{n}] watch failed",
    "I1127 10:00:0{n}.000000       1 main.go:{n}] started",
    '{{"level":"{w}","msg":"request {n} failed"}}',
    "time=2026-11-27T10:00:0{n}Z level={w} msg=\"x {n}\"",
]
FIXED = [
    "Traceback (most recent call last):", "ValueError: bad value", "KeyboardInterrupt", "x.y.ZError: no",
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
    "Caused by: java.io.IOException: reset", "... 12 more", "... 3 common frames omitted", "--- End of stack",
    "panic: runtime error: index out of range", "fatal error: all goroutines are asleep", "goroutine 1 [running]:",
    "created by main.main", "[stacktrace]", "#0 /app/x.php(12): foo()", "java.lang.IllegalStateException: boom",
    "Exception in thread \"main\" java.lang.Error", "Uncaught TypeError: x is undefined", "Unhandled exception. x",
    "thread 'main' panicked at src/main.rs:2:5:", "Exception", "Exception: x", "SomeError",
    "plain text without a level", "Ünïcode line", "\u3000full-width space first", "\x0bvertical tab first",
    "E\u0661\u0662\u0663\u0664 arabic-indic digits", "E\u00b2\u00b3\u2074\u2075 superscripts",
    "I\u0661\u0662\u0663\u0664 x", "W1234 klog-ish", "-", "$x",
    "\"at com.x.Y.z(Y.java:1)\",", "<11>Nov 27 10:00:00 web1 app[1]: boom", "", " ", "\t \u3000",
]
INDENTED = [
    "\tat com.acme.X.run(X.java:{n})", "  File \"/app/x.py\", line {n}, in f", "    return x[{n}]",
    "\tmain.go:{n} +0x1d", "\t/usr/local/go/src/x.go:{n} +0x1", "      Request {n} was aborted",
    "  2026-11-27 10:00:0{n} [ERROR] nomad: lost {n}", "\t2026/11/27 10:00:0{n} [WARN] consul: slow",
    "  2026-11-27T10:00:0{n} [INFO] ok", "   ", "\t... {n} more", "  Caused by: x", "  {n}: <module>",
    "\u3000\u3000indented by ideographic spaces",
]


@st.composite
def inner_line(draw):
    kind = draw(st.sampled_from(["header", "fixed", "indented", "long"]))
    n = draw(st.integers(0, 9))
    if kind == "header":
        line = draw(st.sampled_from(HEADERS)).format(w=draw(st.sampled_from(LEVEL_WORDS)), n=n)
    elif kind == "fixed":
        line = draw(st.sampled_from(FIXED))
    elif kind == "indented":
        line = draw(st.sampled_from(INDENTED)).format(n=n)
    else:  # longer than RAW_MAX_CHARS: its raw line is kept as head and tail
        line = draw(st.sampled_from(HEADERS)).format(w="ERROR", n=n) + "x" * draw(st.integers(2000, 2100))
    envelope = draw(st.sampled_from([None, None, None, "ERROR", "WARN", "FATAL", "OTHER"]))
    tag = draw(st.sampled_from([None, "", "app"])) if envelope is not None else None
    raw = draw(st.sampled_from([None, None, "RAW", "R" * 2100]))
    return line, envelope, tag, raw


def run_assembler(assembler_type, lines, check_state=None):
    """Feeds `lines` [(text, envelope_level, tag, raw)] to assembler_type(emit) and returns (events, states): the
    emitted tuples and the state after each line."""
    emitted, states = [], []
    assembler = assembler_type(lambda *event: emitted.append(event))
    for no, (text, envelope, tag, raw) in enumerate(lines, 1):
        if envelope is None and tag is None and raw is None:
            assembler.feed(no, text)
        else:
            assembler.feed(no, text, envelope, tag, raw)
        states.append((bool(assembler.open), bool(assembler.in_tb), bool(assembler.indented_lines_are_inert())))
    assembler.finish()
    return emitted, states


@pytest.fixture(scope="module")
def compiled_factory(twin):
    """emit -> a compiled Assembler, built as the scan builds it."""
    return events.new_assembler


def test_the_scan_uses_the_twin(twin):
    assert isinstance(scan.LineScanner(lambda *e: None).assembler, twin)


@SETTINGS
@given(st.lists(inner_line(), max_size=60))
def test_same_events_and_state_on_generated_lines(compiled_factory, lines):
    assert run_assembler(compiled_factory, lines) == run_assembler(events.Assembler, lines)


def test_same_events_on_the_corpus_lines(compiled_factory, all_lines, tricky_lines):
    for pool in (all_lines, tricky_lines):
        lines = [(line, None, None, None) for line in pool]
        assert run_assembler(compiled_factory, lines) == run_assembler(events.Assembler, lines)


def test_same_summaries_on_every_sample_file(sample_path, python_only_summary):
    data = sample_path.read_bytes()
    found = []
    assert summarize(io.BytesIO(data), on_event=found.append) == python_only_summary(data, found)


@pytest.fixture
def python_only_summary(monkeypatch):
    """python_only_summary(data, compiled_events) -> the Python Assembler's summary of data, after asserting its
    events equal compiled_events."""

    def _run(data, compiled_events):
        with monkeypatch.context() as m:
            m.setattr(events, "_c_events", None)
            found = []
            summary = summarize(io.BytesIO(data), on_event=found.append)
        assert found == compiled_events
        return summary

    return _run


def test_same_summaries_on_the_corpus_texts(texts, python_only_summary):
    for text in texts.values():
        found = []
        data = text.encode()
        assert summarize(io.BytesIO(data), on_event=found.append) == python_only_summary(data, found)


@SETTINGS
@given(st.lists(inner_line(), min_size=1, max_size=40), st.data())
def test_exported_state_resumes_where_it_left_off(compiled_factory, lines, data):
    """As app.parallel stitches chunks: one twin scans the first lines numbered from 1 (a chunk); its state,
    pickled, is restored into another twin with the chunk's line offset, which goes on with the following lines
    numbered in the file. Together they emit what one twin fed every line emits."""
    cut = data.draw(st.integers(0, len(lines)))
    offset = data.draw(st.integers(0, 1000))
    whole = []
    one = compiled_factory(lambda *event: whole.append(event))
    for no, (text, envelope, tag, raw) in enumerate(lines, offset + 1):
        one.feed(no, text, envelope, tag, raw)
    one.finish()

    emitted = []
    chunk = compiled_factory(lambda *event: emitted.append((event[0] + offset,) + event[1:]))
    for no, (text, envelope, tag, raw) in enumerate(lines[:cut], 1):
        chunk.feed(no, text, envelope, tag, raw)
    state = pickle.loads(pickle.dumps(chunk.export_state()))
    rest = compiled_factory(lambda *event: emitted.append(event))
    rest.restore_state(state, offset)
    for no, (text, envelope, tag, raw) in enumerate(lines[cut:], offset + cut + 1):
        rest.feed(no, text, envelope, tag, raw)
    rest.finish()
    assert emitted == whole


@pytest.mark.parametrize("failing", ["emit", "make_template"])
def test_a_failing_callback_propagates_and_leaves_the_same_state(twin, monkeypatch, failing):
    """As in Python: the open event is taken off before it is templated and emitted, so an error there loses that
    event and the one whose opening closed it is not opened."""
    def boom(*args):
        raise RuntimeError("callback failed")

    def outcome(factory):
        emit = boom if failing == "emit" else (lambda *event: None)
        assembler = factory(emit)
        assembler.feed(1, "2026-11-27 10:00:00 ERROR [main] X - boom")
        opened = assembler.open
        with pytest.raises(RuntimeError, match="callback failed"):
            assembler.feed(2, "2026-11-27 10:00:01 ERROR [main] X - again")
        assembler.finish()  # nothing open: nothing to emit
        return opened, assembler.open

    if failing == "make_template":
        monkeypatch.setattr(events, "make_template", boom)
    assert outcome(events.new_assembler) == outcome(events.Assembler) == (True, False)


def test_group_ids_are_kept_per_level_and_template(twin, monkeypatch):
    """The twin keeps group_id's answers (a pure function: groups repeat): it asks once per level and template, and
    after many distinct ones (its store starts over) its ids are still group_id's."""
    asked = []

    def counting(level, template):
        asked.append((level, template))
        return grouping.group_id(level, template)

    monkeypatch.setattr(events, "group_id", counting)
    emitted = []
    assembler = events.new_assembler(lambda *event: emitted.append(event))
    lines = [f"2026-11-27 10:00:00 {level} [main] X - failed {kind}" for level in ("ERROR", "WARN")
             for kind in ("read", "write")] * 3
    lines += [f"2026-11-27 10:00:00 ERROR [main] X - failed {word}" for word in
              ("".join(chr(97 + (n // 26 ** k) % 26) for k in range(4)) for n in range(5000))] * 2
    for no, line in enumerate(lines, 1):
        assembler.feed(no, line)
    assembler.finish()
    assert len(emitted) == len(lines)
    assert all(gid == grouping.group_id(level, template) for _, level, gid, template, *_ in emitted)
    distinct = list(dict.fromkeys((level, template) for _, level, _, template, *_ in emitted))
    assert len(distinct) == 4 + 5000 and asked[:len(distinct)] == distinct    # once each, until it starts over
    assert len(distinct) < len(asked) < len(lines)   # it started over (bounded), and asks less than once an event


def test_bad_arguments_are_type_errors(compiled_factory):
    assembler = compiled_factory(lambda *event: None)
    with pytest.raises(TypeError):
        assembler.feed(1, b"bytes are not lines")
    with pytest.raises(TypeError):
        assembler.feed(1)
    with pytest.raises(TypeError):
        assembler.feed(1, "x", colour="red")


def test_a_changed_indented_header_regex_is_refused(twin, monkeypatch):
    """_INDENTED_HEADER is written out in C: a twin built from another source refuses to start."""
    import re

    events.new_assembler(lambda *event: None)   # the real one is accepted
    monkeypatch.setattr(events, "_INDENTED_HEADER", re.compile(r"[ \t]+[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}[T ]"))
    with pytest.raises(ValueError, match="INDENTED_HEADER.*app/_c_events.c"):
        events.new_assembler(lambda *event: None)


def test_a_changed_special_regex_is_refused(twin, monkeypatch):
    """The special lines' prefilter (special_may_match) was written from _SPECIAL: another _SPECIAL is refused."""
    import re

    monkeypatch.setattr(events, "_SPECIAL", re.compile(events._SPECIAL.pattern.replace("Throwable", "Thrown")))
    with pytest.raises(ValueError, match="SPECIAL.*special_may_match"):
        events.new_assembler(lambda *event: None)


# Pieces of the special lines (every literal start, the exception-name forms) and their near misses.
_SPECIAL_PIECES = [
    "During handling of the above exception", "During handling", "The above exception was the direct cause",
    "Caused by: ", "Caused by:", "Suppressed: ", "Wrapped by: ", "... 3 more", "... ", "..", "--- End of ", "---> ",
    "goroutine 1 [", "goroutine ", "[signal ", "created by ", "stack backtrace:", "[stacktrace]", "#1 ", "#", '"at ',
    '"at x.Y(', "panic: ", "fatal error: ", "Exception", "Exception in thread ", "Unhandled ", "Unhandled exception",
    "Uncaught ", "Uncaught Error", "thread '", "thread 'main' panicked at", "java.io.IOException", "IOException",
    "ValueError", "Error", "Throwable", "Fault", "x.Fault", "soap.SOAPFault", "a$b.C", "Exceptio", "Erro", "E", "T",
    "F", ".", "$", "_", ":", ": ", " ", "\t", "\u00a0", "\u2003", "x", "é", "ſ", "\n",
]


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_SPECIAL_PIECES), st.text(max_size=4)), min_size=1, max_size=8).map("".join))
def test_the_special_prefilter_never_hides_a_special_line(twin, line):
    if not events._c_events.special_may_match(line):
        assert events._SPECIAL.match(line) is None, line


def test_the_special_prefilter_on_every_corpus_line(twin, all_lines, tricky_lines):
    passed = 0
    for line in all_lines + tricky_lines:
        if events._c_events.special_may_match(line):
            passed += 1
        else:
            assert events._SPECIAL.match(line) is None, line
    assert passed   # (the corpus has special lines: the test is not vacuous)


# Pieces of stack-frame messages (_FRAME_MESSAGE: Ruby's `file:line:in`, Java's `at x.Y(`, Python's `File "`) and
# their near misses.
_FRAME_PIECES = ["at ", "at x.Y(", "at", "File \"", "File ", "app.rb:12:in `x'", ":12:in ", ":in ", ":in", "in ", ":",
                 "12", "gem-1 (1.2.3) ", "x ", "(", "`", "'", "é", "\u0130", " ", "\t"]


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_FRAME_PIECES), st.text(max_size=3)), min_size=1, max_size=8).map("".join))
def test_the_frame_message_prefilter_never_hides_a_frame(twin, text):
    if not events._c_events.frame_message_may_match(text):
        assert events._FRAME_MESSAGE.match(text) is None, text


@pytest.mark.parametrize("change", ["source", "flags"])
def test_a_changed_frame_message_regex_is_refused(twin, monkeypatch, change):
    """Its prefilter (frame_message_may_match) was written from _FRAME_MESSAGE: another source, or another flag (re.I
    would match `AT x.Y(` where the prefilter looks for `at `), is refused."""
    import re

    pattern = events._FRAME_MESSAGE.pattern
    changed = re.compile(pattern.replace(":in ", ":at ")) if change == "source" else re.compile(pattern, re.I)
    monkeypatch.setattr(events, "_FRAME_MESSAGE", changed)
    with pytest.raises(ValueError, match="FRAME_MESSAGE.*frame_message_may_match"):
        events.new_assembler(lambda *event: None)


# -- ChunkSink: a parallel worker's emit (app.scan.ChunkSink is the reference) --

_sink_event = st.tuples(
    st.integers(1, 40),                                              # line number, around a split of 20
    st.sampled_from(["ERROR", "WARN", "FATAL"]),
    st.sampled_from(["g1", "g2", "g3", "g4"]),                       # group ids repeat
    st.sampled_from(["t <N>", "t", ""]),
    st.one_of(st.text(max_size=5), st.just("x" * (grouping.SAMPLE_MAX_CHARS + 3)), st.just("a\ud800b")),
    st.booleans(),
    st.one_of(st.none(), st.text(max_size=5)),
)


def _sink_view(sink) -> tuple:
    return sink.groups, sink.late_groups, sink.early, sink.events


@SETTINGS
@given(st.lists(_sink_event, max_size=50), st.booleans(), st.booleans(), st.sampled_from([20, -1]))
def test_the_chunk_sink_sums_as_the_python_one(twin, events_in, keep_events, without_raw, split):
    compiled = events._c_events.ChunkSink(split, keep_events, grouping.make_sample)
    reference = scan.ChunkSink(split, keep_events)
    for event in events_in:
        args = event[:6] if without_raw and event[6] is None else event   # raw's default: None
        compiled(*args)
        reference(*args)
    assert _sink_view(compiled) == _sink_view(reference)
    # the types too: sums are lists of ints and the same strings, events tuples
    for got, want in zip(compiled.groups.values(), reference.groups.values()):
        assert list(map(type, got)) == list(map(type, want))


def test_the_scan_sums_with_the_compiled_sink(twin):
    assert type(scan.new_chunk_sink(1, False)) is events._c_events.ChunkSink


def test_the_chunk_sink_refuses_bad_calls(twin):
    sink = events._c_events.ChunkSink(5, False, grouping.make_sample)
    with pytest.raises(TypeError):
        sink(1, "ERROR", "g", "t", "s")
    with pytest.raises(TypeError):
        sink(1, "ERROR", "g", "t", "s", False, None, raw=None)
    with pytest.raises(TypeError):
        sink("1", "ERROR", "g", "t", "s", False)
    with pytest.raises(TypeError):
        events._c_events.ChunkSink(5, False, None)
    with pytest.raises(ZeroDivisionError):   # make_sample's error propagates; nothing is summed
        events._c_events.ChunkSink(5, False, lambda s: 1 / 0)(1, "ERROR", "g", "t", "s", False)
    assert sink.groups == {} and sink.early == [] and sink.events is None
