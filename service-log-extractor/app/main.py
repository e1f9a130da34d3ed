"""Extractor HTTP service: POST /extract {bucket, key} -> stream the object, scan it, store the summary."""
from __future__ import annotations

import logging
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field

import boto3
import requests
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError
from flask import Blueprint, Flask, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from service_kit.auth import BearerAuth, requires
from service_kit.errors import error_response, register_error_handlers
from service_kit.logs import configure_logging
from service_kit.metrics import render as render_metrics

from . import log_parser, parallel
from .config import Config
from .decompress import peek
from .s3_handler import ObjectUnavailable, S3Object, open_object
from .send_to_storage import StorageUnavailable, post_summary

log = logging.getLogger(__name__)
bp = Blueprint("extractor", __name__)

# An uncompressed object this large is read as concurrent ranged GETs and scanned on EXTRACTOR_SCAN_THREADS cores;
# below it, starting the worker processes (~1 s) costs more than the second core saves. A compressed one is
# decompressed by the service process, which hands its chunks to as many workers past app.parallel.STREAM_SOLO_BYTES.
RANGED_MIN_BYTES = 64 << 20


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
        """This process's metrics; under gunicorn with PROMETHEUS_MULTIPROC_DIR, all workers' (service_kit)."""
        return render_metrics(self.registry)


@dataclass
class ExtractorState:
    """The app's resources, one per app (``get_state()``). The S3 client is made on first use, not at import or
    app build: boto3 reads AWS_ENDPOINT_URL and the region then. HTTP sessions are per thread: gunicorn's gthread
    workers serve requests in threads, and a requests.Session is not thread-safe."""

    config: Config
    metrics: Metrics = field(default_factory=Metrics)
    s3_client: object | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _local: threading.local = field(default_factory=threading.local)

    def s3(self):
        with self._lock:
            if self.s3_client is None:
                cfg = self.config
                self.s3_client = boto3.client("s3", config=BotoConfig(
                    connect_timeout=cfg.s3_connect_timeout, read_timeout=cfg.s3_read_timeout,
                    retries={"mode": "standard", "max_attempts": 3}))
            return self.s3_client

    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session


def get_state() -> ExtractorState:
    """The current app's ExtractorState (inside a request or app context)."""
    return current_app.extensions["extractor"]


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


def _size_limit_error(scanned_bytes: int, cfg: Config) -> str:
    return (f"size limit reached: scanned the first {scanned_bytes} uncompressed bytes "
            f"(EXTRACT_MAX_BYTES={cfg.extract_max_bytes})")


class _Limits:
    """The per-object bounds (EXTRACT_MAX_BYTES, EXTRACT_DEADLINE_SECONDS from now), as the scan's stop check
    (``limits(scanned_bytes)`` -> why to stop, or None): a hostile object (a dense gzip bomb) is summarised as far
    as the bounds allow and stored flagged incomplete, instead of holding a worker until the receiver's timeout and
    being retried into the DLQ. ``deadline`` is on time.monotonic()'s clock (app.parallel's workers check it)."""

    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.deadline = time.monotonic() + cfg.extract_deadline_seconds

    def __call__(self, scanned_bytes: int) -> str | None:
        cfg = self.cfg
        if scanned_bytes >= cfg.extract_max_bytes:
            return _size_limit_error(scanned_bytes, cfg)
        if time.monotonic() >= self.deadline:
            return (f"time limit reached: scanned {scanned_bytes} uncompressed bytes in "
                    f"EXTRACT_DEADLINE_SECONDS={cfg.extract_deadline_seconds:g}")
        return None


@bp.post("/extract")
@requires("extract")
def extract():
    with get_state().metrics.extract_seconds.time():
        return _extract()


def _extract():
    state = get_state()
    cfg, metrics = state.config, state.metrics
    req, problems = _parse_request()
    if req is None:
        metrics.observe(400)
        return error_response(400, "invalid extract request", problems)
    bucket, key = req["bucket"], req["key"]
    if bucket not in cfg.logs_buckets:
        # Only IAM would stop a read of another bucket the role can reach; the service refuses it itself.
        log.warning("bucket not allowed", extra={"bucket": bucket, "key": key})
        metrics.observe(403)
        return error_response(403, "bucket not allowed: the extractor reads only the buckets in LOGS_BUCKETS",
                              [{"bucket": bucket}])
    try:
        obj = open_object(state.s3(), bucket, key, req.get("version_id"))
    except ObjectUnavailable as exc:
        log.error("cannot read object", extra={"bucket": bucket, "key": key, "status": exc.status, "reason": exc.message})
        metrics.observe(exc.status)
        return error_response(exc.status, exc.message, [{"bucket": bucket, "key": key}])
    try:
        with closing(obj.body):
            summary = _scan(state, obj)
    except (BotoCoreError, OSError) as exc:  # the stream broke off (timeout, reset): nothing stored, retry later
        log.warning("object read interrupted", extra={"bucket": bucket, "key": key, "reason": str(exc)})
        metrics.observe(503)
        return error_response(503, "object read interrupted", [{"bucket": bucket, "key": key, "reason": str(exc)}],
                              headers={"Retry-After": "5"})
    except parallel.WorkerLost as exc:  # a scan worker was killed (out of memory?): nothing stored, retry later
        log.error("scan worker lost", extra={"bucket": bucket, "key": key, "reason": str(exc)})
        metrics.observe(503)
        return error_response(503, "scan worker lost", [{"bucket": bucket, "key": key, "reason": str(exc)}],
                              headers={"Retry-After": "5"})
    summary.update(obj.identity())
    try:
        answer = post_summary(state.session(), cfg.storage_url, summary, cfg.storage_timeout,
                              cfg.results_write_token)
    except StorageUnavailable as exc:
        log.warning("storage unavailable", extra={"bucket": bucket, "key": key, "reason": str(exc)})
        metrics.observe(503, summary["bytes"])
        return error_response(503, "storage unavailable", [str(exc)], headers={"Retry-After": "5"})
    if not answer.accepted:
        # Storage refused our own summary: a bug or a schema drift, not something a retry fixes soon.
        log.error("storage rejected summary", extra={"bucket": bucket, "key": key, "status": answer.status, "answer": answer.body})
        metrics.observe(502, summary["bytes"])
        return error_response(502, "storage rejected the summary", [answer.body])
    log.info("summary stored", extra={"bucket": bucket, "key": key, "status": answer.status,
                                      "bytes": summary["bytes"], "counts": summary["counts"],
                                      "incomplete": summary["incomplete"], "reason": summary["error"]})
    metrics.observe(answer.status, summary["bytes"])
    return jsonify(answer.body), answer.status


