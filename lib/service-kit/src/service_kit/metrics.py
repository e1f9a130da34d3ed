"""Prometheus exposition of a gunicorn service: with several worker processes, every scrape sums them all."""
from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, generate_latest, multiprocess


def render(registry: CollectorRegistry) -> bytes:
    """The text exposition of ``registry`` (this process's metrics); under gunicorn with PROMETHEUS_MULTIPROC_DIR
    set, of all workers' (their values live in files there, see service_kit.gunicorn)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        combined = CollectorRegistry()
        multiprocess.MultiProcessCollector(combined)
        return generate_latest(combined)
    return generate_latest(registry)
