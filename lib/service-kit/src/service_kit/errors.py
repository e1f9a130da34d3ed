"""JSON errors: every 4xx/5xx a service answers is ``{"error": <message>, "details": [...]}``."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException


def error_response(status: int, message: str, details: list[Any] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """A JSON error response: ``message`` names the problem, ``details`` lists its particulars (fields, ids)."""
    resp = jsonify({"error": message, "details": details or []})
    resp.status_code = status
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


def register_error_handlers(app: Flask, log: logging.Logger) -> None:
    """Werkzeug's HTTP errors (404, 405, 413, ...) as JSON, keeping the headers they carry (``Allow`` on a 405,
    ``Retry-After``, ``WWW-Authenticate``); any other exception as a logged 500 that names only its type."""

    def http_error(exc: HTTPException) -> Response:
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return error_response(exc.code or 500, exc.description or exc.name, headers=headers)

    def unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "internal error", [exc.__class__.__name__])

    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected)
