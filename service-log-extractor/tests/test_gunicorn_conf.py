"""app/gunicorn_conf.py, run afresh under a given environment and applied to gunicorn's own Config."""
import json
import os
from concurrent.futures import ThreadPoolExecutor
import re
import runpy
import signal
import socket
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
import requests
from gunicorn.config import Config
from prometheus_client.mmap_dict import MmapedDict

SERVICE = Path(__file__).resolve().parent.parent
INTS = {"GUNICORN_WORKERS": "workers", "GUNICORN_THREADS": "threads", "GUNICORN_TIMEOUT_SECONDS": "timeout",
        "GUNICORN_GRACEFUL_TIMEOUT_SECONDS": "graceful_timeout", "GUNICORN_KEEPALIVE_SECONDS": "keepalive"}
DEFAULTS = {"workers": 2, "threads": 4, "timeout": 900, "graceful_timeout": 30, "keepalive": 5}


def load(monkeypatch, **env: str) -> Config:
    for name in [n for n in os.environ if n.startswith("GUNICORN_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    module = runpy.run_module("app.gunicorn_conf")
    settings = {k: v for k, v in module.items() if not k.startswith("_") and not isinstance(v, types.ModuleType)}
    cfg = Config()
    assert set(settings) <= set(cfg.settings), "gunicorn ignores names that are not its settings"
    for name, value in settings.items():
        cfg.set(name, value)  # gunicorn's own validation, as `-c` applies it
    return cfg


def test_defaults(monkeypatch):
    cfg = load(monkeypatch)
    assert cfg.bind == ["0.0.0.0:8080"] and cfg.worker_class_str == "gthread"
    assert {setting: getattr(cfg, setting) for setting in DEFAULTS} == DEFAULTS
    assert cfg.worker_tmp_dir == "/dev/shm" and cfg.accesslog is None and cfg.errorlog == "-"
    assert cfg.control_socket_disable


def test_environment_overrides(monkeypatch):
    cfg = load(monkeypatch, GUNICORN_BIND="127.0.0.1:9001", **{name: str(60 + i) for i, name in enumerate(INTS)})
    assert cfg.bind == ["127.0.0.1:9001"]
    assert [getattr(cfg, setting) for setting in INTS.values()] == [60, 61, 62, 63, 64]


@pytest.mark.parametrize("name", INTS)
@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5", ""])
def test_a_bad_number_is_refused_naming_the_variable(monkeypatch, name, value):
    with pytest.raises(ValueError, match=re.escape(f"{name} must be a positive integer, got {value!r}")):
        load(monkeypatch, **{name: value})


def test_an_empty_bind_is_refused(monkeypatch):
    with pytest.raises(ValueError, match="GUNICORN_BIND must not be empty"):
        load(monkeypatch, GUNICORN_BIND=" ")


@pytest.mark.parametrize("workers, ok", [("2", True), ("none", False)])
def test_gunicorn_reads_the_module(workers, ok):
    env = {**os.environ, "GUNICORN_WORKERS": workers}
    run = subprocess.run([str(Path(sys.executable).parent / "gunicorn"), "-c", "python:app.gunicorn_conf",
                          "--check-config", "app.main:create_app()"], cwd=SERVICE, env=env, capture_output=True,
                         text=True, timeout=60)
    assert (run.returncode == 0) is ok, run.stderr
    assert ok or "GUNICORN_WORKERS must be a positive integer, got 'none'" in run.stderr


def test_metrics_sum_over_the_workers(tmp_path):
    """Two workers, requests spread over new connections: with PROMETHEUS_MULTIPROC_DIR every scrape, whichever
    worker answers it, counts all of them (on_starting also clears a stale file left from an earlier run)."""
    (tmp_path / "counter_999999.db").write_bytes(b"stale")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "python:app.gunicorn_conf",
                               "app.main:create_app()"], cwd=SERVICE, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not come up"
            time.sleep(0.1)

        def bad_post(_):
            return requests.post(f"{url}/extract", data=b"not json", headers={"Connection": "close",
                                 "Content-Type": "application/json"}, timeout=10).status_code

        sent = 0
        with ThreadPoolExecutor(8) as pool:  # concurrent new connections, until both workers have taken some
            while len(counts_by_worker(tmp_path, "extractor_requests")) < 2:
                assert sent < 1000, "the requests never reached a second worker"
                assert list(pool.map(bad_post, range(24))) == [400] * 24
                sent += 24
        for _ in range(8):
            metrics = requests.get(f"{url}/metrics", headers={"Connection": "close"}, timeout=10).text
            assert f'extractor_requests_total{{status="400"}} {float(sent)}' in metrics.splitlines(), metrics
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def counts_by_worker(directory: Path, metric: str) -> dict[str, float]:
    """pid -> its count of `metric`, read from the workers' files in PROMETHEUS_MULTIPROC_DIR."""
    counts = {}
    for path in directory.glob("counter_*.db"):
        total = sum(value for key, value, *_ in MmapedDict.read_all_values_from_file(str(path))
                    if json.loads(key)[0] == metric)
        if total:
            counts[path.stem.split("_")[1]] = total
    return counts
