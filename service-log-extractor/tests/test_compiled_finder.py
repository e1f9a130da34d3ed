"""The compiled candidate finder (app._c_finder, CompiledFinder) misses no line Hyperscan hits and changes no result.

It must be built (`make install`): without it these tests fail, they do not skip. The tests that need Hyperscan (the
superset property, and the summaries of random lines, where the patterns themselves miss lines the classifier takes)
skip where its wheel is missing (arm64); the summaries of sample files and of a realistic log are compared with
EveryLine everywhere.
"""
import importlib.util
import io
import json
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import candidates, parallel
from app._c_finder import find_lines  # ImportError (a failure, not a skip) when the compiled core is not built
from app.log_parser import summarize
from app.text import strip_controls


# ----------------------------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def hyperscan():
    pytest.importorskip("hyperscan")
    return candidates.HyperscanFinder()


@pytest.fixture(scope="module")
def compiled():
    return candidates.CompiledFinder()


@pytest.fixture(scope="module")
def realistic(make_realistic_log) -> bytes:
    """A 3 MiB log of bench/realistic.py (all its formats, ~16% events, stack traces, CRLF, invalid UTF-8)."""
    return make_realistic_log(3, seed=11)


@pytest.fixture(scope="module")
def hyperscan_lines(hyperscan):
    """hyperscan_lines(buf, lo, hi) -> the start offsets of the lines holding a Hyperscan hit, as LineFeeder takes
    them (the line containing the hit's end offset; a hit at hi, after the range's last newline, is no line)."""

    def _lines(buf, lo, hi):
        cursor, pos, lines = hyperscan.cursor(buf, lo, hi), lo, set()
        while (hit := cursor.next(pos)) >= 0:
            start = buf.rfind(b"\n", lo, hit) + 1 or lo
            if start < hi:
                lines.add(start)
            pos = hit + 1
        return lines

    return _lines


@pytest.fixture(scope="module")
def assert_superset(hyperscan_lines):
    """assert_superset(buf, lo, hi) -> (Hyperscan's lines, compiled lines), after checking that the compiled lines
    are line starts of the range, ascending, and include every line Hyperscan hits."""

    def _check(buf, lo, hi):
        got = find_lines(buf, lo, hi)
        assert got == sorted(set(got))
        assert all(lo <= s < hi and (s == lo or buf[s - 1] == 10) for s in got)
        want = hyperscan_lines(buf, lo, hi)
        missed = sorted(want - set(got))
        assert not missed, [bytes(buf[s:s + 200]) for s in missed[:5]]
        return want, got

    return _check


@pytest.fixture(scope="module")
def references():
    """The engines the compiled one must agree with: EveryLine, and Hyperscan where its wheel exists."""
    engines = [candidates.EveryLine()]
    if importlib.util.find_spec("hyperscan") is not None:
        engines.append(candidates.HyperscanFinder())
    return engines


def run(data: bytes, finder) -> tuple[dict, list]:
    events = []
    return summarize(io.BytesIO(data), on_event=events.append, finder=finder), events


def line_starts(data: bytes) -> list[int]:
    starts, nl = [0], data.find(b"\n")
    while nl >= 0:
        starts.append(nl + 1)
        nl = data.find(b"\n", nl + 1)
    return starts


# ------------------------------------------------------------------------------------- superset property

def test_superset_on_sample_files(sample_path, assert_superset):
    data = sample_path.read_bytes()
    assert_superset(data, 0, len(data))
    starts = line_starts(data)
    rng = random.Random(sample_path.name)
    for _ in range(20):   # ranges starting and ending at arbitrary line boundaries (or at the end, mid-line)
        lo, hi = sorted(rng.choice(starts + [len(data)]) for _ in range(2))
        assert_superset(data, lo, hi)


def test_superset_on_a_realistic_log(realistic, assert_superset):
    want, got = assert_superset(realistic, 0, len(realistic))
    assert len(got) <= 1.05 * len(want) + 10   # over-matching stays low
    starts = line_starts(realistic)
    rng = random.Random(3)
    for _ in range(30):
        lo, hi = sorted(rng.choice(starts) for _ in range(2))
        assert_superset(realistic, lo, hi)


