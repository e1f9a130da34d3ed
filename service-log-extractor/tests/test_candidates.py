"""The candidate-line engine must not change any result: Hyperscan and "classify every line" agree."""
import pathlib

import pytest

from app import candidates, scan
from app import text as text_layer
from app.log_parser import summarize

try:
    ENGINES = [candidates.HyperscanFinder()]
except ImportError:  # no wheel for this platform: EveryLine is then the only engine (tests using ENGINES skip)
    ENGINES = []


@pytest.fixture
def run(read_only):
    """run(text, finder) -> (summary, events) of summarize() over a ReadOnly stream with that candidate finder."""

    def _run(text: str, finder) -> tuple[dict, list]:
        events = []
        summary = summarize(read_only(text.encode()), on_event=events.append, finder=finder)
        return summary, events

    return _run


# Tests taking `text_name` run once for each name of the corpus (conftest), `corpus_text` is its text.
@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_engine_matches_classifying_every_line(text_name, corpus_text, engine, run):
    reference = run(corpus_text, candidates.EveryLine())
    assert reference[0]["lines"] == corpus_text.count("\n")
    assert run(corpus_text, engine) == reference


def test_counting_inert_indented_lines_changes_nothing(monkeypatch, text_name, corpus_text, run):
    fast = run(corpus_text, candidates.EveryLine())
    monkeypatch.setattr(scan.LineScanner, "indented_lines_are_inert", lambda self: False)
    assert run(corpus_text, candidates.EveryLine()) == fast


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_chunk_boundaries_do_not_matter(monkeypatch, engine, run, texts):
    text = texts["shuffled-0"]
    whole = run(text, engine)
    monkeypatch.setattr(text_layer, "READ_SIZE", 997)  # lines straddle reads everywhere
    assert run(text, engine) == whole


def test_skipped_lines_are_still_counted(run):
    text = "plain line\n" * 1000 + "2026-11-27 10:00:00 ERROR x - boom\n" + "plain\n" * 10
    summary, events = run(text, candidates.default_finder())
    assert summary["lines"] == 1011 and events == [{"line": 1001, "level": "ERROR", "group": events[0]["group"]}]


def test_the_default_engine_is_the_compiled_one():
    # make install builds app/_c_finder.c on every platform; Hyperscan (x86-64 wheels only) is never needed
    assert candidates.default_finder().name == "compiled"


@pytest.mark.parametrize("engine", [*ENGINES, candidates.CompiledFinder()], ids=lambda e: e.name)
@pytest.mark.parametrize("tail", ["", "\n2026-11-29 10:00:00 INFO next"])
@pytest.mark.parametrize("value", ["4", "004"])
def test_a_hit_that_takes_the_newline_counts_for_its_own_line(engine, tail, value, run):
    # `"level": 4` then the newline: the match of `[0-4][^0-9]` ends past the newline. At the end of a chunk this
    # once made the feeder loop forever; inside one, the hit named the next line.
    text = f'2026-11-29 10:00:00 INFO ok\nworker "level": {value}{tail}\n'
    assert run(text, engine) == run(text, candidates.EveryLine())
    cursor = engine.cursor(bytearray(text.encode()), 0, len(text))
    assert text.index("worker") <= cursor.next(0) <= text.index("worker") + len(f'worker "level": {value}')


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_engine_is_safe_across_threads(engine, run, texts, in_threads):
    """gunicorn serves extracts in threads that share the process-wide engine."""
    text = texts["shuffled-1"]
    want = run(text, engine)
    assert all(r == want for r in in_threads(lambda: run(text, engine)))


def test_gzip_gives_the_same_summary_with_isal_and_with_zlib(monkeypatch, texts, read_only):
    import gzip
    import zlib

    from app import decompress

    data = gzip.compress(texts["shuffled-2"].encode())
    with_default = summarize(read_only(data))
    monkeypatch.setattr(decompress, "_inflate", zlib)
    monkeypatch.setattr(decompress, "_INFLATE_ERRORS", (zlib.error,))
    assert summarize(read_only(data)) == with_default
    truncated = summarize(read_only(data[: len(data) // 2]))
    assert truncated["incomplete"] and truncated["error"]


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_engine_finds_every_line_the_classifier_counts(engine, tricky_lines, run):
    lines = tricky_lines
    # An INFO line after each one closes any open event, so each tricky line is met with no event open.
    text = "".join(f"{line}\n2026-11-27 10:00:00 INFO ok\n" for line in lines)
    reference = run(text, candidates.EveryLine())
    assert sum(reference[0]["counts"].values()) > 0.8 * len(lines)  # most are events (not "alert" after a date)
    assert run(text, engine) == reference


FIELD_CASES = sorted((pathlib.Path(__file__).resolve().parent / "field_cases").glob("*.log"))


@pytest.mark.parametrize("path", FIELD_CASES, ids=lambda p: p.name)
@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_engine_matches_on_field_cases(path, engine, read_only):
    """Envelopes, encodings, crash starts and level fields of the field: the candidate engine misses none."""
    data = path.read_bytes()
    # alone, and mixed into INFO noise (a candidate engine only skips lines while nothing is open)
    noise = b"2026-11-29 10:00:00,000 INFO [main] App - tick\n" * 3
    for text in (data, noise + data.replace(b"\n", b"\n" + noise) if not data.startswith(b"\xff\xfe") else data):
        events_ref, events = [], []
        ref = summarize(read_only(text), on_event=events_ref.append, finder=candidates.EveryLine())
        got = summarize(read_only(text), on_event=events.append, finder=engine)
        assert (got, events) == (ref, events_ref)


def _numeric_level_lines() -> list[str]:
    """JSON level fields with every number from 0 to 130 and some beyond: pino/bunyan's scale (10-39 trace to info,
    not events; 40 and up WARN, ERROR, FATAL), syslog's (0-7, GELF with `short_message`, journald's PRIORITY), as a
    number and as a string, spaced, inside a Docker record (escaped), after other fields."""
    values = [*range(131), 199, 200, 399, 400, 999, 1000, 12345]
    lines = []
    for n in values:
        lines += [f'{{"level":{n},"msg":"m {n}"}}', f'{{"time":1,"level": "{n}","msg":"m"}}',
                  f'{{"severity" : {n}, "message":"m"}}', f'{{"version":"1.1","short_message":"m","level":{n}}}',
                  f'{{"PRIORITY":"{n}","MESSAGE":"m"}}', f'{{"lvl":{n:03d},"msg":"m"}}',
                  '{"log":"{\\"level\\":%d,\\"msg\\":\\"m\\"}\\n","stream":"stdout","time":"2026-11-29T10:00:00Z"}' % n]
    return lines


@pytest.mark.parametrize("engine", [candidates.CompiledFinder(), *ENGINES], ids=lambda e: e.name)
def test_numeric_json_levels_are_candidates_where_they_are_events(engine, run):
    """The level patterns leave out pino's 10-39 (trace to info: ~5% of the realistic log's lines were taken, each
    to be read as JSON and found no event) and nothing that is one."""
    text = "".join(f"{line}\n2026-11-27 10:00:00 INFO ok\n" for line in _numeric_level_lines())
    reference = run(text, candidates.EveryLine())
    assert min(reference[0]["counts"].values()) > 20   # events of each class among them
    assert run(text, engine) == reference
    info = "".join(f'{{"level":{n},"msg":"request {n} served","hostname":"web-1"}}\n' for n in range(10, 40)).encode()
    assert engine.cursor(info, 0, len(info)).next(0) == -1
