"""The candidate-line engine must not change any result: Hyperscan and "classify every line" agree."""
import json
import pathlib
import random

import pytest

from app import candidates, events, severity
from app import text as text_layer
from app.log_parser import summarize
from test_log_parser import FORMATS, ReadOnly, lines_of

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEXTS = {name: lines_of(sample[0]) for name, sample in FORMATS.items()}
TEXTS["contract"] = (pathlib.Path(__file__).parent / "samples" / "contract_sample.log").read_text()
TEXTS["demo"] = (ROOT / "samples" / "app-errors.log").read_text()
ALL_LINES = [line for text in TEXTS.values() for line in text.splitlines()]


def _shuffled(seed: int, n: int = 3000) -> str:
    rng = random.Random(seed)
    return "\n".join(rng.choice(ALL_LINES) for _ in range(n)) + "\n"


TEXTS.update({f"shuffled-{seed}": _shuffled(seed) for seed in range(3)})

try:
    ENGINES = [candidates.HyperscanFinder()]
except ImportError:  # no wheel for this platform: EveryLine is then the only engine (tests using ENGINES skip)
    ENGINES = []


def run(text: str, finder) -> tuple[dict, list]:
    events = []
    summary = summarize(ReadOnly(text.encode()), on_event=events.append, finder=finder)
    return summary, events


@pytest.mark.parametrize("name", sorted(TEXTS))
@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_engine_matches_classifying_every_line(name, engine):
    reference = run(TEXTS[name], candidates.EveryLine())
    assert reference[0]["lines"] == TEXTS[name].count("\n")
    assert run(TEXTS[name], engine) == reference


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_counting_inert_indented_lines_changes_nothing(monkeypatch, name):
    fast = run(TEXTS[name], candidates.EveryLine())
    monkeypatch.setattr(events.Assembler, "indented_lines_are_inert", lambda self: False)
    assert run(TEXTS[name], candidates.EveryLine()) == fast


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_chunk_boundaries_do_not_matter(monkeypatch, engine):
    text = TEXTS["shuffled-0"]
    whole = run(text, engine)
    monkeypatch.setattr(text_layer, "READ_SIZE", 997)  # lines straddle reads everywhere
    assert run(text, engine) == whole


def test_skipped_lines_are_still_counted():
    text = "plain line\n" * 1000 + "2026-11-27 10:00:00 ERROR x - boom\n" + "plain\n" * 10
    summary, events = run(text, candidates.default_finder())
    assert summary["lines"] == 1011 and events == [{"line": 1001, "level": "ERROR", "group": events[0]["group"]}]


def test_the_compiled_engine_is_the_default():
    assert candidates.default_finder().name == "compiled"  # make install builds it (app/_c_finder.c)


@pytest.mark.parametrize("engine", [*ENGINES, candidates.CompiledFinder()], ids=lambda e: e.name)
@pytest.mark.parametrize("tail", ["", "\n2026-11-29 10:00:00 INFO next"])
def test_a_hit_that_takes_the_newline_counts_for_its_own_line(engine, tail):
    # `"level": 4` then the newline: the match of `[0-4][^0-9]` ends past the newline. At the end of a chunk this
    # once made the feeder loop forever; inside one, the hit named the next line.
    text = f'2026-11-29 10:00:00 INFO ok\nworker "level": 4{tail}\n'
    assert run(text, engine) == run(text, candidates.EveryLine())
    cursor = engine.cursor(bytearray(text.encode()), 0, len(text))
    assert text.index("worker") <= cursor.next(0) <= text.index("worker") + len('worker "level": 4')


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_engine_is_safe_across_threads(engine):
    """gunicorn serves extracts in threads that share the process-wide engine."""
    import threading

    text = TEXTS["shuffled-1"]
    want = run(text, engine)
    results, errors = [], []

    def work():
        try:
            for _ in range(5):
                results.append(run(text, engine))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(exc))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == 20 and all(r == want for r in results)


def test_gzip_gives_the_same_summary_with_isal_and_with_zlib(monkeypatch):
    import gzip
    import zlib

    from app import decompress

    data = gzip.compress(TEXTS["shuffled-2"].encode())
    with_default = summarize(ReadOnly(data))
    monkeypatch.setattr(decompress, "_inflate", zlib)
    monkeypatch.setattr(decompress, "_INFLATE_ERRORS", (zlib.error,))
    assert summarize(ReadOnly(data)) == with_default
    truncated = summarize(ReadOnly(data[: len(data) // 2]))
    assert truncated["incomplete"] and truncated["error"]


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


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_engine_finds_every_line_the_classifier_counts(engine):
    lines = _tricky_lines()
    # An INFO line after each one closes any open event, so each tricky line is met with no event open.
    text = "".join(f"{line}\n2026-11-27 10:00:00 INFO ok\n" for line in lines)
    reference = run(text, candidates.EveryLine())
    assert sum(reference[0]["counts"].values()) > 0.8 * len(lines)  # most are events (not "alert" after a date)
    assert run(text, engine) == reference


FIELD_CASES = sorted((pathlib.Path(__file__).resolve().parent / "field_cases").glob("*.log"))


@pytest.mark.parametrize("path", FIELD_CASES, ids=lambda p: p.name)
@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_engine_matches_on_field_cases(path, engine):
    """Envelopes, encodings, crash starts and level fields of the field: the candidate engine misses none."""
    data = path.read_bytes()
    # alone, and mixed into INFO noise (a candidate engine only skips lines while nothing is open)
    noise = b"2026-11-29 10:00:00,000 INFO [main] App - tick\n" * 3
    for text in (data, noise + data.replace(b"\n", b"\n" + noise) if not data.startswith(b"\xff\xfe") else data):
        events_ref, events = [], []
        ref = summarize(ReadOnly(text), on_event=events_ref.append, finder=candidates.EveryLine())
        got = summarize(ReadOnly(text), on_event=events.append, finder=engine)
        assert (got, events) == (ref, events_ref)
