"""The candidate-line engines must not change any result: Hyperscan, `re` and "classify every line" agree."""
import pathlib
import random

import pytest

from app import candidates, log_parser
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

ENGINES = [candidates.ReFinder()]
try:
    ENGINES.append(candidates.HyperscanFinder())
except ImportError:  # no wheel for this platform: the `re` engine alone must still agree
    pass


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
    monkeypatch.setattr(log_parser._Scanner, "indented_lines_are_inert", lambda self: False)
    assert run(TEXTS[name], candidates.EveryLine()) == fast


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_chunk_boundaries_do_not_matter(monkeypatch, engine):
    text = TEXTS["shuffled-0"]
    whole = run(text, engine)
    monkeypatch.setattr(log_parser, "READ_SIZE", 997)  # lines straddle reads everywhere
    assert run(text, engine) == whole


def test_skipped_lines_are_still_counted():
    text = "plain line\n" * 1000 + "2026-11-27 10:00:00 ERROR x - boom\n" + "plain\n" * 10
    summary, events = run(text, candidates.default_finder())
    assert summary["lines"] == 1011 and events == [{"line": 1001, "level": "ERROR", "group": events[0]["group"]}]


def test_hyperscan_is_used_where_available():
    pytest.importorskip("hyperscan")
    assert candidates.default_finder().name == "hyperscan"


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
