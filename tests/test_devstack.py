"""The user-facing commands of the local stack: `make demo`, and `down` stopping exactly what `up` started."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.fixture
def devstack(root, tmp_path):
    """devstack(*args, timeout=300): `python -m devstack ARGS` run from the repository root, state in tmp_path."""
    def run(*args, timeout=300):
        env = dict(os.environ, DEVSTACK_STATE_DIR=str(tmp_path))
        return subprocess.run([sys.executable, "-m", "devstack", *args], cwd=root, env=env, capture_output=True,
                              text=True, timeout=timeout)

    return run


def test_demo_prints_the_stored_result_and_stops_everything(devstack):
    demo = devstack("demo")
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "$ curl -s " in demo.stdout
    body = demo.stdout[demo.stdout.index("{", demo.stdout.index("$ curl")):demo.stdout.rindex("}") + 1]
    assert '"FATAL": 1' in body and '"ERROR": 5' in body and '"WARN": 3' in body
    assert "stopping the local stack: " in demo.stdout
    status = devstack("status")
    assert status.returncode == 1  # nothing of the demo's is left running


def test_up_writes_stack_env_and_down_stops_only_its_processes(devstack, tmp_path):
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        up = devstack("up")
        assert up.returncode == 0, up.stdout + up.stderr
        env = dict(line.split("=", 1) for line in (tmp_path / "stack.env").read_text().splitlines())
        assert env["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
        again = devstack("up")
        assert again.returncode == 1 and "already running" in again.stderr
        down = devstack("down")
        assert down.returncode == 0
        assert all(name in down.stdout for name in ("moto", "storage", "extractor", "receiver", "lambda-runner"))
        assert not (tmp_path / "stack.env").exists()
        assert devstack("status").returncode == 1
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_a_service_that_exits_at_start_is_reported_at_once(tmp_path):
    """A service that stops at start (a bad setting) is named with its log as soon as it has exited, not after the
    health timeout: a child exited but not yet reaped (a zombie) is not alive."""
    import time

    from devstack import procs

    proc = procs.spawn("bad", [sys.executable, "-c", "import sys; print('EXTRACTOR_SCAN_THREADS must be >= 0'); "
                                                     "sys.exit(2)"],
                       cwd=tmp_path, env=dict(os.environ), log_dir=tmp_path,
                       health_url=f"http://127.0.0.1:{procs.free_port()}/healthz")
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="exited during start-up") as failure:
        procs.wait_healthy(proc, deadline=start + 60)
    assert time.monotonic() - start < 30 and "EXTRACTOR_SCAN_THREADS must be >= 0" in str(failure.value)
