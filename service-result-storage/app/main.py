"""Result-storage HTTP service: POST /results stores a summary once and indexes its groups; GET /results[/<id>]
reads results back, GET /groups[/<id>] the group index."""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import boto3
from botocore.config import Config as BotoConfig
from flask import Blueprint, Flask, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter
from service_kit.auth import BearerAuth, requires
from service_kit.errors import error_response, register_error_handlers
from service_kit.logs import configure_logging
from service_kit.metrics import render as render_metrics
from werkzeug.exceptions import RequestEntityTooLarge

from . import ses_handler
from .config import Config
from .dynamodb_handler import (LEVEL_ATTRIBUTES, MAX_GROUP_RESULTS, BadCursor, ResultStore, StoreUnavailable,
                               utcnow)
from .openapi import openapi_document
from .schema import normalize_result, validate_result

log = logging.getLogger(__name__)
bp = Blueprint("storage", __name__)

DEFAULT_LIMIT, MAX_LIMIT = 50, 500
# Fail fast instead of botocore's 60 s connect timeout: callers retry a 503 anyway. The pool holds a connection for
# each call one process makes at once (GUNICORN_THREADS [8] requests x INDEX_WORKERS groups each); botocore's default
# of 10 closed the others after each call ("Connection pool is full, discarding connection"): a new TCP connection
# (and, in the local stack's moto, a new server thread) for most index writes of a burst.
BOTO_CONFIG = BotoConfig(connect_timeout=3, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"},
                         max_pool_connections=64)


class Metrics:
    """Prometheus counters of this process in the app's own registry (summed over gunicorn workers by render)."""

    NAMES = {
        "stored": "results stored (201)",
        "duplicates": "redelivered results answered from the store (200)",
        "rejected": "POSTed results refused as invalid (4xx)",
        "unavailable": "requests answered 503 because DynamoDB was unavailable",
        "mails_sent": "notification mails accepted by SES",
        "mails_failed": "notification mails that SES refused or could not take",
    }

    def __init__(self):
        self.registry = CollectorRegistry()
        self._counters = {name: Counter(f"storage_{name}", text, registry=self.registry)
                          for name, text in self.NAMES.items()}

    def inc(self, name: str) -> None:
        self._counters[name].inc()

    def render(self) -> bytes:
        """This process's metrics; under gunicorn with PROMETHEUS_MULTIPROC_DIR, all workers' (service_kit)."""
        return render_metrics(self.registry)


@dataclass
class StorageState:
    """The app's resources, one per app (``get_state()``). AWS clients are made on first use, not at import or app
    build: boto3 reads AWS_ENDPOINT_URL and the region then. ``clock`` is replaceable so tests can give results
    distinct, ordered stored_at values."""

    config: Config
    metrics: Metrics = field(default_factory=Metrics)
    clock: Callable[[], datetime] = utcnow
    _clients: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, service: str):
        with self._lock:
            if service not in self._clients:
                self._clients[service] = boto3.client(service, config=BOTO_CONFIG)
            return self._clients[service]

    def store(self) -> ResultStore:
        cfg = self.config
        return ResultStore(self.client("dynamodb"), cfg.results_table, cfg.result_ttl_days, self.clock)


def get_state() -> StorageState:
    """The current app's StorageState (inside a request or app context)."""
    return current_app.extensions["storage"]


def _store() -> ResultStore:
    return get_state().store()


def _unavailable(exc: StoreUnavailable):
    log.warning("dynamodb unavailable", extra={"reason": str(exc), "path": request.path})
    get_state().metrics.inc("unavailable")
    return error_response(503, "storage backend unavailable", [str(exc)], headers={"Retry-After": "5"})


def _reject(status: int, message: str, details: list):
    get_state().metrics.inc("rejected")
    log.info("result rejected", extra={"status": status, "reason": message, "details": details[:20]})
    return error_response(status, message, details)


