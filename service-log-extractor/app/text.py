"""Bytes -> text lines: the first layer of the scan.

A log's bytes become clean UTF-8 text before any rule looks at them:
  * a UTF-8 byte order mark is dropped; UTF-16LE/BE with a byte order mark (what Windows tools and PowerShell
    redirection write) is transcoded to UTF-8, so every later layer (the candidate finder included) sees the same
    text as for the UTF-8 file; line numbers do not change (newlines stay newlines);
  * NUL bytes (the runs copytruncate leaves at the start of a log) and ANSI escape sequences (colour codes around
    levels) are removed, so they neither hide a level nor reach a template or sample;
  * a line is decoded with U+FFFD for invalid UTF-8, cut at MAX_LINE_BYTES, its CR of a CRLF ending dropped.

``TextStream(reader).read(n)`` does the first three on a stream of uncompressed bytes; ``Regions`` cuts that text
into buffers of whole lines; ``line_text`` decodes one line.
"""
from __future__ import annotations

import codecs
import re
import zlib
from typing import Callable

import zstandard

from .decompress import DecompressionError, open_log

READ_SIZE = 1 << 20
MAX_LINE_BYTES = 64 * 1024

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# CSI (`ESC [ ... m`, cursor moves), OSC (`ESC ] ... BEL`, window titles, hyperlinks) and two-byte escapes.
_ANSI = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b\n]{0,512}(?:\x07|\x1b\\)|[ -/]*[0-~])")
_ANSI_MAX = 520   # an escape sequence cut by a read boundary is carried over, up to this length


def utf16_encoding(head: bytes) -> str | None:
    """The UTF-16 codec named by a byte order mark at the start of ``head``, else None."""
    for bom, name in _UTF16_BOMS:
        if head.startswith(bom):
            return name
    return None


_ANSI_TEXT = re.compile(_ANSI.pattern.decode("ascii"))


def strip_controls_text(text: str) -> str:
    """``strip_controls`` for text an envelope decoded (JSON writes ESC as ``\\u001b``, NUL as ``\\u0000``)."""
    if "\0" in text:
        text = text.replace("\0", "")
    if "\x1b" in text:
        text = _ANSI_TEXT.sub("", text).replace("\x1b", "")
    return text


def strip_controls(data: bytes) -> bytes:
    """``data`` without NUL bytes and ANSI escape sequences (a stray ESC byte goes too)."""
    if b"\0" in data:
        data = data.replace(b"\0", b"")
    if b"\x1b" in data:
        data = _ANSI.sub(b"", data).replace(b"\x1b", b"")
    return data


STRIP_PIECE_BYTES = 1 << 20


def strip_controls_in_place_python(buf: bytearray, lo: int, hi: int) -> int:
    """``strip_controls_in_place`` in Python (the reference of app._c_text), about STRIP_PIECE_BYTES of whole lines
    at a time, so that the range is not copied whole (no escape sequence it removes holds a newline)."""
    write = pos = lo
    while pos < hi:
        end = buf.find(b"\n", min(pos + STRIP_PIECE_BYTES, hi) - 1, hi) + 1 or hi
        piece = strip_controls(bytes(memoryview(buf)[pos:end]))
        buf[write:write + len(piece)] = piece
        write += len(piece)
        pos = end
    return write


def strip_controls_in_place(buf: bytearray, lo: int, hi: int) -> int:
    """Writes ``strip_controls(bytes(buf[lo:hi]))`` over ``buf[lo:]`` (it is never longer) and returns its end;
    ``buf[hi:]`` is not touched. In C (app._c_text, without the GIL and without copies) where the core
    is built, else in Python."""
    if _c_strip_in_place is None:
        return strip_controls_in_place_python(buf, lo, hi)
    return _c_strip_in_place(buf, lo, hi, _C_TEXT_DEPS)


try:
    from ._c_text import strip_in_place as _c_strip_in_place
except ImportError:  # the core is not built: the Python version
    _c_strip_in_place = None
_C_TEXT_DEPS = {"ANSI": _ANSI}


