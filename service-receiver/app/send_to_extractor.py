"""POST one object to the extractor and classify the answer."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import requests
from service_kit.auth import authorization_header

CONNECT_TIMEOUT_SECONDS = 5.0
OK, PERMANENT, RETRY = "ok", "permanent", "retry"
# 4xx that mean "try again later" rather than "this request can never succeed".
RETRYABLE_4XX = {408, 425, 429}


@dataclass(frozen=True)
class Outcome:
    kind: str  # OK | PERMANENT | RETRY
    status: int | None = None  # HTTP status, None when no answer arrived
    error: str | None = None
    retry_after: float | None = None  # seconds, from a Retry-After header of a RETRY answer

    @property
    def ok(self) -> bool:
        return self.kind == OK


def classify(status: int) -> str:
    if 200 <= status < 300:
        return OK
    if 400 <= status < 500 and status not in RETRYABLE_4XX:
        return PERMANENT
    return RETRY


def _error_text(response: requests.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500] or response.reason
    if isinstance(body, dict) and body.get("error"):
        details = body.get("details")
        return f"{body['error']}: {details}" if details else str(body["error"])
    return response.reason


def extract_request(message: dict[str, Any]) -> dict[str, Any]:
    """Body of POST /extract: bucket, key and the version identifiers that are known."""
    payload = {name: message.get(name) for name in ("bucket", "key", "etag", "version_id")}
    return {name: value for name, value in payload.items() if value is not None}


def send_to_extractor(
    session: requests.Session, extractor_url: str, message: dict[str, Any], read_timeout: float, token: str = ""
) -> Outcome:
    """POST /extract for one object, with ``Authorization: Bearer <token>`` (EXTRACTOR_TOKEN) when a token is
    given. A 401/403 (wrong token, bucket not allowed) is PERMANENT: the message is left for the DLQ."""
    try:
        response = session.post(
            f"{extractor_url}/extract",
            json=extract_request(message),
            timeout=(CONNECT_TIMEOUT_SECONDS, read_timeout),
            headers=authorization_header(token) if token else None,
        )
    except requests.Timeout as exc:
        return Outcome(RETRY, None, f"timeout: {exc}")
    except requests.RequestException as exc:  # connection refused, reset, DNS, ...
        return Outcome(RETRY, None, f"{type(exc).__name__}: {exc}")
    with response:
        kind = classify(response.status_code)
        if kind == OK:
            return Outcome(kind, response.status_code)
        return Outcome(kind, response.status_code, _error_text(response),
                       _retry_after(response) if kind == RETRY else None)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None  # the HTTP-date form is not used by our services


class ExtractorClient:
    """Callable used by the consumer's worker threads; a pooled session per thread (Session is not thread-safe)."""

    def __init__(self, extractor_url: str, read_timeout: float, session: requests.Session | None = None,
                 token: str = ""):
        self.extractor_url = extractor_url.rstrip("/")
        self.read_timeout = read_timeout
        self._token = token
        self._shared = session  # tests may pass one
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        if self._shared is not None:
            return self._shared
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def __call__(self, message: dict[str, Any]) -> Outcome:
        return send_to_extractor(self.session, self.extractor_url, message, self.read_timeout, self._token)
