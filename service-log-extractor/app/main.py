"""Extractor HTTP service: POST /extract {bucket, key} -> stream the object, scan it, store the summary."""
from __future__ import annotations

import logging
import os
import threading
from contextlib import closing

import boto3
import requests
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError
from flask import Blueprint, Flask, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, multiprocess, Counter, Histogram, generate_latest
from werkzeug.exceptions import HTTPException

from . import log_parser
from .config import Config
from .logging_setup import configure_logging
from .s3_handler import ObjectUnavailable, open_object
from .send_to_storage import StorageUnavailable, post_summary

log = logging.getLogger(__name__)
bp = Blueprint("extractor", __name__)


def error(status: int, message: str, details: list | None = None):
    return jsonify({"error": message, "details": details or []}), status


class Metrics:
    """Prometheus metrics of this process in the app's own registry (summed over gunicorn workers by render)."""

    def __init__(self):
        self.registry = CollectorRegistry()
        self._requests = Counter("extractor_requests", "POST /extract answers, by status.", ["status"],
                                 registry=self.registry)
        self._bytes = Counter("extractor_scanned_bytes", "Uncompressed log bytes scanned.", registry=self.registry)
        self.extract_seconds = Histogram(
            "extractor_extract_seconds", "Time to answer a POST /extract (read, scan, store).",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900), registry=self.registry)

    def observe(self, status: int, scanned_bytes: int = 0) -> None:
        self._requests.labels(status=str(status)).inc()
        if scanned_bytes:
            self._bytes.inc(scanned_bytes)

    def render(self) -> bytes:
        """This process's metrics; under gunicorn with PROMETHEUS_MULTIPROC_DIR, all workers' (see gunicorn_conf)."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)


def _state(name: str):
    return current_app.extensions["extractor"][name]


def _s3():
    # Created on first use, not at import or app build: boto3 reads AWS_ENDPOINT_URL and the region then.
    ext = current_app.extensions["extractor"]
    with ext["lock"]:
        if ext["s3"] is None:
            cfg: Config = ext["config"]
            ext["s3"] = boto3.client("s3", config=BotoConfig(
                connect_timeout=cfg.s3_connect_timeout, read_timeout=cfg.s3_read_timeout,
                retries={"mode": "standard", "max_attempts": 3}))
        return ext["s3"]


def _parse_request() -> tuple[dict | None, list]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None, [{"field": "", "message": "body must be a JSON object"}]
    problems = []
    for field in ("bucket", "key"):
        if not isinstance(body.get(field), str) or not body[field]:
            problems.append({"field": field, "message": "required non-empty string"})
    for field in ("etag", "version_id"):
        if body.get(field) is not None and not isinstance(body[field], str):
            problems.append({"field": field, "message": "must be a string or null"})
    return (None if problems else body), problems


@bp.post("/extract")
def extract():
    with _state("metrics").extract_seconds.time():
        return _extract()


def _extract():
    req, problems = _parse_request()
    if req is None:
        _state("metrics").observe(400)
        return error(400, "invalid extract request", problems)
    bucket, key = req["bucket"], req["key"]
    cfg: Config = _state("config")
    try:
        obj = open_object(_s3(), bucket, key, req.get("version_id"))
    except ObjectUnavailable as exc:
        log.error("cannot read object", extra={"bucket": bucket, "key": key, "status": exc.status, "reason": exc.message})
        _state("metrics").observe(exc.status)
        return error(exc.status, exc.message, [{"bucket": bucket, "key": key}])
    try:
        with closing(obj.body):
            summary = log_parser.summarize(obj.body)
    except (BotoCoreError, OSError) as exc:  # the stream broke off (timeout, reset): nothing stored, retry later
        log.warning("object read interrupted", extra={"bucket": bucket, "key": key, "reason": str(exc)})
        _state("metrics").observe(503)
        resp = error(503, "object read interrupted", [{"bucket": bucket, "key": key, "reason": str(exc)}])
        resp[0].headers["Retry-After"] = "5"
        return resp
    summary.update(obj.identity())
    try:
        answer = post_summary(_state("session"), cfg.storage_url, summary, cfg.storage_timeout)
    except StorageUnavailable as exc:
        log.warning("storage unavailable", extra={"bucket": bucket, "key": key, "reason": str(exc)})
        _state("metrics").observe(503, summary["bytes"])
        resp = error(503, "storage unavailable", [str(exc)])
        resp[0].headers["Retry-After"] = "5"
        return resp
    if not answer.accepted:
        # Storage refused our own summary: a bug or a schema drift, not something a retry fixes soon.
        log.error("storage rejected summary", extra={"bucket": bucket, "key": key, "status": answer.status, "answer": answer.body})
        _state("metrics").observe(502, summary["bytes"])
        return error(502, "storage rejected the summary", [answer.body])
    log.info("summary stored", extra={"bucket": bucket, "key": key, "status": answer.status,
                                      "bytes": summary["bytes"], "counts": summary["counts"]})
    _state("metrics").observe(answer.status, summary["bytes"])
    return jsonify(answer.body), answer.status


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    cfg: Config = _state("config")
    try:
        resp = _state("session").get(f"{cfg.storage_url}/healthz", timeout=(2, 2))
        ok = resp.status_code == 200
    except requests.RequestException:
        ok = False
    if not ok:
        return error(503, "storage not reachable", [cfg.storage_url])
    return jsonify({"status": "ready"})


@bp.get("/metrics")
def metrics():
    return _state("metrics").render(), 200, {"Content-Type": CONTENT_TYPE_LATEST}


def _handle_http_error(exc: HTTPException):
    return error(exc.code or 500, exc.description or exc.name)


def _handle_unexpected(exc: Exception):
    log.exception("unhandled error")
    return error(500, "internal error", [exc.__class__.__name__])


def create_app(config: Config | None = None) -> Flask:
    config = config or Config.from_env()
    configure_logging(config.log_level)
    app = Flask(__name__)
    app.extensions["extractor"] = {"config": config, "session": requests.Session(), "metrics": Metrics(),
                                   "s3": None, "lock": threading.Lock()}
    app.register_blueprint(bp)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(Exception, _handle_unexpected)
    return app
