"""Transparent decompression of a log stream, detected from its first bytes (never from a file name).

Works on streams that only offer ``.read(n)`` (a botocore StreamingBody cannot seek or peek): the magic
bytes are read once and chained back in front of the rest. Output is produced in bounded pieces, so a
highly compressed input ("zip bomb") never has to be held in memory whole.
"""
from __future__ import annotations

import io
import zlib

import zstandard

try:  # ISA-L inflates gzip ~3x faster than zlib, with zlib's API; zlib where no wheel exists
    from isal import isal_zlib as _inflate
    _INFLATE_ERRORS: tuple = (zlib.error, _inflate.error)
except ImportError:  # pragma: no cover - depends on the platform
    _inflate = zlib
    _INFLATE_ERRORS = (zlib.error,)

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_READ_SIZE = 256 * 1024   # compressed bytes pulled from the source at a time
_ZSTD_FEED = 512          # zstd has no max_length: small feeds bound the output of one call (<= 16 MiB)


class DecompressionError(Exception):
    """The compressed input is truncated or corrupt; what was decompressed before it is still valid."""


class _Reader(io.RawIOBase):
    """Read-only binary stream; subclasses implement ``_read(size)`` with size > 0."""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        return self._read(size) if size else b""

    def readall(self) -> bytes:
        parts = []
        while chunk := self._read(1 << 20):
            parts.append(chunk)
        return b"".join(parts)

    def readinto(self, buf) -> int:
        data = self._read(len(buf))
        buf[: len(data)] = data
        return len(data)

    def _read(self, size: int) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError


class _Prefixed(_Reader):
    """The bytes already taken from ``stream`` for sniffing, followed by the rest of ``stream``."""

    def __init__(self, head: bytes, stream):
        self._head = head
        self._stream = stream

    def _read(self, size: int) -> bytes:
        if self._head:
            out, self._head = self._head[:size], self._head[size:]
            return out
        return self._stream.read(size) or b""

    def readinto(self, buf) -> int:
        if not self._head and hasattr(self._stream, "readinto"):
            return self._stream.readinto(buf)  # straight into the caller's buffer: no bytes object in between
        return super().readinto(buf)

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()
        super().close()


class _GzipReader(_Reader):
    """Multi-member gzip, decoded with zlib's ``max_length`` so one read never yields more than asked."""

    def __init__(self, raw: _Prefixed):
        self._raw = raw
        self._d = _inflate.decompressobj(wbits=31)
        self._pending = b""        # compressed bytes read but not yet given to the decompressor
        self._in_member = False    # a member has started and has not reached its end marker
        self._done = False

    def _read(self, size: int) -> bytes:
        while not self._done:
            data = self._d.unconsumed_tail or self._pending or self._raw.read(_READ_SIZE)
            self._pending = b""
            if not data:
                out = self._d.decompress(b"", size)  # zlib may still hold output of consumed input
                if out:
                    return out
                if self._in_member:
                    raise DecompressionError("gzip stream truncated: ended before the end-of-stream marker")
                self._done = True
                break
            if not self._in_member and not self._d.unconsumed_tail:
                data = self._start_member(data)
                if not data:
                    continue
            try:
                out = self._d.decompress(data, size)
            except _INFLATE_ERRORS as exc:
                raise DecompressionError(f"corrupt gzip data: {exc}") from exc
            if self._d.eof:
                self._pending = self._d.unused_data
                self._d = _inflate.decompressobj(wbits=31)
                self._in_member = False
            if out:
                return out
        return b""

    def close(self) -> None:
        self._raw.close()
        super().close()

    def _start_member(self, data: bytes) -> bytes:
        """Checks what follows a finished member: another member, zero padding, or garbage."""
        if not data.strip(b"\0"):
            return b""  # zero padding after the last member (tape/block devices) is harmless
        if not GZIP_MAGIC.startswith(data[:2]):
            raise DecompressionError("unexpected data after the end of a gzip member")
        self._in_member = True
        return data


class _ZstdReader(_Reader):
    """Multi-frame zstd; detects a truncated last frame (zstandard's stream_reader silently does not)."""

    def __init__(self, raw: _Prefixed):
        self._raw = raw
        self._dctx = zstandard.ZstdDecompressor()
        self._d = None              # decompressobj of the frame in progress
        self._in = b""
        self._in_pos = 0
        self._out = b""
        self._out_pos = 0
        self._done = False

    def _read(self, size: int) -> bytes:
        while self._out_pos >= len(self._out):
            if self._done:
                return b""
            self._refill()
        out = self._out[self._out_pos:self._out_pos + size]
        self._out_pos += len(out)
        return out

    def close(self) -> None:
        self._raw.close()
        super().close()

    def _refill(self) -> None:
        if self._in_pos >= len(self._in):
            self._in, self._in_pos = self._raw.read(_READ_SIZE) or b"", 0
            if not self._in:
                if self._d is not None:
                    raise DecompressionError("zstd stream truncated: last frame is incomplete")
                self._done = True
                return
        piece = self._in[self._in_pos:self._in_pos + _ZSTD_FEED]
        self._in_pos += len(piece)
        if self._d is None:
            self._d = self._dctx.decompressobj()
        try:
            self._out, self._out_pos = self._d.decompress(piece), 0
        except zstandard.ZstdError as exc:
            raise DecompressionError(f"corrupt zstd data: {exc}") from exc
        if self._d.eof:
            rest = self._d.unused_data
            self._d = None
            if rest:  # the next frame starts inside this piece: give its bytes back
                self._in, self._in_pos = rest + self._in[self._in_pos:], 0


def _read_exactly(stream, n: int) -> bytes:
    """Up to n bytes; loops because a network stream may return fewer bytes than asked before EOF."""
    buf = b""
    while len(buf) < n:
        chunk = stream.read(n - len(buf))
        if not chunk:
            break
        buf += chunk
    return buf


def peek(stream, n: int) -> tuple[bytes, io.RawIOBase]:
    """The first ``n`` bytes of ``stream`` (fewer if it is shorter), and a stream that still yields them first."""
    head = _read_exactly(stream, n)
    return head, _Prefixed(head, stream)


def open_log(stream) -> io.RawIOBase:
    """Wraps a binary stream (needs only ``.read(n)``) in a reader that yields the uncompressed log bytes.

    gzip (1f 8b) and zstd (28 b5 2f fd) are recognised by their magic bytes; anything else is passed
    through. Reading a truncated or corrupt compressed stream raises DecompressionError once the valid
    part has been returned.
    """
    head, raw = peek(stream, len(ZSTD_MAGIC))
    if head.startswith(GZIP_MAGIC):
        return _GzipReader(raw)
    if head == ZSTD_MAGIC:
        return _ZstdReader(raw)
    return raw