# Lines as logs write them, from the fragments the patterns look for, in any case and with stray bytes.
_WORDS = ["err", "error", "eror", "erro", "warn", "warning", "wrn", "fatal", "ftl", "crit", "critical", "emerg",
          "emergency", "alert", "panic", "severe", "fail", "failed", "fault", "info", "debug", "notice", "trace",
          "exception", "throwable", "traceback", "uncaught", "panicked", "Error", "SomeError", "terror", "server",
          "dpanic", "dpan"]
_AFTER = ["", ":", "]", ">", '"', "\t", "\\", ",\t", ";\\", "/\t", "|\\", "  ", " \t", " ]", "   >", " ", ",", "-",
          ": ", "\r", "\x0b", "\x0c", "\x85", " \r", "\t\x0b"]
_KEYS = ["level", "severity", "lvl", "loglevel", "log.level", "levelname", "log_level", "@l", "priority", "s",
         "msg", "ss", "stream"]


def _cased(word: str, how: int) -> str:
    return [word.lower(), word.upper(), word.title(), word.swapcase(), word][how]


_word = st.builds(_cased, st.sampled_from(_WORDS), st.integers(0, 4))
_level = st.builds(lambda w, a: w + a, _word, st.sampled_from(_AFTER))
_json_value = st.one_of(st.integers(0, 199).map(str), st.builds(lambda z, n: "0" * z + str(n), st.integers(1, 3),
                                                                  st.integers(0, 120)),
                        st.sampled_from(["f", "e", "w", "F", "E", "W", "i", "60", "1000", "39", "40"]), _word)
_json_level = st.builds(
    lambda k, esc, sp1, sp2, quote, v, end: (f'{esc}"{k}{esc}"{sp1}:{sp2}' + (f"{esc}\"" if quote else "") + v +
                                             (f"{esc}\"" if quote else "") + end),
    st.builds(_cased, st.sampled_from(_KEYS), st.integers(0, 4)), st.sampled_from(["", "\\"]),
    st.sampled_from(["", " ", "\t "]), st.sampled_from(["", " ", "\t"]), st.booleans(), _json_value,
    st.sampled_from(["", ",", "}", " ", "\n"]))
_pri = st.builds(lambda lead, n, rest: f"<{lead}{n}>{rest}", st.sampled_from(["", "0"]), st.integers(0, 999),
                 st.sampled_from(["", "1 ", "Nov 27 10:00:00 host app: "]))
_klog = st.builds(lambda lvl, mm, dd, h: f"{lvl}{mm:02d}{dd:02d} {h}0:06:00.000000       1 x.go:12] boom",
                  st.sampled_from("IWEFD"), st.integers(0, 13), st.integers(0, 39), st.integers(0, 9))
_logcat = st.one_of(
    st.builds(lambda sp, lvl: f"11-27 10:00:00.000  1234{sp}1250 {lvl} Tag: boom", st.sampled_from([" ", "  ", ""]),
              st.sampled_from("VDIWEFA")),
    st.builds(lambda pre, lvl: f"{pre}{lvl}/Tag( 123): boom", st.sampled_from(["", " ", '"', "\t", "x", "11-27 "]),
              st.sampled_from("VDIWEFAe")))
_cri = st.builds(lambda stream, tag, text: f"2026-11-27T10:00:00.123456789Z {stream} {tag} {text}",
                 st.sampled_from(["stdout", "stderr", "stdin"]), st.sampled_from(["P", "F", "p"]),
                 st.text(max_size=30))
_docker = st.builds(
    lambda text, nl, sep, stream: '{"log":' + json.dumps(text + nl) + sep + f'"stream":"{stream}","time":"x"}}',
    st.text(max_size=40), st.sampled_from(["\n", "", "n", "\\"]), st.sampled_from([",", ", ", " ,"]),
    st.sampled_from(["stdout", "stderr"]))