class TextStream:
    """Clean UTF-8 text from a stream of uncompressed log bytes (see the module docstring).

    ``read(n)`` returns at most about n bytes (transcoded UTF-16 may give up to 1.5 n), ``b""`` only at the end.
    ``raw_bytes`` counts the bytes taken from the source: the summary's uncompressed size.
    """

    def __init__(self, raw, sniff: bool = True):
        self._raw = raw
        self.raw_bytes = 0
        self._sniffed = not sniff   # sniff=False: plain UTF-8 from the middle of a log (app.parallel's shares)
        self._head = b""
        self._decoder = None     # an incremental UTF-16 decoder once a UTF-16 BOM was seen
        self._carry = b""        # an escape sequence cut at the end of the last read
        self._eof = False

    def read(self, size: int) -> bytes:
        while not self._eof:
            data = self._raw.read(size)
            self.raw_bytes += len(data)
            at_end = not data
            if not self._sniffed:
                self._head += data
                if not at_end and len(self._head) < len(UTF8_BOM):
                    continue  # a byte order mark may still be arriving (the source returns a few bytes at a time)
                data, self._head = self._head, b""
                self._sniffed = True
                data = self._sniff(data)
            if at_end:  # `data` may still hold a short file's sniffed head
                self._eof = True
                tail = self._decoder.decode(data, final=True).encode("utf-8") if self._decoder else data
                out = strip_controls(self._carry + tail)
                self._carry = b""
                return out
            if self._decoder is not None:
                data = self._decoder.decode(data).encode("utf-8")
            out = self._clean(data)
            if out:
                return out
        return b""

    def readinto(self, buf: bytearray, start: int, size: int) -> int:
        """``read(size)`` written to ``buf`` at ``start`` (room for 1.5 size bytes needed); returns the count, 0 only
        at the end. UTF-8 text without NUL or ESC bytes (nearly every read) goes straight from the source into
        ``buf``, with no copy in between."""
        while self._sniffed and self._decoder is None and not self._carry and not self._eof:
            n = self._raw.readinto(memoryview(buf)[start:start + size])
            if not n:
                self._eof = True
                return 0
            self.raw_bytes += n
            end = start + n
            if buf.find(b"\0", start, end) < 0 and buf.find(b"\x1b", start, end) < 0:
                return n
            if self._cut_escape(buf, start, end) < 0:
                end = strip_controls_in_place(buf, start, end)
                if end > start:
                    return end - start
                continue
            data = self._clean(bytes(buf[start:end]))
            if data:
                buf[start:start + len(data)] = data  # no longer than the slice: the buffer keeps its size
                return len(data)
        data = self.read(size)
        buf[start:start + len(data)] = data
        return len(data)

    def _sniff(self, data: bytes) -> bytes:
        if data.startswith(UTF8_BOM):
            return data[len(UTF8_BOM):]
        encoding = utf16_encoding(data)
        if encoding is not None:
            self._decoder = codecs.getincrementaldecoder(encoding)("replace")
            return data[2:]
        return data

    @staticmethod
    def _cut_escape(data, lo: int, hi: int) -> int:
        """Where a read ``data[lo:hi]`` must be cut so that no escape sequence is split by its end (`ESC [` alone
        would read as a two-byte escape): the first ESC after the last newline (no sequence holds one) and in the
        last _ANSI_MAX bytes, but for `ESC \\`, which is whole (an OSC's terminator: cutting there split a
        hyperlink `ESC ]8;;url ESC \\` and left its URL in the text; or a two-byte escape); -1 if there is none."""
        k = data.find(b"\x1b", max(lo, hi - _ANSI_MAX, data.rfind(b"\n", lo, hi) + 1), hi)
        if 0 <= k < hi - 1 and data[k + 1] == 0x5C:
            k = data.find(b"\x1b", k + 2, hi)
        return k

    def _clean(self, data: bytes) -> bytes:
        if self._carry:
            data, self._carry = self._carry + data, b""
        k = self._cut_escape(data, 0, len(data))
        if k >= 0:  # keep the sequence, and the rest of its line, for the next read
            data, self._carry = data[:k], data[k:]
        return strip_controls(data)


def line_text(buf, start: int, end: int) -> str:
    """The line ``buf[start:end]`` (without its newline) as text; a line longer than MAX_LINE_BYTES is cut there."""
    if end - start > MAX_LINE_BYTES:
        end = start + MAX_LINE_BYTES
    elif end > start and buf[end - 1] == 13:  # CRLF line ending
        end -= 1
    return buf[start:end].decode("utf-8", "replace")


_READ_ERRORS = (DecompressionError, EOFError, zlib.error, zstandard.ZstdError)   # a truncated or corrupt stream


