"""`up` / `down` of the whole local stack, with its state (pids, logs, stack.env) in one directory."""
from __future__ import annotations

import json
import os
import secrets
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import boto3

from . import procs
from .provision import ROOT, Names, Resources, provision

VENV_BIN = Path(sys.executable).parent
START_TIMEOUT = 60.0
# The embedded AWS accepts any credentials; fixed ones keep every process in the same moto account.
FAKE_AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
# Extractor and storage start as in their images, from the service's app/gunicorn_conf.py (run in its directory).
GUNICORN_ARGV = [str(VENV_BIN / "gunicorn"), "-c", "python:app.gunicorn_conf", "app.main:create_app()"]


def gunicorn_env(port: int, workers: int, threads: int, timeout: int | None = None) -> dict[str, str]:
    """The GUNICORN_* variables app/gunicorn_conf.py reads, for a server on 127.0.0.1:port (timeout: its default)."""
    env = {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers), "GUNICORN_THREADS": str(threads)}
    if timeout is not None:
        env["GUNICORN_TIMEOUT_SECONDS"] = str(timeout)
    return env


@dataclass(frozen=True)
class ServiceSpec:
    """How to start one service process and know it is up."""

    name: str
    argv: list[str]
    cwd: Path
    health_url: str
    env: dict[str, str]


# The local stack's uncompressed-size cap per object (production derives it from terraform's largest_object_gib):
# large enough for any test log, small enough that a hostile object is bounded quickly.
LOCAL_EXTRACT_MAX_BYTES = 2 * 1024**3


def new_tokens() -> dict[str, str]:
    """Fresh service credentials (CONTRACTS.md, Credentials), by stack.env name: 256 random bits each."""
    return {name: secrets.token_urlsafe(32) for name in ("EXTRACTOR_TOKEN", "RESULTS_WRITE_TOKEN", "RESULTS_READ_TOKEN")}


def service_specs(queue_url: str, results_table: str, state_dir: Path, logs_buckets: list[str],
                  tokens: dict[str, str], *, storage_env: dict | None = None, extractor_env: dict | None = None,
                  receiver_env: dict | None = None) -> tuple[list[ServiceSpec], dict[str, str]]:
    """storage, extractor and receiver on free ports of 127.0.0.1, wired to each other and to the given queue and
    table (devstack's own, or the ones terraform created); the extractor may read only ``logs_buckets``; each
    service gets the tokens (new_tokens()) it checks or sends. Also returns their URLs by stack.env name. The
    gunicorn services keep their workers' metrics in state_dir/metrics-<name>, as in the pods."""
    storage_port, extractor_port, receiver_port = (procs.free_port() for _ in range(3))
    urls = {"STORAGE_URL": f"http://127.0.0.1:{storage_port}", "EXTRACTOR_URL": f"http://127.0.0.1:{extractor_port}",
            "RECEIVER_URL": f"http://127.0.0.1:{receiver_port}"}
    specs = [
        ServiceSpec("storage", GUNICORN_ARGV, ROOT / "service-result-storage", f"{urls['STORAGE_URL']}/healthz",
                    {"RESULTS_TABLE": results_table, **gunicorn_env(storage_port, workers=1, threads=8),
                     "RESULTS_WRITE_TOKEN": tokens["RESULTS_WRITE_TOKEN"], "RESULTS_READ_TOKEN": tokens["RESULTS_READ_TOKEN"],
                     "PROMETHEUS_MULTIPROC_DIR": str(state_dir / "metrics-storage"),
                     **(storage_env or {})}),
        ServiceSpec("extractor", GUNICORN_ARGV, ROOT / "service-log-extractor", f"{urls['EXTRACTOR_URL']}/healthz",
                    {"STORAGE_URL": urls["STORAGE_URL"], "LOGS_BUCKETS": ",".join(logs_buckets),
                     "EXTRACTOR_TOKEN": tokens["EXTRACTOR_TOKEN"], "RESULTS_WRITE_TOKEN": tokens["RESULTS_WRITE_TOKEN"],
                     "EXTRACT_MAX_BYTES": str(LOCAL_EXTRACT_MAX_BYTES),
                     "PROMETHEUS_MULTIPROC_DIR": str(state_dir / "metrics-extractor"),
                     **gunicorn_env(extractor_port, workers=2, threads=4, timeout=120), **(extractor_env or {})}),
        ServiceSpec("receiver", [sys.executable, "-m", "app.main"], ROOT / "service-receiver",
                    f"{urls['RECEIVER_URL']}/healthz",
                    {"QUEUE_URL": queue_url, "EXTRACTOR_URL": urls["EXTRACTOR_URL"], "RECEIVER_HOST": "127.0.0.1",
                     "EXTRACTOR_TOKEN": tokens["EXTRACTOR_TOKEN"],
                     "RECEIVER_PORT": str(receiver_port), **(receiver_env or {})}),
    ]
    return specs, urls


@dataclass
class Settings:
    """Knobs of the local stack (tests shorten the queue's visibility timeout)."""

    state_dir: Path = ROOT / ".local"
    names: Names = field(default_factory=Names)
    visibility_timeout: int = 60
    max_receive_count: int = 5
    receiver_wait_seconds: int = 20
    extra_env: dict = field(default_factory=dict)
    more_logs_buckets: tuple[str, ...] = ()   # buckets the extractor may read besides the logs bucket (the bench's)
    extractor_env: dict = field(default_factory=dict)  # overrides of the extractor's settings (tests: small limits)


