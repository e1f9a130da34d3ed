"""Control stripping in place (app.text.strip_controls_in_place): the compiled version (app._c_text) and the Python
one leave exactly the bytes app.text.strip_controls leaves, and TextStream's reads give the same text with either.

The compiled module must be built (`make install`): without it these tests fail, they do not skip.
"""
import io
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import text
from app._c_text import strip_in_place  # ImportError (a failure, not a skip) when the compiled core is not built

SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# The bytes each alternative of app.text._ANSI turns on, their neighbours just outside each class, and others.
_PIECES = [b"\x1b", b"[", b"]", b"\\", b"\x07", b"\n", b"\0", b"\r", b"0", b"9", b";", b"?", b"/", b" ", b"!",
           b"@", b"m", b"A", b"~", b"\x7f", b"\x1f", b"\x80", b"\xff", b"ERROR ", b"\x1b[31m", b"\x1b[0m",
           b"\x1b]0;title", b"\x1b]8;;http://x/\x1b\\", b"\x1b[38;5;196m", b"\x1b(B"]


@st.composite
def messy_bytes(draw):
    parts = draw(st.lists(st.sampled_from(_PIECES), max_size=60))
    if draw(st.booleans()):  # an OSC body around its 512-byte limit, terminated or not
        at = draw(st.integers(0, len(parts)))
        body = b"x" * draw(st.integers(505, 518))
        parts[at:at] = [b"\x1b]", body, draw(st.sampled_from([b"\x07", b"\x1b\\", b"\x1b", b"\n", b""]))]
    return b"".join(parts)


@pytest.fixture(params=["compiled", "python"])
def in_place(request, monkeypatch):
    """strip_controls_in_place, with the compiled module or, for "python", without it."""
    if request.param == "python":
        monkeypatch.setattr(text, "_c_strip_in_place", None)
    else:
        assert text._c_strip_in_place is strip_in_place  # the core is wired in where it is built
    return text.strip_controls_in_place


@SETTINGS
@given(body=messy_bytes(), before=st.binary(max_size=8), after=st.binary(max_size=8))
def test_in_place_leaves_what_strip_controls_leaves(body, before, after):
    for strip in (strip_in_place, None):
        buf = bytearray(before + body + after)
        lo, hi = len(before), len(before) + len(body)
        if strip is None:
            end = text.strip_controls_in_place_python(buf, lo, hi)
        else:
            end = strip(buf, lo, hi, {"ANSI": text._ANSI})
        assert bytes(buf[lo:end]) == text.strip_controls(body)
        assert bytes(buf[:lo]) == before and bytes(buf[hi:]) == after


@pytest.mark.parametrize("piece", [1, 7, 64, 1 << 20])
def test_the_python_version_strips_piece_by_piece_as_from_the_whole_range(monkeypatch, piece):
    """It strips whole lines, about STRIP_PIECE_BYTES at a time: the bytes left are those strip_controls leaves of
    the whole range, whatever the piece size."""
    monkeypatch.setattr(text, "STRIP_PIECE_BYTES", piece)
    rng = random.Random(piece)
    parts = [b"\x1b[31mERROR\x1b[0m disk full\n", b"\x00\x00\n", b"WARN \x1b]0;title\x07slow\n", b"plain line\n",
             b"\x1b[1;33mWARN\x1b[m x\x00y\n", b"stray \x1b escape\n", b"\x1b[38;5;196mFATAL\x1b[0m\r\n"]
    body = b"".join(rng.choice(parts) for _ in range(500))
    buf = bytearray(b"head\n" + body + b"tail")
    lo, hi = 5, 5 + len(body)
    end = text.strip_controls_in_place_python(buf, lo, hi)
    assert bytes(buf[lo:end]) == text.strip_controls(body)
    assert bytes(buf[:lo]) == b"head\n" and bytes(buf[hi:]) == b"tail"


