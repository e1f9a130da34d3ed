"""The gunicorn services' app/gunicorn_conf.py (extractor and storage; the same settings, their own defaults): run
afresh under a given environment and applied to gunicorn's own Config, then real gunicorn servers with two
workers whose /metrics count every worker's requests."""
import json
import os
import re
import runpy
import subprocess
import time
import types
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import requests
from gunicorn.config import Config
from prometheus_client.mmap_dict import MmapedDict

from devstack import procs
from devstack.stack import GUNICORN_ARGV, gunicorn_env, new_tokens


@dataclass(frozen=True)
class Service:
    directory: Path  # relative to the repository root in SERVICES; absolute from the `service` fixture
    defaults: dict  # gunicorn setting -> its default
    bad_post: str  # a POST path that answers 400 to a body that is not JSON
    poster: str  # the token a client of that POST sends
    metric: str  # the counter that counts that 400
    sample: str  # ... and its sample line's name and labels in /metrics


SERVICES = {
    "extractor": Service(Path("service-log-extractor"),
                         {"workers": 2, "threads": 4, "timeout": 900, "graceful_timeout": 30, "keepalive": 5},
                         "/extract", "EXTRACTOR_TOKEN", "extractor_requests", 'extractor_requests_total{status="400"}'),
    "storage": Service(Path("service-result-storage"),
                       {"workers": 2, "threads": 8, "timeout": 30, "graceful_timeout": 30, "keepalive": 5},
                       "/results", "RESULTS_WRITE_TOKEN", "storage_rejected", "storage_rejected_total"),
}
INTS = {"GUNICORN_WORKERS": "workers", "GUNICORN_THREADS": "threads", "GUNICORN_TIMEOUT_SECONDS": "timeout",
        "GUNICORN_GRACEFUL_TIMEOUT_SECONDS": "graceful_timeout", "GUNICORN_KEEPALIVE_SECONDS": "keepalive"}

@pytest.fixture(params=SERVICES)
def service(request, root) -> Service:
    return replace(SERVICES[request.param], directory=root / SERVICES[request.param].directory)


def load(service: Service, monkeypatch, **env: str) -> Config:
    for name in [n for n in os.environ if n.startswith("GUNICORN_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    module = runpy.run_path(str(service.directory / "app" / "gunicorn_conf.py"))
    settings = {k: v for k, v in module.items() if not k.startswith("_") and not isinstance(v, types.ModuleType)}
    cfg = Config()
    assert set(settings) <= set(cfg.settings), "gunicorn ignores names that are not its settings"
    for name, value in settings.items():
        cfg.set(name, value)  # gunicorn's own validation, as `-c` applies it
    return cfg


def test_defaults(service, monkeypatch):
    cfg = load(service, monkeypatch)
    assert cfg.bind == ["0.0.0.0:8080"] and cfg.worker_class_str == "gthread"
    assert {setting: getattr(cfg, setting) for setting in service.defaults} == service.defaults
    assert cfg.worker_tmp_dir == "/dev/shm" and cfg.accesslog is None and cfg.errorlog == "-"
    assert cfg.control_socket_disable


def test_environment_overrides(service, monkeypatch):
    cfg = load(service, monkeypatch, GUNICORN_BIND="127.0.0.1:9001", **{name: str(60 + i) for i, name in enumerate(INTS)})
    assert cfg.bind == ["127.0.0.1:9001"]
    assert [getattr(cfg, setting) for setting in INTS.values()] == [60, 61, 62, 63, 64]


@pytest.mark.parametrize("name", INTS)
@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5", ""])
def test_a_bad_number_is_refused_naming_the_variable(service, monkeypatch, name, value):
    with pytest.raises(ValueError, match=re.escape(f"{name} must be a positive integer, got {value!r}")):
        load(service, monkeypatch, **{name: value})


def test_an_empty_bind_is_refused(service, monkeypatch):
    with pytest.raises(ValueError, match="GUNICORN_BIND must not be empty"):
        load(service, monkeypatch, GUNICORN_BIND=" ")


@pytest.mark.parametrize("workers, ok", [("2", True), ("none", False)])
def test_gunicorn_reads_the_module(service, workers, ok):
    env = {**os.environ, **new_tokens(), "GUNICORN_WORKERS": workers}
    run = subprocess.run([*GUNICORN_ARGV, "--check-config"], cwd=service.directory, env=env, capture_output=True,
                         text=True, timeout=60)
    assert (run.returncode == 0) is ok, run.stderr
    assert ok or "GUNICORN_WORKERS must be a positive integer, got 'none'" in run.stderr


def test_metrics_sum_over_the_workers(service, tmp_path):
    """Two workers, requests spread over new connections: with PROMETHEUS_MULTIPROC_DIR every scrape, whichever
    worker answers it, counts all of them (on_starting also clears a stale file left from an earlier run)."""
    metrics_dir, log_dir = tmp_path / "metrics", tmp_path / "logs"
    metrics_dir.mkdir()
    log_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"stale")
    port = procs.free_port()
    url = f"http://127.0.0.1:{port}"
    tokens = new_tokens()
    env = {**os.environ, **gunicorn_env(port, workers=2, threads=service.defaults["threads"]), "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
           "AWS_ENDPOINT_URL": "http://127.0.0.1:9", **tokens}
    server = procs.spawn("gunicorn", GUNICORN_ARGV, cwd=service.directory, env=env, log_dir=log_dir,
                         health_url=f"{url}/healthz")
    try:
        procs.wait_healthy(server, time.monotonic() + 30)

        def bad_post(_):
            return requests.post(f"{url}{service.bad_post}", data=b"not json", headers={
                "Connection": "close", "Content-Type": "application/json",
                "Authorization": f"Bearer {tokens[service.poster]}"}, timeout=10).status_code

        sent = 0
        with ThreadPoolExecutor(8) as pool:  # concurrent new connections, until both workers have taken some
            while len(counts_by_worker(metrics_dir, service.metric)) < 2:
                assert sent < 1000, "the requests never reached a second worker"
                assert list(pool.map(bad_post, range(24))) == [400] * 24
                sent += 24
        for _ in range(8):
            metrics = requests.get(f"{url}/metrics", headers={"Connection": "close"}, timeout=10).text
            assert f"{service.sample} {float(sent)}" in metrics.splitlines(), metrics
    finally:
        procs.stop(server, grace=30.0)


def counts_by_worker(directory: Path, metric: str) -> dict[str, float]:
    """pid -> its count of `metric`, read from the workers' files in PROMETHEUS_MULTIPROC_DIR."""
    counts = {}
    for path in directory.glob("counter_*.db"):
        total = sum(value for key, value, *_ in MmapedDict.read_all_values_from_file(str(path))
                    if json.loads(key)[0] == metric)
        if total:
            counts[path.stem.split("_")[1]] = total
    return counts