_fixed = st.sampled_from([
    "1:M 27 Nov 2026 10:00:00.123 # Timeout", "10:00:00.1 #", "2026-11-27 10:00:00 error boom", "Z, Warn x",
    "2026-11-27 10:00:00, Error boom", "10:00:00Z fatal boom", "Error,x,y", "Warning,1", "Critical,", "Severe,a",
    "ALERT", "x.SoapFault: y", "Uncaught Error", "thread 'main' panicked at", "java.lang.Throwable",
    "Traceback (most recent call last):", 'x", "stream":"stderr"', 'n","stream"', '\\n","stream"', "level=error",
    'level="warn"', 'level=\\"fatal\\"', "a=crit", "=\\\"alert", "2026-11-27T10:00:00Z INFO ok",
    "    at x.y(Z.java:1)"])
# (bytes >= 0x80 as lone surrogates: encoded back with surrogateescape, they are invalid UTF-8 again)
_noise = st.one_of(st.text(max_size=30),
                   st.binary(max_size=12).map(lambda b: b.decode("utf-8", "surrogateescape")))
_fragment = st.one_of(_level, _level, _json_level, _pri, _klog, _logcat, _cri, _docker, _fixed, _noise)
_short_line = st.lists(_fragment, max_size=6).flatmap(
    lambda parts: st.sampled_from([" ", "", "\t", "\x00"]).map(lambda sep: sep.join(parts)))
_long_line = st.builds(lambda n, tail: "x" * n + tail, st.sampled_from([5000, 66000]), _fragment)  # past the line cut
_line = st.one_of(*[_short_line] * 15, _long_line)


def _encode(lines: list[str], eol: str, last_eol: bool) -> bytes:
    text = eol.join(lines) + (eol if last_eol and lines else "")
    return text.encode("utf-8", "surrogateescape")


_logs = st.builds(_encode, st.lists(_line, max_size=12), st.sampled_from(["\n", "\r\n"]), st.booleans())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=_logs, cut=st.data())
def test_superset_on_generated_lines(data, cut, assert_superset):
    assert_superset(data, 0, len(data))
    starts = line_starts(data)
    lo = cut.draw(st.sampled_from(starts))
    hi = cut.draw(st.sampled_from([s for s in starts if s >= lo] + [len(data)]))
    assert_superset(data, lo, hi)


# ------------------------------------------------------------------- the vector pretest against the scalar scan

def test_vector_pretest_in_use_where_the_cpu_has_avx2():
    """Else every test here would check the scalar scan twice and the vector pretest never."""
    import platform
    from app import _c_finder
    flags = open("/proc/cpuinfo").read() if platform.machine() == "x86_64" else ""
    assert _c_finder.VECTOR == ("avx2" if re.search(r"^flags\s*:.*\bavx2\b", flags, re.M) else "")


def _padded(lines: list[str], pads: list[int]) -> bytes:
    """Each line behind a run of filler of its own length, so that the fragments fall at every place of a 32-byte
    block and every line length around the block's 34-byte minimum occurs."""
    filler = "a-b_c.d/e f0g:h"
    return "\n".join((filler * 8)[:pad] + line for line, pad in zip(lines, pads)).encode(
        "utf-8", "surrogateescape")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(lines=st.lists(_short_line, min_size=1, max_size=12), pads=st.lists(st.integers(0, 100), min_size=12,
                                                                          max_size=12), cut=st.data())
def test_vector_pretest_same_lines_as_the_scalar_scan(lines, pads, cut):
    data = _padded(lines, pads)
    starts = line_starts(data)
    lo = cut.draw(st.sampled_from(starts))
    hi = cut.draw(st.integers(lo, len(data)))
    for a, b in ((0, len(data)), (lo, hi)):
        assert find_lines(data, a, b) == find_lines(data, a, b, True)