def test_every_escape_the_regex_takes_goes_and_nothing_else():
    """Each alternative of the regex at its edges, one case at a time (the generated texts mix them)."""
    cases = [b"\x1b[m", b"\x1b[0;31m", b"\x1b[?25h", b"\x1b[1 q", b"\x1b[", b"\x1b[31", b"\x1b[31\n", b"\x1b[\x7f",
             b"\x1b]0;t\x07", b"\x1b]0;t\x1b\\", b"\x1b]0;t\x1b", b"\x1b]0;t\n", b"\x1b]" + b"y" * 512 + b"\x07",
             b"\x1b]" + b"y" * 513 + b"\x07", b"\x1b]" + b"y" * 512 + b"\x1b\\", b"\x1b(B", b"\x1b ", b"\x1b !0",
             b"\x1b\x1b[m", b"\x1b\n", b"\x1b", b"\x00\x1b\x00[\x00m", b"\x1b\x7f", b"a\x1b~b", b"\x1b\x80"]
    for case in cases:
        data = b"<" + case + b">\n"
        buf = bytearray(data)
        end = strip_in_place(buf, 0, len(buf), {"ANSI": text._ANSI})
        assert bytes(buf[:end]) == text.strip_controls(data), case


def test_a_changed_regex_is_refused():
    changed = re.compile(text._ANSI.pattern.replace(b"{0,512}", b"{0,256}"))
    with pytest.raises(ValueError, match="_c_text.c"):
        strip_in_place(bytearray(b"\x1b[m"), 0, 3, {"ANSI": changed})
    with pytest.raises(KeyError):
        strip_in_place(bytearray(b"x"), 0, 1, {})


def test_bad_arguments_are_refused():
    deps = {"ANSI": text._ANSI}
    with pytest.raises(BufferError):
        strip_in_place(b"read-only \x1b[m", 0, 3, deps)
    for lo, hi in ((-1, 2), (2, 1), (0, 4)):
        with pytest.raises(ValueError, match="lo <= hi"):
            strip_in_place(bytearray(b"abc"), lo, hi, deps)


class _Chunks(io.RawIOBase):
    """A stream that returns at most the next of ``sizes`` bytes per read (as a network stream may)."""

    def __init__(self, data: bytes, sizes: list[int]):
        self._data, self._sizes, self._pos = data, sizes, 0

    def readable(self):
        return True

    def readinto(self, b):
        n = min(len(b), self._sizes[self._pos % len(self._sizes)] if self._sizes else len(b))
        chunk = self._data[self._pos:self._pos + n]
        b[:len(chunk)] = chunk
        self._pos += len(chunk)
        return len(chunk)

    def read(self, n=-1):
        b = bytearray(n if n >= 0 else len(self._data))
        return bytes(b[:self.readinto(b)])


@settings(SETTINGS, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # (the
# fixture only picks the version: nothing in it changes between examples)
@given(lines=st.lists(messy_bytes(), max_size=12), sizes=st.lists(st.integers(1, 700), max_size=6),
       size=st.sampled_from([64, 600, 4096]))
def test_text_stream_reads_give_the_stripped_text_whatever_the_cuts(in_place, lines, sizes, size):
    """TextStream.readinto strips in place where no escape may be cut at the read's end, and carries it over
    otherwise: the text read is strip_controls of the whole stream, with either version."""
    data = b"".join(line.replace(b"\n", b"") + b"\n" for line in lines)
    stream = text.TextStream(_Chunks(data, sizes))
    buf, out = bytearray(2 * size), []
    while n := stream.readinto(buf, 0, size):
        out.append(bytes(buf[:n]))
    assert b"".join(out) == text.strip_controls(data)


@pytest.mark.parametrize("cut", range(1, 40))
def test_a_hyperlink_cut_anywhere_leaves_no_url(in_place, cut):
    """An OSC 8 hyperlink ends in `ESC \\`: a read ending right after that terminator once carried it over alone,
    so the sequence before it, seen without its end, lost only its `ESC ]` and its URL stayed in the text."""
    data = b"\x1b]8;;http://x.example/a\x1b\\link\x1b]8;;\x1b\\ failed\n"
    stream = text.TextStream(_Chunks(data, [cut, 4096]))
    buf, out = bytearray(8192), []
    while n := stream.readinto(buf, 0, 4096):
        out.append(bytes(buf[:n]))
    assert b"".join(out) == b"link failed\n"
