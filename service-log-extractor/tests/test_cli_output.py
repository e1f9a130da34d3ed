"""The CLI tells a failed write of its output from a failed read of its input."""
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