@bp.post("/results")
@requires("write")
def post_result():
    if not request.is_json:
        return _reject(415, "body must be JSON", [{"path": "", "message": "Content-Type must be application/json"}])
    try:
        raw = request.get_data(cache=False)
    except RequestEntityTooLarge:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return _reject(413, "body too large", [{"path": "", "message": f"body exceeds {limit} bytes"}])
    try:
        body = json.loads(raw)
    except ValueError as exc:
        return _reject(400, "body is not valid JSON", [{"path": "", "message": str(exc)[:200]}])
    problems = validate_result(body)
    if problems:
        return _reject(400, "invalid result", problems)
    body, adjusted = normalize_result(body)
    if adjusted:  # the writer's own inconsistency (an extractor bug): stored consistent, and said here
        log.warning("result adjusted", extra={"bucket": body["bucket"], "key": body["key"], "adjusted": adjusted})
    cfg: Config = get_state().config
    store = _store()
    try:
        # The item records a mail it owes before the mail goes out: a crash or an SES failure in between leaves
        # the debt on record, paid by the next redelivery or by `python -m app.retry_mail`.
        stored, created, owed = store.put_new(body, mail_owed=lambda result: ses_handler.should_notify(result, cfg))
        owed = owed and ses_handler.should_notify(stored, cfg)
    except StoreUnavailable as exc:
        return _unavailable(exc)
    fields = {"bucket": stored["bucket"], "key": stored["key"], "result_id": stored["id"]}
    if created:
        get_state().metrics.inc("stored")
        log.info("result stored", extra={**fields, "status": 201, "counts": stored["counts"],
                                         "truncated": stored.get("truncated", False)})
    else:
        get_state().metrics.inc("duplicates")
        log.info("result already stored", extra={**fields, "status": 200, "mail_owed": owed})
    if owed:
        _send_mail(store, stored, cfg)
    if not created:
        return jsonify(stored), 200
    return jsonify(stored), 201, {"Location": f"/results/{stored['id']}"}


def _send_mail(store: ResultStore, stored: dict, cfg: Config) -> None:
    sent = ses_handler.notify(stored, cfg, get_state().client("ses"))
    get_state().metrics.inc("mails_sent" if sent else "mails_failed")
    if sent:
        try:
            store.mail_sent(stored["id"])
        except StoreUnavailable as exc:  # the mark stays: at worst this mail goes out once more later
            log.warning("mail sent but still marked owed", extra={"result_id": stored["id"], "reason": str(exc)})


def _parse_since(text: str) -> datetime:
    """An RFC 3339 / ISO 8601 time; without an offset, UTC. Raises ValueError."""
    text = text.strip()
    if len(text) > 10 and text[10] in "t ":
        text = f"{text[:10]}T{text[11:]}"   # RFC 3339 allows a lower-case t (and a space, by its note)
    if text[-1:] in "zZ":
        text = text[:-1] + "+00:00"
    leap = len(text) >= 19 and text[17:19] == "60"    # a leap second: the moment just before it will do
    if leap:
        text = f"{text[:17]}59{text[19:]}"
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _listing_args(args, times: tuple[str, ...]) -> tuple[int, str | None, dict, list[dict]]:
    """limit, min_level and the named times of a listing query: (limit, min_level, {name: datetime}, problems)."""
    problems = []
    limit = args.get("limit", str(DEFAULT_LIMIT))
    limit_ok = limit.isascii() and limit.isdigit() and 1 <= int(limit) <= MAX_LIMIT
    if not limit_ok:
        problems.append({"path": "limit", "message": f"must be an integer from 1 to {MAX_LIMIT}"})
    min_level = args["min_level"].upper() if "min_level" in args else None
    if min_level is not None and min_level not in LEVEL_ATTRIBUTES:
        problems.append({"path": "min_level", "message": f"must be one of {', '.join(LEVEL_ATTRIBUTES)}"})
    moments = {}
    for name in times:
        if name in args:  # given empty: not a time either
            try:  # in UTC now: an offset that leaves years 1..9999 is an error here, not in the store
                moments[name] = _parse_since(args[name]).astimezone(timezone.utc)
            except (ValueError, OverflowError):
                problems.append({"path": name, "message": "must be an ISO-8601 timestamp"})
    return (int(limit) if limit_ok else 0), min_level, moments, problems


