"""Extractor configuration, read from the environment when the app is built (never at import)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    """Settings of the extractor.

    STORAGE_URL              base URL of the result-storage service (default http://127.0.0.1:8082)
    STORAGE_TIMEOUT_SECONDS  read timeout of the POST to storage (default 30)
    S3_CONNECT_TIMEOUT_SECONDS  connect timeout of S3 calls (default 5)
    S3_READ_TIMEOUT_SECONDS  longest wait for the next bytes of an object (default 60); S3 errors that last are
                             answered 503, so the receiver retries later
    LOG_LEVEL                logging level (default INFO)
    """

    storage_url: str = "http://127.0.0.1:8082"
    storage_timeout: float = 30.0
    s3_connect_timeout: float = 5.0
    s3_read_timeout: float = 60.0
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Config":
        env = os.environ if environ is None else environ
        return cls(
            storage_url=env.get("STORAGE_URL", cls.storage_url).rstrip("/"),
            storage_timeout=float(env.get("STORAGE_TIMEOUT_SECONDS", cls.storage_timeout)),
            s3_connect_timeout=float(env.get("S3_CONNECT_TIMEOUT_SECONDS", cls.s3_connect_timeout)),
            s3_read_timeout=float(env.get("S3_READ_TIMEOUT_SECONDS", cls.s3_read_timeout)),
            log_level=env.get("LOG_LEVEL", cls.log_level).upper(),
        )