class Regions:
    """Reads a log stream into one reused buffer and yields regions of whole lines, ``buf[lo:hi]``, hi just past a
    newline. A line longer than MAX_LINE_BYTES is cut there (a newline is written at the cut, the rest skipped up
    to its newline); a last line without a newline gets one. A region is valid until the next one is asked for.
    ``total_bytes`` counts what was read (uncompressed, before cleaning); ``error`` is set when a compressed stream
    turns out truncated or corrupt, or when ``stop`` (called before each read with the bytes read so far) gives a
    reason to stop (a size or time limit); the regions so far are still good. ``plain``: the stream is plain UTF-8
    text that starts at a line of a log (app.parallel's shares), so nothing is sniffed: no compression and no byte
    order mark looked for. ``fill``: read until ``read_size`` bytes are in (a decompressor gives less a read), so
    that each region holds about that much (app.parallel's chunks: fewer of them, less stitching). Both are
    attributes the reads follow as they change between regions (a larger ``read_size`` gets a larger buffer, the
    partial line carried moved into it: read ``buf`` anew for each region): app.parallel.summarize_stream reads as
    app.log_parser.summarize does before it hands out chunks."""

    def __init__(self, stream, read_size: int | None = None, stop: Callable[[int], str | None] | None = None,
                 plain: bool = False, fill: bool = False):
        self._stream = stream
        self._plain = plain
        self.fill = fill
        self.read_size = read_size or READ_SIZE
        self._stop = stop         # before each read: stop(bytes read so far) -> why to stop now, or None
        self.buf = bytearray(self.buffer_bytes(self.read_size))
        self._text: TextStream | None = None
        self.error: str | None = None

    @staticmethod
    def buffer_bytes(read_size: int) -> int:
        """The buffer reads of ``read_size`` need: a partial line carried (up to MAX_LINE_BYTES), the read, room for
        transcoded UTF-16 (up to 1.5x the bytes read) and a final newline."""
        return MAX_LINE_BYTES + 2 * read_size + 1

    @property
    def total_bytes(self) -> int:
        return self._text.raw_bytes if self._text is not None else 0

    def __iter__(self):
        buf = self.buf
        filled = 0            # bytes in buf: the carried partial line, then the new read
        skipping = False      # inside a line longer than MAX_LINE_BYTES, already cut: drop bytes up to its newline
        stopped = False       # stopped by the caller's limit: a line cut there is not scanned
        try:
            text = self._text = TextStream(self._stream, sniff=False) if self._plain \
                else TextStream(open_log(self._stream))
            stop = self._stop
            while True:
                if stop is not None:
                    why = stop(text.raw_bytes)
                    if why is not None:  # a limit of the caller's: the whole lines read so far are the summary
                        self.error, stopped = why, True
                        break
                read_size = self.read_size
                if len(buf) < self.buffer_bytes(read_size):   # raised since the last read
                    grown = bytearray(self.buffer_bytes(read_size))
                    grown[:filled] = buf[:filled]
                    self.buf = buf = grown
                n = text.readinto(buf, filled, read_size)
                if not n:
                    break
                failed = None    # an error while filling: raised once what was read before it is handed on
                while self.fill and n < read_size:
                    try:
                        more = text.readinto(buf, filled + n, read_size - n)
                    except _READ_ERRORS as exc:
                        failed = exc
                        break
                    if not more:
                        break
                    n += more
                pos, filled = 0, filled + n
                if skipping:
                    nl = buf.find(b"\n", pos, filled)
                    if nl < 0:
                        filled = 0
                        if failed is not None:
                            raise failed
                        continue
                    skipping, pos = False, nl + 1
                last_nl = buf.rfind(b"\n", pos, filled)
                if last_nl >= 0:
                    yield pos, last_nl + 1
                    pos = last_nl + 1
                rest = filled - pos
                if rest > MAX_LINE_BYTES:
                    buf[pos + MAX_LINE_BYTES] = 10  # the overlong line's cut part, as a line of its own
                    yield pos, pos + MAX_LINE_BYTES + 1
                    skipping, rest = True, 0
                buf[:rest] = buf[pos:pos + rest]  # same size: the buffer is never resized
                filled = rest
                if failed is not None:
                    raise failed
        except _READ_ERRORS as exc:
            self.error = str(exc) or exc.__class__.__name__
        if filled and not skipping and not stopped:
            buf[filled] = 10
            yield 0, filled + 1