@bp.get("/results")
@requires("read")
def list_results():
    args = request.args
    problems = []
    if "key" in args and not args["key"]:
        problems.append({"path": "key", "message": "must not be empty"})
    limit, min_level, moments, more = _listing_args(args, ("since",))
    problems += more
    since = moments.get("since")
    if problems:  # checked whether or not `key` makes the filters moot: a malformed request is refused as such
        return error_response(400, "invalid query", problems)
    try:
        if "key" in args:
            return jsonify({"items": _store().by_key(args["key"], args.get("bucket") or None)})
        items, cursor = _store().list(limit, args.get("cursor") or None, args.get("prefix") or None,
                                      since, min_level)
    except BadCursor as exc:  # any string is a cursor to the document; one this listing never gave names no page
        return error_response(404, "no such page", [{"path": "cursor", "message": str(exc)}])
    except StoreUnavailable as exc:
        return _unavailable(exc)
    return jsonify({"items": items, "cursor": cursor})


@bp.get("/results/<rid>")
@requires("read")
def get_result(rid: str):
    try:
        result = _store().get(rid)
    except StoreUnavailable as exc:
        return _unavailable(exc)
    if result is None:
        return error_response(404, "result not found", [{"path": "id", "message": f"no result with id {rid}"}])
    return jsonify(result)


@bp.get("/groups")
@requires("read")
def list_groups():
    """{"items": [group, ...], "cursor": ...}: most recently seen first (ResultStore.list_groups)."""
    limit, min_level, moments, problems = _listing_args(request.args, ("since", "new_since"))
    if problems:
        return error_response(400, "invalid query", problems)
    try:
        items, cursor = _store().list_groups(limit, request.args.get("cursor") or None, moments.get("since"),
                                             min_level, moments.get("new_since"))
    except BadCursor as exc:
        return error_response(404, "no such page", [{"path": "cursor", "message": str(exc)}])
    except StoreUnavailable as exc:
        return _unavailable(exc)
    return jsonify({"items": items, "cursor": cursor})


@bp.get("/groups/<gid>")
@requires("read")
def get_group(gid: str):
    """The group plus its newest results (at most MAX_GROUP_RESULTS), or 404."""
    try:
        group = _store().get_group(gid)
    except StoreUnavailable as exc:
        return _unavailable(exc)
    if group is None:
        return error_response(404, "group not found", [{"path": "id", "message": f"no group with id {gid[:300]}"}])
    return jsonify(group)


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    ok, detail = _store().ready()
    if not ok:
        return error_response(503, "not ready", [detail])
    return jsonify({"status": "ready"})


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(current_app.config["MAX_CONTENT_LENGTH"], MAX_LIMIT,
                                    get_state().config.public_read, MAX_GROUP_RESULTS))


@bp.get("/metrics")
def metrics():
    return get_state().metrics.render(), 200, {"Content-Type": CONTENT_TYPE_LATEST}


def create_app(config: Config | None = None) -> Flask:
    """The storage app; ``config`` defaults to Config.from_env() (which raises a ValueError naming a missing or
    unusable variable: the process then fails at start)."""
    config = config or Config.from_env()
    configure_logging(config.log_level)
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.extensions["storage"] = StorageState(config)
    BearerAuth({"write": config.write_tokens, "read": config.read_tokens},
               public=frozenset({"read"}) if config.public_read else frozenset()).install(app)
    app.register_blueprint(bp)
    from .ui import bp as ui_bp  # here, not at the top: the web view imports get_state from this module
    app.register_blueprint(ui_bp)
    register_error_handlers(app, log)
    return app