def _scan(state: ExtractorState, obj: S3Object) -> dict:
    """The object's summary: a large uncompressed object in concurrent byte ranges on EXTRACTOR_SCAN_THREADS cores, a
    compressed one decompressed here and scanned on as many once it proves to hold more than STREAM_SOLO_BYTES of
    log (the same summary as one stream gives), anything else as one stream; the object's LastModified gives the year
    of log timestamps without one. Raises OSError/BotoCoreError when a read fails, parallel.WorkerLost when a
    worker process dies (nothing is stored; the receiver retries)."""
    cfg = state.config
    stop = _Limits(cfg)
    body = obj.body
    if cfg.scan_threads > 1 and obj.size is not None:
        head, body = peek(obj.body, parallel.HEAD_BYTES)
        if not parallel.head_is_plain(head):   # compressed (or UTF-16): decoded here, its chunks scanned by workers
            return parallel.summarize_stream(body, processes=cfg.scan_threads, stop=stop,
                                             reference_time=obj.last_modified, solo_bytes=parallel.STREAM_SOLO_BYTES)
        if obj.size >= RANGED_MIN_BYTES:   # the workers read their shares themselves; this one the first
            summary = _scan_ranges(state, obj, stop, body)
            if summary is not None:
                return summary
            with closing(_reopen(state, obj)) as again:
                return log_parser.summarize(again, stop=stop, reference_time=obj.last_modified)
    return log_parser.summarize(body, stop=stop, reference_time=obj.last_modified)


def _scan_ranges(state: ExtractorState, obj: S3Object, stop: _Limits, body) -> dict | None:
    cfg = state.config
    s3 = state.s3()
    source = parallel.S3Ranges(obj.bucket, obj.key, version_id=obj.version_id, etag=obj.etag,
                               endpoint_url=s3.meta.endpoint_url, region=s3.meta.region_name,
                               connect_timeout=cfg.s3_connect_timeout, read_timeout=cfg.s3_read_timeout)
    size = min(obj.size, cfg.extract_max_bytes)
    error = _size_limit_error(size, cfg) if obj.size > size else None
    log.info("scanning in ranges", extra={"bucket": obj.bucket, "key": obj.key, "bytes": obj.size,
                                          "workers": cfg.scan_threads})
    return parallel.summarize_shares(source, size, processes=cfg.scan_threads, stop=stop, deadline=stop.deadline,
                                     error=error, reference_time=obj.last_modified, first=body)


def _reopen(state: ExtractorState, obj: S3Object):
    """The object's body again, for a stream scan after the ranges could not be scanned apart (rare: see
    app.parallel.summarize_shares); an object changed meanwhile is an OSError (retried later)."""
    try:
        again = open_object(state.s3(), obj.bucket, obj.key, obj.version_id)
    except ObjectUnavailable as exc:
        raise OSError(exc.message) from exc
    if again.etag != obj.etag:
        again.body.close()
        raise OSError(f"s3://{obj.bucket}/{obj.key} changed during the scan (ETag {obj.etag} -> {again.etag})")
    return again.body


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    state = get_state()
    cfg = state.config
    try:
        resp = state.session().get(f"{cfg.storage_url}/healthz", timeout=(2, 2))
        ok = resp.status_code == 200
    except requests.RequestException:
        ok = False
    if not ok:
        return error_response(503, "storage not reachable", [cfg.storage_url])
    return jsonify({"status": "ready"})


@bp.get("/metrics")
def metrics():
    return get_state().metrics.render(), 200, {"Content-Type": CONTENT_TYPE_LATEST}


def create_app(config: Config | None = None) -> Flask:
    """The extractor app; ``config`` defaults to Config.from_env() (which raises a ValueError naming a missing or
    unusable variable: the process then fails at start)."""
    config = config or Config.from_env()
    configure_logging(config.log_level)
    if not config.logs_buckets:
        log.warning("LOGS_BUCKETS is empty: every extract request will be refused (403)")
    log.info("extractor configured", extra={"logs_buckets": list(config.logs_buckets),
                                            "extract_max_bytes": config.extract_max_bytes,
                                            "extract_deadline_seconds": config.extract_deadline_seconds,
                                            "scan_threads": config.scan_threads})
    app = Flask(__name__)
    app.extensions["extractor"] = ExtractorState(config)
    BearerAuth({"extract": config.extractor_tokens}).install(app)
    app.register_blueprint(bp)
    register_error_handlers(app, log)
    return app