class Stack:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        self.state_dir = Path(self.settings.state_dir)
        self.pids_file = self.state_dir / "pids.json"
        self.env_file = self.state_dir / "stack.env"
        self.log_dir = self.state_dir / "logs"

    # --- state -----------------------------------------------------------------------------------------
    def recorded(self) -> list[procs.Proc]:
        if not self.pids_file.exists():
            return []
        return [procs.Proc(**p) for p in json.loads(self.pids_file.read_text())]

    def _record(self, started: list[procs.Proc]) -> None:
        self.pids_file.write_text(json.dumps([p.to_json() for p in started], indent=1))

    def running(self) -> bool:
        return any(p.alive() for p in self.recorded())

    def env(self) -> dict[str, str]:
        """The contents of stack.env (what clients need to talk to the running stack)."""
        pairs = (line.split("=", 1) for line in self.env_file.read_text().splitlines() if "=" in line)
        return {k: v for k, v in pairs}

    # --- up / down ---------------------------------------------------------------------------------------
    def up(self) -> dict[str, str]:
        if self.running():
            raise RuntimeError(f"a stack is already running from {self.state_dir}; run `make down` first")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.env_file.unlink(missing_ok=True)
        started: list[procs.Proc] = []
        try:
            stack_env = self._start_all(started)
        except BaseException:
            self._record(started)
            self.down()
            raise
        self._record(started)
        # It holds the stack's tokens: readable by this user only.
        fd = os.open(self.env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("".join(f"{k}={v}\n" for k, v in stack_env.items()))
        return stack_env

    def _start_all(self, started: list[procs.Proc]) -> dict[str, str]:
        s = self.settings
        deadline = time.monotonic() + START_TIMEOUT
        moto_port, runner_port = procs.free_port(), procs.free_port()
        endpoint = f"http://127.0.0.1:{moto_port}"
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        base_env.update(FAKE_AWS, AWS_ENDPOINT_URL=endpoint, PYTHONUNBUFFERED="1", **s.extra_env)

        def start(name, argv, cwd, health_url, **env):
            proc = procs.spawn(name, argv, cwd=cwd, env={**base_env, **env}, log_dir=self.log_dir, health_url=health_url)
            started.append(proc)
            self._record(started)  # so `down` can clean up even if start-up is interrupted
            return proc

        moto = start("moto", [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(moto_port)],
                     ROOT, f"{endpoint}/moto-api/")
        procs.wait_healthy(moto, deadline)
        res: Resources = provision(lambda svc: client(svc, {**FAKE_AWS, "AWS_ENDPOINT_URL": endpoint}), s.names,
                                   visibility_timeout=s.visibility_timeout, max_receive_count=s.max_receive_count)

        tokens = new_tokens()
        specs, urls = service_specs(
            res.queue_url, res.table, self.state_dir, [res.bucket, *s.more_logs_buckets], tokens,
            storage_env={"SES_SENDER": s.names.mail_sender, "SES_RECIPIENTS": s.names.mail_recipients},
            extractor_env=s.extractor_env, receiver_env={"RECEIVER_WAIT_SECONDS": str(s.receiver_wait_seconds)})
        children = [start(spec.name, spec.argv, spec.cwd, spec.health_url, **spec.env) for spec in specs]
        children.append(start("lambda-runner", [sys.executable, "-m", "devstack.lambda_runner"], ROOT,
                              f"http://127.0.0.1:{runner_port}/healthz", EVENTS_QUEUE_URL=res.events_queue_url,
                              QUEUE_URL=res.queue_url, RUNNER_PORT=str(runner_port)))
        for proc in children:
            procs.wait_healthy(proc, deadline)
        return {
            "AWS_ENDPOINT_URL": endpoint, **FAKE_AWS,
            "LOGS_BUCKET": res.bucket, "QUEUE_URL": res.queue_url, "DLQ_URL": res.dlq_url,
            "EVENTS_QUEUE_URL": res.events_queue_url, "EVENTS_DLQ_URL": res.events_dlq_url,
            "RESULTS_TABLE": res.table, **urls, **tokens,
            "LOG_DIR": str(self.log_dir),
        }

    def stop_service(self, name: str) -> procs.Launch:
        """Stops one running service (an outage, in tests); returns how to start it again."""
        [proc] = [p for p in self.recorded() if p.name == name and p.alive()]
        launch = procs.launch_of(proc)
        procs.stop(proc)
        return launch

    def start_service(self, name: str, launch: procs.Launch) -> procs.Proc:
        """Starts a stopped service again exactly as before (same command, environment and port)."""
        proc = procs.spawn(name, launch.argv, cwd=Path(launch.cwd), env=launch.env, log_dir=self.log_dir,
                           health_url=launch.health_url)
        self._record([proc if p.name == name else p for p in self.recorded()])  # same place: same stop order
        procs.wait_healthy(proc, time.monotonic() + START_TIMEOUT)
        return proc

    def down(self) -> list[str]:
        """Stops exactly the processes this state dir recorded, the services first and the embedded AWS last."""
        stopped = []
        for proc in reversed(self.recorded()):
            if proc.alive():
                procs.stop(proc, grace=40.0 if proc.name == "receiver" else 15.0)
                stopped.append(proc.name)
        self.pids_file.unlink(missing_ok=True)
        self.env_file.unlink(missing_ok=True)
        return stopped


def client(service: str, stack_env: dict[str, str]):
    """A boto3 client for the running stack, configured from stack.env alone."""
    return boto3.client(service, endpoint_url=stack_env["AWS_ENDPOINT_URL"], region_name=stack_env["AWS_DEFAULT_REGION"],
                        aws_access_key_id=stack_env["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=stack_env["AWS_SECRET_ACCESS_KEY"])
