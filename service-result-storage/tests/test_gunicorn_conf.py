"""app/gunicorn_conf.py, run afresh under a given environment and applied to gunicorn's own Config."""
import os
import re
import runpy
import subprocess
import sys
import types
from pathlib import Path

import pytest
from gunicorn.config import Config

SERVICE = Path(__file__).resolve().parent.parent
INTS = {"GUNICORN_WORKERS": "workers", "GUNICORN_THREADS": "threads", "GUNICORN_TIMEOUT_SECONDS": "timeout",
        "GUNICORN_GRACEFUL_TIMEOUT_SECONDS": "graceful_timeout", "GUNICORN_KEEPALIVE_SECONDS": "keepalive"}
DEFAULTS = {"workers": 2, "threads": 8, "timeout": 30, "graceful_timeout": 30, "keepalive": 5}


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