def test_vector_pretest_at_every_place_of_a_block():
    """Each trigger fragment at every offset 0..70 of a line whose length runs across the block edges. `7 W ` and
    ` A/` (logcat) are hits with nothing after their pair: at the end of a line, its `\n` is their third character."""
    fragments = ["ERROR", "err:", "Warn]", "fatal\t", "level=error", '"level":"warn"', '"severity": 4,', "<3>",
                 "W1127 ", " E ", "E/Tag", "1:M 27 Nov 2026 10:00:00.123 # x", "Traceback", "panicked", "Uncaught",
                 "exception", "Throwable", "Fault", " stdout P ", 'x","stream"', "critical", "alert:", "severe]",
                 "emerg>", "wrn\t", "FTL:", "Error,", "10:00:00Z err x", "7 W ", " A/"]
    lines = [("x" * at + frag + "y" * tail)[:at + len(frag) + tail] for frag in fragments for at in range(71)
             for tail in (0, 1, 2, 3, 31, 32, 33)]
    data = "\n".join(lines).encode()
    got = find_lines(data, 0, len(data))
    assert got == find_lines(data, 0, len(data), True)
    assert len(got) > len(lines) * 0.75   # (most fragments are a hit on their own: the test reaches check())


def test_vector_scan_carries_into_the_next_line():
    """The two patterns that run into the next line (a JSON level `[0-4]` ending its line; `error` and vertical
    whitespace), at every place of the range: the carrying line and the one it carries into fall in the vector
    part, across its end and in the scalar rest; a line the carry makes a hit is found, also after a carrying line
    that is a hit in itself (the vector scan leaves such a line at its first hit)."""
    carriers = ['{"level": 3', '"severity":"4', 'ERROR {"level": 3', "x error", "ERROR \t"]
    followers = ["plain words here", "   ", "\x0b", ""]
    for carrier in carriers:
        for follower in followers:
            for pad in range(70):
                data = "\n".join(["filler line of forty bytes, no trigger..", "q" * pad + carrier, follower,
                                  "z" * (pad % 37)]).encode()
                follower_start = data.index(b"\n", 41) + 1
                for hi in (len(data), follower_start + len(follower), follower_start, follower_start - 1):
                    got = find_lines(data, 0, hi)
                    assert got == find_lines(data, 0, hi, True), (carrier, follower, pad, hi)
                    if carrier[-1] in "34" and hi > follower_start:   # (the JSON carry takes any next line)
                        assert follower_start in got


def test_vector_pretest_same_lines_on_files(sample_path, realistic):
    for data in (sample_path.read_bytes(), realistic):
        assert find_lines(data, 0, len(data)) == find_lines(data, 0, len(data), True)


# -------------------------------------------------------------------------------------- identical results

def test_same_summary_on_sample_files(sample_path, compiled, references):
    data = sample_path.read_bytes()
    got = run(data, compiled)
    for engine in references:
        assert got == run(data, engine), engine.name


def test_same_summary_on_a_realistic_log(realistic, compiled, references):
    got = run(realistic, compiled)
    for engine in references:
        assert got == run(realistic, engine), engine.name
    assert sum(got[0]["counts"].values()) > 1000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=_logs)
def test_same_summary_on_generated_lines(data, compiled, hyperscan):
    """Random lines reach where the classifier takes more than the patterns find (e.g. `x, Error,y`: a CSV level
    column after another), and Hyperscan differs from EveryLine there. Wherever it does not, neither does the
    compiled engine; and it gives Hyperscan's summary, but for `<011>`: leading zeros, which the classifier takes, and
    the compiled engine too."""
    got, every_line = run(data, compiled), run(data, candidates.EveryLine())
    with_hyperscan = run(data, hyperscan)
    if with_hyperscan == every_line:
        assert got == every_line
    if not re.search(rb"<0[0-9]", data):
        assert got == with_hyperscan


