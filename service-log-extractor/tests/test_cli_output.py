"""The CLI tells a failed write of its output from a failed read of its input."""
import json
import subprocess
import sys

import pytest

SAMPLE_LINES = b"".join(b"2026-11-29 10:00:%02d,000 ERROR [main] App - failed to load order %d\n" % (i % 60, i)
                        for i in range(20000))


@pytest.mark.parametrize("options", [[], ["--events"]])
def test_a_full_disk_is_an_output_error_not_a_read_error(tmp_path, options):
    log = tmp_path / "app.log"
    log.write_bytes(SAMPLE_LINES)
    with open("/dev/full", "wb") as full:
        p = subprocess.run([sys.executable, "-m", "app.log_parser", *options, str(log)], stdout=full,
                           stderr=subprocess.PIPE, timeout=120)
    err = p.stderr.decode()
    assert p.returncode == 2 and err.startswith("log_parser: cannot write the output: No space left on device"), err
    assert "Traceback" not in err and "cannot read" not in err


def test_a_reader_that_goes_away_is_not_a_read_error(tmp_path):
    log = tmp_path / "app.log"
    log.write_bytes(SAMPLE_LINES)
    cli = subprocess.Popen([sys.executable, "-m", "app.log_parser", "--events", str(log)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    cli.stdout.readline()
    cli.stdout.close()  # like `| head -1`: 20,000 events will not fit the pipe
    err = cli.stderr.read().decode()
    assert cli.wait(120) == 1 and err == "", err


def test_a_closed_stdout_is_an_output_error(tmp_path):
    log = tmp_path / "app.log"
    log.write_bytes(SAMPLE_LINES[:1000])
    p = subprocess.run(f'{sys.executable} -m app.log_parser "{log}" >&-', shell=True, stderr=subprocess.PIPE,
                       timeout=120)
    err = p.stderr.decode()
    assert p.returncode == 2 and err == "log_parser: cannot write the output: stdout is closed\n", err


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:   # it has ended
        return []


def test_a_killed_scan_worker_fails_that_file_and_the_others_are_summarised(tmp_path):
    """A scan worker killed mid-scan (the kernel's OOM killer picks the largest process): a message and exit 2 for
    that file, not a wait for ever; the next file is still summarised."""
    import os
    import signal
    import time

    big, small = tmp_path / "big.log", tmp_path / "small.log"
    big.write_bytes(SAMPLE_LINES * 40)   # ~50 MiB: scanned in parallel from 32 MiB
    small.write_bytes(SAMPLE_LINES[:1000])
    cli = subprocess.Popen([sys.executable, "-m", "app.log_parser", "--processes", "2", str(big), str(small)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not (workers := _children(cli.pid)) and cli.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)   # polls for the workers' start, with a deadline
    assert workers, "no worker process was seen"
    os.kill(workers[0], signal.SIGKILL)
    out, err = cli.communicate(timeout=120)
    err = err.decode()
    assert cli.returncode == 2 and err.startswith(f"log_parser: cannot scan {big}: a scan worker process ended"), err
    assert "Traceback" not in err
    assert [line["lines"] for line in map(json.loads, out.decode().splitlines())] == [16]


@pytest.mark.parametrize("processes", ["1", "2"])
def test_stdin_named_twice_reads_what_is_left(processes):
    """`- -`: the first reads stdin to its end, the second what is left, nothing (as `/dev/stdin` twice does): the
    readers that wrap stdin once closed it, and the second read failed with a traceback."""
    data = b"".join(SAMPLE_LINES.splitlines(keepends=True)[:70])
    p = subprocess.run([sys.executable, "-m", "app.log_parser", "--processes", processes, "-", "-"],
                       input=data, capture_output=True, timeout=120)
    summaries = [json.loads(line) for line in p.stdout.splitlines()]
    assert p.returncode == 0 and p.stderr == b"", p.stderr.decode()
    assert [(s["lines"], s["counts"]["ERROR"]) for s in summaries] == [(70, 70), (0, 0)]


def test_ctrl_c_exits_130_without_a_traceback(monkeypatch, capsys):
    from app import log_parser

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(log_parser, "main", interrupted)
    with pytest.raises(SystemExit) as exit_:
        log_parser.run()
    assert exit_.value.code == 130 and capsys.readouterr().err == "log_parser: interrupted\n"
