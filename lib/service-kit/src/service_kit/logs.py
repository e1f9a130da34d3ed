"""JSON log lines on stderr, so log shippers need no parsing rules for our own logs."""
from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter


def configure_logging(level: str = "INFO") -> None:
    """Root logger: one JSON object a line on stderr (``asctime``, ``levelname``, ``name``, ``message`` and any
    ``extra`` fields). Replaces handlers configured before (gunicorn's, a test's)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