def test_same_chunked_summary_on_a_realistic_log(realistic, compiled):
    """parallel.scan_chunk on chunks of whole lines (as the workers scan them: from a closed state, NUL and ESC
    removed first), stitched: the sequential scan's summary."""
    starts = line_starts(realistic)
    cuts = [0] + sorted(random.Random(5).sample(starts[1:], 7)) + [len(realistic)]
    events = []
    stitcher = parallel.Stitcher(events.append, finder=compiled)
    for lo, hi in zip(cuts, cuts[1:]):
        chunk = strip_controls(realistic[lo:hi])
        stitcher.add(parallel.scan_chunk(bytearray(chunk), 0, len(chunk), compiled))
    assert (stitcher.summary(len(realistic), None, 50), events) == run(realistic, candidates.EveryLine())


def test_safe_across_threads(realistic, in_threads):
    """gunicorn scans in threads; the finder keeps no state between calls and releases the GIL while scanning."""
    want = find_lines(realistic, 0, len(realistic))
    assert all(r == want for r in in_threads(lambda: find_lines(bytearray(realistic), 0, len(realistic))))


# ------------------------------------------------------------------------------------------------ edge cases

def test_empty_ranges():
    assert find_lines(b"", 0, 0) == []
    assert find_lines(b"ERROR x\nERROR y\n", 8, 8) == []
    assert find_lines(b"ERROR x\nERROR y\n", 16, 16) == []


def test_range_without_a_final_newline():
    data = b"INFO a\nERROR b\nINFO c\nERROR d"
    assert find_lines(data, 0, len(data)) == [7, 22]
    assert find_lines(data, 0, 10) == [7]   # the range cuts `ERROR b` after `ERR`: still a hit; after `ER`: none
    assert find_lines(data, 0, 9) == []


def test_lo_is_a_line_start():
    data = b"x\nE/Tag: boom\nINFO ok\nWARN w\n"
    assert find_lines(data, 2, len(data)) == [2, 22]
    assert find_lines(data, 22, len(data)) == [22]
    assert find_lines(data, 3, len(data)) == [22]   # lo mid-line: `/Tag` is no logcat line
    # the Docker pattern needs the byte before the `"`: none before lo
    docker = b'x\n","stream":"stdout"\n'
    assert find_lines(docker, 0, len(docker)) == [2] and find_lines(docker, 2, len(docker)) == []


def test_matches_that_take_the_newline():
    # `[0-4][^0-9]` takes the newline (Hyperscan reports the next line: both are taken); `error` + `\v` runs on
    # through whitespace-only lines
    data = b'{"level": 4\nnext\nlast\n'
    assert find_lines(data, 0, len(data)) == [0, 12]
    assert find_lines(data, 0, 12) == [0]
    data = b"FooError \r\n \x0b\n\nplain\n  \n"
    assert find_lines(data, 0, len(data)) == [0, 11, 14]


def test_syslog_pri_with_leading_zeros():
    """The classifier takes `<(\\d{1,3})>`: the compiled engine takes `<011>` too, where Hyperscan's patterns do not."""
    data = b"<011>Nov 27 10:00:00 host app: boom\n<00>x\n<005>x\n<0011>x\n<191>x\n<187>x\n"
    assert find_lines(data, 0, len(data)) == [0, 36, 64]
    assert run(data, candidates.CompiledFinder()) == run(data, candidates.EveryLine())


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview, lambda b: memoryview(b"pad\n" + b)[4:]])
def test_buffer_kinds(kind):
    data = b"INFO a\n2026-11-27 10:00:00 error: b\nplain\n<11>x\n"
    assert find_lines(kind(data), 0, len(data)) == [7, 42]
    assert find_lines(kind(data), 7, 42) == [7]


@pytest.mark.parametrize("lo, hi", [(-1, 3), (0, 11), (4, 3), (11, 11), (0, -1)])
def test_bad_offsets(lo, hi):
    with pytest.raises(ValueError):
        find_lines(b"ERROR x\nab", lo, hi)


def test_bad_arguments():
    with pytest.raises(TypeError):
        find_lines("ERROR x\n", 0, 3)   # str: no buffer
    with pytest.raises(TypeError):
        find_lines(b"ERROR x\n", 0)
    with pytest.raises(BufferError):
        find_lines(memoryview(b"ERROR x\nERROR y\n")[::2], 0, 4)   # not contiguous
