"""Starting, health-checking and stopping the local stack's processes.

Each process runs in its own session (process group), so stopping it also stops its children (gunicorn workers).
A pid is recorded with its start time, so `down` never signals an unrelated process that reused the pid.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):  # exited, not yet reaped by its parent (us, when we spawned it): not alive
        return None
    return fields[19]  # field 22 (starttime), counted after the "(comm)" field


@dataclass
class Proc:
    name: str
    pid: int
    started: str | None
    log: str
    health_url: str | None = None

    def alive(self) -> bool:
        return self.started is not None and _start_time(self.pid) == self.started

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Launch:
    """How a process was started: enough to start it again the same way."""
    argv: list[str]
    env: dict[str, str]
    cwd: str
    health_url: str | None


def launch_of(proc: Proc) -> Launch:
    """Read back from /proc (Linux) while the process runs."""
    argv = [a.decode() for a in Path(f"/proc/{proc.pid}/cmdline").read_bytes().split(b"\0") if a]
    pairs = (kv.split(b"=", 1) for kv in Path(f"/proc/{proc.pid}/environ").read_bytes().split(b"\0") if b"=" in kv)
    return Launch(argv, {k.decode(): v.decode() for k, v in pairs}, os.readlink(f"/proc/{proc.pid}/cwd"),
                  proc.health_url)


def spawn(name: str, argv: list[str], *, cwd: Path, env: dict, log_dir: Path, health_url: str | None) -> Proc:
    log_path = log_dir / f"{name}.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    return Proc(name, proc.pid, _start_time(proc.pid), str(log_path), health_url)


def wait_healthy(proc: Proc, deadline: float) -> None:
    """Polls the health URL until it answers 200; fails early when the process has died."""
    while True:
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited during start-up; see {proc.log}:\n{_tail(proc.log)}")
        try:
            if requests.get(proc.health_url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{proc.name} not healthy at {proc.health_url} in time; see {proc.log}:\n{_tail(proc.log)}")
        time.sleep(0.2)


def stop(proc: Proc, grace: float = 30.0) -> None:
    """SIGTERM to the process group, SIGKILL after the grace period."""
    if not proc.alive():
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while proc.alive() and time.monotonic() < deadline:
        _reap(proc.pid)
        time.sleep(0.1)
    if proc.alive():
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _reap(proc.pid)


def _reap(pid: int) -> None:
    # When the stack was started by this very process (tests, demo), collect the zombie so alive() sees it go.
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _tail(path: str, lines: int = 20) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
