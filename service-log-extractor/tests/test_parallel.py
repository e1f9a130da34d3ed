"""Scanning on several cores (app.parallel) must give exactly the sequential summary and events."""
import gzip
import io
import json
from collections import Counter

import pytest

from app import log_parser, parallel
from test_candidates import TEXTS, _tricky_lines

# Long lines across chunk edges, CRLF, a byte order mark, no final newline, and events open across edges both
# where a resync line follows (number-led headers) and where none does (JSON lines, bare traces).
_EDGES = {
    "overlong": ("2026-11-27 10:00:00 ERROR " + "x" * 70_000 + "\n2026-11-27 10:00:01 INFO ok\n") * 3
    + "2026-11-27 10:00:02 WARN " + "y" * 200_000,
    "crlf_bom": "\ufeff" + "2026-11-27 10:00:00 ERROR a\r\n\tat x.y(Z.java:1)\r\n2026-11-27 10:00:01 INFO b\r\n" * 200,
    "json_only": "".join(json.dumps({"level": "error" if i % 3 else "info", "msg": f"m{i % 7}"}) + "\n  at f(x.js:1)\n"
                         for i in range(400)),
    "bare_traces": "Traceback (most recent call last):\n  File \"a.py\", line 1, in <module>\nValueError: x\n" * 300,
    "tricky": "".join(f"{line}\n\tat a.b(C.java:1)\n" for line in _tricky_lines()),
}
CASES = {**TEXTS, **_EDGES}


def sequential(data: bytes):
    events = []
    return log_parser.summarize(io.BytesIO(data), on_event=events.append), events


@pytest.fixture
def branches(monkeypatch):
    """Records which stitching path each chunk took: (event open at the chunk start, resync line found)."""
    seen = Counter()
    add = parallel.Stitcher.add

    def recording_add(self, chunk):
        seen[(self._scanner.open, chunk.resync_line is not None)] += 1
        return add(self, chunk)

    monkeypatch.setattr(parallel.Stitcher, "add", recording_add)
    return seen


@pytest.mark.parametrize("chunk_bytes", [257, 4096])
def test_file_ranges_give_the_sequential_result(tmp_path, branches, chunk_bytes):
    for name, text in CASES.items():
        data = text.encode()
        path = tmp_path / f"{name}.log"
        path.write_bytes(data)
        events = []
        summary = parallel.summarize_file(str(path), processes=2, on_event=events.append, chunk_bytes=chunk_bytes)
        assert (summary, events) == sequential(data), name
    assert branches[(True, True)] and branches[(True, False)] and branches[(False, True)]  # every path taken


def test_stream_chunks_give_the_sequential_result(branches):
    for name, text in CASES.items():
        data = text.encode()
        events = []
        summary = parallel.summarize_stream(io.BytesIO(gzip.compress(data)), processes=2, on_event=events.append,
                                            chunk_bytes=997)
        assert (summary, events) == sequential(data), name
    assert branches[(True, True)] and branches[(True, False)]


def test_truncated_stream_is_flagged_incomplete():
    data = gzip.compress(TEXTS["shuffled-0"].encode())[:-100]
    summary = parallel.summarize_stream(io.BytesIO(data), processes=2, chunk_bytes=997)
    assert summary == sequential(data)[0] and summary["incomplete"]


def test_empty_file(tmp_path):
    path = tmp_path / "empty.log"
    path.write_bytes(b"")
    assert parallel.summarize_file(str(path), processes=2) == sequential(b"")[0]
