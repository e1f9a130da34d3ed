"""The CLI's progress bar: drawn on stderr when stderr is a terminal (a real pseudo-terminal here) and the file is
large; stdout is byte for byte what a run without a terminal prints, and without a terminal stderr stays empty."""
import fcntl
import gzip
import os
import pty
import random
import struct
import subprocess
import sys
import termios

import pytest

from app.log_parser import PROGRESS_MIN_BYTES

SERVICE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def large_logs(tmp_path_factory):
    """A log with fresh values and some events whose gzip'd form is still over PROGRESS_MIN_BYTES, plain and gzip'd."""
    root = tmp_path_factory.mktemp("progress")
    rng = random.Random(7)
    lines, size, i = [], 0, 0
    while size <= 3 * PROGRESS_MIN_BYTES:
        level = "ERROR" if i % 97 == 0 else "WARN" if i % 13 == 0 else "INFO"
        line = (f"2026-11-29 10:{i // 60 % 60:02d}:{i % 60:02d},{i % 1000:03d} {level} [w-{i % 7}] App - item {i} "
                f"request {rng.getrandbits(160):040x} done\n")
        lines.append(line)
        size += len(line)
        i += 1
    data = "".join(lines).encode()
    plain = root / "big.log"
    plain.write_bytes(data)
    packed = root / "big.log.gz"
    packed.write_bytes(gzip.compress(data, compresslevel=1))
    assert packed.stat().st_size >= PROGRESS_MIN_BYTES
    return plain, packed


def _run(args, tty: bool, stdout_on_tty: bool = False):
    """(exit code, stdout bytes, stderr bytes) of the CLI, its stderr on a pseudo-terminal when ``tty`` (its stdout
    too with ``stdout_on_tty``: what the terminal shows is then returned as stderr)."""
    cmd = [sys.executable, "-m", "app.log_parser", *args]
    if not tty:
        done = subprocess.run(cmd, cwd=SERVICE_DIR, capture_output=True, timeout=300)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal has a size: 24x100
    try:
        proc = subprocess.Popen(cmd, cwd=SERVICE_DIR, stdout=slave if stdout_on_tty else subprocess.PIPE, stderr=slave)
        os.close(slave)
        slave = None
        err = bytearray()
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal's last descriptor
                break
            if not chunk:
                break
            err += chunk
        out = b""
        if proc.stdout is not None:
            out = proc.stdout.read()
            proc.stdout.close()
        return proc.wait(timeout=300), out, bytes(err)
    finally:
        os.close(master)
        if slave is not None:
            os.close(slave)


@pytest.mark.parametrize("kind,options", [("plain", ["--processes", "1"]), ("plain", []), ("gzip", [])])
def test_a_terminal_gets_a_progress_bar_and_stdout_is_unchanged(large_logs, kind, options):
    path = str(large_logs[0] if kind == "plain" else large_logs[1])
    code, out, err = _run([*options, path], tty=True)
    plain_code, plain_out, plain_err = _run([*options, path], tty=False)
    assert code == plain_code == 0
    assert out == plain_out and out.count(b"\n") == 1 and b'"ERROR"' in out
    assert plain_err == b""
    assert os.path.basename(path).encode() in err and b"%|" in err  # tqdm's bar: `big.log:  42%|####  | ...`


def test_small_files_get_no_bar(tmp_path):
    path = tmp_path / "small.log"
    path.write_bytes(b"2026-11-29 10:00:00,000 ERROR [w] App - failed\n" * 1000)
    code, out, err = _run([str(path)], tty=True)
    assert code == 0 and b"%|" not in err and out.count(b"\n") == 1


def test_events_on_a_terminal_start_on_their_own_line(large_logs):
    # stdout and stderr on one terminal: the bar is cleared before the first event is printed, not glued to it
    code, _, screen = _run(["--events", "--processes", "1", str(large_logs[0])], tty=True, stdout_on_tty=True)
    assert code == 0 and b"%|" in screen
    events = [line for line in screen.split(b"\n") if b'{"line": ' in line]
    assert len(events) > 1000
    assert all(line.rstrip(b"\r").rsplit(b"\r", 1)[-1].startswith(b'{"line": ') for line in events), events[0][:200]
