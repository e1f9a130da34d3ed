"""Storage configuration, read from the environment when the app is built (never at import)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    """Settings of the result-storage service.

    RESULTS_TABLE     DynamoDB table name (default log-analysis-results)
    RESULT_TTL_DAYS   days until a stored result expires via DynamoDB TTL; 0 = never (default 0)
    SES_SENDER        verified SES sender address; unset = no mail (default unset)
    SES_RECIPIENTS    comma-separated recipient addresses; empty = no mail (default empty)
    SES_MIN_ERRORS    mail when FATAL + ERROR >= this (default 1)
    LOG_LEVEL         logging level (default INFO)
    max_body_bytes    largest accepted POST body, not read from the environment (1 MiB)
    """

    results_table: str = "log-analysis-results"
    result_ttl_days: int = 0
    ses_sender: str | None = None
    ses_recipients: tuple[str, ...] = ()
    ses_min_errors: int = 1
    log_level: str = "INFO"
    max_body_bytes: int = 1024 * 1024

    @property
    def mail_enabled(self) -> bool:
        return bool(self.ses_sender and self.ses_recipients)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Config":
        env = os.environ if environ is None else environ
        ttl_days = int(env.get("RESULT_TTL_DAYS", cls.result_ttl_days))
        min_errors = int(env.get("SES_MIN_ERRORS", cls.ses_min_errors))
        if ttl_days < 0 or min_errors < 0:
            raise ValueError("RESULT_TTL_DAYS and SES_MIN_ERRORS must be >= 0")
        recipients = tuple(r.strip() for r in env.get("SES_RECIPIENTS", "").split(",") if r.strip())
        return cls(
            results_table=env.get("RESULTS_TABLE", cls.results_table),
            result_ttl_days=ttl_days,
            ses_sender=env.get("SES_SENDER", "").strip() or None,
            ses_recipients=recipients,
            ses_min_errors=min_errors,
            log_level=env.get("LOG_LEVEL", cls.log_level).upper(),
        )
