"""Keeps a message invisible while its objects are being summarised, however long that takes.

The queue's visibility timeout (terraform sizes it for the largest expected object) then need not be right
about the slowest extraction: an object that takes longer is still never handed to a second receiver halfway
through, since every `extension / 3` seconds the message's visibility is set to `extension` seconds from now,
until the work is done.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)


class VisibilityHeartbeat:
    """Context manager: extends one message's visibility from a background thread until exit."""

    def __init__(self, sqs: Any, queue_url: str, receipt_handle: str, extension: int,
                 on_extend: Callable[[], None] = lambda: None, log_fields: dict[str, Any] | None = None):
        self._sqs, self._queue_url, self._receipt_handle = sqs, queue_url, receipt_handle
        self._extension = extension
        self._on_extend = on_extend
        self._log_fields = log_fields or {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="visibility-heartbeat", daemon=True)

    def __enter__(self) -> VisibilityHeartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()  # no extension may race the delete that follows

    def _run(self) -> None:
        while not self._stop.wait(self._extension / 3):
            try:
                self._sqs.change_message_visibility(
                    QueueUrl=self._queue_url, ReceiptHandle=self._receipt_handle, VisibilityTimeout=self._extension)
            except Exception as exc:  # e.g. past SQS's 12-hour limit: the message may come back; storage dedups
                logger.warning("could not extend visibility", extra={**self._log_fields, "error": str(exc)})
            else:
                self._on_extend()
